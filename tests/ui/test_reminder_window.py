from datetime import datetime

from PySide6.QtCore import Qt

from app.models import Role
from app.services.admin import auth
from app.services.core import settings
from app.services.core.errors import AuthError
from app.services.core.uow import UnitOfWork
from app.services.reminders.engine import Target
from app.ui.reminders.reminder_window import ReminderWindow
from tests.ui.conftest import add_user, reminders_read, screenshot


def lock_out(db, username):
    try:
        auth.login(UnitOfWork(db, None), username, "wrong-password")
    except AuthError:
        pass


def prepare_items(ctx, fake_clock):
    """Two locked users and the admin's password close to expiry: three items, two kinds."""
    settings.update_settings(ctx.write_uow(), {"security.max_failed_logins": 1})
    zhang = add_user(ctx, "zhangsan", "张三", Role.SALES_REP)
    add_user(ctx, "lisi", "李四", Role.MANAGER)
    lock_out(ctx.db, "zhangsan")
    fake_clock.advance(minutes=5)
    lock_out(ctx.db, "lisi")
    fake_clock.advance(days=85)  # the admin's 90-day password is about to expire
    lock_out(ctx.db, "zhangsan")
    lock_out(ctx.db, "lisi")
    return zhang


def make_window(qtbot, ctx) -> ReminderWindow:
    window = ReminderWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    reminders_read(qtbot, window)
    return window


def test_lists_filters_and_drills_through(qtbot, fake_clock, admin_ctx):
    zhang = prepare_items(admin_ctx, fake_clock)
    window = make_window(qtbot, admin_ctx)
    model = window.model
    assert model.rowCount() == 3
    assert window.count_label.text() == "共 3 项"
    dues = [model.reminder_at(r).due for r in range(3)]
    assert dues == sorted(dues)
    labels = [window.kind_combo.itemText(i) for i in range(window.kind_combo.count())]
    assert labels == ["全部", "密码到期", "账户锁定"]
    assert not window.failure_label.isVisible()
    screenshot(window, "reminder_window")

    window.kind_combo.setCurrentIndex(labels.index("账户锁定"))
    assert model.rowCount() == 2
    assert window.count_label.text() == "显示 2 项，共 3 项"
    row = next(r for r in range(2) if model.reminder_at(r).target.record_id == zhang)
    rect = window.table.visualRect(model.index(row, 2))
    opened = []
    window.open_target.connect(opened.append)
    # A real double-click starts with a press and release.
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [Target("user", zhang)]

    window.kind_combo.setCurrentIndex(labels.index("密码到期"))
    window.table.setFocus()
    with qtbot.waitSignal(window.open_target) as blocker:
        qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert blocker.args[0].entity == "own_password"
    with qtbot.waitSignal(window.open_target):
        qtbot.mouseClick(window.open_button, Qt.MouseButton.LeftButton)


def test_empty_state(qtbot, fake_clock, admin_ctx):
    window = make_window(qtbot, admin_ctx)
    assert window.model.rowCount() == 0
    assert window.stack.currentWidget() is window.empty_label
    assert window.empty_label.text() == "暂无待办事项"
    assert not window.open_button.isEnabled()


def test_failed_provider_is_reported(qtbot, fake_clock, admin_ctx, monkeypatch):
    from app.services.reminders import registry as reminders
    from app.services.reminders.engine import Reminder, ReminderResult, Severity

    item = Reminder("password", "测试", datetime(2026, 3, 3), Severity.INFO, Target("x", 1))
    monkeypatch.setattr(reminders, "collect", lambda uow: ReminderResult([item], ["账户锁定"]))
    window = make_window(qtbot, admin_ctx)
    assert window.failure_label.isVisible()
    assert "账户锁定" in window.failure_label.text()
    assert window.model.rowCount() == 1


def test_a_reps_day_visits_complaints_and_urged_work(qtbot, sqlite_db, monkeypatch, fake_clock):
    """A rep's window after login: a visit due, a complaint to handle, a 催办 from the
    manager — each drilling through to its own page."""
    from datetime import timedelta

    from app.services.admin import code_tables
    from app.services.service_desk import complaints
    from app.services.visits import workflow as visits
    from app.services.work import plans as work_plans
    from app.ui.context import AppContext
    from tests.services.customer_fixtures import fast_passwords, make_world, register

    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    cid = register(w, w.rep1).customer_id
    today = fake_clock().date()
    visits.create_plan(w.uow(w.rep1), visits.PlanForm(cid, today, today + timedelta(days=1),
                                                      purpose="了解灌装线使用情况"))  # fmt: skip
    with UnitOfWork(w.db, w.admin) as uow:
        channel = code_tables.find_item(uow, "feedback_channel", "1")
        category = code_tables.find_item(uow, "complaint_type", "02")
    complaints.register_complaint(w.uow(w.sales_admin), complaints.ComplaintForm(
        customer_id=cid, channel_id=channel, customer_words="第二批货晚到三天",
        category_id=category, handler_id=w.rep1.id, severity="critical"))  # fmt: skip
    plan = work_plans.create_plan(w.uow(w.manager), work_plans.WorkPlanForm(
        title="本周拜访 5 家客户", assignee_id=w.rep1.id, target_qty=5))  # fmt: skip
    detail = work_plans.plan_detail(w.uow(w.manager), plan)
    work_plans.urge(w.uow(w.manager), plan, detail.version, "周五前完成")
    window = make_window(qtbot, AppContext(w.db, w.rep1))
    items = [window.model.reminder_at(r) for r in range(window.model.rowCount())]
    assert {"visit_plan", "complaint", "work_plan"} <= {i.target.entity for i in items}
    titles = " / ".join(i.title for i in items)
    assert "【催办】本周拜访 5 家客户" in titles and "第二批货晚到三天" in titles
    window.resize(900, 360)
    screenshot(window, "reminders_rep_issue6")


def test_escape_closes_the_window(qtbot, fake_clock, admin_ctx):
    from PySide6.QtCore import Qt

    window = make_window(qtbot, admin_ctx)
    window.show()
    qtbot.waitExposed(window)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Escape)
    assert not window.isVisible()


def test_explanation_says_when_and_what_opens(qtbot, fake_clock, admin_ctx):
    from app.services.reminders.engine import Reminder, Severity
    from app.ui.reminders.reminder_model import explanation

    now = datetime(2026, 12, 4, 10, 0)
    item = Reminder("follow_up_due", "跟进客户", datetime(2026, 12, 2, 9, 0), Severity.URGENT,
                    Target("customer", 1))  # fmt: skip
    assert explanation(item, now) == "已逾期 2 天；打开：客户资料"
    today = Reminder("locked_user", "用户被锁定", datetime(2026, 12, 4, 18, 0), Severity.INFO,
                     Target("user", 1), detail="锁定至 18:00")  # fmt: skip
    assert explanation(today, now) == "今天到期；锁定至 18:00；打开：用户管理"
    prepare_items(admin_ctx, fake_clock)
    window = make_window(qtbot, admin_ctx)
    shown = [window.model.index(r, 4).data() for r in range(window.model.rowCount())]
    assert all(text for text in shown)  # 说明 is never empty


def test_opens_centred_over_the_main_window_and_within_a_small_screen(qtbot, admin_ctx):
    from PySide6.QtWidgets import QWidget

    owner = QWidget()
    qtbot.addWidget(owner)
    owner.setGeometry(50, 50, 700, 600)  # the offscreen screen is 800×800
    owner.show()
    window = ReminderWindow(admin_ctx, owner)
    qtbot.addWidget(window)
    window.show()
    reminders_read(qtbot, window)
    screen = owner.screen().availableGeometry()
    frame = window.frameGeometry()
    assert screen.contains(frame)
    assert window.width() <= screen.width() * 0.8 and window.height() <= screen.height() * 0.6
    centre, expected = frame.center(), owner.frameGeometry().center()
    assert abs(centre.x() - expected.x()) <= 2 and abs(centre.y() - expected.y()) <= 2
