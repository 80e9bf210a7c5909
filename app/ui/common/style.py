"""Shared label styles: errors red, warnings orange, hints grey."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QMenu, QPushButton

ERROR_COLOR = "#c62828"
WARNING_COLOR = "#e65100"
HINT_COLOR = "#6b6b6b"
SUCCESS_COLOR = "#2e7d32"


def message_label(color: str, text: str = "", *, hidden: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {color};")
    label.setVisible(not hidden)
    return label


def set_message(label: QLabel, text: str, color: str | None = None) -> None:
    if color:
        label.setStyleSheet(f"color: {color};")
    label.setText(text)
    label.setVisible(bool(text))
    _grow_dialog(label)


def _grow_dialog(label: QLabel) -> None:
    """Give a dialog the height a newly shown wrapped message needs.

    Qt sizes a window from its layout's minimum, which underestimates word-wrapped
    labels, so without this the line edits get squeezed.
    """
    window = label.window()
    layout = window.layout()
    if not isinstance(window, QDialog) or layout is None:
        return
    layout.activate()
    if layout.hasHeightForWidth():
        needed = layout.totalHeightForWidth(window.width())
    else:
        needed = layout.totalSizeHint().height()
    if window.height() < needed:
        window.resize(window.width(), needed)


def menu_button(text: str) -> tuple[QPushButton, QMenu]:
    """A flat button that opens a menu, with a drawn drop-down arrow after its text.
    (A QToolButton's corner indicator reads as a "。" next to Chinese text.)"""
    button = QPushButton(text)
    button.setFlat(True)
    # As wide as its text and arrow: a push button's minimum width is meant for 确定/取消.
    button.setFixedWidth(button.fontMetrics().horizontalAdvance(text) + 32)
    menu = QMenu(button)
    button.setMenu(menu)
    return button, menu
