"""客户列表 page: scoped list, registration, card drill-through, recycle bin, module tabs."""

from datetime import datetime

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.services.core.uow import UnitOfWork
from app.services.customers import card, search, updates
from app.services.customers.card import get_customer
from app.services.customers.recycle_bin import delete_customer
from app.services.customers.search import list_customer_ids
from app.ui.context import AppContext
from app.ui.customers.customer_page import CustomerPage
from app.ui.customers.list_page import CustomerListPage
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register
from tests.ui.conftest import COMPANY, list_names, screenshot, show_page


@pytest.fixture
def world(sqlite_db, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    register(w, w.rep1, phone="0951-5012345")
    register(w, w.rep1, "银川枸杞贸易有限公司", phone="0951-6012345")
    register(w, w.rep2, "吴忠滩羊肉业有限公司")
    register(w, w.rep3, "中卫硒砂瓜合作社")
    return w


def page_for(qtbot, world, actor) -> CustomerListPage:
    return show_page(qtbot, CustomerListPage, world.db, actor, (1200, 600))


def names(page) -> list[str]:
    return list_names(page)


def test_rep_sees_only_own_customers(qtbot, world):
    page = page_for(qtbot, world, world.rep1)
    assert names(page) == sorted([NXH, "银川枸杞贸易有限公司"])
    assert not page.bin_button.isVisible() and page.register_button.isVisible()
    page.list.search.setText("吴忠")  # rep2's customer: not found by a rep1 search
    page.list.reload()
    assert names(page) == []
    page.list.search.setText("宁夏红")
    page.list.reload()
    assert names(page) == [NXH]


def test_sales_admin_sees_all_and_screenshot(qtbot, world):
    page = page_for(qtbot, world, world.sales_admin)
    assert len(names(page)) == 4
    assert page.bin_button.isVisible()
    screenshot(page, "customer_list_page")


def test_double_click_opens_the_card(qtbot, world):
    page = page_for(qtbot, world, world.rep1)
    model = page.list.model
    row = [r for r in range(model.rowCount()) if NXH in str(model.data(model.index(r, 1)))]
    page.list._double_clicked(model.index(row[0] if row else 0, 0))
    card = next(iter(page.cards.values()))
    assert card.isVisible() and card.card.owner_name == "张三"
    assert page.open_customer(card.customer_id) is card  # the same card comes forward


def test_card_for_an_invisible_customer_is_refused(qtbot, world, message_boxes):
    other = list_customer_ids(UnitOfWork(world.db, world.rep3))[0]
    page = page_for(qtbot, world, world.rep1)
    assert page.open_customer(other) is None
    assert "无权查看" in message_boxes[-1][2]


def test_register_from_the_page(qtbot, world, message_boxes):
    page = page_for(qtbot, world, world.rep1)
    dialog = page.register()
    dialog.form.widgets["name"].setText("石嘴山煤机厂")
    dialog.form.widgets["source_id"].set_current_id(world.source_id)
    dialog.form.widgets["first_contact_at"].setText(f"{datetime.now():%Y-%m-%d %H:%M}")
    dialog.accept()
    assert message_boxes[-1][1] == "登记成功" and "客户编号" in message_boxes[-1][2]
    assert "石嘴山煤机厂" in names(page)
    assert any(c.card.form.name == "石嘴山煤机厂" for c in page.cards.values())


def test_recycle_bin_restore(qtbot, world):
    ids = list_customer_ids(UnitOfWork(world.db, world.sales_admin))
    victim = get_customer(UnitOfWork(world.db, world.sales_admin), ids[0])
    delete_customer(UnitOfWork(world.db, world.sales_admin), victim.id, victim.version)
    page = page_for(qtbot, world, world.sales_admin)
    assert len(names(page)) == 3
    dialog = page.recycle_bin()
    qtbot.addWidget(dialog)
    model = dialog.list_view.model
    assert model.rowCount() == 1
    assert model.index(0, model.keys.index("name")).data() == victim.form.name
    dialog.table.selectRow(0)
    dialog.restore_selected()
    assert model.rowCount() == 0
    assert len(names(page)) == 4


def test_batch_delete_refuses_rows_changed_since_the_list_read_them(
    qtbot, world, message_boxes, monkeypatch
):
    page = page_for(qtbot, world, world.sales_admin)
    assert len(names(page)) == 4  # the rows (and their versions) are read
    model = page.list.model
    changed = model.id_at(0)
    shown = card.get_customer(UnitOfWork(world.db, world.admin), changed)
    updates.update_customer(UnitOfWork(world.db, world.admin), changed, shown.version,
                              {"remarks": "别人刚改过"})  # fmt: skip
    delete = next(a for a in page.list.source.batch_actions if a.key == "delete")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.list.run_batch(delete)  # nothing selected: every row of the list
    assert message_boxes[-1][0] == "warning" and "已被其他用户修改" in message_boxes[-1][2]
    assert len(search.list_customer_ids(UnitOfWork(world.db, world.admin))) == 4
    page.list.reload()  # read again: the same batch goes through
    page.list.run_batch(delete)
    assert message_boxes[-1][2].startswith("已处理 4 条")
    assert names(page) == []


def test_customer_page_tabs(qtbot, world):
    page = CustomerPage(AppContext(world.db, world.sales_admin), COMPANY)
    qtbot.addWidget(page)
    tabs = [page.tabText(i) for i in range(page.count())]
    assert tabs == ["客户列表", "通讯录", "跟进记录", "成交记录", "审批", "客户合并"]
    rep = CustomerPage(AppContext(world.db, world.rep1), COMPANY)
    qtbot.addWidget(rep)
    assert rep.tabText(rep.count() - 1) == "审批"  # a rep proposes merges, has no 客户合并


def test_print_card_of_the_selected_customer(qtbot, world, monkeypatch, tmp_path):
    import subprocess

    from PySide6.QtPrintSupport import QPrinter

    from app.ui.customers import card_print

    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    page = page_for(qtbot, world, world.sales_admin)
    assert page.print_card() is None and "请先" in shown[-1]
    page.list.table.selectRow(0)
    preview = page.print_card()
    qtbot.addWidget(preview)
    # The same painter to a PDF: the card of the selected customer, with the company name.
    card = get_customer(UnitOfWork(world.db, world.sales_admin), page.list.selected_ids()[0])
    printer = card_print.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "card.pdf"))
    card_print.paint_card(printer, card, COMPANY)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "card.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "客户档案" in text and COMPANY in text and card.number in text
    preview.close()


def test_an_empty_list_says_what_to_do(qtbot, world):
    """A rep without customers is offered 登记 and the pool; a search that finds nothing
    offers the way back to every record."""
    from app.models import Role
    from tests.services.helpers import add_user, login

    add_user(world.db, world.admin, "rep9", Role.SALES_REP, full_name="新人")
    page = page_for(qtbot, world, login(world.db, "rep9"))  # owns no customer yet
    qtbot.waitUntil(lambda: page.list.model.complete)
    hint = page.list.empty_hint
    assert hint.isVisible() and "您名下还没有客户" in hint.label.text()
    assert hint.button_texts() == ["登记新客户…", "从 Excel 导入…", "到公海领取…"]
    screenshot(page, "customer_list_empty")
    seen = []
    page.go_to_pool.connect(lambda: seen.append(True))
    hint._actions[2].click()
    assert seen == [True]

    mine = page_for(qtbot, world, world.rep1)
    mine.list.search.setText("没有这个客户")
    mine.list.reload()
    qtbot.waitUntil(lambda: mine.list.model.complete)
    assert mine.list.empty_hint.label.text() == "没有符合条件的记录。"
    mine.list.empty_hint._actions[0].click()
    qtbot.waitUntil(lambda: mine.list.model.rowCount() > 0)
    assert not mine.list.empty_hint.isVisible() and mine.list.search.text() == ""


def test_reclaim_and_protect_from_the_list(qtbot, world, monkeypatch, message_boxes):
    """收回公海 needs a reason; 保护 exempts from the sweep — both on the selected rows."""
    from app.models import Customer
    from app.ui.customers.ownership_actions import ReclaimDialog

    page = page_for(qtbot, world, world.manager)
    qtbot.waitUntil(lambda: page.list.model.complete)
    assert page.reclaim_button.isVisible() and page.protect_button.isVisible()
    names = list_names(page)
    view = page.list
    col = view.model.keys.index("name")

    def pick(name):
        qtbot.waitUntil(lambda: view.model.complete)
        row = next(r for r in range(view.model.rowCount())
                   if view.model.data(view.model.index(r, col)) == name)  # fmt: skip
        view.table.selectRow(row)

    pick("银川枸杞贸易有限公司")

    def fill(dialog):
        dialog.accept()  # no reason: refused at the field
        assert "回收原因" in dialog.errors.error_for("reason")
        dialog.reason.setPlainText("客户长期无人维护，收回重新分配")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ReclaimDialog, "exec", fill, raising=False)
    changed = []
    page.customers_changed.connect(lambda: changed.append(True))
    page.reclaim()
    assert message_boxes[-1][2] == "已将 1 个客户收回公海。" and changed == [True]
    assert (
        "银川枸杞贸易有限公司" not in list_names(page) and len(list_names(page)) == len(names) - 1
    )
    pick(NXH)
    page.protect(True)
    assert message_boxes[-1][2] == "已保护 1 个客户。"
    with UnitOfWork(world.db, world.admin, write=False) as uow:
        protected = uow.session.scalars(
            select(Customer.name).where(Customer.is_protected.is_(True))
        ).all()
    assert protected == [NXH]
    assert not page_for(qtbot, world, world.rep1).reclaim_button.isVisible()
