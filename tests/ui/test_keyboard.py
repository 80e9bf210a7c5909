"""Keyboard-first: a sales rep registers a customer with keystrokes only (Ctrl+N, typing,
Tab, Enter), the menus carry the shortcuts, and Ctrl+1… / F5 act on the pages and lists."""

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.models import Role
from app.services.admin import auth
from app.services.core.uow import UnitOfWork
from app.ui.context import AppContext
from app.ui.customers.register_dialog import RegisterDialog
from app.ui.main_window import MainWindow
from tests.ui.conftest import PASSWORD, add_user, reminders_read, screenshot

CTRL = Qt.KeyboardModifier.ControlModifier


def rep_window(qtbot, admin_ctx) -> MainWindow:
    add_user(admin_ctx, "rep1", "张三", Role.SALES_REP)
    rep = auth.login(UnitOfWork(admin_ctx.db), "rep1", PASSWORD)
    window = MainWindow(AppContext(admin_ctx.db, rep))
    qtbot.addWidget(window)
    window.show()
    reminders_read(qtbot, window)
    return window


def typed(text: str) -> None:
    """Keys as a user types them: Latin letters and digits key by key; Chinese as the
    input method commits it (QTest's key clicks carry ASCII only)."""
    focus = QApplication.focusWidget()
    if text.isascii():
        QTest.keyClicks(focus, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(focus, event)


def tab_to(qtbot, widget) -> None:
    """Tab (keys only) until the focus is in `widget`."""
    for _ in range(40):
        focus = QApplication.focusWidget()
        if focus is widget or widget.isAncestorOf(focus):
            return
        QTest.keyClick(focus, Qt.Key.Key_Tab)
    raise AssertionError("Tab never reached the field")


def test_register_a_customer_with_the_keyboard_only(qtbot, admin_ctx, monkeypatch):
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    window = rep_window(qtbot, admin_ctx)
    started = time.monotonic()
    QTest.keyClick(window, Qt.Key.Key_N, CTRL)
    dialog = QApplication.activeModalWidget() or QApplication.activeWindow()
    assert isinstance(dialog, RegisterDialog)
    form = dialog.form.widgets
    # Typing starts at 客户名称 (once the new window is active).
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form["name"], timeout=3000)
    typed("宁夏红枸杞商贸有限公司")
    tab_to(qtbot, form["source_id"])
    typed("zhanhui")  # 展会 in full pinyin; the popup offers it first
    popup = form["source_id"].completer_.popup()
    QTest.keyClick(popup, Qt.Key.Key_Down)
    QTest.keyClick(popup, Qt.Key.Key_Return)
    assert form["source_id"].currentText() == "展会"
    tab_to(qtbot, form["first_contact_at"])
    typed("2026-03-02 08:30")
    tab_to(qtbot, form["phone"])
    typed("0951-5012345")
    screenshot(dialog, "register_by_keyboard")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(told), timeout=5000)
    assert told[0].startswith("客户已登记，客户编号：")
    assert time.monotonic() - started < 30
    assert window.customer_page.list_page.list.model.rowCount() == 1


def test_menus_carry_the_shortcuts(qtbot, admin_ctx):
    window = rep_window(qtbot, admin_ctx)
    keys = dict(window.shortcut_rows)
    assert keys["Ctrl+N"] == "新建客户" and keys["F5"] == "刷新" and keys["Ctrl+E"] == "导出 Excel"
    assert keys["Ctrl+1"] == "转到“客户档案”" and "Ctrl+P" in keys and "Ctrl+F" in keys
    QTest.keyClick(window, Qt.Key.Key_2, CTRL)
    assert window.stack.currentWidget() is window.pool_page
    QTest.keyClick(window, Qt.Key.Key_1, CTRL)
    assert window.stack.currentWidget() is window.customer_page
    dialog = window.show_shortcuts()
    qtbot.addWidget(dialog)
    shown = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert {"Ctrl+N", "Ctrl+F", "F5", "Ctrl+P", "Ctrl+E", "Ctrl+S", "Esc"} <= set(shown)
    screenshot(dialog, "shortcuts")


def test_f1_opens_the_help_at_the_page_or_the_role(qtbot, admin_ctx):
    window = rep_window(qtbot, admin_ctx)
    window.nav.setCurrentItem(window.pool_item)
    QTest.keyClick(window, Qt.Key.Key_F1)
    assert window.help_section() == "pool"
    browser = window.help_window.browser
    assert window.help_window.isVisible() and "领取" in browser.toPlainText()
    # Scrolled to the section: its heading is at the top of the view.
    top = browser.cursorForPosition(browser.viewport().rect().topLeft())
    top.select(top.SelectionType.LineUnderCursor)
    assert "公海客户" in top.selectedText()
    screenshot(window.help_window, "help_pool")
    window.nav.setCurrentRow(0)  # 客户档案
    assert window.help_section() == "customers"
    window.nav.setCurrentItem(None)
    assert window.help_section() == "sales_rep"
