"""客户合并 in the UI (issue 20): the sales admin finds likely duplicates in the background,
opens a pair side by side, picks values and merges; a rep proposes a merge from the
customer list and the sales admin merges it from 审批 → 合并申请; the admin undoes a
merge. Screenshots of the duplicate list and the merge dialog are saved to look at."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QRadioButton

from app.models import Role
from app.services.admin import auth, code_tables
from app.services.core import clock
from app.services.core.uow import UnitOfWork
from app.services.customers.card import get_customer
from app.services.customers.forms import CustomerForm
from app.services.customers.registration import register_customer
from app.ui.contacts.approvals_page import ApprovalsPage
from app.ui.context import AppContext
from app.ui.customers.customer_page import CustomerPage
from app.ui.customers.merge_dialog import MergeDialog
from tests.ui.conftest import COMPANY, PASSWORD, add_user, screenshot

NXH = "宁夏红枸杞产业集团有限公司"
BRANCH = "宁夏红枸杞产业集团银川分公司"


@pytest.fixture
def office(admin_ctx):
    db = admin_ctx.db
    for username, name, role in (("neiqin", "李内勤", Role.SALES_ADMIN),
                                 ("rep1", "张三", Role.SALES_REP)):  # fmt: skip
        add_user(admin_ctx, username, name, role)
    actors = {u: auth.login(UnitOfWork(db, None), u, PASSWORD) for u in ("neiqin", "rep1")}
    actors["admin"] = admin_ctx.actor
    with UnitOfWork(db, admin_ctx.actor) as uow:
        expo = code_tables.find_item(uow, "source", "04")

    def reg(name, **kw):
        form = CustomerForm(first_contact_at=clock.now(), name=name, source_id=expo, **kw)
        return register_customer(UnitOfWork(db, actors["rep1"]), form).customer_id

    ids = {
        "nxh": reg(NXH, phone="0951-5012345", address="银川市兴庆区"),
        "branch": reg(BRANCH, email="yc@nxh.com.cn", address="银川市金凤区"),
        "other": reg("石嘴山煤业有限公司"),
    }
    return db, actors, ids


def page_for(qtbot, db, actor) -> CustomerPage:
    page = CustomerPage(AppContext(db, actor), COMPANY)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    return page


def test_find_and_merge_a_pair(qtbot, office, message_boxes):
    db, actors, ids = office
    page = page_for(qtbot, db, actors["neiqin"])
    merge_page = page.merge_page
    page.setCurrentWidget(merge_page)
    task = merge_page.find()
    assert task.wait()
    qtbot.waitUntil(lambda: merge_page.pairs.model.rowCount() == 1, timeout=5000)
    assert any("查找完成" in text for _k, _t, text in message_boxes)
    screenshot(page, "merge_duplicate_list")
    merge_page.pairs.table.selectRow(0)
    dialog = merge_page.merge_selected()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, MergeDialog) and dialog.preview is not None
    shown = {b.text() for b in dialog.findChildren(QRadioButton)}
    assert {NXH, BRANCH, "银川市兴庆区", "银川市金凤区", "yc@nxh.com.cn"} <= shown
    assert "联系人" not in dialog.moves_label.text() or "条" in dialog.moves_label.text()
    screenshot(dialog, "merge_dialog")
    # Keep 宁夏红 as the record (swap if the pair came the other way round), its name.
    if dialog.preview.kept.id != ids["nxh"]:
        dialog.swap()
    name_group = dialog.groups["name"]
    next(b for b in name_group.buttons() if b.text() == NXH).setChecked(True)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()
    card = get_customer(UnitOfWork(db, actors["admin"]), ids["nxh"])
    assert card.form.name == NXH and card.form.email == "yc@nxh.com.cn"
    assert merge_page.pairs.model.rowCount() == 0
    # The admin undoes it from 合并记录.
    admin_page = page_for(qtbot, db, actors["admin"])
    admin_page.setCurrentWidget(admin_page.merge_page)
    merges = admin_page.merge_page.merges
    merges.reload()
    assert merges.model.rowCount() == 1
    merges.table.selectRow(0)
    from app.ui.common import messages

    original = messages.confirm
    try:
        import app.ui.customers.merge_page as mp

        mp.confirm = lambda *a: True
        assert admin_page.merge_page.undo_selected()
    finally:
        mp.confirm = original
    assert get_customer(UnitOfWork(db, actors["admin"]), ids["branch"]).form.name == BRANCH


def test_a_rep_proposes_and_the_sales_admin_merges_from_the_queue(qtbot, office, message_boxes):
    db, actors, ids = office
    page = page_for(qtbot, db, actors["rep1"])
    assert page.merge_page is None  # a rep has no 客户合并 tab
    button = page.list_page.merge_button
    assert button.isVisible() and button.text() == "申请合并…"
    view = page.list_page.list
    view.reload()
    for cid in (ids["nxh"], ids["branch"]):
        row = view.model.row_of_id(cid)
        view.table.selectionModel().select(
            view.model.index(row, 0),
            view.table.selectionModel().SelectionFlag.Select
            | view.table.selectionModel().SelectionFlag.Rows,
        )
    dialog = page.list_page.merge_selected()
    qtbot.addWidget(dialog)
    dialog.reason.setText("银川分公司就是宁夏红总部，重复登记")
    dialog.accept()
    assert dialog.proposal_id is not None
    approvals = ApprovalsPage(AppContext(db, actors["neiqin"]))
    qtbot.addWidget(approvals)
    approvals.show()
    assert approvals.show_target("merge_proposal", dialog.proposal_id)
    assert "重复登记" in approvals.merges_panel.detail.text()
    merge = approvals.merges_panel.decide(True)
    qtbot.addWidget(merge)
    assert isinstance(merge, MergeDialog) and merge.proposal_id == dialog.proposal_id
    merge.accept()
    assert merge.result() == merge.DialogCode.Accepted, merge.error_label.text()
    assert approvals.merges_panel.select_request(dialog.proposal_id)  # past the 待处理 filter
    assert approvals.merges_panel.selected().status == "merged"
