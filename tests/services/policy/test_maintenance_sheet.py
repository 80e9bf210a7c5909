"""《客户维护表》 (附表三): a delivered product's four after-sales contacts with what was done
and the feedback, and the 市场部经理's spot checks; who may see and write what."""

from datetime import date, timedelta

import openpyxl
import pytest

from app.services.admin import code_tables
from app.services.core import clock
from app.services.core.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import DealForm, FollowUpForm
from app.services.policy.maintenance_export import export_sheet
from app.services.policy.maintenance_sheet import (
    SpotCheckForm,
    maintenance_sheet,
    record_feedback,
    record_spot_check,
)
from tests.services.customer_fixtures import fast_passwords, make_world, register

NAME = "银川维护测试有限公司"


@pytest.fixture
def world(db, monkeypatch, fake_clock):  # the clock starts on Monday 2026-03-02
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.cid = register(w, w.rep1, NAME).customer_id
    deal = followups.add_deal(
        w.uow(w.rep1), w.cid, DealForm(product="灌装机", amount="80000", delivered=True)
    )
    w.delivered_on = clock.now().date()
    w.deal = deal
    return w


def sheet(w, actor):
    return maintenance_sheet(UnitOfWork(w.db, actor, write=False), w.cid)


def test_a_delivered_product_has_four_contacts(world, fake_clock):
    w = world
    s = sheet(w, w.rep1)
    assert s.customer_name == NAME and s.owner_name == "张三"
    on = w.delivered_on
    assert [(c.product, c.step, c.due_date, c.status) for c in s.contacts] == [
        ("灌装机", "交付后一周", on + timedelta(days=7), "待回访"),
        ("灌装机", "交付后一月", on + timedelta(days=30), "未到期"),
        ("灌装机", "交付后一季度", on + timedelta(days=91), "未到期"),
        ("灌装机", "交付后一年", on + timedelta(days=365), "未到期"),
    ]
    assert all(c.responsible == "张三" and c.done_at is None for c in s.contacts)
    # A week later the rep phones the customer: the week's contact is done, by him.
    fake_clock.advance(days=7)
    with UnitOfWork(w.db, w.admin) as uow:
        phone = code_tables.find_item(uow, "follow_method", "1")
    followups.add_follow_up(
        w.uow(w.rep1), w.cid, FollowUpForm(method_id=phone, content="询问灌装机使用情况")
    )
    week, month = sheet(w, w.rep1).contacts[:2]
    assert (week.status, week.done_by, week.method, week.what) == (
        "已完成", "张三", "电话", "询问灌装机使用情况",
    )  # fmt: skip
    assert week.done_at.date() == on + timedelta(days=7) and month.status == "未到期"
    fake_clock.advance(days=30)  # the month's contact is now overdue
    assert sheet(w, w.rep1).contacts[1].status == "已逾期"


def test_feedback_is_written_by_who_may_edit_the_customer(world):
    w = world
    first = sheet(w, w.rep1).contacts[0]
    record_feedback(w.uow(w.rep1), first.id, first.version, "  运行稳定，希望提供操作培训 ")
    row = sheet(w, w.rep1).contacts[0]
    assert row.feedback == "运行稳定，希望提供操作培训" and row.version == first.version + 1
    with pytest.raises(ConflictError):
        record_feedback(w.uow(w.rep1), first.id, first.version, "旧版本")
    with pytest.raises(ValidationError, match="请填写客户反馈"):
        record_feedback(w.uow(w.rep1), row.id, row.version, "  ")
    with pytest.raises(NotFound):  # another team's rep does not learn it exists
        record_feedback(w.uow(w.rep3), row.id, row.version, "外组")
    with pytest.raises(PermissionDenied):  # the chairman reads, does not write
        record_feedback(w.uow(w.chairman), row.id, row.version, "董事长")
    assert sheet(w, w.rep1).contacts[0].feedback == "运行稳定，希望提供操作培训"


def test_spot_checks_by_a_manager_only(world, fake_clock):
    w = world
    with pytest.raises(PermissionDenied, match="只有市场部经理"):
        record_spot_check(w.uow(w.rep1), w.cid, SpotCheckForm("pass"))
    with pytest.raises(PermissionDenied):
        record_spot_check(w.uow(w.chairman), w.cid, SpotCheckForm("pass"))
    with pytest.raises(ValidationError, match="合格或不合格"):
        record_spot_check(w.uow(w.manager), w.cid, SpotCheckForm("ok"))
    with pytest.raises(ValidationError, match="抽查意见"):  # 不合格 says why
        record_spot_check(w.uow(w.manager), w.cid, SpotCheckForm("fail"))
    assert sheet(w, w.manager).checks == []
    record_spot_check(w.uow(w.manager), w.cid, SpotCheckForm("fail", "一周回访未填写反馈"))
    fake_clock.advance(days=3)
    record_spot_check(w.uow(w.manager), w.cid, SpotCheckForm("pass"))
    checks = sheet(w, w.rep1).checks
    assert [(k.checked_by, k.verdict, k.remark) for k in checks] == [
        ("赵主管", "不合格", "一周回访未填写反馈"), ("赵主管", "合格", ""),
    ]  # fmt: skip
    assert checks[1].checked_at.date() == date(2026, 3, 5)
    assert sheet(w, w.manager).may_check and not sheet(w, w.rep1).may_check


def test_who_sees_the_sheet(world):
    w = world
    assert sheet(w, w.rep1).may_edit and not sheet(w, w.chairman).may_edit
    assert len(sheet(w, w.manager).contacts) == 4 and len(sheet(w, w.chairman).contacts) == 4
    for outsider in (w.rep2, w.rep3):  # another rep of the team, another team
        with pytest.raises(NotFound):
            sheet(w, outsider)
    with pytest.raises(NotFound):  # nor through the 查阅授权 of another rep
        from tests.services.customer_fixtures import grant_read_access

        grant_read_access(w, w.rep2, w.cid)
        sheet(w, w.rep2)


def test_export_writes_the_form(world, tmp_path):
    w = world
    first = sheet(w, w.rep1).contacts[0]
    record_feedback(w.uow(w.rep1), first.id, first.version, '=HYPERLINK("x")')
    record_spot_check(w.uow(w.manager), w.cid, SpotCheckForm("pass", "记录完整"))
    path = export_sheet(sheet(w, w.rep1), tmp_path / "维护表.xlsx")
    ws = openpyxl.load_workbook(path).active
    values = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    assert values[0] == ["《客户维护表》"]
    assert ["客户编号", sheet(w, w.rep1).customer_number, "客户名称", NAME, "类别", "C"] in values
    assert any(r[:3] == ["灌装机", f"{w.delivered_on:%Y-%m-%d}", "交付后一周"] for r in values)
    assert any(r and r[-1] == '=HYPERLINK("x")' for r in values)  # text, not a formula
    assert any(r[1:] == ["赵主管", "合格", "记录完整"] for r in values)


def test_the_migration_links_existing_delivery_tasks(world):
    """Delivery tasks made before 0018 name their deal only in the title: the migration
    ties each to the deal whose delivery date plus the step is its due date."""
    import importlib.util
    from pathlib import Path

    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from sqlalchemy import delete, select

    import app.migrations
    from app.models import AfterSalesContact

    w = world
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        before = sorted(uow.session.execute(
            select(AfterSalesContact.deal_id, AfterSalesContact.work_plan_id,
                   AfterSalesContact.step_days)
        ).tuples().all())  # fmt: skip
    assert len(before) == 4 and {r[0] for r in before} == {w.deal}
    path = Path(app.migrations.__file__).parent / "versions" / "0018_maintenance.py"
    spec = importlib.util.spec_from_file_location("m0018", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with w.db.engine.begin() as conn:
        conn.execute(delete(AfterSalesContact.__table__))
        with Operations.context(MigrationContext.configure(conn)):
            module._link_existing_tasks()
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        after = sorted(uow.session.execute(
            select(AfterSalesContact.deal_id, AfterSalesContact.work_plan_id,
                   AfterSalesContact.step_days)
        ).tuples().all())  # fmt: skip
    assert after == before
