"""审批 page: 查阅授权 (rep requests, chairman approves here, rep then sees the customer)
and 信息变更审批 (rep's key-field edit, sales admin approves with the diff shown)."""

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QDateTime, Qt

from app.models import Role
from app.services.admin import auth, code_tables
from app.services.core import clock, settings
from app.services.core.errors import NotFound, PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.customers import grants
from app.services.customers.card import get_customer
from app.services.customers.forms import CustomerForm
from app.services.customers.registration import register_customer
from app.services.customers.updates import update_customer
from app.ui.contacts.approval_dialogs import DecideChangeDialog, DecideGrantDialog
from app.ui.contacts.approvals_page import ApprovalsPage
from app.ui.context import AppContext
from tests.ui.conftest import PASSWORD, add_user, screenshot

NXH = "宁夏红枸杞产业集团有限公司"


def fake_exec(fill):
    def run(dialog):
        fill(dialog)
        dialog.accept()
        return dialog.result()

    return run


@pytest.fixture
def office(admin_ctx):
    """A chairman, a sales admin, two reps; rep1 owns 宁夏红."""
    db = admin_ctx.db
    for username, name, role in (
        ("chair", "董事长", Role.CHAIRMAN),
        ("neiqin", "李内勤", Role.SALES_ADMIN),
        ("rep1", "张三", Role.SALES_REP),
        ("rep3", "王五", Role.SALES_REP),
    ):
        add_user(admin_ctx, username, name, role)
    actors = {
        u: auth.login(UnitOfWork(db, None), u, PASSWORD)
        for u in ("chair", "neiqin", "rep1", "rep3")
    }
    with UnitOfWork(db, admin_ctx.actor) as uow:
        expo = code_tables.find_item(uow, "source", "04")
    form = CustomerForm(
        first_contact_at=clock.now(), name=NXH, phone="0951-5012345", source_id=expo
    )
    cid = register_customer(UnitOfWork(db, actors["rep1"]), form).customer_id
    return db, actors, cid


def make_page(qtbot, db, actor) -> ApprovalsPage:
    page = ApprovalsPage(AppContext(db, actor))
    qtbot.addWidget(page)
    page.resize(1000, 560)
    page.show()
    return page


def test_grant_flow_rep_requests_chairman_approves_rep_sees(qtbot, office):
    db, a, cid = office
    rep3 = a["rep3"]
    with pytest.raises((PermissionDenied, NotFound)):
        get_customer(UnitOfWork(db, rep3), cid)
    until = datetime.now().replace(microsecond=0) + timedelta(days=7)
    gid = grants.request_grant(UnitOfWork(db, rep3), "协助跟进展会线索", until, customer_id=cid)

    # The rep's page: own request, pending, no decision buttons.
    rep_page = make_page(qtbot, db, rep3)
    panel = rep_page.grants_panel
    assert not panel.approve_button.isVisible()
    assert panel.model.rowCount() == 1
    assert panel.model.index(0, 4).data() == "待审批"
    assert panel.model.index(0, 2).data() == f"客户（编号 {cid}）"  # not visible to rep3 yet
    assert not panel.views_box.isVisible()  # only the chairman/admin see the view log

    chair_page = make_page(qtbot, db, a["chair"])
    chair = chair_page.grants_panel
    assert chair.list_view.query().filters == (("status", ("pending",)),)
    assert chair.model.rowCount() == 1
    assert chair.model.index(0, 2).data() == NXH
    chair.table.selectRow(0)
    assert chair.approve_button.isEnabled()
    shorter = (until - timedelta(days=4)).replace(second=0, microsecond=0)  # a field holds minutes

    def approve(d: DecideGrantDialog):
        d.valid_until.setDateTime(QDateTime(shorter))
        d.note.setText("同意，三天")

    DecideGrantDialog.exec = fake_exec(approve)
    try:
        qtbot.mouseClick(chair.approve_button, Qt.MouseButton.LeftButton)
    finally:
        del DecideGrantDialog.exec
    assert chair.model.rowCount() == 0  # nothing pending any more
    chair.list_view.clear_filters()
    assert chair.model.index(0, 4).data() == "已批准"
    assert chair.model.index(0, 8).data() == "同意，三天"

    # The rep now sees the customer, read-only, until the shortened end.
    card = get_customer(UnitOfWork(db, rep3), cid)
    assert card.form.name == NXH and card.via_grant
    row = grants.list_grants(UnitOfWork(db, rep3))[0]
    assert row.status == "approved" and row.valid_until == shorter
    rep_page.grants_panel.reload()
    assert rep_page.grants_panel.model.index(0, 4).data() == "已批准"
    assert rep_page.grants_panel.model.index(0, 2).data() == NXH

    # The view under the grant is in the chairman's log.
    chair.reload(select_id=gid)
    assert chair.views_box.isVisible()
    assert chair.views_model.rowCount() == 1
    assert chair.views_model.index(0, 1).data() == "王五"
    assert chair.views_model.index(0, 2).data() == NXH
    screenshot(chair_page, "approvals_grants_chairman")


def test_grant_reject_needs_no_date_and_second_decision_is_refused(qtbot, office):
    db, a, cid = office
    until = datetime.now() + timedelta(days=2)
    grants.request_grant(UnitOfWork(db, a["rep3"]), "看看", until, customer_id=cid)
    chair = make_page(qtbot, db, a["chair"]).grants_panel
    chair.table.selectRow(0)
    seen = []

    def reject(d: DecideGrantDialog):
        seen.append(d.valid_until.isVisible())
        d.note.setText("无正当理由")

    DecideGrantDialog.exec = fake_exec(reject)
    try:
        qtbot.mouseClick(chair.reject_button, Qt.MouseButton.LeftButton)
    finally:
        del DecideGrantDialog.exec
    assert seen == [False]
    assert grants.list_grants(UnitOfWork(db, a["rep3"]))[0].status == "rejected"


def test_change_request_diff_and_approval(qtbot, office):
    db, a, cid = office
    settings.update_settings(UnitOfWork(db, auth_admin(db)), {"customers.change_approval": 1})
    card = get_customer(UnitOfWork(db, a["rep1"]), cid)
    result = update_customer(
        UnitOfWork(db, a["rep1"]),
        cid,
        card.version,
        {"name": "宁夏红枸杞集团股份有限公司", "phone": "0951-5099999"},
    )
    assert result.change_request_id is not None

    rep_page = make_page(qtbot, db, a["rep1"])
    assert not rep_page.changes_panel.approve_button.isVisible()
    assert rep_page.changes_panel.model.rowCount() == 1

    page = make_page(qtbot, db, a["neiqin"])
    page.setCurrentWidget(page.changes_panel)
    panel = page.changes_panel
    assert panel.model.rowCount() == 1
    assert panel.selected().id == result.change_request_id  # first row shown at once
    diff = {
        panel.diff_model.index(r, 0).data(): (
            panel.diff_model.index(r, 1).data(),
            panel.diff_model.index(r, 3).data(),
        )
        for r in range(panel.diff_model.rowCount())
    }
    assert diff["客户名称"] == (NXH, "宁夏红枸杞集团股份有限公司")
    assert diff["电话"][1] == "0951-5099999"
    screenshot(page, "approvals_change_requests")

    intros = []

    def approve(d: DecideChangeDialog):
        intros.append(d.intro.text())
        d.note.setText("已电话核实")

    DecideChangeDialog.exec = fake_exec(approve)
    try:
        qtbot.mouseClick(panel.approve_button, Qt.MouseButton.LeftButton)
    finally:
        del DecideChangeDialog.exec
    assert "→ 宁夏红枸杞集团股份有限公司" in intros[0]
    assert panel.model.rowCount() == 0
    assert get_customer(UnitOfWork(db, a["rep1"]), cid).form.name == ("宁夏红枸杞集团股份有限公司")
    rep_page.changes_panel.reload()
    model = rep_page.changes_panel.model
    assert model.index(0, model.keys.index("status")).data() == "已批准"
    assert model.index(0, model.keys.index("note")).data() == "已电话核实"


def auth_admin(db):
    return auth.login(UnitOfWork(db, None), "admin", PASSWORD)


def test_show_target_selects_the_request(qtbot, office):
    db, a, cid = office
    until = datetime.now() + timedelta(days=2)
    gid = grants.request_grant(UnitOfWork(db, a["rep3"]), "协助", until, customer_id=cid)
    grants.decide_grant(UnitOfWork(db, a["chair"]), gid, False)
    page = make_page(qtbot, db, a["chair"])
    assert page.grants_panel.model.rowCount() == 0  # pending only
    assert page.show_target("access_grant", gid)
    assert page.currentWidget() is page.grants_panel
    assert page.grants_panel.selected().status == "rejected"
    assert not page.show_target("change_request", 999)
    assert page.currentWidget() is page.changes_panel
