"""交接客户: before a rep is deactivated, the whole book goes to one rep or is spread over
a team's reps (customers.ownership.hand_over_book, one transaction)."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QRadioButton, QVBoxLayout, QWidget

from app.services.admin import users
from app.services.core.errors import ValidationError
from app.services.customers import ownership
from app.services.customers.registration import owner_choices
from app.ui.common.form_dialog import FIELD_WIDTH, FormDialog
from app.ui.common.pinyin_combo import PinyinCombo
from app.ui.context import AppContext


class HandOverDialog(FormDialog):
    def __init__(self, ctx: AppContext, user_id: int, name: str, count: str, parent=None):
        super().__init__(parent, "交接客户", "交接")
        self.ctx, self.user_id, self.moved = ctx, user_id, 0
        self.set_intro(
            f"{name} {count}交接后才能停用。客户的未完成回访和工作计划随客户转给接手人。"
        )
        people = [(i, n) for i, n in owner_choices(ctx.read_uow()) if i != user_id]
        self.teams = users_by_team(ctx, people)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.to_one = QRadioButton("全部交给一位销售人员：")
        self.to_team = QRadioButton("平均分给一个团队的销售人员：")
        group = QButtonGroup(self)
        for radio in (self.to_one, self.to_team):
            group.addButton(radio)
        self.to_one.setChecked(True)
        self.person = PinyinCombo(placeholder="输入姓名或拼音首字母")
        self.person.set_items(people)
        self.team = PinyinCombo(placeholder="输入团队名称")
        self.team.set_items([(t, t) for t in self.teams])
        for w in (self.to_one, self.person, self.to_team, self.team):
            w.setMinimumWidth(FIELD_WIDTH)
            column.addWidget(w)
        self.add_field("to_user_id", "接手人 *", box)
        self.reason = self.add_line("reason", "交接原因 *")
        self.reason.setText("人员离职交接")

    def targets(self) -> list[int]:
        if self.to_one.isChecked():
            return [self.person.current_id()] if self.person.current_id() else []
        return self.teams.get(self.team.current_id(), [])

    def submit(self) -> None:
        targets = self.targets()
        if not targets:
            raise ValidationError("请选择接手的销售人员或团队。", field="to_user_id")
        self.moved = ownership.hand_over_book(
            self.ctx.write_uow(), self.user_id, targets, self.reason.text()
        )


def users_by_team(ctx: AppContext, people: list[tuple[int, str]]) -> dict[str, list[int]]:
    """Team name -> the given people in it (the users list knows each user's team)."""
    ids = {i for i, _n in people}
    teams: dict[str, list[int]] = {}
    for u in users.list_users(ctx.read_uow()):
        if u.id in ids and u.team_name:
            teams.setdefault(u.team_name, []).append(u.id)
    return teams
