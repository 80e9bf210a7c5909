"""Nothing typed is lost silently: a form remembers what it showed, and leaving it with
changes asks 保存 / 不保存 / 返回. Ctrl+S saves in every editor."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

SAVE, DISCARD, BACK = "save", "discard", "back"
EDITORS = (QLineEdit, QTextEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QAbstractButton)


def _value(w: QWidget):
    if isinstance(w, QLineEdit):
        return w.text()
    if isinstance(w, QTextEdit | QPlainTextEdit):
        return w.toPlainText()
    if isinstance(w, QComboBox):
        return (w.currentIndex(), w.currentText())
    if isinstance(w, QAbstractSpinBox):
        return w.text()
    if isinstance(w, QAbstractButton):
        return w.isChecked() if w.isCheckable() else None
    return None


def form_state(widgets: Iterable[QWidget]) -> tuple:
    """What the user sees in these widgets and every editor inside them."""
    state = []
    for widget in {id(w): w for w in widgets}.values():
        for w in [widget, *widget.findChildren(QWidget)]:
            if isinstance(w, EDITORS) and not isinstance(w.parentWidget(), QAbstractSpinBox):
                state.append(_value(w))
    return tuple(state)


def ask_unsaved(parent: QWidget, what: str = "所做的修改") -> str:
    """保存 / 不保存 / 返回 (Esc: back to the form)."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent,
        "尚未保存",
        f"{what}还没有保存。要保存吗？",
        buttons.Save | buttons.Discard | buttons.Cancel,
        buttons.Save,
    )
    if answer == buttons.Save:
        return SAVE
    return DISCARD if answer == buttons.Discard else BACK


def may_close(parent: QWidget, changed: bool, save: Callable[[], object], what: str) -> bool:
    """Whether a form may close now: nothing changed, or 不保存. 保存 runs `save`, which
    closes the form itself when it succeeds (a dialog's accept) — so this says False."""
    if not changed:
        return True
    answer = ask_unsaved(parent, what)
    if answer == SAVE:
        save()
    return answer == DISCARD


def save_shortcut(widget: QWidget, save: Callable[[], object]) -> QShortcut:
    return QShortcut(QKeySequence.StandardKey.Save, widget, activated=save)
