"""The 客户政策 page's 维护达标 tab (month selectable) and the 《客户维护表》 window: feedback,
a manager's 抽查 (no button for a rep), printed to PDF and exported to Excel."""

from __future__ import annotations

from datetime import date

import openpyxl

from app.services.admin import code_tables
from app.services.core import clock
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import DealForm, FollowUpForm
from app.ui.policy.maintenance_sheet_dialog import FeedbackDialog, SpotCheckDialog
from tests.services.customer_fixtures import NXH
from tests.ui.conftest import screenshot
from tests.ui.test_policy_pages import column, fake_exec, page_for, world  # noqa: F401
from tests.ui.test_visits_world import assert_pdf_has, assert_renders


def deliver(w, fake_clock):
    """A delivered product, and six days later the visit that answers its week's contact."""
    deal = followups.add_deal(UnitOfWork(w.db, w.rep1), w.nxh,
                              DealForm(product="枸杞烘干机", amount="60000", delivered=True))  # fmt: skip
    with UnitOfWork(w.db, w.admin) as uow:
        visit = code_tables.find_item(uow, "follow_method", "2")
    fake_clock.advance(days=6)
    followups.add_follow_up(UnitOfWork(w.db, w.rep1), w.nxh,
                            FollowUpForm(method_id=visit, content="上门查看烘干机安装"))  # fmt: skip
    return deal


def test_compliance_tab_counts_by_role_and_month(qtbot, world, fake_clock):  # noqa: F811
    w = world
    deliver(w, fake_clock)
    page = page_for(qtbot, w, w.manager)
    page.tabs.setCurrentWidget(page.compliance)
    view = page.compliance.list
    rows = dict(zip(column(view, "name"), column(view, "done_right"), strict=True))
    assert rows[NXH] == "1"  # the rep is the 市场部专员 of a C customer
    assert "只有应拜访人的拜访" in page.compliance.legend.text()
    assert page.tabs.tabText(page.tabs.indexOf(page.maintenance)) == "拜访次数统计"
    screenshot(page, "policy_maintenance_compliance")
    today = clock.now().date()
    page.compliance.set_month(date(today.year - 1, today.month, 1))
    rows = dict(zip(column(view, "name"), column(view, "done_right"), strict=True))
    assert rows[NXH] == "0"  # a year earlier: no visit


def test_sheet_window_pdf_and_excel(qtbot, world, monkeypatch, tmp_path, fake_clock):  # noqa: F811
    w = world
    deliver(w, fake_clock)
    rep_page = page_for(qtbot, w, w.rep1)
    rep_sheet = rep_page.open_sheet(w.nxh)
    qtbot.addWidget(rep_sheet)
    assert rep_sheet.contacts.rowCount() == 4 and rep_sheet.feedback_button.isVisible()
    assert not rep_sheet.check_button.isVisible()  # a rep cannot spot-check
    assert rep_page.open_sheet(w.yc) is None  # another rep's customer: refused

    rep_sheet.select_contact(0)

    def feedback(dialog):
        dialog.feedback.setPlainText("安装顺利，操作人员已培训")

    monkeypatch.setattr(FeedbackDialog, "exec", fake_exec(feedback), raising=False)
    assert rep_sheet.write_feedback()
    assert rep_sheet.contacts.item(0, 8).text() == "安装顺利，操作人员已培训"

    page = page_for(qtbot, w, w.manager)
    page.tabs.setCurrentWidget(page.compliance)
    page.compliance.list.select_id(w.nxh)
    shown = []
    page.compliance.open_sheet.connect(shown.append)
    page.compliance.show_sheet()
    assert shown == [w.nxh]
    sheet = page.open_sheet(w.nxh)
    qtbot.addWidget(sheet)
    assert sheet.check_button.isVisible()

    def fail_without_reason(dialog):
        dialog.failed.setChecked(True)

    monkeypatch.setattr(SpotCheckDialog, "exec", fake_exec(fail_without_reason), raising=False)
    assert not sheet.spot_check()  # refused: 不合格 needs a remark; nothing recorded
    assert sheet.checks.rowCount() == 0

    def passed(dialog):
        dialog.passed.setChecked(True)
        dialog.remark.setPlainText("一周回访已按时完成")

    monkeypatch.setattr(SpotCheckDialog, "exec", fake_exec(passed), raising=False)
    assert sheet.spot_check()
    assert [sheet.checks.item(0, c).text() for c in (1, 2, 3)] == [
        "赵主管",
        "合格",
        "一周回访已按时完成",
    ]
    sheet.resize(1100, 560)
    screenshot(sheet, "policy_maintenance_sheet")

    pdf = sheet.save_pdf(str(tmp_path / "维护表.pdf"))
    assert_pdf_has(pdf, "客户维护表", NXH, "枸杞烘干机", "交付后一周", "交付后一年",
                   "上门查看烘干机安装", "安装顺利，操作人员已培训", "市场部经理抽查", "赵主管",
                   "合格", "一周回访已按时完成")  # fmt: skip
    assert_renders(__import__("pathlib").Path(pdf), tmp_path, landscape=True)
    xlsx = sheet.export_excel(str(tmp_path / "维护表.xlsx"))
    cells = [c for row in openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True)
             for c in row if c]  # fmt: skip
    assert "安装顺利，操作人员已培训" in cells and "一周回访已按时完成" in cells


def test_the_card_opens_the_sheet(qtbot, world, fake_clock):  # noqa: F811
    w = world
    deliver(w, fake_clock)
    page = page_for(qtbot, w, w.rep1)
    card = page.open_customer(w.nxh)
    qtbot.addWidget(card)
    assert card.sheet_button.isVisible()
    sheet = card.show_maintenance_sheet()
    qtbot.addWidget(sheet)
    assert (
        sheet.contacts.rowCount() == 4 and sheet.contacts.item(0, 7).text() == "上门查看烘干机安装"
    )
