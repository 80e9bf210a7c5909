"""The start-up flow, with every modal dialog's exec() replaced by a scripted one."""

import sys

from PySide6.QtWidgets import QDialog

from app.main_entry import main
from app.models import Role
from app.services.core import config
from app.services.core.config import SavedConfig
from app.ui import bootstrap as bootstrap_module
from app.ui import crash
from app.ui.bootstrap import Bootstrap
from app.ui.login.change_password_dialog import ChangePasswordDialog
from app.ui.login.db_settings_dialog import DatabaseSettingsDialog
from app.ui.login.login_dialog import LoginDialog
from app.ui.login.setup_dialog import SetupDialog
from app.ui.main_window import MainWindow
from tests.ui.conftest import COMPANY, PASSWORD, add_user, screenshot

UNREACHABLE = "postgresql+psycopg://u:p@127.0.0.1:1/x"
NEW_PASSWORD = "N3w-passw0rd"


class Script:
    """Plays one step per exec() call of a dialog class, and remembers the dialogs."""

    def __init__(self, monkeypatch, cls, *steps):
        self.steps = list(steps)
        self.dialogs = []
        monkeypatch.setattr(cls, "exec", lambda dialog: self.run(dialog))

    def run(self, dialog):
        self.dialogs.append(dialog)
        step = self.steps.pop(0)
        result = step(dialog)
        return dialog.result() if result is None else result


def cancel(dialog):
    return QDialog.DialogCode.Rejected


def log_in(username, password=PASSWORD):
    def step(dialog):
        dialog.username_edit.setText(username)
        dialog.password_edit.setText(password)
        dialog.login_button.click()
        assert dialog.error_label.text() == "", dialog.error_label.text()

    return step


def start(qtbot, cli_url):
    boot = Bootstrap(cli_url, on_quit=lambda: None)
    window = boot.start()
    if window is not None:
        qtbot.addWidget(window)
    return boot, window


def test_unreachable_postgres_shows_error_in_login(qtbot, monkeypatch):
    login = Script(monkeypatch, LoginDialog, cancel)
    boot, window = start(qtbot, UNREACHABLE)
    assert window is None
    dialog = login.dialogs[0]
    assert "无法连接 PostgreSQL 服务器 127.0.0.1:1" in dialog.error_label.text()
    assert dialog.database_label.text() == "数据库：PostgreSQL：u@127.0.0.1:1/x"
    assert dialog.settings_button.isEnabled()
    # 登录 retries the connection and reports again, without an exception.
    dialog.username_edit.setText("admin")
    dialog.password_edit.setText(PASSWORD)
    dialog.login_button.click()
    assert "无法连接 PostgreSQL" in dialog.error_label.text()
    assert dialog.actor is None


def test_unwritable_sqlite_directory_is_explained(qtbot, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    login = Script(monkeypatch, LoginDialog, cancel)
    start(qtbot, f"sqlite:///{blocker / 'sub' / 'crm.sqlite3'}")
    text = login.dialogs[0].error_label.text()
    assert "无法在" in text and "创建或写入数据文件" in text
    assert "数据库设置" in text


def test_first_run_setup_then_login_then_main_window(qtbot, monkeypatch, tmp_path):
    def fill_setup(dialog):
        dialog.company.setText(COMPANY)
        dialog.username.setText("admin")
        dialog.full_name.setText("王建国")
        dialog.password.setText(PASSWORD)
        dialog.confirm.setText(PASSWORD)
        dialog.accept()

    def prefilled_then_log_in(dialog):
        assert dialog.username_edit.text() == "admin"
        log_in("admin")(dialog)

    Script(monkeypatch, SetupDialog, fill_setup)
    Script(monkeypatch, LoginDialog, prefilled_then_log_in)
    boot, window = start(qtbot, f"sqlite:///{tmp_path / 'new' / 'crm.sqlite3'}")
    assert isinstance(window, MainWindow)
    assert window.isVisible()
    assert window.windowTitle() == COMPANY  # Qt appends 客户资源管理系统


def test_fixing_database_settings_reopens_the_database(qtbot, monkeypatch, tmp_path):
    config.save_config(SavedConfig(database_url=UNREACHABLE))
    target = tmp_path / "fixed.sqlite3"

    def choose_sqlite(dialog):
        dialog.sqlite_radio.setChecked(True)
        dialog.path_edit.setText(str(target))
        dialog.save_button.click()

    def open_settings(dialog):
        assert "无法连接" in dialog.error_label.text()
        Script(monkeypatch, DatabaseSettingsDialog, choose_sqlite)
        dialog.settings_button.click()
        # The new file is empty: the login closes so that setup runs.
        assert dialog.result() == bootstrap_module.NEEDS_SETUP
        return dialog.result()

    def fill_setup(dialog):
        assert str(target) in dialog.intro.text()
        dialog.company.setText(COMPANY)
        dialog.username.setText("admin")
        dialog.full_name.setText("王建国")
        dialog.password.setText(PASSWORD)
        dialog.confirm.setText(PASSWORD)
        dialog.accept()

    Script(monkeypatch, LoginDialog, open_settings, log_in("admin"))
    Script(monkeypatch, SetupDialog, fill_setup)
    boot, window = start(qtbot, None)
    assert window is not None
    assert boot.connector.db.description == f"SQLite 文件：{target}"
    assert config.load_config().database_url.endswith(str(target))


def test_forced_password_change_cancel_logs_out(qtbot, monkeypatch, sqlite_db, admin_ctx):
    add_user(admin_ctx, "zhangsan", "张三", Role.SALES_REP, initial=True)  # must change first

    def change(dialog):
        assert dialog.cancel_button.text() == "注销"
        dialog.show()
        screenshot(dialog, "change_password_forced")
        dialog.hide()
        dialog.old.setText(PASSWORD)
        dialog.new.setText(NEW_PASSWORD)
        dialog.confirm.setText(NEW_PASSWORD)
        dialog.accept()

    login = Script(monkeypatch, LoginDialog, log_in("zhangsan"), log_in("zhangsan"))
    changes = Script(monkeypatch, ChangePasswordDialog, cancel, change)
    boot, window = start(qtbot, sqlite_db.url)
    assert len(login.dialogs) == 2  # cancelling the forced change went back to the login
    assert len(changes.dialogs) == 2
    assert window.ctx.actor.username == "zhangsan"
    assert window.settings_page is None


def test_logout_returns_to_login(qtbot, monkeypatch, sqlite_db, admin_ctx):
    login = Script(monkeypatch, LoginDialog, log_in("admin"), cancel)
    quits = []
    boot = Bootstrap(sqlite_db.url, on_quit=lambda: quits.append(True))
    window = boot.start()
    qtbot.addWidget(window)
    window.logout_action.trigger()
    assert len(login.dialogs) == 2
    assert quits == [True]


def test_main_returns_when_login_cancelled(qapp, monkeypatch, sqlite_db, admin):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # main() installs its own
    Script(monkeypatch, LoginDialog, cancel)
    try:
        assert main(["--database-url", sqlite_db.url]) == 0
        assert sys.excepthook is crash.handle_exception
    finally:
        qapp.setQuitOnLastWindowClosed(True)


def test_reminder_window_shows_after_login_even_when_empty(qtbot, admin_ctx):
    from app.ui.bootstrap import Bootstrap

    boot = Bootstrap.__new__(Bootstrap)
    window = boot._show_main(admin_ctx)
    qtbot.addWidget(window)
    assert window.reminder_window.isVisible()
    assert window.reminder_window.model.total() == 0
    window.reminder_window.close()
