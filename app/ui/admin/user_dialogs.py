"""Dialogs of 用户管理: create or edit a user, reset a password, name a team."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from app.models import Role
from app.services.admin import users
from app.services.admin.users import TeamRow, UserForm, UserRow
from app.ui.common.form_dialog import FormDialog
from app.ui.context import AppContext


class UserDialog(FormDialog):
    """New user (with an initial password) or edit of an existing one."""

    def __init__(
        self,
        ctx: AppContext,
        teams: list[TeamRow],
        user: UserRow | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent, "编辑用户" if user else "新增用户", ok_text="保存")
        self.ctx = ctx
        self.user = user
        self.created_id: int | None = None
        self.username = self.add_line("username", "用户名：")
        self.full_name = self.add_line("full_name", "姓名：")
        self.role_combo = QComboBox()
        for role in Role:
            self.role_combo.addItem(role.label, role)
        self.add_field("role", "角色：", self.role_combo)
        self.team_combo = QComboBox()
        self.team_combo.addItem("（无）", None)
        for team in teams:
            self.team_combo.addItem(team.name, team.id)
        self.add_field("team_id", "团队：", self.team_combo)
        self.phone = self.add_line("phone", "电话：")
        self.email = self.add_line("email", "邮箱：")
        if user is None:
            self.role_combo.setCurrentIndex(self.role_combo.findData(Role.SALES_REP))
            self.password = self.add_line("password", "初始密码：", password=True)
            self.confirm = self.add_line("password_confirm", "确认密码：", password=True)
            self.add_hint("新用户首次登录时必须修改初始密码。")
        else:
            self.username.setText(user.username)
            self.full_name.setText(user.full_name)
            self.role_combo.setCurrentIndex(self.role_combo.findData(user.role))
            self.team_combo.setCurrentIndex(max(self.team_combo.findData(user.team_id), 0))
            self.phone.setText(user.phone)
            self.email.setText(user.email)

    def user_form(self) -> UserForm:
        return UserForm(
            username=self.username.text(),
            full_name=self.full_name.text(),
            role=self.role_combo.currentData(),
            team_id=self.team_combo.currentData(),
            phone=self.phone.text(),
            email=self.email.text(),
        )

    def submit(self) -> None:
        if self.user is None:
            self.created_id = users.create_user(
                self.ctx.write_uow(), self.user_form(), self.password.text(), self.confirm.text()
            )
        else:
            users.update_user(
                self.ctx.write_uow(), self.user.id, self.user.version, self.user_form()
            )


class ResetPasswordDialog(FormDialog):
    def __init__(self, ctx: AppContext, user: UserRow, parent: QWidget | None = None):
        super().__init__(parent, "重置密码", ok_text="重置密码")
        self.ctx = ctx
        self.user = user
        self.set_intro(
            f"为用户 {user.full_name}（{user.username}）设置临时密码。"
            "该用户下次登录时必须修改密码；账户如被锁定将同时解锁。"
        )
        self.password = self.add_line("password", "临时密码：", password=True)
        self.confirm = self.add_line("password_confirm", "确认密码：", password=True)

    def submit(self) -> None:
        users.reset_password(
            self.ctx.write_uow(), self.user.id, self.password.text(), self.confirm.text()
        )


class TeamNameDialog(FormDialog):
    """New team, or rename of an existing one."""

    def __init__(self, ctx: AppContext, team: TeamRow | None = None, parent: QWidget | None = None):
        super().__init__(parent, "重命名团队" if team else "新增团队", ok_text="保存")
        self.ctx = ctx
        self.team = team
        self.name = self.add_line("name", "团队名称：")
        if team is not None:
            self.name.setText(team.name)

    def submit(self) -> None:
        if self.team is None:
            users.create_team(self.ctx.write_uow(), self.name.text())
        else:
            users.rename_team(
                self.ctx.write_uow(), self.team.id, self.team.version, self.name.text()
            )
