"""Column definitions for the 用户管理 and 团队 tables."""

from __future__ import annotations

from app.services import clock
from app.services.users import TeamRow, UserRow
from app.ui.style import ERROR_COLOR, HINT_COLOR
from app.ui.table_model import Column, RowTableModel


def user_status(row: UserRow) -> str:
    if not row.is_active:
        return "已停用"
    if row.is_locked(clock.now()):
        return "已锁定"
    return "正常"


def _status_color(row: UserRow) -> str | None:
    return {"已停用": HINT_COLOR, "已锁定": ERROR_COLOR}.get(user_status(row))


USER_COLUMNS = [
    Column("用户名", lambda r: r.username),
    Column("姓名", lambda r: r.full_name),
    Column("角色", lambda r: r.role_label),
    Column("团队", lambda r: r.team_name),
    Column("电话", lambda r: r.phone),
    Column("邮箱", lambda r: r.email),
    Column("状态", user_status, align_center=True, color=_status_color),
    Column("最近登录", lambda r: f"{r.last_login_at:%Y-%m-%d %H:%M}" if r.last_login_at else ""),
]

TEAM_COLUMNS = [
    Column("团队名称", lambda t: t.name),
    Column("成员数", lambda t: str(t.member_count), align_center=True),
    Column("销售主管", lambda t: t.managers),
]


class UserTableModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__(USER_COLUMNS, parent)

    def user_at(self, row: int) -> UserRow | None:
        return self.row_at(row)


class TeamTableModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__(TEAM_COLUMNS, parent)

    def team_at(self, row: int) -> TeamRow | None:
        return self.row_at(row)
