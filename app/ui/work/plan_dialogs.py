"""The forms of a 工作计划: 新建/分派 and 修改, 更新进度, 完成, 催办 and 取消.

Each dialog only collects input; app.services.work.plans checks who may act, validates
and names the field a message belongs to, shown under that field.
"""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from app.models.work import PERIOD
from app.services.core import clock
from app.services.core.errors import ServiceError
from app.services.work import plans as work_plans
from app.services.work.plans import WorkPlanDetail, WorkPlanForm
from app.ui.common.form_dialog import FIELD_WIDTH, FormDialog
from app.ui.common.pinyin_combo import PinyinCombo
from app.ui.context import AppContext


def text_box(text: str = "", height: int = 80) -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setMinimumWidth(FIELD_WIDTH + 80)
    box.setFixedHeight(height)
    return box


def date_edit(value) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(value))
    return edit


def intro(plan: WorkPlanDetail) -> str:
    qty = f"（目标数量 {plan.target_qty}）" if plan.target_qty is not None else ""
    return (
        f"{plan.period_label}：{plan.title}{qty}\n"
        f"执行人：{plan.assignee}    分派人：{plan.assigned_by}    "
        f"完成期限：{plan.due_date:%Y-%m-%d}    当前进度：{plan.progress}%"
    )


class PlanDialog(FormDialog):
    """新建/分派 a plan, or 修改 one (plan given)."""

    def __init__(
        self, ctx: AppContext, plan: WorkPlanDetail | None = None, parent=None, *, on=None
    ):
        super().__init__(parent, "修改工作计划" if plan else "新建工作计划", ok_text="保存")
        self.ctx, self.plan = ctx, plan
        self.saved_id: int | None = plan.id if plan else None
        # A new plan from a day of the calendar is that day's plan.
        new = WorkPlanForm("day", on) if on is not None else WorkPlanForm(on=clock.now().date())
        form = plan.form() if plan else new
        row = QWidget()
        radios = QHBoxLayout(row)
        radios.setContentsMargins(0, 0, 0, 0)
        self.period_group = QButtonGroup(self)
        self.periods: dict[str, QRadioButton] = {}
        for key, label in PERIOD.items():
            radio = QRadioButton(label)
            radio.setChecked(key == form.period)
            self.periods[key] = radio
            self.period_group.addButton(radio)
            radios.addWidget(radio)
            radio.toggled.connect(lambda _on: self._update_range())
        radios.addStretch(1)
        self.add_field("period", "计划周期：", row)
        self.on = date_edit(form.on or clock.now().date())
        self.on.dateChanged.connect(lambda _d: self._update_range())
        self.add_field("on", "计划日期：", self.on)
        self.range_hint = self.add_hint("")
        self.title = self.add_line("title", "计划标题：")
        self.title.setText(form.title)
        self.kind = PinyinCombo(placeholder="输入类别或拼音首字母")
        self.kind.setMinimumWidth(FIELD_WIDTH)
        self.add_field("kind_id", "计划类别：", self.kind)
        self.assignee = PinyinCombo(allow_none=False, placeholder="输入姓名或拼音首字母")
        self.assignee.setMinimumWidth(FIELD_WIDTH)
        self.add_field("assignee_id", "执行人：", self.assignee)
        self.target = self.add_field("target", "计划目标：", text_box(form.target))
        self.target_qty = QLineEdit("" if form.target_qty is None else str(form.target_qty))
        self.target_qty.setPlaceholderText("可不填，如 20（家）")
        self.target_qty.setMaximumWidth(160)
        self.add_field("target_qty", "目标数量：", self.target_qty)
        due_row = QWidget()
        due_layout = QHBoxLayout(due_row)
        due_layout.setContentsMargins(0, 0, 0, 0)
        self.due_custom = QCheckBox("另定完成期限")
        self.due = date_edit(form.due_date or clock.now().date())
        self.due.setEnabled(False)
        self.due_custom.toggled.connect(self.due.setEnabled)
        self.due_custom.toggled.connect(lambda _on: self._update_range())
        due_layout.addWidget(self.due_custom)
        due_layout.addWidget(self.due)
        due_layout.addStretch(1)
        self.add_field("due_date", "完成期限：", due_row)
        try:
            kinds = work_plans.kind_options(ctx.read_uow(), form.kind_id)
            people = work_plans.assignable_users(ctx.read_uow())
        except ServiceError as err:
            kinds, people = [], [(ctx.actor.id, ctx.actor.full_name)]
            self.errors.show(err)
        self.kind.set_items([(k.id, k.label, k) for k in kinds], form.kind_id)
        self.assignee.set_items(people, form.assignee_id or ctx.actor.id)
        self.assignee.setEnabled(len(people) > 1)
        if plan is not None:
            start, end = work_plans.period_bounds(plan.period, plan.period_start)
            if plan.due_date != end:
                self.due_custom.setChecked(True)
                self.due.setDate(QDate(plan.due_date))
        self._update_range()

    def period(self) -> str:
        return next((k for k, r in self.periods.items() if r.isChecked()), "")

    def _update_range(self) -> None:
        try:
            start, end = work_plans.period_bounds(self.period(), self.on.date().toPython())
        except ServiceError:
            self.range_hint.setText("")
            return
        if not self.due_custom.isChecked():
            self.due.setDate(QDate(end))
        self.range_hint.setText(
            f"周期：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}；完成期限默认为周期最后一天。"
        )

    def plan_form(self) -> WorkPlanForm:
        return WorkPlanForm(
            period=self.period(),
            on=self.on.date().toPython(),
            title=self.title.text(),
            kind_id=self.kind.current_id(),
            target=self.target.toPlainText(),
            target_qty=self.target_qty.text(),
            due_date=self.due.date().toPython() if self.due_custom.isChecked() else None,
            assignee_id=self.assignee.current_id(),
        )

    def submit(self) -> None:
        if self.plan is None:
            self.saved_id = work_plans.create_plan(self.ctx.write_uow(), self.plan_form())
        else:
            work_plans.update_plan(
                self.ctx.write_uow(), self.plan.id, self.plan.version, self.plan_form()
            )


class ProgressDialog(FormDialog):
    """更新进度: the assignee's percent, quantity done and a note."""

    def __init__(self, ctx: AppContext, plan: WorkPlanDetail, parent=None):
        super().__init__(parent, "更新进度", ok_text="保存进度")
        self.ctx, self.plan = ctx, plan
        self.set_intro(intro(plan))
        self.progress = QSpinBox()
        self.progress.setRange(0, 100)
        self.progress.setSuffix(" %")
        self.progress.setValue(plan.progress)
        self.add_field("progress", "完成进度：", self.progress)
        self.done_qty = QLineEdit("" if plan.done_qty is None else str(plan.done_qty))
        self.done_qty.setMaximumWidth(160)
        self.done_qty.setPlaceholderText("可不填")
        self.add_field("done_qty", "完成数量：", self.done_qty)
        self.note = self.add_field("note", "进展说明：", text_box(plan.progress_note, 100))
        if plan.urge_pending:
            by = f"{plan.urged_by}于 {plan.urged_at:%Y-%m-%d %H:%M} 催办"
            self.add_hint(by + (f"：{plan.urge_note}" if plan.urge_note else "") +
                          "。保存进度即答复催办。")  # fmt: skip

    def submit(self) -> None:
        work_plans.update_progress(self.ctx.write_uow(), self.plan.id, self.plan.version,
                                   self.progress.value(), self.done_qty.text(),
                                   self.note.toPlainText())  # fmt: skip


class CompleteDialog(FormDialog):
    def __init__(self, ctx: AppContext, plan: WorkPlanDetail, parent=None):
        super().__init__(parent, "完成工作计划", ok_text="标记完成")
        self.ctx, self.plan = ctx, plan
        self.set_intro(intro(plan))
        self.note = self.add_field("note", "完成说明：", text_box(plan.progress_note, 90))
        self.add_hint("标记完成后进度为 100%，计划不能再修改。")

    def submit(self) -> None:
        work_plans.complete(self.ctx.write_uow(), self.plan.id, self.plan.version,
                            self.note.toPlainText())  # fmt: skip


class UrgeDialog(FormDialog):
    def __init__(self, ctx: AppContext, plan: WorkPlanDetail, parent=None):
        super().__init__(parent, "催办", ok_text="催办")
        self.ctx, self.plan = ctx, plan
        self.set_intro(intro(plan))
        self.note = self.add_field("note", "催办说明：", text_box("", 70))
        times = f"已催办 {plan.urge_count} 次。" if plan.urge_count else ""
        self.add_hint(times + "执行人的待办提醒中会出现【催办】，直到执行人更新进度。")

    def submit(self) -> None:
        work_plans.urge(
            self.ctx.write_uow(), self.plan.id, self.plan.version, self.note.toPlainText()
        )


class CancelDialog(FormDialog):
    def __init__(self, ctx: AppContext, plan: WorkPlanDetail, parent=None):
        super().__init__(parent, "取消工作计划", ok_text="取消计划")
        self.cancel_button.setText("返回")
        self.ctx, self.plan = ctx, plan
        self.set_intro(intro(plan))
        self.reason = self.add_field("reason", "取消原因：", text_box("", 70))

    def submit(self) -> None:
        work_plans.cancel(self.ctx.write_uow(), self.plan.id, self.plan.version,
                          self.reason.toPlainText())  # fmt: skip
