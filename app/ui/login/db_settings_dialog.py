"""数据库设置: a SQLite file on this PC, or a shared PostgreSQL server."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.core import config, database
from app.services.core.config import DatabaseChoice, SavedConfig
from app.services.core.errors import DatabaseError, ServiceError
from app.ui.common.dialog_fit import FittedDialog
from app.ui.common.style import (
    ERROR_COLOR,
    HINT_COLOR,
    SUCCESS_COLOR,
    WARNING_COLOR,
    message_label,
    set_message,
)
from app.ui.login import db_url

SAVED_SOURCES = ("数据库设置", "默认")


class DatabaseSettingsDialog(FittedDialog):
    def __init__(self, current: DatabaseChoice | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("数据库设置")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        # Grow when an error line appears instead of squeezing the fields.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)

        self.override_note = message_label(WARNING_COLOR)
        if current is not None and current.source not in SAVED_SOURCES:
            set_message(
                self.override_note,
                f"注意：本次启动使用的是“{current.source}”指定的数据库，它优先于这里保存的设置。"
                "保存的设置将在不再使用该参数时生效。",
            )
        layout.addWidget(self.override_note)

        self.sqlite_radio = QRadioButton("本机 SQLite 文件（单台电脑使用）")
        self.pg_radio = QRadioButton("PostgreSQL 服务器（多台电脑共用）")
        group = QButtonGroup(self)
        group.addButton(self.sqlite_radio)
        group.addButton(self.pg_radio)
        layout.addWidget(self.sqlite_radio)
        layout.addWidget(self._sqlite_box())
        layout.addWidget(self.pg_radio)
        layout.addWidget(self._pg_box())

        self.result_label = message_label(ERROR_COLOR)
        layout.addWidget(self.result_label)

        buttons = QDialogButtonBox()
        # Reset role puts 测试连接 on the far left, apart from 保存/取消.
        self.test_button = buttons.addButton("测试连接", QDialogButtonBox.ButtonRole.ResetRole)
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.test_button.clicked.connect(self.test_connection)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(buttons)

        self.sqlite_radio.toggled.connect(self._update_enabled)
        self._load(current)
        self._update_enabled()

    def _sqlite_box(self) -> QGroupBox:
        self.sqlite_box = QGroupBox()
        row = QHBoxLayout(self.sqlite_box)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("数据库文件路径")
        self.path_edit.setMinimumWidth(420)
        self.browse_button = QPushButton("浏览…")
        self.browse_button.clicked.connect(self.browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        return self.sqlite_box

    def _pg_box(self) -> QGroupBox:
        self.pg_box = QGroupBox()
        form = QFormLayout(self.pg_box)
        self.host_edit = QLineEdit()
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(db_url.PG_DEFAULT_PORT)
        self.port_spin.setMaximumWidth(100)
        self.db_edit = QLineEdit()
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("服务器地址：", self.host_edit)
        form.addRow("端口：", self.port_spin)
        form.addRow("数据库名：", self.db_edit)
        form.addRow("用户名：", self.user_edit)
        form.addRow("密码：", self.password_edit)
        hint = (
            "密码保存在系统密码库（钥匙串）中，不写入配置文件。"
            if config.password_is_kept()
            else "本机没有系统密码库：密码只在本次运行中使用，下次启动需在此重新输入。"
        )
        self.password_hint = message_label(HINT_COLOR, hint, hidden=False)
        form.addRow("", self.password_hint)
        return self.pg_box

    def _load(self, current: DatabaseChoice | None) -> None:
        url = config.load_config().database_url or (current.url if current else "")
        self.path_edit.setText(str(config.default_sqlite_path()))
        pg = db_url.PgParams()
        if url and not db_url.is_sqlite(url):
            pg = db_url.parse_postgres(url)
            self.pg_radio.setChecked(True)
        else:
            if url:
                self.path_edit.setText(db_url.parse_sqlite(url) or self.path_edit.text())
            self.sqlite_radio.setChecked(True)
        self.host_edit.setText(pg.host)
        self.port_spin.setValue(pg.port)
        self.db_edit.setText(pg.database)
        self.user_edit.setText(pg.user)
        self.password_edit.setText(pg.password)

    def _update_enabled(self) -> None:
        self.sqlite_box.setEnabled(self.sqlite_radio.isChecked())
        self.pg_box.setEnabled(self.pg_radio.isChecked())

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "选择数据库文件",
            self.path_edit.text(),
            "SQLite 数据库 (*.sqlite3 *.db);;所有文件 (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.path_edit.setText(path)

    def build_url(self) -> str:
        """The URL the form describes; DatabaseError (Chinese) for a missing field."""
        if self.sqlite_radio.isChecked():
            path = self.path_edit.text().strip()
            if not path:
                raise DatabaseError("请填写数据库文件路径。")
            return db_url.sqlite_url(path)
        params = db_url.PgParams(
            host=self.host_edit.text().strip(),
            port=self.port_spin.value(),
            database=self.db_edit.text().strip(),
            user=self.user_edit.text().strip(),
            password=self.password_edit.text(),
        )
        for value, what in (
            (params.host, "服务器地址"),
            (params.database, "数据库名"),
            (params.user, "用户名"),
        ):
            if not value:
                raise DatabaseError(f"请填写{what}。")
        return db_url.postgres_url(params)

    def test_connection(self) -> None:
        set_message(self.result_label, "")
        try:
            url = self.build_url()
            path = database.sqlite_path(url)
            if path is not None:
                config.ensure_writable_dir(path.parent)
            db = database.open_database(url)
            try:
                database.check_connection(db.engine)
            finally:
                db.dispose()
        except ServiceError as err:
            set_message(self.result_label, str(err), ERROR_COLOR)
            return
        set_message(self.result_label, f"连接成功：{database.describe_url(url)}", SUCCESS_COLOR)

    def save(self) -> None:
        try:
            url = self.build_url()
            database.normalize_url(url)
        except ServiceError as err:
            set_message(self.result_label, str(err), ERROR_COLOR)
            return
        try:
            config.save_config(SavedConfig(database_url=url))
        except OSError as exc:
            set_message(self.result_label, f"无法保存设置：{exc.strerror or exc}", ERROR_COLOR)
            return
        self.accept()
