"""A date-time field that takes a time typed in one go.

Qt's QDateTimeEdit edits one section at a time: typing "2026-12-24 15:30" into it gives
2026-01-12 21:53 (the "-" steps a section), "2026-1-5 9:05" gives the 15th. DateTimeEdit
is a QDateTimeEdit (calendar popup, arrow keys and wheel per section, the same API) whose
typed characters are collected as text instead and read as a whole when the user presses
Enter or Tab or leaves the field: 2026-12-24 15:30, 2026/12/24 15:30, 2026年12月24日 15时30分,
202612241530, 12-24 15:30 (this year), 2026-12-24 (time kept), 15:30 (date kept). Text it
cannot read puts the previous value back and says so in Chinese; Esc drops the typing."""

from __future__ import annotations

import re
from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QDateTimeEdit, QToolTip, QWidget

FORMAT = "yyyy-MM-dd HH:mm"
EXAMPLE = "2026-12-24 15:30"
_TYPED = set("0123456789-/.: 年月日时点分")
_DATE = re.compile(r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?$")
_TIME = re.compile(r"^(\d{1,2})[:时点](\d{1,2})分?$|^(\d{1,2})[时点]$")
_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2}))?$")


def parse_date_time(text: str, current: datetime) -> datetime | None:
    """What the user typed, read as a whole; None when it is not a date and time.
    A missing year is this one (`current`'s), a missing date or time is `current`'s."""
    text = " ".join(text.replace("：", ":").split())
    if not text:
        return None
    m = _DIGITS.match(text.replace(" ", ""))
    if m:
        y, mo, d, h, mi = m.groups()
        return _build(int(y), int(mo), int(d), int(h or current.hour), int(mi or current.minute))
    date_part, time_part = text, ""
    if " " in text:
        date_part, time_part = text.rsplit(" ", 1)
    elif _TIME.match(text):
        date_part, time_part = "", text
    else:
        m = re.match(r"^(.*日)(\d.*)$", text)  # 2026年12月24日15时30分
        if m:
            date_part, time_part = m.groups()
    year, month, day = current.year, current.month, current.day
    if date_part:
        m = _DATE.match(date_part)
        if not m:
            return None
        year = int(m.group(1)) if m.group(1) else current.year
        month, day = int(m.group(2)), int(m.group(3))
    hour, minute = current.hour, current.minute
    if time_part:
        m = _TIME.match(time_part)
        if not m:
            return None
        if m.group(3) is not None:
            hour, minute = int(m.group(3)), 0
        else:
            hour, minute = int(m.group(1)), int(m.group(2))
    return _build(year, month, day, hour, minute)


def _build(year: int, month: int, day: int, hour: int, minute: int) -> datetime | None:
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        return None


class DateTimeEdit(QDateTimeEdit):
    def __init__(self, value: datetime | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(FORMAT)
        self.setToolTip(f"可直接输入完整时间，如 {EXAMPLE}；回车或 Tab 确认")
        self._typed: str | None = None  # what the user is typing, not yet read
        if value is not None:
            self.set_value(value)

    def set_value(self, value: datetime) -> None:
        self.setDateTime(QDateTime(QDate(value.year, value.month, value.day),
                                   QTime(value.hour, value.minute)))  # fmt: skip

    def value(self) -> datetime:
        return self.dateTime().toPython().replace(second=0, microsecond=0)

    # --- typing in one go -------------------------------------------------------------

    def keyPressEvent(self, event) -> None:  # noqa: N802
        text = event.text()
        plain = not event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                         | Qt.KeyboardModifier.AltModifier)  # fmt: skip
        if plain and text and all(ch in _TYPED for ch in text):
            self._typed = (self._typed or "") + text
            self._show_typed()
            return
        if self._typed is not None:
            key = event.key()
            if key == Qt.Key.Key_Backspace:
                self._typed = self._typed[:-1]
                self._show_typed()
                return
            if key == Qt.Key.Key_Escape:
                self.cancel_typing()
                return
            self.commit_typing()  # Enter, Tab, an arrow: read what was typed first
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802
        self.commit_typing()
        super().focusOutEvent(event)

    def _show_typed(self) -> None:
        self._set_text(self._typed)

    def _set_text(self, text: str) -> None:
        editor = self.lineEdit()
        editor.blockSignals(True)  # the section parser must not read half a time
        editor.setText(text)
        editor.setCursorPosition(len(text))
        editor.blockSignals(False)

    def cancel_typing(self) -> None:
        self._typed = None
        self._redisplay()

    def commit_typing(self) -> bool:
        """Read the typed text; False (and the previous value back) if it is no time."""
        if self._typed is None:
            return True
        typed, self._typed = self._typed, None
        value = parse_date_time(typed, self.value())
        if value is None:
            self._redisplay()
            QToolTip.showText(
                self.mapToGlobal(self.rect().bottomLeft()),
                f"无法识别“{typed}”，请按 {EXAMPLE} 的格式输入。已恢复原来的时间。",
                self,
            )
            return False
        self.set_value(value)
        self._redisplay()
        return True

    def _redisplay(self) -> None:
        self._set_text(self.dateTime().toString(FORMAT))
