from PySide6.QtCore import Qt

from app.models import Role
from app.services.core import settings
from app.ui.common import prefs
from app.ui.login.db_connector import DatabaseConnector
from app.ui.login.login_dialog import LoginDialog
from tests.ui.conftest import COMPANY, PASSWORD, add_user, screenshot


def connector_for(db) -> DatabaseConnector:
    connector = DatabaseConnector(db.url)
    assert connector.connect(), connector.error
    return connector


def make_dialog(qtbot, db) -> LoginDialog:
    dialog = LoginDialog(connector_for(db))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def login(qtbot, dialog, username, password):
    dialog.username_edit.clear()
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.username_edit, username)
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)


def test_shows_company_and_database(qtbot, sqlite_db, admin, no_keyring):
    dialog = make_dialog(qtbot, sqlite_db)
    assert dialog.windowTitle() == "登录"  # Qt appends the application's name
    assert dialog.company_label.text() == COMPANY
    assert dialog.database_label.text() == f"数据库：{sqlite_db.description}"
    assert not dialog.error_label.isVisible()
    screenshot(dialog, "login_dialog")


def test_wrong_password_shows_red_message_with_counter(qtbot, sqlite_db, admin):
    dialog = make_dialog(qtbot, sqlite_db)
    login(qtbot, dialog, "admin", "wrong-password")
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert "用户名或密码不正确" in dialog.error_label.text()
    assert "连续输错 5 次" in dialog.error_label.text()
    assert "c62828" in dialog.error_label.styleSheet()
    assert dialog.password_edit.text() == ""
    screenshot(dialog, "login_dialog_error")


def test_success_accepts_and_remembers_username(qtbot, sqlite_db, admin):
    dialog = make_dialog(qtbot, sqlite_db)
    with qtbot.waitSignal(dialog.accepted):
        login(qtbot, dialog, "admin", PASSWORD)
    assert dialog.actor.username == "admin"
    assert prefs.ui_settings().value(prefs.LAST_USERNAME) == "admin"
    again = make_dialog(qtbot, sqlite_db)
    assert again.username_edit.text() == "admin"


def test_locked_account(qtbot, sqlite_db, admin, admin_ctx):
    settings.update_settings(admin_ctx.write_uow(), {"security.max_failed_logins": 2})
    add_user(admin_ctx, "lisi", "李四", Role.SALES_REP)
    dialog = make_dialog(qtbot, sqlite_db)
    login(qtbot, dialog, "lisi", "bad-one")
    login(qtbot, dialog, "lisi", "bad-two")
    assert "已锁定" in dialog.error_label.text()
    login(qtbot, dialog, "lisi", PASSWORD)
    assert "被锁定" in dialog.error_label.text()
    assert dialog.actor is None


def test_keyring_unavailable_disables_remember(qtbot, sqlite_db, admin, no_keyring):
    from app.services.core import credentials

    dialog = make_dialog(qtbot, sqlite_db)
    assert not dialog.remember_box.isEnabled()
    assert dialog.remember_box.toolTip() == credentials.unavailable_reason()
    assert dialog.keyring_note.isVisible()
    assert dialog.keyring_note.text() == credentials.unavailable_reason()


def test_remembered_password_is_prefilled(qtbot, sqlite_db, admin, memory_keyring):
    dialog = make_dialog(qtbot, sqlite_db)
    assert dialog.remember_box.isEnabled()
    dialog.username_edit.setText("admin")
    dialog.password_edit.setText(PASSWORD)
    dialog.remember_box.setChecked(True)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert memory_keyring.store == {(sqlite_db.description, "admin"): PASSWORD}

    again = make_dialog(qtbot, sqlite_db)
    assert again.password_edit.text() == PASSWORD
    assert again.remember_box.isChecked()
    again.remember_box.setChecked(False)
    qtbot.mouseClick(again.login_button, Qt.MouseButton.LeftButton)
    assert memory_keyring.store == {}


def test_network_share_warning_in_orange(qtbot, sqlite_db, admin, monkeypatch):
    from app.services.core import database

    monkeypatch.setattr(database, "network_share_warning", lambda path: "警告：网络共享")
    dialog = make_dialog(qtbot, sqlite_db)
    assert dialog.share_warning.isVisible()
    assert dialog.share_warning.text() == "警告：网络共享"
    assert "e65100" in dialog.share_warning.styleSheet()


def test_enter_in_the_password_field_logs_in(qtbot, sqlite_db, admin):
    from PySide6.QtCore import Qt

    dialog = make_dialog(qtbot, sqlite_db)
    dialog.show()
    dialog.username_edit.setText("admin")
    dialog.password_edit.setText(PASSWORD)
    dialog.password_edit.setFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.actor.username == "admin"
    assert not dialog.settings_button.autoDefault()
