import sys

from PySide6.QtGui import QFontDatabase

from app.services.core import config
from app.ui import crash
from app.ui.common.fonts import install_fonts
from app.ui.common.resources import resource_path, resources_dir
from tests.ui.conftest import PASSWORD


def test_resources_dir_from_source_and_bundle(monkeypatch, tmp_path):
    assert (resources_dir() / "fonts" / "wqy-microhei.ttc").is_file()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("fonts", "x.ttc") == tmp_path / "resources" / "fonts" / "x.ttc"


def test_font_installed_as_application_font(qapp):
    family = install_fonts(qapp)
    assert family and "WenQuanYi" in family
    assert qapp.font().family() == family
    assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)


def test_missing_font_falls_back(qapp, monkeypatch, tmp_path):
    before = qapp.font()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert install_fonts(qapp) is None
    assert qapp.font() == before


def test_excepthook_logs_and_shows_chinese_message(message_boxes):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        crash.handle_exception(*sys.exc_info())
    log = config.data_dir() / crash.LOG_NAME
    assert "RuntimeError: boom" in log.read_text(encoding="utf-8")
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("critical", "程序发生意外错误")
    assert str(log) in text and "Traceback" not in text


def test_unlock_user_from_the_command_line(sqlite_db, admin, capsys):
    import pytest

    from app import main_entry
    from app.services.admin import auth
    from app.services.core.errors import AuthError
    from app.services.core.uow import UnitOfWork

    for _ in range(5):
        with pytest.raises(AuthError):
            auth.login(UnitOfWork(sqlite_db), "admin", "wrong-password")
    assert main_entry.main(["--database-url", sqlite_db.url, "--unlock-user", "admin"]) == 0
    assert "已解除用户“admin”的锁定" in capsys.readouterr().out
    assert auth.login(UnitOfWork(sqlite_db), "admin", PASSWORD).username == "admin"
    assert main_entry.main(["--database-url", sqlite_db.url, "--unlock-user", "nobody"]) == 1
    assert "没有用户名为“nobody”的用户" in capsys.readouterr().err


def test_qt_speaks_chinese(qapp):
    from PySide6.QtCore import QCoreApplication, QDate, QLocale
    from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

    from app.ui.common.chinese import install_chinese

    assert install_chinese(qapp)
    assert QLocale().name() == "zh_CN"
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    texts = {b.text() for b in box.buttons()}
    assert texts == {"确定", "取消"}, texts
    edit = QLineEdit()
    menu = edit.createStandardContextMenu()
    assert any("粘贴" in a.text() for a in menu.actions())
    assert "年" in QLocale().toString(QDate(2026, 12, 4), QLocale.FormatType.LongFormat)
    assert QCoreApplication.translate("QFileDialog", "&Save") != "&Save"
