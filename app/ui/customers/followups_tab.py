"""The card's 跟进记录 tab: the customer's follow-ups, newest first; add, edit, delete.

A change moves the customer's 最近跟进时间 (the service does that); the tab emits
`changed` so the card shows the new time.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QWidget,
)

from app.services.admin import code_tables
from app.services.core import clock, settings
from app.services.customers import followups
from app.services.customers.followups import FollowUpForm, FollowUpRow
from app.ui.common.date_time_edit import DateTimeEdit
from app.ui.common.form_dialog import FIELD_WIDTH, FormDialog
from app.ui.common.messages import confirm
from app.ui.common.pinyin_combo import PinyinCombo
from app.ui.context import AppContext
from app.ui.customers.fields import multiline, shown
from app.ui.customers.record_table import RecordTab, TabColumn

COLUMNS = [
    TabColumn("跟进时间", 130, lambda r: shown(r.at.replace(second=0, microsecond=0))),
    TabColumn("方式", 60, lambda r: r.method),
    TabColumn("内容", 330, lambda r: r.content.replace("\n", " "), tooltip=lambda r: r.content),
    TabColumn("下一步", 160, lambda r: r.next_step),
    TabColumn("下次跟进", 90, lambda r: shown(r.next_date)),
    TabColumn("跟进人", 70, lambda r: r.by_name),
]


class OptionalDate(QWidget):
    """A date that may be left out: a check box switches the date edit on."""

    def __init__(self, text: str, parent=None):
        super().__init__(parent)
        self.check = QCheckBox(text)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setDate(QDate(clock.now().date()))
        self.edit.setEnabled(False)
        self.check.toggled.connect(self.edit.setEnabled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check)
        row.addWidget(self.edit)
        row.addStretch()

    def value(self):
        return self.edit.date().toPython() if self.check.isChecked() else None

    def set_value(self, day) -> None:
        self.check.setChecked(day is not None)
        if day is not None:
            self.edit.setDate(QDate(day))


def method_combo(ctx: AppContext, current_id: int | None = None) -> PinyinCombo:
    combo = PinyinCombo(allow_none=False)
    rows = code_tables.options(ctx.read_uow(), "follow_method", current_id)
    combo.set_items([(r.id, r.label, r) for r in rows], current_id)
    return combo


class FollowUpDialog(FormDialog):
    """新增 or 修改 one follow-up; errors land at their field."""

    def __init__(self, ctx: AppContext, customer_id: int, row: FollowUpRow | None, parent=None):
        super().__init__(parent, "修改跟进记录" if row else "新增跟进记录", "保存")
        self.ctx, self.customer_id, self.row = ctx, customer_id, row
        self.at = DateTimeEdit(row.at if row else clock.now())
        self.add_field("at", "跟进时间", self.at)
        self.method = self.add_field(
            "method_id", "跟进方式", method_combo(ctx, _method_id(ctx, row))
        )
        self.content = self.add_field("content", "跟进内容 *", multiline(90))
        self.content.setMinimumWidth(FIELD_WIDTH + 120)
        self.next_step = self.add_line("next_step", "下一步计划")
        self.next_date = self.add_field("next_date", "下次跟进日期", OptionalDate("设定"))
        self.add_hint("设定下次跟进日期后，到期时会出现在待办提醒中。")
        if row is not None:
            self.content.setPlainText(row.content)
            self.next_step.setText(row.next_step)
            self.next_date.set_value(row.next_date)
        else:  # a rep plans the next contact as a rule: offer the office's usual interval
            days = settings.get(ctx.read_uow(), "customers.next_follow_up_days")
            if days:
                self.next_date.set_value(clock.now().date() + timedelta(days=days))

    def follow_up_form(self) -> FollowUpForm:
        return FollowUpForm(
            at=self.at.value(),
            method_id=self.method.current_id(),
            content=self.content.toPlainText(),
            next_step=self.next_step.text(),
            next_date=self.next_date.value(),
        )

    def submit(self) -> None:
        form = self.follow_up_form()
        if self.row is None:
            followups.add_follow_up(self.ctx.write_uow(), self.customer_id, form)
        else:
            followups.update_follow_up(self.ctx.write_uow(), self.row.id, self.row.version, form)


def _method_id(ctx: AppContext, row: FollowUpRow | None) -> int | None:
    """The row shows the method's name; the combo needs its id."""
    if row is None or not row.method:
        return None
    rows = code_tables.list_items(ctx.read_uow(), "follow_method")
    return next((r.id for r in rows if r.name == row.method), None)


class FollowUpsTab(RecordTab):
    what = "跟进记录"
    columns = COLUMNS

    def __init__(self, ctx: AppContext, customer_id: int, can_edit: bool, parent=None):
        super().__init__(ctx, customer_id, can_edit, parent)
        if can_edit:
            self.table.doubleClicked.connect(lambda _i: self.edit())
        self.add_buttons(("新增跟进…", self.add), ("修改…", self.edit), ("删除", self.delete))
        self.button_bar.addStretch()
        self.reload()

    def load(self, uow) -> list[FollowUpRow]:
        return followups.list_follow_ups(uow, self.customer_id)

    def dialog(self, row: FollowUpRow | None) -> FollowUpDialog:
        return FollowUpDialog(self.ctx, self.customer_id, row, self)

    def add(self) -> None:
        self.open_dialog(self.dialog(None))

    def edit(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_dialog(self.dialog(row))

    def delete(self) -> None:
        row = self.selected()
        if row is None or not confirm(
            self, "删除跟进记录", f"确定删除 {shown(row.at)[:16]} 的这条跟进记录吗？"
        ):
            return
        self.run(lambda: followups.delete_follow_up(self.ctx.write_uow(), row.id, row.version))
