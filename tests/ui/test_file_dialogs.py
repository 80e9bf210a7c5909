"""File dialogs start in the user's Documents, then where the user last saved or opened a
file for the same purpose; and the list view's menu buttons draw a real drop-down arrow."""

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QPushButton

from app.ui.common import file_dialogs
from tests.ui.conftest import screenshot


def test_save_starts_in_documents_then_in_the_last_folder(qtbot, monkeypatch, tmp_path):
    asked = []
    chosen = tmp_path / "月报" / "客户列表"  # typed without .xlsx
    chosen.parent.mkdir()

    def dialog(parent, title, start, filters):
        asked.append(start)
        return str(chosen), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    expected = docs if docs and Path(docs).is_dir() else str(Path.home())
    first = file_dialogs.save_file(None, file_dialogs.EXPORT, "导出", "客户.xlsx", "Excel (*.xlsx)")
    assert asked[0] == str(Path(expected) / "客户.xlsx")
    assert first == str(chosen) + ".xlsx"  # the suffix the user did not type
    file_dialogs.save_file(None, file_dialogs.EXPORT, "导出", "客户.xlsx", "Excel (*.xlsx)")
    assert asked[1] == str(chosen.parent / "客户.xlsx")
    # another purpose keeps its own folder
    file_dialogs.save_file(None, file_dialogs.PDF, "另存为 PDF", "客户.pdf", "PDF (*.pdf)")
    assert asked[2] == str(Path(expected) / "客户.pdf")


def test_a_cancelled_dialog_remembers_nothing(qtbot, monkeypatch, tmp_path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: ("", ""))
    before = file_dialogs.start_folder(file_dialogs.IMPORT)
    assert file_dialogs.open_file(None, file_dialogs.IMPORT, "导入") == ""
    assert file_dialogs.start_folder(file_dialogs.IMPORT) == before


def test_list_menu_buttons_are_push_buttons_with_a_drawn_arrow(qtbot, admin_ctx):
    from app.services.admin.lists import users_source
    from app.ui.listview.list_view import ListView

    view = ListView(admin_ctx, users_source())
    qtbot.addWidget(view)
    for button in (view.filter_button, view.batch_button):
        assert isinstance(button, QPushButton) and button.menu() is not None
        assert "。" not in button.text()
        assert button.width() >= button.fontMetrics().horizontalAdvance(button.text())


def test_a_large_dialog_fits_a_small_screen_and_keeps_its_size(qtbot, admin_ctx):
    """The registration dialog (laid out for a desktop) on the 800×800 offscreen screen:
    inside the screen, its buttons visible; the size the user leaves is the next size."""
    from app.ui.customers.register_dialog import RegisterDialog

    dialog = RegisterDialog(admin_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    screen = dialog.screen().availableGeometry()
    assert screen.contains(dialog.frameGeometry())
    button = dialog.register_button
    assert dialog.rect().contains(button.geometry().translated(button.parentWidget().pos()))
    screenshot(dialog, "register_dialog_small_screen")
    dialog.resize(700, 600)
    dialog.hide()
    again = RegisterDialog(admin_ctx)
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (700, 600)
