"""Start-up flow: database → (first-run setup) → login → (forced password change) → main window.

Runs modal dialogs before the event loop starts, and again after 注销 (logout).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from app.services.admin import auth
from app.services.core.errors import ServiceError
from app.ui.common import prefs
from app.ui.context import AppContext
from app.ui.login.change_password_dialog import ChangePasswordDialog
from app.ui.login.db_connector import DatabaseConnector
from app.ui.login.login_dialog import NEEDS_SETUP, LoginDialog
from app.ui.login.setup_dialog import SetupDialog

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def _warm_up() -> None:
    """While the login dialog waits for the password: import the main window's modules
    (every page, openpyxl, the printers) and load pypinyin's dictionary, so that neither
    stands between the start and the login dialog, nor between 登录 and the window."""
    try:
        import app.ui.main_window  # noqa: F401
        from app.services.search.pinyin import name_keys

        name_keys("预热")
    except Exception:  # the login path imports the same modules again and reports
        log.exception("warming up the main window failed")


def warm_up_in_background() -> threading.Thread:
    thread = threading.Thread(target=_warm_up, name="warm-up", daemon=True)
    thread.start()
    return thread


class Bootstrap(QObject):
    def __init__(
        self,
        cli_url: str | None = None,
        on_quit: Callable[[], None] | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.connector = DatabaseConnector(cli_url)
        self.on_quit = on_quit or QApplication.quit
        self.main_window: MainWindow | None = None

    def start(self) -> MainWindow | None:
        """Open the database and log in; None when the user gave up (cancelled)."""
        # Once the first dialog is up (its event loop runs the timer): not before it.
        QTimer.singleShot(0, warm_up_in_background)
        self.connector.connect()
        return self._login_loop()

    def _login_loop(self) -> MainWindow | None:
        while True:
            if self.connector.needs_setup():
                setup = SetupDialog(self.connector.db)
                if setup.exec() != QDialog.DialogCode.Accepted:
                    return None
                # The login that follows starts with the new administrator's name.
                prefs.ui_settings().setValue(prefs.LAST_USERNAME, setup.actor.username)
            login = LoginDialog(self.connector)
            result = login.exec()
            if result == NEEDS_SETUP:
                continue
            if result != QDialog.DialogCode.Accepted or login.actor is None:
                return None
            ctx = AppContext(self.connector.db, login.actor)
            if not self._password_ok(ctx):
                continue  # cancelling the forced change logs out: back to the login
            return self._show_main(ctx)

    def _password_ok(self, ctx: AppContext) -> bool:
        try:
            forced = auth.must_change_password(ctx.write_uow())
        except ServiceError:
            forced = False  # the login just worked; a failed check must not lock the user out
        if not forced:
            return True
        dialog = ChangePasswordDialog(ctx, forced=True)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _show_main(self, ctx: AppContext) -> MainWindow:
        from app.ui.main_window import MainWindow

        window = MainWindow(ctx)
        window.logout_requested.connect(self._logout)
        window.closed.connect(self._quit)
        window.show()
        # 2.3 item 9: the reminder window appears after every login, empty or not, so
        # "nothing due" is an answer the user sees rather than a window that never comes.
        window.show_reminders()
        self.main_window = window
        return window

    def _logout(self) -> None:
        old = self.main_window
        self.main_window = None
        if old is not None:
            old.deleteLater()
        if self._login_loop() is None:
            self._quit()

    def _quit(self) -> None:
        self.connector.close()
        self.on_quit()
