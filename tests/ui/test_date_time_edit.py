"""Date-time fields take a time typed in one go (issue 15): whole, with any of the usual
separators, in Chinese, digits only, or only the part that changes; what cannot be read
puts the previous value back and says so."""

from datetime import datetime

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip, QVBoxLayout, QWidget

from app.ui.common.date_time_edit import DateTimeEdit, parse_date_time
from app.ui.customers.followups_tab import FollowUpDialog

NOW = datetime(2025, 1, 1, 9, 0)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-24 15:30", datetime(2026, 12, 24, 15, 30)),
        ("2026/12/24 15:30", datetime(2026, 12, 24, 15, 30)),
        ("2026.12.24 15:30", datetime(2026, 12, 24, 15, 30)),
        ("2026-1-5 9:05", datetime(2026, 1, 5, 9, 5)),
        ("202612241530", datetime(2026, 12, 24, 15, 30)),
        ("20261224", datetime(2026, 12, 24, 9, 0)),
        ("12-24 15:30", datetime(2025, 12, 24, 15, 30)),
        ("2026年12月24日 15时30分", datetime(2026, 12, 24, 15, 30)),
        ("2026年12月24日15点", datetime(2026, 12, 24, 15, 0)),
        ("2026-12-24", datetime(2026, 12, 24, 9, 0)),
        ("15：30", datetime(2025, 1, 1, 15, 30)),
        ("2026-13-40 10:00", None),
        ("2026-12-24 25:00", None),
        ("12", None),
        ("", None),
    ],
)
def test_parse(typed, expected):
    assert parse_date_time(typed, NOW) == expected


def _type(widget, text: str) -> None:
    for ch in text:
        key = Qt.Key(ord(ch)) if ch.isascii() else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))


def _press(widget, key) -> None:
    QApplication.sendEvent(
        widget, QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier)
    )


@pytest.fixture
def field(qtbot):
    box = QWidget()
    layout = QVBoxLayout(box)
    edit = DateTimeEdit(NOW)
    layout.addWidget(edit)
    layout.addWidget(QLineEdit())
    qtbot.addWidget(box)
    box.show()
    edit.box = box  # keep the parent alive with the field
    return edit


def test_typed_in_one_go_and_read_on_enter(field):
    _type(field, "2026-12-24 15:30")  # Qt's own edit makes 2026-01-12 21:53 of this
    _press(field, Qt.Key.Key_Return)
    assert field.value() == datetime(2026, 12, 24, 15, 30)
    assert field.text() == "2026-12-24 15:30"


def test_backspace_esc_and_a_bad_time(field, monkeypatch):
    shown = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *a: shown.append(text))
    _type(field, "2026-12-255")
    _press(field, Qt.Key.Key_Backspace)
    _type(field, " 8:00")
    _press(field, Qt.Key.Key_Tab)
    assert field.value() == datetime(2026, 12, 25, 8, 0)
    _type(field, "2027")
    _press(field, Qt.Key.Key_Escape)  # drops the typing, keeps the value
    assert field.value() == datetime(2026, 12, 25, 8, 0) and field.text() == "2026-12-25 08:00"
    _type(field, "2026-02-30 10:00")
    assert not field.commit_typing()
    assert field.value() == datetime(2026, 12, 25, 8, 0)
    assert shown and "无法识别" in shown[0] and "2026-12-24 15:30" in shown[0]


def test_the_follow_up_dialog_saves_what_was_typed(qtbot, admin_ctx):
    from app.services.admin import code_tables  # noqa: F401  (the dialog reads code tables)

    dialog = FollowUpDialog(admin_ctx, 1, None)
    qtbot.addWidget(dialog)
    dialog.show()
    _type(dialog.at, "2026-11-30 16:45")
    dialog.at.commit_typing()
    assert dialog.at.value() == datetime(2026, 11, 30, 16, 45)
