"""Shared builders for the 客户回访 UI tests (no tests here): a company with every role,
customers of rep1/rep3, and the workflow driven through app.services.visits.workflow."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app.services.admin import code_tables
from app.services.core.uow import UnitOfWork
from app.services.customers.forms import ContactForm
from app.services.visits import workflow as visits
from app.services.visits.workflow import PlanForm, RecordForm
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register

YC = "银川回访测试有限公司"
ZW = "中卫回访测试有限公司"


@pytest.fixture
def vw(sqlite_db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    with UnitOfWork(sqlite_db, w.admin) as uow:
        w.grade_a = code_tables.find_item(uow, "grade", "A")
        w.grade_b = code_tables.find_item(uow, "grade", "B")
        w.walk = code_tables.find_item(uow, "visit_method", "2")  # 走访
        w.archive_cat = code_tables.find_item(uow, "visit_archive", "2")  # 售后服务
    w.c1 = register(
        w, w.rep1, NXH, grade_id=w.grade_a, phone="0951-5012345", address="银川市金凤区",
        contacts=[ContactForm(name="刘经理", mobile="13909511234")],
    ).customer_id  # fmt: skip
    w.c2 = register(w, w.rep1, YC, grade_id=w.grade_b).customer_id
    w.c3 = register(w, w.rep3, ZW, grade_id=w.grade_a).customer_id
    fake_clock.advance(days=1)
    w.clock = fake_clock
    return w


def uow(w, actor) -> UnitOfWork:
    return UnitOfWork(w.db, actor)


def today(w):
    return w.clock().date()


def make_plan(w, actor, customer_id, purpose="了解枸杞原浆灌装线使用情况", **kw) -> int:
    start = today(w)
    kw.setdefault("method_id", w.walk)
    kw.setdefault("content", "检查设备运行，收集售后意见")
    form = PlanForm(customer_id, start, start + timedelta(days=5), purpose, **kw)
    return visits.create_plan(uow(w, actor), form)


def make_record(w, actor, plan_id, needs="明年增加原浆采购", **kw) -> int:
    kw.setdefault("satisfaction", 4)
    kw.setdefault("service_opinion", "维修响应及时")
    at = w.clock().replace(second=0, microsecond=0) - timedelta(hours=1)
    return visits.add_record(uow(w, actor), plan_id, RecordForm(at, needs=needs, **kw))


def make_report(w, actor, record_ids, title="三月客户回访报告") -> int:
    return visits.create_report(
        uow(w, actor), title, list(record_ids), "客户总体满意，需加快配件供应。", "建立配件库存"
    )


def version(w, actor, entity: str, record_id: int) -> int:
    reader = {
        "plan": visits.plan_detail,
        "record": visits.record_detail,
        "report": visits.report_detail,
    }[entity]
    return reader(UnitOfWork(w.db, actor, write=False), record_id).version


def full_chain(w) -> dict:
    """Plan → appointment → record → report → review (approve) → archive, all by service."""
    plan = make_plan(w, w.rep1, w.c1)
    at = datetime.combine(today(w) + timedelta(days=1), datetime.min.time()).replace(hour=10)
    visits.appoint(
        uow(w, w.rep1), plan, at, "客户会议室", "刘经理接待", version(w, w.rep1, "plan", plan)
    )
    w.clock.advance(days=2)
    record = make_record(w, w.rep1, plan, problems="配件到货慢", actions="两周内补发配件")
    report = make_report(w, w.rep1, [record])
    visits.submit_report(uow(w, w.rep1), report, w.manager.id, version(w, w.rep1, "report", report))
    visits.review_report(
        uow(w, w.manager), report, True, "同意，请售后部跟进配件。",
        version(w, w.manager, "report", report),
    )  # fmt: skip
    visits.archive_report(
        uow(w, w.clerk), report, w.archive_cat, "三月回访", version(w, w.clerk, "report", report)
    )
    return {"plan": plan, "record": record, "report": report}


# --- PDF checks --------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    """pdftotext without whitespace: it spaces words it measures apart, and a value
    wrapped in its cell comes out on several lines."""
    out = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    )
    return "".join(out.stdout.split())


def assert_pdf_has(path: Path, *expected: str) -> str:
    text = pdf_text(path)
    for item in expected:
        assert "".join(item.split()) in text, item
    return text


def assert_renders(path: Path, tmp_path: Path, landscape: bool = False) -> QImage:
    prefix = tmp_path / f"{path.stem}-page"
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(path), str(prefix)], check=True
    )
    pngs = sorted(tmp_path.glob(f"{path.stem}-page*.png"))
    assert pngs, "pdftoppm produced no page"
    image = QImage(str(pngs[0]))
    long_side, short_side = 585, 413  # A4 at 50 dpi
    w, h = (long_side, short_side) if landscape else (short_side, long_side)
    assert abs(image.width() - w) < 20 and abs(image.height() - h) < 20
    dark = sum(
        1
        for y in range(0, image.height(), 3)
        for x in range(0, image.width(), 3)
        if image.pixelColor(x, y).lightness() < 128
    )
    assert dark > 100, "the rendered page is (almost) blank"
    return image
