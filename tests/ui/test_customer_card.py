"""The customer card: edit with optimistic locking, 规则 9 requests, contacts, history, print."""

import pytest
from PySide6.QtPrintSupport import QPrinter

from app.services.core import settings
from app.services.core.uow import UnitOfWork
from app.services.customers import contacts
from app.services.customers.card import get_customer
from app.services.customers.forms import ContactForm
from app.services.customers.updates import update_customer
from app.ui.context import AppContext
from app.ui.customers.card_dialog import CustomerCardDialog
from app.ui.customers.card_print import card_rows, make_printer, paint_card
from app.ui.customers.contact_fields import ContactDialog
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register
from tests.ui.conftest import COMPANY, screenshot


@pytest.fixture
def world(sqlite_db, monkeypatch):
    fast_passwords(monkeypatch)
    return make_world(sqlite_db)


@pytest.fixture
def customer(world):
    return register(
        world, world.rep1, phone="0951-5012345", capital="500万", address="银川市金凤区",
        contacts=[ContactForm(name="刘经理", mobile="13909511234")],
    ).customer_id  # fmt: skip


def open_card(qtbot, world, actor, customer_id) -> CustomerCardDialog:
    card = CustomerCardDialog(AppContext(world.db, actor), customer_id, COMPANY)
    qtbot.addWidget(card)
    card.show()
    return card


def test_edit_and_save(qtbot, world, customer):
    card = open_card(qtbot, world, world.rep1, customer)
    assert card.form.widgets["name"].text() == NXH
    assert card.form.widgets["capital"].text() == "500万"
    card.form.widgets["demand"].setPlainText("枸杞原浆灌装线")
    card.form.widgets["remarks"].setPlainText("展会上认识")
    assert card.save()
    fresh = get_customer(UnitOfWork(world.db, world.rep1), customer)
    assert fresh.form.demand == "枸杞原浆灌装线" and fresh.version == card.card.version
    assert card.save_error.text() == "已保存。"
    assert not card.save()  # nothing changed now
    assert card.save_error.text() == "没有需要保存的修改。"


def test_conflict_shows_both_sides_and_keeps_nothing_silently(
    qtbot, world, customer, message_boxes
):
    card = open_card(qtbot, world, world.rep1, customer)
    old = card.card.version
    update_customer(UnitOfWork(world.db, world.sales_admin), customer, old, {"remarks": "内勤改过"})
    card.form.widgets["demand"].setPlainText("我的修改")
    assert not card.save()
    kind, title, text = message_boxes[-1]
    assert kind == "question" and title == "保存冲突" and "已被其他用户修改" in text
    assert "备注：（空） → 内勤改过" in text and "需求意向：我的修改" in text
    # 否 (the fixture's answer): the fresh record is shown, the typed edit is not kept
    assert card.card.version != old
    assert card.form.widgets["remarks"].toPlainText() == "内勤改过"
    assert card.form.widgets["demand"].toPlainText() == ""


def test_conflict_refills_the_users_edits_on_the_fresh_record(qtbot, world, customer, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    card = open_card(qtbot, world, world.rep1, customer)
    update_customer(UnitOfWork(world.db, world.sales_admin), customer, card.card.version,
                    {"remarks": "内勤改过"})  # fmt: skip
    card.form.widgets["demand"].setPlainText("我的修改")
    assert not card.save()
    assert card.form.widgets["remarks"].toPlainText() == "内勤改过"
    assert card.form.widgets["demand"].toPlainText() == "我的修改"  # refilled, not lost
    assert card.save()
    fresh = get_customer(UnitOfWork(world.db, world.rep1), customer)
    assert (fresh.form.remarks, fresh.form.demand) == ("内勤改过", "我的修改")


def test_closing_with_unsaved_edits_asks(qtbot, world, customer, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save]
    asked = []

    def question(parent, title, text, *args):
        asked.append(title)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    card = open_card(qtbot, world, world.rep1, customer)
    card.close()
    assert not card.isVisible() and asked == []  # nothing typed: closes at once
    card = open_card(qtbot, world, world.rep1, customer)
    card.form.widgets["remarks"].setPlainText("电话里说下月采购")
    card.close()
    assert card.isVisible() and asked == ["尚未保存"]  # 返回: still editing
    card.close()
    assert not card.isVisible()  # 保存
    fresh = get_customer(UnitOfWork(world.db, world.rep1), customer)
    assert fresh.form.remarks == "电话里说下月采购"


def test_bad_input_at_the_field_nothing_saved(qtbot, world, customer):
    card = open_card(qtbot, world, world.rep1, customer)
    card.form.widgets["email"].setText("bad@")
    card.form.widgets["remarks"].setPlainText("不应保存")
    assert not card.save()
    assert "邮箱" in card.form.errors.error_for("email")
    fresh = get_customer(UnitOfWork(world.db, world.rep1), customer)
    assert fresh.form.remarks == ""


def test_key_field_change_goes_to_approval(qtbot, world, customer, message_boxes):
    settings.update_settings(UnitOfWork(world.db, world.admin), {"customers.change_approval": 1})
    card = open_card(qtbot, world, world.rep1, customer)
    card.form.widgets["phone"].setText("0951-5099999")
    card.form.widgets["demand"].setPlainText("新需求")
    assert card.save()
    kind, title, text = message_boxes[-1]
    assert title == "已提交审批" and "电话" in text and "其他修改已保存" in text
    assert card.card.pending_change_requests == 1
    assert card.form.widgets["phone"].text() == "0951-5012345"  # not yet approved
    assert "待销售内勤审批" in card.notice.text()


def test_contacts_tab(qtbot, world, customer, monkeypatch, message_boxes):
    card = open_card(qtbot, world, world.rep1, customer)
    tab = card.contacts
    assert [r.name for r in tab.rows] == ["刘经理"]
    dialog = ContactDialog(card.ctx, customer, None, tab)
    qtbot.addWidget(dialog)
    dialog.name.setText("  ")
    dialog.accept()
    assert "联系人姓名" in dialog.errors.error_for("name")
    dialog.name.setText("王会计")
    dialog.qq.setText("12345678")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    tab.reload()
    assert [r.name for r in tab.rows] == ["刘经理", "王会计"]
    tab.table.selectRow(1)
    tab.make_primary()
    assert tab.rows[0].name == "王会计" and tab.rows[0].is_primary
    assert tab.table.item(0, 0).text() == "★"
    monkeypatch.setattr("app.ui.customers.contacts_tab.confirm", lambda *a: True)
    tab.table.selectRow(0)
    tab.delete()
    assert [(r.name, r.is_primary) for r in tab.rows] == [("刘经理", True)]
    card.tabs.setCurrentWidget(tab)
    screenshot(card, "customer_card_contacts")


def test_edit_contact_dialog(qtbot, world, customer):
    card = open_card(qtbot, world, world.rep1, customer)
    row = card.contacts.rows[0]
    dialog = ContactDialog(card.ctx, customer, row, card)
    qtbot.addWidget(dialog)
    assert dialog.name.text() == "刘经理" and not dialog.primary.isEnabled()
    dialog.email.setText("liu@nxh.cn")
    dialog.accept()
    rows = contacts.list_contacts(UnitOfWork(world.db, world.rep1), customer)
    assert rows[0].email == "liu@nxh.cn"


def test_tabs_history_and_screenshots(qtbot, world, customer):
    card = open_card(qtbot, world, world.rep1, customer)
    assert [card.tabs.tabText(i) for i in range(card.tabs.count())] == [
        "基本信息", "联系人", "跟进记录", "成交记录", "回访", "归属变更", "附件",
    ]  # fmt: skip
    assert card.history.rowCount() == 1
    assert card.history.item(0, 1).text() == "登记" and card.history.item(0, 3).text() == "张三"
    card.resize(1000, 720)
    screenshot(card, "customer_card_basic")
    card.tabs.setCurrentWidget(card.history)
    screenshot(card, "customer_card_history")


def test_attachments_tab_in_the_card(qtbot, world, customer, tmp_path):
    from app.services.customers import attachments

    attachments.add_attachment(world.uow(world.rep1), customer, "营业执照.jpg", b"\xff\xd8")
    card = open_card(qtbot, world, world.rep1, customer)
    assert [r.file_name for r in card.attachments.rows] == ["营业执照.jpg"]
    assert card.attachments.add_button.isEnabled()
    viewer = open_card(qtbot, world, world.chairman, customer)
    assert not viewer.attachments.add_button.isEnabled()
    card.tabs.setCurrentWidget(card.attachments)
    card.resize(1000, 720)
    screenshot(card, "customer_card_attachments")


def test_read_only_for_a_viewer_who_cannot_edit(qtbot, world, customer):
    card = open_card(qtbot, world, world.chairman, customer)
    assert not card.card.can_edit
    assert not card.save_button.isEnabled() and card.form.widgets["name"].isReadOnly()
    assert "只能查看" in card.notice.text()


def test_print_card_paints_a_pdf(qtbot, world, customer, tmp_path):
    card = open_card(qtbot, world, world.rep1, customer)
    labels = [r[0] for r in card_rows(card.card)]
    assert "客户名称" in labels and "联系人1（主要）" in labels
    printer = make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target = tmp_path / "card.pdf"
    printer.setOutputFileName(str(target))
    paint_card(printer, card.card, COMPANY)
    assert target.stat().st_size > 1000


def test_complaint_and_sample_request_from_the_card(qtbot, world, customer, monkeypatch):
    from sqlalchemy import select

    from app.models import Complaint, SampleRequest
    from app.services.admin import code_tables
    from app.services.core.uow import UnitOfWork
    from app.ui.service_desk.complaint_dialogs import ComplaintDialog
    from app.ui.service_desk.sample_dialogs import SampleDialog

    with UnitOfWork(world.db, world.admin) as uow:
        channel = code_tables.find_item(uow, "feedback_channel", "1")
        category = code_tables.find_item(uow, "complaint_type", "01")

    def accepting(fill):
        def exec_(self):
            fill(self)
            self.accept()
            return self.result()

        return exec_

    def complaint(d):
        assert d.customer.current_id() == customer  # the card's customer is chosen
        d.channel.set_current_id(channel)
        d.category.set_current_id(category)
        d.words.setPlainText("包装破损")

    def sample(d):
        d.items.setPlainText("枸杞原浆样品")
        d.recipient.setText("刘经理")

    monkeypatch.setattr(ComplaintDialog, "exec", accepting(complaint), raising=False)
    monkeypatch.setattr(SampleDialog, "exec", accepting(sample), raising=False)
    card = open_card(qtbot, world, world.rep1, customer)
    assert card.complaint_button.isVisible() and card.sample_button.isVisible()
    assert card.register_complaint()
    assert "投诉/反馈已登记" in card.notice.text()
    assert card.request_sample()
    with UnitOfWork(world.db, world.sales_admin, write=False) as uow:
        assert uow.session.scalars(select(Complaint.customer_id)).all() == [customer]
        assert uow.session.scalars(select(SampleRequest.customer_id)).all() == [customer]
    chairman_card = open_card(qtbot, world, world.chairman, customer)
    assert not chairman_card.complaint_button.isVisible()
    assert not chairman_card.sample_button.isVisible()


def test_prospect_steps_on_the_card(qtbot, world, customer):
    from app.services.customers import prospects

    card = open_card(qtbot, world, world.rep1, customer)
    bar = card.prospects
    assert bar.isVisible() and list(bar.boxes) == ["card", "sample", "intro"]
    bar.boxes["sample"].setChecked(True)
    states = {s.step: s.done_at for s in prospects.prospect_steps(world.uow(world.rep1), customer)}
    assert states["sample"] is not None and states["card"] is None
    assert "张三" in bar.boxes["sample"].toolTip()
    card.form.widgets["remarks"].setPlainText("勾选步骤不影响未保存的修改")
    assert card.save()  # the steps did not change the record under the card
    screenshot(card, "customer_card_prospect_steps")
    viewer = open_card(qtbot, world, world.manager, customer)
    assert viewer.prospects.boxes["sample"].isChecked()
