"""Field helpers shared by the customer forms: required marks, error lines, text values."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from app.services.core.errors import ServiceError
from app.ui.common.field_errors import show_errors
from app.ui.common.pinyin_combo import PinyinCombo
from app.ui.common.style import ERROR_COLOR, message_label, set_message

REQUIRED_MARK = f"<span style='color:{ERROR_COLOR}'>*</span>"
DATE_HINT = "例：2026-03-01"
DATETIME_HINT = "例：2026-03-01 09:30"


def label_text(text: str, required: bool = False) -> QLabel:
    label = QLabel(f"{text}{REQUIRED_MARK}" if required else text)
    label.setMinimumWidth(84)  # the same label column in every group
    return label


def shown(value) -> str:
    """A stored value as the text a line edit shows (and compares against)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.second == 0 else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def multiline(height: int = 54) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


def read(widget: QWidget):
    """The widget's value as the service takes it: ids for combos, text otherwise."""
    if isinstance(widget, PinyinCombo):
        return widget.current_id()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    raise TypeError(type(widget))


def write(widget: QWidget, value) -> None:
    if isinstance(widget, PinyinCombo):
        widget.set_current_id(value)
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(shown(value))
    elif isinstance(widget, QLineEdit):
        widget.setText(shown(value))
        widget.setCursorPosition(0)


class ErrorMap:
    """Field name → (widget, red line under it). A service error lands at its field."""

    def __init__(self, general: QLabel):
        self.general = general
        self.widgets: dict[str, QWidget] = {}
        self.lines: dict[str, QLabel] = {}

    def wrap(self, name: str, widget: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        line = message_label(ERROR_COLOR)
        column.addWidget(line)
        self.widgets[name] = widget
        self.lines[name] = line
        return box

    def clear(self) -> None:
        for line in self.lines.values():
            set_message(line, "")
        set_message(self.general, "")

    def show(self, err: ServiceError) -> str | None:
        """Every error of `err` at its field (a form checked as a whole has several);
        returns the first field marked (None: only the general line)."""
        self.clear()
        return show_errors(err, self.lines, self.widgets, self.general)

    def error_for(self, name: str) -> str:
        line = self.lines.get(name)
        return line.text() if line is not None else ""
