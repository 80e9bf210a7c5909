"""《客户等级分类表》 page: the sales admin opens and fills the quarter's sheet, submits it; the
manager approves; the 结算经理 (named in settings) files it — each through the page's
buttons; the filed sheet prints (PDF read back) and exports to Excel; the reminder opens it."""

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QMessageBox

from app.models import Customer
from app.services.core import settings
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import DealForm
from app.services.reminders.engine import Target
from app.ui.context import AppContext
from app.ui.forms.paper_form import save_pdf
from app.ui.policy.class_sheet_dialogs import ReturnDialog, RowDialog
from app.ui.policy.class_sheets_page import ClassSheetsPage
from tests.services.customer_fixtures import fast_passwords, make_world, register
from tests.ui.conftest import COMPANY, screenshot
from tests.ui.test_paper_form import pdf_text

BIG, SMALL = "宁波大成电器有限公司", "杭州小本贸易有限公司"


@pytest.fixture
def world(sqlite_db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    w.big = register(w, w.rep1, BIG).customer_id
    w.small = register(w, w.rep3, SMALL).customer_id
    followups.add_deal(UnitOfWork(w.db, w.rep1), w.big, DealForm(product="风扇", amount="400000"))
    settings.update_settings(UnitOfWork(w.db, w.admin), {"class.settlement_managers": "chair"})
    return w


@pytest.fixture
def yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


def page_for(qtbot, w, actor) -> ClassSheetsPage:
    page = ClassSheetsPage(AppContext(w.db, actor), COMPANY)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    return page


def cells(view, key) -> list[str]:
    m = view.model
    col = m.keys.index(key)
    return [m.data(m.index(r, col)) for r in range(m.rowCount())]


def fake_exec(fill):
    def run(dialog):
        fill(dialog)
        dialog.accept()
        return dialog.result()

    return run


def select_row(page, name):
    page.rows.select_id(page.rows.model.ids[cells(page.rows, "customer").index(name)])


def grade(w, cid):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return uow.session.get(Customer, cid).class_reason


def test_the_cycle_through_the_page(qtbot, world, monkeypatch, message_boxes, yes, tmp_path):
    w = world
    page = page_for(qtbot, w, w.sales_admin)
    assert page.new_button.isVisible() and not page.bar_widget.isVisible()
    sid = page.new_sheet("")
    assert page.current.id == sid and page.current.title == "2026年第1季度"
    assert sorted(cells(page.rows, "customer")) == sorted([BIG, SMALL])
    assert dict(zip(cells(page.rows, "customer"), cells(page.rows, "proposed"), strict=True)) == {
        BIG: "B", SMALL: "C"}  # fmt: skip
    assert page.edit_button.isEnabled() and page.submit_button.isEnabled()
    assert not page.approve_button.isEnabled() and not page.check_button.isEnabled()

    def make_d(dialog):
        assert isinstance(dialog, RowDialog)
        dialog.grade.setCurrentIndex(dialog.grade.findData("D"))
        dialog.remark.setText("货款逾期")
        dialog.reason.setPlainText("拖欠货款 12 万元一年未付")
        screenshot(dialog, "class_sheet_row_dialog")

    monkeypatch.setattr(RowDialog, "exec", fake_exec(make_d), raising=False)
    select_row(page, SMALL)
    page.edit_row()
    assert dict(zip(cells(page.rows, "customer"), cells(page.rows, "proposed"), strict=True))[
        SMALL] == "D"  # fmt: skip
    screenshot(page, "class_sheet_filling")
    register(w, w.rep3, "温州新来电器有限公司")  # team 2's
    assert page.refresh()
    assert message_boxes[-1][2] == "已重新计算，表中共 3 个客户。"
    assert len(cells(page.rows, "customer")) == 3
    assert page.submit()
    assert message_boxes[-1][2] == "2026年第1季度客户等级分类表已提交。"
    assert not page.edit_button.isEnabled() and not page.submit_button.isEnabled()

    # The manager sees the team's rows only, approves once.
    boss = page_for(qtbot, w, w.manager)
    assert boss.show_sheet(sid)
    assert cells(boss.rows, "customer") == [BIG]
    assert "您可查看其中 1 个客户（全表共 3 个）" in boss.header.text()
    assert boss.approve_button.isEnabled() and boss.return_button.isEnabled()
    assert not boss.new_button.isVisible() and not boss.edit_button.isEnabled()
    assert boss.approve()
    assert not boss.approve_button.isEnabled()

    # The 结算经理 files it: classes applied, the sheet read-only.
    chair = page_for(qtbot, w, w.chairman)
    chair.show_sheet(sid)
    assert chair.check_button.isEnabled()
    assert chair.check()
    assert "2 个客户的类别已调整" in message_boxes[-1][2]  # the new one stays C
    assert "已复核备案" in chair.header.text() and "不随客户资料变化" in chair.header.text()
    assert "拖欠货款" in grade(w, w.small)
    assert not any(b.isEnabled() for b in (chair.check_button, chair.return_button,
                                           chair.edit_button))  # fmt: skip
    screenshot(chair, "class_sheet_filed")

    # Printed: the form's title, the period, a customer and the signatures (PDF read back).
    form = chair.sheet_form()
    pdf = tmp_path / "分类表.pdf"
    save_pdf(str(pdf), form)
    text = pdf_text(pdf)
    for expected in ("客户等级分类表", "2026年第1季度", BIG, SMALL, "结算经理复核", "董事长"):
        assert expected in text, expected
    preview = chair.print_sheet()
    assert preview is not None
    preview.close()

    # Excel through the list's export, read back.
    xlsx = tmp_path / "分类表.xlsx"
    task = chair.export(str(xlsx))
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    assert "已导出 3 行" in message_boxes[-1][2]
    rows = [[c.value for c in r] for r in load_workbook(xlsx).worksheets[0].iter_rows()]
    assert rows[0][1] == "客户名称" and {r[1] for r in rows[1:]} == {
        BIG,
        SMALL,
        "温州新来电器有限公司",
    }


def test_return_with_a_reason_and_the_reminder_opens_the_sheet(qtbot, world, monkeypatch, yes):
    w = world
    sid = page_for(qtbot, w, w.sales_admin).new_sheet("")
    page = page_for(qtbot, w, w.sales_admin)
    page.show_sheet(sid)
    assert page.submit()
    boss = page_for(qtbot, w, w.manager)
    boss.show_sheet(sid)

    def reason(dialog):
        dialog.reason.setPlainText("B 类客户的财务状况未核实")

    monkeypatch.setattr(ReturnDialog, "exec", fake_exec(reason), raising=False)
    boss.send_back()
    assert boss.current.status_label == "填写中" and not boss.approve_button.isEnabled()

    from app.ui.main_window import MainWindow
    from app.ui.pool.policy_sweeper import PolicySweeper

    monkeypatch.setattr(PolicySweeper, "start", lambda self: None)
    window = MainWindow(AppContext(w.db, w.sales_admin))
    qtbot.addWidget(window)
    window.open_target(Target("class_sheet", sid))
    sheets = window.policy_page.class_sheets
    assert window.policy_page.tabs.currentWidget() is sheets
    assert sheets.current.id == sid
    assert "财务状况未核实" in sheets.header.text() and sheets.submit_button.isEnabled()
    window.close()
