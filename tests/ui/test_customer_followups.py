"""The card's 跟进记录 and 成交记录 tabs: add through the dialogs, errors at the field."""

from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, QDateTime, QTime

from app.services.admin import code_tables
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.card import get_customer
from app.services.customers.followups import DealForm, FollowUpForm
from app.ui.context import AppContext
from app.ui.customers.card_dialog import CustomerCardDialog
from app.ui.customers.deals_tab import DealDialog, DeliverDialog
from app.ui.customers.followups_tab import FollowUpDialog
from tests.services.customer_fixtures import fast_passwords, make_world, register
from tests.ui.conftest import COMPANY, screenshot


@pytest.fixture
def world(sqlite_db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    w.cid = register(w, w.rep1, phone="0951-5012345").customer_id
    fake_clock.advance(days=3, hours=5)
    return w


def open_card(qtbot, world, actor) -> CustomerCardDialog:
    card = CustomerCardDialog(AppContext(world.db, actor), world.cid, COMPANY)
    qtbot.addWidget(card)
    card.show()
    return card


def run_dialog(monkeypatch, cls, fill):
    """exec() fills the dialog and presses 保存; the dialog's own accept() calls the service."""

    def exec_(self):
        fill(self)
        self.accept()
        return self.result()

    monkeypatch.setattr(cls, "exec", exec_)


def test_add_edit_delete_follow_up_refreshes_last_follow_up(qtbot, world, fake_clock, monkeypatch):
    card = open_card(qtbot, world, world.rep1)
    card.tabs.setCurrentWidget(card.followups)
    assert "最近跟进：—" in card.facts.text()
    visit = card.followups

    def fill(d: FollowUpDialog):
        assert d.at.dateTime().toPython() == fake_clock().replace(second=0)
        d.method.setCurrentIndex(d.method.findText("拜访"))
        d.content.setPlainText("拜访王总，介绍枸杞原浆灌装线方案，对方关注产能与售后")
        d.next_step.setText("寄送样品与报价单")
        d.next_date.set_value(fake_clock().date() + timedelta(days=7))

    run_dialog(monkeypatch, FollowUpDialog, fill)
    visit.add()
    assert [(r.method, r.by_name) for r in visit.rows] == [("拜访", "张三")]
    assert visit.table.item(0, 1).text() == "拜访"
    assert f"最近跟进：{fake_clock():%Y-%m-%d %H:%M}" in card.facts.text()

    fake_clock.advance(days=2)
    phone = next(r.id for r in code_tables.list_items(card.ctx.write_uow(), "follow_method")
                 if r.name == "电话")  # fmt: skip
    followups.add_follow_up(
        UnitOfWork(world.db, world.rep1), world.cid,
        FollowUpForm(method_id=phone, content="电话确认收到样品"),
    )  # fmt: skip
    visit.reload()
    assert [r.content[:4] for r in visit.rows] == ["电话确认", "拜访王总"]  # newest first
    screenshot(card, "customer_card_followups")

    visit.table.selectRow(1)
    run_dialog(monkeypatch, FollowUpDialog, lambda d: d.next_step.setText("下周报价"))
    visit.edit()
    assert visit.rows[1].next_step == "下周报价"
    assert visit.rows[1].method == "拜访"  # the combo kept the row's method

    visit.table.selectRow(0)
    monkeypatch.setattr("app.ui.customers.followups_tab.confirm", lambda *a: True)
    visit.delete()
    assert len(visit.rows) == 1
    fresh = get_customer(UnitOfWork(world.db, world.rep1), world.cid)
    assert fresh.last_follow_up_at == visit.rows[0].at
    assert card.card.version == fresh.version  # the card can still save


def test_follow_up_bad_input_at_the_field(qtbot, world, fake_clock):
    card = open_card(qtbot, world, world.rep1)
    d = card.followups.dialog(None)
    qtbot.addWidget(d)
    d.accept()
    assert "请填写跟进内容" in d.errors.error_for("content")
    d.content.setPlainText("回访")
    future = fake_clock() + timedelta(days=1)
    d.at.setDateTime(QDateTime(QDate(future.date()), QTime(9, 0)))
    d.accept()
    assert "不能晚于现在" in d.errors.error_for("at")
    d.show()
    screenshot(d, "customer_followup_dialog_error")
    assert d.errors.error_for("content") == ""
    d.at.setDateTime(QDateTime(QDate(fake_clock().date()), QTime(8, 0)))
    d.next_date.set_value(fake_clock().date() - timedelta(days=1))
    d.accept()
    assert "不能早于本次跟进" in d.errors.error_for("next_date")
    assert card.followups.rows == []  # nothing saved


def test_deal_tab_add_bad_amount_and_deliver(qtbot, world, fake_clock, monkeypatch):
    card = open_card(qtbot, world, world.rep1)
    card.tabs.setCurrentWidget(card.deals)
    tab = card.deals
    d = DealDialog(card.ctx, world.cid, card)
    qtbot.addWidget(d)
    d.product.setText("枸杞原浆灌装线")
    d.amount.setText("-5000")
    d.accept()
    assert "不能为负数" in d.errors.error_for("amount")
    d.show()
    screenshot(d, "customer_deal_dialog_error")
    d.amount.setText("abc")
    d.accept()
    assert "必须是数字" in d.errors.error_for("amount")
    d.product.setText("")
    d.amount.setText("1")
    d.accept()
    assert "请填写成交产品" in d.errors.error_for("product")
    assert followups.list_deals(UnitOfWork(world.db, world.rep1), world.cid) == []

    def fill(dialog: DealDialog):
        dialog.product.setText("枸杞原浆灌装线 GZ-200")
        dialog.quantity.setText("2")
        dialog.amount.setText("386,000")

    run_dialog(monkeypatch, DealDialog, fill)
    tab.add()
    followups.add_deal(
        UnitOfWork(world.db, world.rep1), world.cid,
        DealForm(product="灌装线备件", amount="12500.5", delivered=True),
    )  # fmt: skip
    tab.reload()
    # Newest first (same day: the later entry first).
    assert [tab.table.item(r, 3).text() for r in range(2)] == ["12,500.50", "386,000.00"]
    assert tab.table.item(1, 4).text() == "张三"
    assert "合计 398,500.50 元" in tab.total.text()

    tab.table.selectRow(0)
    assert not tab.deliver_button.isEnabled()  # already delivered
    tab.table.selectRow(1)
    assert tab.deliver_button.isEnabled()
    run_dialog(monkeypatch, DeliverDialog, lambda dialog: None)
    tab.deliver()
    assert tab.rows[1].delivered and tab.table.item(1, 5).text() == "已交付"
    screenshot(card, "customer_card_deals")


def test_read_only_for_users_who_cannot_edit(qtbot, world):
    card = open_card(qtbot, world, world.chairman)
    assert not any(b.isEnabled() for b in card.followups.buttons.values())
    assert not card.deals.add_button.isEnabled()
    assert not card.deals.deliver_button.isEnabled()


def test_a_new_follow_up_offers_the_usual_next_date(qtbot, world, fake_clock):
    from app.services.core import settings

    ctx = AppContext(world.db, world.rep1)
    dialog = FollowUpDialog(ctx, world.cid, None)
    qtbot.addWidget(dialog)
    assert dialog.next_date.value() == fake_clock().date() + timedelta(days=7)
    settings.update_settings(UnitOfWork(world.db, world.admin),
                             {"customers.next_follow_up_days": 0})  # fmt: skip
    dialog = FollowUpDialog(ctx, world.cid, None)
    qtbot.addWidget(dialog)
    assert dialog.next_date.value() is None  # the office plans no default


def test_a_form_dialog_asks_before_dropping_what_was_typed(qtbot, world, monkeypatch):
    from PySide6.QtGui import QKeySequence, QShortcut
    from PySide6.QtWidgets import QMessageBox

    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    dialog = FollowUpDialog(AppContext(world.db, world.rep1), world.cid, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.content.setPlainText("电话回访，客户满意")
    dialog.reject()
    assert dialog.isVisible()  # 返回
    dialog.reject()  # 保存
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Accepted
    assert [r.content for r in followups.list_follow_ups(
        UnitOfWork(world.db, world.rep1), world.cid)] == ["电话回访，客户满意"]  # fmt: skip
    shortcuts = [s.key() for s in dialog.findChildren(QShortcut)]
    assert QKeySequence(QKeySequence.StandardKey.Save) in shortcuts


def test_the_first_deal_makes_a_prospect_a_customer(qtbot, world, fake_clock):
    """合作状态 待开发考察 → 正常合作, and the card shows 开发成功 instead of a deadline."""
    card = open_card(qtbot, world, world.rep1)
    assert "开发期限：" in card.facts.text()
    assert card.form.widgets["coop_status_id"].currentText() == "待开发考察"
    followups.add_deal(UnitOfWork(world.db, world.rep1), world.cid,
                       DealForm(product="枸杞原浆", amount="5000"))  # fmt: skip
    card.reload()
    assert f"开发成功：{fake_clock():%Y-%m-%d}" in card.facts.text()
    assert "开发期限" not in card.facts.text()
    assert card.form.widgets["coop_status_id"].currentText() == "正常合作"
