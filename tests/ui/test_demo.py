"""The demo database (main.py --demo): its login dialog shows the accounts, and the
sales admin and a manager can open every page of the main window without an error."""

import pytest
from PySide6.QtCore import Qt

from app.main_entry import demo_database
from app.services import demo
from app.services.admin import auth
from app.services.core.database import open_database
from app.services.core.uow import UnitOfWork
from app.services.demo import builder
from app.ui.context import AppContext
from app.ui.login.db_connector import DatabaseConnector
from app.ui.login.login_dialog import LoginDialog
from app.ui.main_window import MainWindow
from tests.ui.conftest import reminders_read, screenshot


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory, monkeypatch_module):
    real = builder.build
    monkeypatch_module.setattr(
        builder, "build", lambda db, **kw: real(db, **{"customers": 80, **kw})
    )
    return demo_database(str(tmp_path_factory.mktemp("demo")))


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_the_login_dialog_names_the_accounts(qtbot, demo_url):
    connector = DatabaseConnector(demo_url)
    connector.connect()
    dialog = LoginDialog(connector)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.company_label.text() == demo.COMPANY
    assert demo.PASSWORD in dialog.demo_label.text() and "neiqin" in dialog.demo_label.text()
    screenshot(dialog, "demo_login")
    connector.close()


@pytest.mark.parametrize("username", ["neiqin", "zhuguan1"])
def test_every_page_opens(qtbot, demo_url, username):
    db = open_database(demo_url)
    actor = auth.login(UnitOfWork(db), username, demo.PASSWORD)
    window = MainWindow(AppContext(db, actor))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    reminders_read(qtbot, window)
    assert window.reminder_window.model.total() > 0
    opened = 0
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        if not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            continue
        window.nav.setCurrentItem(item)
        qtbot.wait(10)
        opened += 1
    assert opened >= 6
    window.nav.setCurrentItem(window.customers_item)
    customers = window.customer_page.list_page.list
    assert customers.model.rowCount() > 20
    screenshot(window, f"demo_customers_{username}")
    window.sweeper.stop()
    window.reminder_window.close()
    window.close()
    db.dispose()


def test_setup_offers_the_demo_instead_of_an_empty_start(qtbot, sqlite_db, monkeypatch):
    from PySide6.QtWidgets import QDialog, QMessageBox

    from app.ui.login.setup_dialog import SetupDialog

    real = builder.build
    monkeypatch.setattr(builder, "build", lambda db, **kw: real(db, **{**kw, "customers": 15}))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    dialog = SetupDialog(sqlite_db)
    qtbot.addWidget(dialog)
    dialog.show()
    screenshot(dialog, "setup_with_demo")
    dialog.demo_button.click()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=60_000)
    assert dialog.actor.username == "neiqin"
    assert auth.login(UnitOfWork(sqlite_db), "admin", demo.PASSWORD).username == "admin"
