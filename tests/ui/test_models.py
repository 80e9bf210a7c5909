"""Every table model passes Qt's model tester."""

from datetime import datetime

from app.services.reminders.engine import Reminder, Severity, Target
from app.ui.reminders.reminder_model import ReminderTableModel


def reminder(kind, day, severity=Severity.INFO):
    return Reminder(kind, f"事项 {day}", datetime(2026, 3, day, 9), severity, Target("user", day))


def test_reminder_model(qtmodeltester):
    model = ReminderTableModel()
    model.set_items([reminder("b", 5), reminder("a", 2, Severity.URGENT)])
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.reminder_at(0).due.day == 2  # sorted by due date
    assert model.index(0, 0).data() == "紧急"
    model.set_kind("b")
    qtmodeltester.check(model)
    assert model.rowCount() == 1 and model.total() == 2
    model.set_items([])
    qtmodeltester.check(model)
