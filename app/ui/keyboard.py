"""Keyboard-first work in the main window: the shortcuts, where each acts, and the
快捷键 page that lists them (帮助 → 快捷键).

A list shortcut (查找, 刷新, 打印预览, 导出) acts on the list the user is in: the one holding
the focus, else the first list shown on the current page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

NEW_CUSTOMER = "Ctrl+N"
FIND = "Ctrl+F"
RELOAD = "F5"
PRINT_PREVIEW = "Ctrl+P"
EXPORT = "Ctrl+E"
HELP = "F1"
# Shortcuts that belong to each dialog rather than the main window's menus.
IN_DIALOGS = [
    ("Ctrl+S", "保存（客户档案、记录等编辑窗口）"),
    ("Enter", "确定 / 保存当前对话框"),
    ("Esc", "取消；有未保存的修改时先询问"),
    ("Tab / Shift+Tab", "下一项 / 上一项"),
    ("Enter（列表中）", "打开选中的记录"),
]


def page_key(index: int) -> str | None:
    """Ctrl+1 … Ctrl+9 for the first nine pages of the navigation."""
    return f"Ctrl+{index + 1}" if index < 9 else None


def current_list(page: QWidget | None):
    """The list a list shortcut acts on: the focused one, else the first shown on `page`."""
    from app.ui.listview.list_view import ListView  # the list view names these keys too

    widget = QApplication.focusWidget()
    while widget is not None:
        if isinstance(widget, ListView):
            return widget
        widget = widget.parentWidget()
    if page is None:
        return None
    return next((v for v in page.findChildren(ListView) if v.isVisible()), None)


class ShortcutsDialog(QDialog):
    """快捷键: every shortcut of the main window's menus and of the dialogs."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("快捷键")
        layout = QVBoxLayout(self)
        rows = rows + IN_DIALOGS
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["按键", "作用"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, what) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 150)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 520)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
