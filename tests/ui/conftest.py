"""UI test helpers: the bundled font, a SQLite database with an admin, screenshots."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.services.admin import auth, users
from app.services.admin.users import UserForm
from app.services.core import config, credentials
from app.services.core.database import open_database
from app.services.core.uow import UnitOfWork
from app.ui.common import prefs
from app.ui.common.chinese import install_chinese
from app.ui.common.fonts import install_fonts
from app.ui.context import AppContext
from tests.services.helpers import passed_first_login

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
COMPANY = "华东精密仪器有限公司"
PASSWORD = "Passw0rd!"


@pytest.fixture(scope="session", autouse=True)
def _fonts(qapp):
    assert install_fonts(qapp), "bundled CJK font must load"
    assert install_chinese(qapp), "Qt's own Chinese translations must load"


@pytest.fixture(autouse=True)
def _clean_prefs():
    """Each test starts without a saved config, last username or window geometry."""
    for path in (config.config_dir() / "ui.ini", config.config_dir() / "config.json"):
        path.unlink(missing_ok=True)
    yield
    prefs.ui_settings().sync()


@pytest.fixture
def sqlite_db(tmp_path, sqlite_template):
    target = tmp_path / "crm.sqlite3"
    shutil.copy(sqlite_template, target)
    db = open_database(f"sqlite:///{target}")
    yield db
    db.dispose()


@pytest.fixture
def admin(sqlite_db):
    return auth.setup_first_admin(
        UnitOfWork(sqlite_db, None), COMPANY, "admin", "王建国", PASSWORD, PASSWORD
    )


@pytest.fixture
def admin_ctx(sqlite_db, admin):
    return AppContext(sqlite_db, admin)


def add_user(
    ctx: AppContext, username: str, full_name: str, role, team_id=None, *, initial=False
) -> int:
    """As tests.services.helpers.add_user: past the first login unless `initial`."""
    uid = users.create_user(
        ctx.write_uow(), UserForm(username, full_name, role, team_id), PASSWORD, PASSWORD
    )
    if not initial:
        passed_first_login(ctx.db, uid)
    return uid


class MemoryKeyring:
    def __init__(self):
        self.store: dict[tuple[str, str], str] = {}

    def install(self, monkeypatch):
        monkeypatch.setattr(credentials, "available", lambda: True)
        monkeypatch.setattr(
            credentials, "remember", lambda k, u, p: self.store.__setitem__((k, u), p) or True
        )
        monkeypatch.setattr(credentials, "recall", lambda k, u: self.store.get((k, u)))
        monkeypatch.setattr(credentials, "forget", lambda k, u: self.store.pop((k, u), None))
        return self


@pytest.fixture
def memory_keyring(monkeypatch):
    return MemoryKeyring().install(monkeypatch)


@pytest.fixture
def no_keyring(monkeypatch):
    monkeypatch.setattr(credentials, "available", lambda: False)


def screenshot(widget, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Let pending layout requests run, as the event loop would before painting.
    QApplication.processEvents()
    assert widget.grab().save(str(path)), f"could not save {path}"
    return path


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch):
    """No modal message box may block a test: record them instead (kind, title, text)."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str, str]] = []

    def recorder(kind, answer):
        def box(parent, title, text, *args, **kwargs):
            shown.append((kind, title, text))
            return answer

        return box

    ok = QMessageBox.StandardButton.Ok
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, recorder(kind, ok))
    monkeypatch.setattr(
        QMessageBox, "question", recorder("question", QMessageBox.StandardButton.No)
    )
    monkeypatch.setattr(QMessageBox, "about", recorder("about", None))
    return shown


def show_page(qtbot, page_class, db, actor, size=(1200, 600)):
    """A module page (customer list, pool …) for `actor`, shown at a desktop size."""
    page = page_class(AppContext(db, actor), COMPANY)
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    return page


def list_names(page, key: str = "name") -> list[str]:
    """The values of one column of a page's shared list, sorted."""
    model = page.list.model
    col = model.keys.index(key)
    return sorted(model.data(model.index(r, col)) for r in range(model.rowCount()))


def reminders_read(qtbot, window) -> None:
    """Wait until the 待办提醒 read in the background has been shown (a main window or the
    reminder window itself)."""
    reminders = getattr(window, "reminder_window", window)
    qtbot.waitUntil(lambda: not reminders.reading(), timeout=10_000)
