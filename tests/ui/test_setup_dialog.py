from PySide6.QtCore import Qt

from app.models import Role
from app.services.admin import auth
from app.services.core.uow import UnitOfWork
from app.ui.login.setup_dialog import SetupDialog
from tests.ui.conftest import COMPANY, PASSWORD, screenshot


def fill(dialog, company=COMPANY, username="admin", full_name="王建国", pw=PASSWORD, confirm=None):
    for edit, text in (
        (dialog.company, company),
        (dialog.username, username),
        (dialog.full_name, full_name),
        (dialog.password, pw),
        (dialog.confirm, pw if confirm is None else confirm),
    ):
        edit.clear()
        edit.setText(text)


def test_validation_error_is_shown_at_the_field(qtbot, sqlite_db):
    dialog = SetupDialog(sqlite_db)
    qtbot.addWidget(dialog)
    dialog.show()
    fill(dialog, confirm="Different1!")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.errors.error_for("password_confirm") == "两次输入的密码不一致。"
    assert dialog.errors.error_for("password") == ""
    assert auth.needs_setup(UnitOfWork(sqlite_db, None))

    fill(dialog, company="")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.error_for("company_name") == "请输入公司名称。"
    assert dialog.errors.error_for("password_confirm") == ""
    screenshot(dialog, "setup_dialog")


def test_creates_the_first_admin(qtbot, sqlite_db):
    dialog = SetupDialog(sqlite_db)
    qtbot.addWidget(dialog)
    dialog.show()
    # QTest cannot type non-ASCII keys: Chinese text goes in with setText.
    dialog.company.setText(COMPANY)
    qtbot.keyClicks(dialog.username, "admin")
    dialog.full_name.setText("王建国")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClicks(dialog.confirm, PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.actor.role == Role.ADMIN
    assert dialog.actor.full_name == "王建国"
    assert not auth.needs_setup(UnitOfWork(sqlite_db, None))
    assert auth.company_name(UnitOfWork(sqlite_db, None)) == COMPANY
