from PySide6.QtCore import QPoint, Qt

from app.services.core import config
from app.services.core.config import DatabaseChoice, SavedConfig
from app.ui.login import db_url
from app.ui.login.db_settings_dialog import DatabaseSettingsDialog
from tests.ui.conftest import screenshot


def make_dialog(qtbot, current=None) -> DatabaseSettingsDialog:
    dialog = DatabaseSettingsDialog(current)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_defaults_to_the_sqlite_file(qtbot):
    dialog = make_dialog(qtbot)
    assert dialog.sqlite_radio.isChecked()
    assert dialog.path_edit.text() == str(config.default_sqlite_path())
    assert not dialog.pg_box.isEnabled()
    assert not dialog.override_note.isVisible()
    screenshot(dialog, "db_settings_dialog")


def test_builds_postgres_url_with_quoted_password_and_saves(qtbot):
    dialog = make_dialog(qtbot)
    # Click on the indicator: a radio button only reacts on its indicator and text.
    pos = QPoint(8, dialog.pg_radio.height() // 2)
    qtbot.mouseClick(dialog.pg_radio, Qt.MouseButton.LeftButton, pos=pos)
    assert dialog.pg_box.isEnabled() and not dialog.sqlite_box.isEnabled()
    dialog.host_edit.setText("db.example.local")
    dialog.port_spin.setValue(6543)
    dialog.db_edit.setText("crm")
    dialog.user_edit.setText("sales")
    dialog.password_edit.setText("p@ss:w/rd")
    expected = "postgresql+psycopg://sales:p%40ss%3Aw%2Frd@db.example.local:6543/crm"
    assert dialog.build_url() == expected
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert config.load_config().database_url == expected
    # Read back: the fields come back as typed.
    again = make_dialog(qtbot)
    assert again.pg_radio.isChecked()
    assert again.password_edit.text() == "p@ss:w/rd"
    assert again.port_spin.value() == 6543


def test_missing_field_is_reported(qtbot):
    dialog = make_dialog(qtbot)
    dialog.pg_radio.setChecked(True)
    dialog.host_edit.clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.result_label.text() == "请填写服务器地址。"
    assert config.load_config().database_url is None


def test_sqlite_path_is_saved_and_connection_tested(qtbot, tmp_path):
    dialog = make_dialog(qtbot)
    target = tmp_path / "office" / "crm.sqlite3"
    dialog.path_edit.setText(str(target))
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.result_label.text().startswith("连接成功")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert config.load_config().database_url == db_url.sqlite_url(target)


def test_unreachable_server_shows_error(qtbot):
    dialog = make_dialog(qtbot)
    dialog.pg_radio.setChecked(True)
    dialog.host_edit.setText("127.0.0.1")
    dialog.port_spin.setValue(1)
    dialog.db_edit.setText("x")
    dialog.user_edit.setText("u")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "无法连接 PostgreSQL 服务器 127.0.0.1:1" in dialog.result_label.text()


def test_override_note_when_command_line_wins(qtbot):
    config.save_config(SavedConfig(database_url="sqlite:////tmp/saved.sqlite3"))
    dialog = make_dialog(qtbot, DatabaseChoice("sqlite:////tmp/cli.sqlite3", "命令行参数"))
    assert dialog.override_note.isVisible()
    assert "命令行参数" in dialog.override_note.text()
    assert dialog.path_edit.text() == "/tmp/saved.sqlite3"
