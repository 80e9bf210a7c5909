"""规则修改 on screen: the admin changes a rule number in 系统设置 → 规则, the page says it
waits for the chairman and lists it; the chairman approves it in 审批 → 规则修改."""

from PySide6.QtCore import Qt

from app.models import Role
from app.services.admin import auth
from app.services.core import settings
from app.services.core.uow import UnitOfWork
from app.services.customers import idle_clock
from app.ui.admin.security_page import SecurityPage
from app.ui.contacts.approvals_page import ApprovalsPage
from app.ui.context import AppContext
from tests.ui.conftest import PASSWORD, add_user, screenshot


def test_admin_asks_chairman_approves(qtbot, admin_ctx, monkeypatch):
    db = admin_ctx.db
    add_user(admin_ctx, "chair", "董事长", Role.CHAIRMAN)
    page = SecurityPage(admin_ctx)
    qtbot.addWidget(page)
    page.resize(900, 2400)
    page.show()
    page.editors["pool.idle_days"].setValue(45)
    page.editors["security.lockout_minutes"].setValue(30)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.saved_label.text().startswith("设置已保存。1 项规则修改已提交董事长批准")
    assert page.editors["pool.idle_days"].value() == 60  # not in force yet
    assert page.editors["security.lockout_minutes"].value() == 30
    assert page.rule_changes.model.rowCount() == 1
    assert "董事长批准" in page.editors["pool.idle_days"].toolTip()

    chair = auth.login(UnitOfWork(db, None), "chair", PASSWORD)
    approvals = ApprovalsPage(AppContext(db, chair))
    qtbot.addWidget(approvals)
    approvals.resize(1000, 560)
    approvals.show()
    assert approvals.show_target("rule_change", 1)
    panel = approvals.rules_panel
    assert "由 60 改为 45" in panel.detail.text() and panel.approve_button.isEnabled()
    screenshot(approvals, "rule_changes_chairman")
    told = []
    monkeypatch.setattr(
        "app.ui.contacts.rule_changes_panel.QMessageBox.information", lambda *a: told.append(a[2])
    )
    qtbot.mouseClick(panel.approve_button, Qt.MouseButton.LeftButton)
    # A new idle limit: every customer's 回收公海 date is recomputed off the GUI thread.
    qtbot.waitUntil(lambda: bool(told), timeout=10_000)
    assert told == [
        "“无任何销售动作几天后回收公海”已改为 45，今日起生效。\n"
        "各客户的回收公海日期已按新期限重新计算。"
    ]
    assert not idle_clock.recompute_pending(UnitOfWork(db, None))
    assert settings.get(UnitOfWork(db, chair), "pool.idle_days") == 45
    page.reload()
    page.rule_changes.reload()
    assert page.editors["pool.idle_days"].value() == 45
    screenshot(page.rule_changes.parentWidget(), "rule_changes_admin")


def test_reps_have_no_rule_tab(qtbot, admin_ctx):
    add_user(admin_ctx, "rep1", "张三", Role.SALES_REP)
    rep = auth.login(UnitOfWork(admin_ctx.db, None), "rep1", PASSWORD)
    approvals = ApprovalsPage(AppContext(admin_ctx.db, rep))
    qtbot.addWidget(approvals)
    assert approvals.rules_panel is None and approvals.count() == 4
