"""转让申请 on screen (二.2): the rep asks from the customer list, the receiving rep agrees
in 审批 → 转让申请, the 市场总监 executes there."""

import pytest
from PySide6.QtCore import Qt

from app.models import Role
from app.services.admin import auth, code_tables, users
from app.services.core import clock, settings
from app.services.core.uow import UnitOfWork
from app.services.customers.card import get_customer
from app.services.customers.forms import CustomerForm
from app.services.customers.registration import register_customer
from app.ui.contacts.approvals_page import ApprovalsPage
from app.ui.context import AppContext
from app.ui.customers.list_page import CustomerListPage
from tests.ui.conftest import PASSWORD, add_user, screenshot

NXH = "宁夏红枸杞产业集团有限公司"


@pytest.fixture
def office(admin_ctx):
    db = admin_ctx.db
    team = users.create_team(admin_ctx.write_uow(), "一组")
    for username, name, role in (("boss", "赵总监", Role.MANAGER), ("rep1", "张三", Role.SALES_REP),
                                 ("rep2", "李四", Role.SALES_REP)):  # fmt: skip
        add_user(admin_ctx, username, name, role, team)
    settings.update_settings(admin_ctx.write_uow(), {"pool.market_directors": "boss"})
    actors = {u: auth.login(UnitOfWork(db, None), u, PASSWORD) for u in ("boss", "rep1", "rep2")}
    with UnitOfWork(db, admin_ctx.actor) as uow:
        expo = code_tables.find_item(uow, "source", "04")
    form = CustomerForm(first_contact_at=clock.now(), name=NXH, phone="0951-5012345",
                        source_id=expo)  # fmt: skip
    cid = register_customer(UnitOfWork(db, actors["rep1"]), form).customer_id
    return db, actors, cid


def page_for(qtbot, db, actor) -> ApprovalsPage:
    page = ApprovalsPage(AppContext(db, actor))
    qtbot.addWidget(page)
    page.resize(1000, 560)
    page.show()
    page.setCurrentWidget(page.transfers_panel)
    return page


def test_request_agree_execute(qtbot, office, monkeypatch):
    db, a, cid = office
    told = []
    for module in ("app.ui.customers.list_page", "app.ui.contacts.transfer_requests_panel"):
        monkeypatch.setattr(f"{module}.QMessageBox.information", lambda *a: told.append(a[2]))
    customers = CustomerListPage(AppContext(db, a["rep1"]))
    qtbot.addWidget(customers)
    customers.show()
    assert customers.transfer_button.isVisible()
    customers.list.select_id(cid)
    dialog = customers.request_transfer()
    dialog.reason.setPlainText("区域调整")
    dialog.accept()  # no receiver chosen: a Chinese message, the dialog stays
    assert dialog.isVisible() and dialog.request_id is None
    dialog.receiver.setCurrentIndex(dialog.receiver.findText("李四"))
    dialog.accept()
    assert dialog.request_id is not None and "接收方同意后" in told[-1]
    rid = dialog.request_id

    giver = page_for(qtbot, db, a["rep1"]).transfers_panel
    assert giver.model.rowCount() == 1
    assert not giver.approve_button.isEnabled()  # the giver cannot agree for the receiver
    assert not giver.execute_button.isVisible()

    receiver = page_for(qtbot, db, a["rep2"]).transfers_panel
    assert receiver.select_request(rid) and receiver.approve_button.isEnabled()
    qtbot.mouseClick(receiver.approve_button, Qt.MouseButton.LeftButton)
    assert receiver.selected().status == "agreed"
    assert not receiver.approve_button.isEnabled()

    director_page = page_for(qtbot, db, a["boss"])
    director = director_page.transfers_panel
    assert director.select_request(rid) and director.execute_button.isEnabled()
    assert "双方" not in director.detail.text() and "张三 申请把客户" in director.detail.text()
    screenshot(director_page, "transfer_requests")
    director.execute()
    assert director.selected().status == "done" and told[-1] == "已将 1 个客户转给 李四。"
    assert get_customer(UnitOfWork(db, a["rep2"]), cid).form.name == NXH
