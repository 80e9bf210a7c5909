"""Every table model passes Qt's model tester."""

from datetime import datetime

from app.models import Role
from app.services.reminders import Reminder, Severity, Target
from app.services.users import TeamRow, UserRow
from app.ui.admin_models import TeamTableModel, UserTableModel
from app.ui.reminder_model import ReminderTableModel


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


def test_user_and_team_models(qtmodeltester):
    users = UserTableModel()
    users.set_rows(
        [
            UserRow(1, "admin", "王建国", Role.ADMIN, None, "", "", "", True, None, None, 1),
            UserRow(2, "lisi", "李四", Role.SALES_REP, 1, "一组", "138", "", False, None, None, 3),
        ]
    )
    qtmodeltester.check(users)
    assert users.index(1, 2).data() == "销售人员"
    assert users.index(1, 6).data() == "已停用"
    teams = TeamTableModel()
    teams.set_rows([TeamRow(1, "一组", 1, "张三", 1)])
    qtmodeltester.check(teams)
    assert teams.index(0, 1).data() == "1"
