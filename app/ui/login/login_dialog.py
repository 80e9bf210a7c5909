"""登录: username and password against the open database, with 数据库设置… to fix the URL."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.services import demo
from app.services.admin import auth
from app.services.core import credentials
from app.services.core.errors import ServiceError
from app.services.core.uow import Actor, UnitOfWork
from app.ui.common import prefs
from app.ui.common.dialog_fit import FittedDialog
from app.ui.common.style import ERROR_COLOR, HINT_COLOR, WARNING_COLOR, message_label, set_message
from app.ui.login.db_connector import DatabaseConnector
from app.ui.login.db_settings_dialog import DatabaseSettingsDialog

# exec() result when the (re)opened database has no users: the bootstrap runs setup.
NEEDS_SETUP = 2


class LoginDialog(FittedDialog):
    def __init__(self, connector: DatabaseConnector, parent: QWidget | None = None):
        super().__init__(parent)
        self.connector = connector
        self.actor: Actor | None = None
        # Qt adds the application's display name (客户资源管理系统) to every window title.
        self.setWindowTitle("登录")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(8)
        # Grow when an error line appears instead of squeezing the fields.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.company_label = QLabel()
        title_font = QFont(self.font())
        title_font.setPointSize(title_font.pointSize() + 5)
        title_font.setBold(True)
        self.company_label.setFont(title_font)
        self.company_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.company_label.setWordWrap(True)
        layout.addWidget(self.company_label)
        self.database_label = message_label(HINT_COLOR, hidden=False)
        layout.addWidget(self.database_label)
        self.share_warning = message_label(WARNING_COLOR)
        layout.addWidget(self.share_warning)
        self.demo_label = message_label(HINT_COLOR)  # a demo database's accounts
        layout.addWidget(self.demo_label)
        layout.addSpacing(6)

        form = QFormLayout()
        form.setVerticalSpacing(10)
        self.username_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.username_edit.setMinimumWidth(320)
        form.addRow("用户名：", self.username_edit)
        form.addRow("密码：", self.password_edit)
        self.remember_box = QCheckBox("记住密码")
        form.addRow("", self.remember_box)
        layout.addLayout(form)
        self.keyring_note = message_label(HINT_COLOR)
        layout.addWidget(self.keyring_note)
        self.error_label = message_label(ERROR_COLOR)
        layout.addWidget(self.error_label)

        buttons = QDialogButtonBox()
        self.settings_button = buttons.addButton(
            "数据库设置…", QDialogButtonBox.ButtonRole.ResetRole
        )
        self.login_button = buttons.addButton("登录", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        # Enter anywhere in the dialog logs in: only 登录 may be the default button.
        for other in (self.settings_button, self.cancel_button):
            other.setAutoDefault(False)
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.try_login)
        self.cancel_button.clicked.connect(self.reject)
        self.settings_button.clicked.connect(self.open_database_settings)
        layout.addWidget(buttons)

        self._setup_remember()
        self.username_edit.editingFinished.connect(self._recall_password)
        self.refresh_database_info()
        self.username_edit.setText(str(prefs.ui_settings().value(prefs.LAST_USERNAME, "") or ""))
        self._recall_password()
        (self.password_edit if self.username_edit.text() else self.username_edit).setFocus()

    # --- database ---------------------------------------------------------

    def refresh_database_info(self) -> None:
        company = self.connector.company_name()
        self.company_label.setText(company or APP_NAME)
        set_message(self.demo_label, demo.accounts_hint() if company == demo.COMPANY else "")
        self.database_label.setText(f"数据库：{self.connector.description}")
        set_message(self.share_warning, self.connector.warning)
        set_message(self.error_label, self.connector.error)

    def open_database_settings(self) -> None:
        dialog = DatabaseSettingsDialog(self.connector.choice, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.connector.connect()
        self.refresh_database_info()
        if self.connector.needs_setup():
            self.done(NEEDS_SETUP)
            return
        self.refresh_database_info()
        self._recall_password()

    def _database_key(self) -> str:
        return self.connector.description

    # --- remember password ----------------------------------------------

    def _setup_remember(self) -> None:
        if credentials.available():
            return
        reason = credentials.unavailable_reason()
        self.remember_box.setEnabled(False)
        self.remember_box.setChecked(False)
        self.remember_box.setToolTip(reason)
        set_message(self.keyring_note, reason)

    def _recall_password(self) -> None:
        username = self.username_edit.text().strip()
        if not username or not self.remember_box.isEnabled() or self.connector.db is None:
            return
        stored = credentials.recall(self._database_key(), username)
        if stored:
            self.password_edit.setText(stored)
            self.remember_box.setChecked(True)

    def _store_password(self, username: str, password: str) -> None:
        if not self.remember_box.isEnabled():
            return
        if self.remember_box.isChecked():
            credentials.remember(self._database_key(), username, password)
        else:
            credentials.forget(self._database_key(), username)

    # --- login ------------------------------------------------------------

    def try_login(self) -> None:
        set_message(self.error_label, "")
        if self.connector.db is None:
            # The server may be back: retry before reporting.
            self.connector.connect()
            self.refresh_database_info()
            if self.connector.db is None:
                return
        if self.connector.needs_setup():
            self.done(NEEDS_SETUP)
            return
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        try:
            self.actor = auth.login(UnitOfWork(self.connector.db, None), username, password)
        except ServiceError as err:
            set_message(self.error_label, str(err))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        prefs.ui_settings().setValue(prefs.LAST_USERNAME, self.actor.username)
        self._store_password(self.actor.username, password)
        self.accept()
