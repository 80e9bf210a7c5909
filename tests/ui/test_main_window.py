from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from app.models import Role
from app.services.admin import auth, users
from app.services.core import settings
from app.services.core.errors import AuthError
from app.services.core.uow import UnitOfWork
from app.services.reminders.engine import Target
from app.ui import main_window as main_window_module
from app.ui.admin.user_dialogs import TeamNameDialog, UserDialog
from app.ui.context import AppContext
from app.ui.login.change_password_dialog import ChangePasswordDialog
from app.ui.main_window import MODULES, NOT_OPEN_TIP, NOT_YET_OPEN, MainWindow
from tests.ui.conftest import COMPANY, PASSWORD, add_user, reminders_read, screenshot


def make_window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    reminders_read(qtbot, window)
    return window


def fake_exec(fill):
    """Replace a modal exec(): fill the fields, press OK, return the result code."""

    def run(dialog):
        fill(dialog)
        dialog.accept()
        return dialog.result()

    return run


def test_navigation_title_and_status_bar(qtbot, admin_ctx):
    window = make_window(qtbot, admin_ctx)
    assert window.windowTitle() == COMPANY  # Qt appends 客户资源管理系统
    names = [window.nav.item(i).text() for i in range(window.nav.count())]
    modules = [m[0] for m in MODULES]
    assert names == ["客户档案", "公海客户", "客户政策", *modules, *NOT_YET_OPEN, "系统设置"]
    for i in range(3 + len(modules), len(NOT_YET_OPEN) + 3 + len(modules)):
        item = window.nav.item(i)
        assert not item.flags() & Qt.ItemFlag.ItemIsEnabled
        assert not item.flags() & Qt.ItemFlag.ItemIsSelectable
        assert item.toolTip() == NOT_OPEN_TIP
    assert window.stack.currentWidget() is window.settings_page
    status = window.user_label.text()
    assert status == f"用户：王建国（系统管理员）  数据库：{admin_ctx.db.description}"
    assert window.reminder_button.text() == "暂无待办"
    tabs = [window.settings_page.tabText(i) for i in range(window.settings_page.count())]
    assert tabs == ["用户管理", "团队", "代码表", "自定义字段", "操作日志", "公司与规则"]
    add_user(admin_ctx, "zhangsan", "张三", Role.SALES_REP)
    window.settings_page.users_page.reload()
    window.resize(1100, 600)
    screenshot(window, "main_window_settings")


def test_non_admin_sees_settings_disabled(qtbot, admin_ctx):
    rep_id = add_user(admin_ctx, "zhangsan", "张三", Role.SALES_REP)
    rep = AppContext(
        admin_ctx.db, admin_ctx.actor.__class__(rep_id, "zhangsan", "张三", Role.SALES_REP, None)
    )
    window = make_window(qtbot, rep)
    item = window.nav.item(window.nav.count() - 1)
    assert not item.flags() & Qt.ItemFlag.ItemIsEnabled
    assert window.settings_page is None
    # The welcome page, or the customer list once the navigation list takes the focus.
    assert window.stack.currentIndex() in (0, window.stack.indexOf(window.customer_page))
    assert "张三" in window.welcome_label.text()
    assert window.user_label.text().startswith("用户：张三（销售人员）")
    screenshot(window, "main_window_sales_rep")


def test_create_user_through_users_page(qtbot, admin_ctx, monkeypatch):
    users.create_team(admin_ctx.write_uow(), "华东一组")
    window = make_window(qtbot, admin_ctx)
    page = window.settings_page.users_page

    def bad_then_good(dialog):
        dialog.username.setText("zhangsan")
        dialog.full_name.setText("张三")
        dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(Role.MANAGER))
        dialog.team_combo.setCurrentIndex(dialog.team_combo.findText("华东一组"))
        dialog.email.setText("not-an-email")
        dialog.password.setText(PASSWORD)
        dialog.confirm.setText(PASSWORD)
        dialog.accept()
        assert dialog.errors.error_for("email") == "邮箱格式不正确。"
        screenshot(dialog, "user_dialog_error")
        dialog.email.setText("zhangsan@example.com")

    monkeypatch.setattr(UserDialog, "exec", fake_exec(bad_then_good))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    new_user = page.selected()
    assert new_user.username == "zhangsan"
    row = page.model.row_of_id(new_user.id)
    assert row >= 0
    keys = page.model.keys
    assert page.model.index(row, keys.index("role")).data() == "销售主管"
    assert page.model.index(row, keys.index("team")).data() == "华东一组"
    assert auth.login(UnitOfWork(admin_ctx.db, None), "zhangsan", PASSWORD).id == new_user.id
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)  # the login bumped it

    # Deactivate, answering 是 to the confirmation.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert page.active_button.text() == "停用"
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert page.selected().is_active is False
    assert page.active_button.text() == "启用"
    assert page.model.index(row, keys.index("is_active")).data() == "否"


def test_stale_edit_shows_conflict_and_reloads(qtbot, admin_ctx, monkeypatch):
    uid = add_user(admin_ctx, "zhangsan", "张三", Role.SALES_REP)
    window = make_window(qtbot, admin_ctx)
    page = window.settings_page.users_page
    page.select_user(uid)
    stale = page.selected()
    messages = []

    def edit(dialog):
        # Someone else saves the same user while the dialog is open.
        users.set_active(admin_ctx.write_uow(), uid, stale.version, False)
        dialog.full_name.setText("张三丰")
        dialog.accept()
        messages.append(dialog.error_label.text())
        dialog.reject()

    monkeypatch.setattr(UserDialog, "exec", lambda d: (edit(d), QDialog.DialogCode.Rejected)[1])
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    assert "已被其他用户修改" in messages[0]
    assert page.selected().is_active is False  # reloaded


def test_teams_tab(qtbot, admin_ctx, monkeypatch):
    window = make_window(qtbot, admin_ctx)
    page = window.settings_page.teams_page
    monkeypatch.setattr(TeamNameDialog, "exec", fake_exec(lambda d: d.name.setText("华南二组")))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1
    assert page.model.index(0, 0).data() == "华南二组"


def test_security_tab_saves_and_retitles(qtbot, admin_ctx):
    window = make_window(qtbot, admin_ctx)
    page = window.settings_page.security_page
    page.editors["company_name"].setText("")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors.error_for("company_name") == "公司名称不能为空。"
    page.editors["company_name"].setText("新名称贸易有限公司")
    page.editors["security.lockout_minutes"].setValue(30)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.saved_label.text() == "设置已保存。"
    assert window.windowTitle() == "新名称贸易有限公司"
    window.settings_page.setCurrentWidget(page)
    screenshot(window, "main_window_security")


def test_a_stale_security_page_keeps_another_admins_change(qtbot, admin_ctx):
    window = make_window(qtbot, admin_ctx)
    page = window.settings_page.security_page
    settings.update_settings(admin_ctx.write_uow(), {"pool.claim_cap": 120})  # another desk
    page.editors["security.lockout_minutes"].setValue(25)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.saved_label.text() == "设置已保存。"
    assert settings.read_settings(admin_ctx.write_uow())["pool.claim_cap"] == 120
    assert page.editors["pool.claim_cap"].value() == 120  # reloaded after the save


def test_open_target_user_selects_row(qtbot, admin_ctx):
    zhang = add_user(admin_ctx, "zhangsan", "张三", Role.SALES_REP)
    add_user(admin_ctx, "lisi", "李四", Role.SALES_REP)
    window = make_window(qtbot, admin_ctx)
    window.nav.setCurrentRow(-1)
    window.open_target(Target("user", zhang))
    assert window.stack.currentWidget() is window.settings_page
    assert window.settings_page.currentWidget() is window.settings_page.users_page
    assert window.settings_page.users_page.selected().id == zhang


def test_open_target_own_password_and_locked_reminder(qtbot, admin_ctx, monkeypatch):
    from app.services.core import settings

    settings.update_settings(admin_ctx.write_uow(), {"security.max_failed_logins": 1})
    zhang = add_user(admin_ctx, "zhangsan", "张三", Role.SALES_REP)
    try:
        auth.login(UnitOfWork(admin_ctx.db, None), "zhangsan", "wrong")
    except AuthError:
        pass
    window = make_window(qtbot, admin_ctx)
    assert window.reminder_button.text() == "待办提醒：1 项"
    opened = []
    monkeypatch.setattr(
        ChangePasswordDialog, "exec", lambda d: opened.append(d) or QDialog.DialogCode.Rejected
    )
    window.open_target(Target("own_password", admin_ctx.actor.id))
    assert len(opened) == 1
    # Unlock from the drilled-through row.
    window.reminder_window.open_target.emit(Target("user", zhang))
    page = window.settings_page.users_page
    assert page.unlock_button.isEnabled()
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    assert not page.unlock_button.isEnabled()
    reminders_read(qtbot, window)
    assert window.reminder_button.text() == "暂无待办"


def test_unknown_target_is_explained(qtbot, admin_ctx, monkeypatch):
    shown = []
    monkeypatch.setattr(
        main_window_module.QMessageBox, "information", lambda *a: shown.append(a[2])
    )
    window = make_window(qtbot, admin_ctx)
    window.open_target(Target("visit", 5))
    assert shown == ["无法打开这条提醒对应的记录。"]


def test_logout_emits_signal_not_closed(qtbot, admin_ctx):
    window = make_window(qtbot, admin_ctx)
    closed = []
    window.closed.connect(lambda: closed.append(True))
    with qtbot.waitSignal(window.logout_requested):
        window.logout_action.trigger()
    assert not window.isVisible()
    assert closed == []


def test_geometry_is_restored(qtbot, admin_ctx):
    window = make_window(qtbot, admin_ctx)
    # The offscreen screen is 800x600: stay inside it.
    width = window.minimumSizeHint().width() + 10
    height = window.minimumSizeHint().height() + 10
    assert width < 800 and height < 600
    window.resize(width, height)
    window.close()
    again = make_window(qtbot, admin_ctx)
    assert (again.width(), again.height()) == (width, height)


def test_reminders_drill_through_to_module_pages(qtbot, sqlite_db, monkeypatch, message_boxes):
    from app.services.admin import code_tables
    from app.services.service_desk import complaints
    from tests.services.customer_fixtures import fast_passwords, make_world, register

    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    cid = register(w, w.rep1).customer_id
    with UnitOfWork(w.db, w.admin) as uow:
        category = code_tables.find_item(uow, "complaint_type", "01")
        channel = code_tables.find_item(uow, "feedback_channel", "1")
    form = complaints.ComplaintForm(
        customer_id=cid, channel_id=channel, customer_words="货到破损两箱", category_id=category
    )
    complaint = complaints.register_complaint(w.uow(w.sales_admin), form)
    window = make_window(qtbot, AppContext(w.db, w.sales_admin))
    window.open_target(Target("complaint", complaint))
    assert window.nav.currentItem().text() == "客户服务"
    page = window.stack.currentWidget()
    assert page is window.module_for["complaint"][1]
    assert message_boxes == []
    window.open_target(Target("visit_report", 999))
    assert window.nav.currentItem().text() == "回访管理"
    assert message_boxes[-1][2] == "该记录已不存在，或您无权查看。"
    screenshot(window, "main_window_service_desk")


def test_on_off_rules_are_check_boxes(qtbot, admin_ctx):
    from PySide6.QtWidgets import QCheckBox

    window = make_window(qtbot, admin_ctx)
    page = window.settings_page.security_page
    box = page.editors["pool.auto_return"]
    assert isinstance(box, QCheckBox) and box.isChecked()
    box.setChecked(False)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert settings.read_settings(admin_ctx.write_uow())["pool.auto_return"] == 0


def test_the_reminder_count_follows_changes_made_elsewhere(qtbot, admin_ctx):
    """Back in the main window (a dialog closed, another desk changed something), the
    status bar's count is read again; not on every activation, at most every few seconds."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from app.services.admin import auth
    from app.services.core.errors import AuthError
    from app.services.core.uow import UnitOfWork

    window = make_window(qtbot, admin_ctx)
    before = window.reminder_button.text()
    settings.update_settings(admin_ctx.write_uow(), {"security.max_failed_logins": 1})
    add_user(admin_ctx, "zhangsan", "张三", Role.SALES_REP)
    try:
        auth.login(UnitOfWork(admin_ctx.db, None), "zhangsan", "wrong-password")
    except AuthError:
        pass  # locked now: a reminder for the admin
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    assert not window.reminder_window.reading()  # read a moment ago: not again
    assert window.reminder_button.text() == before
    window._reminders_read_at -= 10
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    reminders_read(qtbot, window)
    assert window.reminder_button.text() != before
    assert window.reminder_timer.isActive()


def test_the_number_pattern_shows_a_live_example(qtbot, admin_ctx, fake_clock):
    window = make_window(qtbot, admin_ctx)
    page = window.settings_page.security_page
    editor = page.editors["customers.number_pattern"]
    assert page.number_example.text().startswith(f"示例：KH{fake_clock():%Y}00001")
    editor.setText("C{yy}{mm}-{seq:03}")
    assert page.number_example.text().startswith(f"示例：C{fake_clock():%y%m}-001")
    editor.setText("C{yy}")
    assert "必须且只能包含一个序号" in page.number_example.text()
    assert "{seq:05} 五位流水号" in page.number_example.text()
    # Each record kind's number in the same style, with its own example (issue 15).
    complaint = page.number_examples["numbers.complaint"]
    assert complaint.text().startswith(f"示例：TS{fake_clock():%Y}00001")
    page.editors["numbers.complaint"].setText("KS{yyyy}{mm}{seq:04}")
    assert complaint.text().startswith(f"示例：KS{fake_clock():%Y%m}0001")
    page.editors["numbers.complaint"].setText("KS{seq:04}{seq}")
    page.save()
    assert "必须且只能包含一个序号" in page.error_label.text() + complaint.text()
    spin = page.editors["class.threshold_A"]
    assert spin.isGroupSeparatorShown() and spin.text() == "1,000,000"


def test_logging_out_with_an_unsaved_note_asks_first(qtbot, admin_ctx, monkeypatch):
    from app.ui.work.work_page import WorkPage

    window = make_window(qtbot, admin_ctx)
    work = next(page for _item, page in window.modules if isinstance(page, WorkPage))
    work.setCurrentWidget(work.notes)
    work.notes.new_note()
    work.notes.content.setPlainText("下午给王总回电话")
    answers, asked = [QMessageBox.StandardButton.Cancel], []

    def question(_parent, title, *args, **kwargs):
        asked.append(title)
        return answers.pop(0) if answers else QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", question)
    out = []
    window.logout_requested.connect(lambda: out.append(True))
    window.logout()
    assert asked == ["日常记事"] and window.isVisible() and out == []  # back to the note
    assert work.notes.content.toPlainText() == "下午给王总回电话"
    window.logout()  # 不保存
    assert not window.isVisible() and out == [True]


def test_a_grouped_reminder_opens_the_customer_list_narrowed_to_its_customers(
    qtbot, sqlite_db, monkeypatch, message_boxes
):
    from tests.services.customer_fixtures import fast_passwords, make_world, register

    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    ids = [register(w, w.rep1, f"银川第{i}号枸杞商行", phone=f"0951-60000{i:02d}").customer_id
           for i in range(8)]  # fmt: skip
    register(w, w.rep1, "中卫枸杞贸易有限公司", phone="0955-7000001")  # not in the set
    window = make_window(qtbot, AppContext(w.db, w.rep1))
    window.open_target(Target("customer", 0, tuple(ids[:6]), "开发期限"))
    assert window.nav.currentItem().text() == "客户档案"
    view = window.customer_page.list_page.list
    qtbot.waitUntil(lambda: view.model.rowCount() == 6)
    assert view.rows_bar.isVisible()
    assert view.rows_text.text() == "仅显示：待办提醒：开发期限（6 条）"
    screenshot(window, "main_window_grouped_reminder")
    view.clear_rows()
    qtbot.waitUntil(lambda: view.model.rowCount() == 9)
    assert not view.rows_bar.isVisible() and message_boxes == []


def test_grouped_reminders_of_work_plans_complaints_and_visits_open_their_lists(
    qtbot, sqlite_db, monkeypatch, message_boxes
):
    from app.services.customers.forms import ContactForm
    from tests.services.customer_fixtures import (
        fast_passwords,
        make_world,
        records_of_every_kind,
        register,
    )

    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    contact = ContactForm(name="马经理", mobile="13900001111", is_primary=True)
    cid = register(w, w.rep1, contacts=[contact]).customer_id
    ids = records_of_every_kind(w, cid, w.rep1, with_review=False)
    window = make_window(qtbot, AppContext(w.db, w.rep1))
    for entity, key, module in [("work_plan", "work_plan", "工作计划"),
                                ("complaint", "complaint", "客户服务"),
                                ("visit_plan", "visit_plan", "回访管理")]:  # fmt: skip
        window.open_target(Target(entity, 0, (ids[key],), "测试"))
        assert window.nav.currentItem().text() == module
        page = window.module_for[entity][1]
        view = page.currentWidget().list
        qtbot.waitUntil(lambda v=view: v.model.rowCount() == 1)
        assert view.rows_bar.isVisible() and "测试（1 条）" in view.rows_text.text()
    assert message_boxes == []
