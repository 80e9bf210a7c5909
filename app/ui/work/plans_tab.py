"""工作计划 tab: the shared list of plans, the selected plan's detail, and the actions
新建/分派…, 修改…, 更新进度…, 完成…, 催办…, 取消…; each button is enabled only for those
the service would allow (the service checks again)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal

from app.services.reminders.engine import Target
from app.services.work.lists import work_plans_source
from app.services.work.plans import WorkPlanDetail, plan_detail
from app.ui.common.style import ERROR_COLOR, HINT_COLOR
from app.ui.context import AppContext
from app.ui.listview.record_pane import RecordPane
from app.ui.work.plan_dialogs import (
    CancelDialog,
    CompleteDialog,
    PlanDialog,
    ProgressDialog,
    UrgeDialog,
)

TITLE = "工作计划"
EMPTY = "请在上方列表中选择一条工作计划。"


def _when(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.strftime(fmt) if value else ""


def detail_html(p: WorkPlanDetail) -> str:
    qty = ""
    if p.target_qty is not None:
        qty = f"{p.done_qty or 0} / {p.target_qty}"
    status = p.status_label
    if p.overdue:
        status += f"　<span style='color:{ERROR_COLOR}'>已逾期</span>"
    rows = [
        ("计划", escape(f"{p.period_label}　{p.title}")),
        ("类别", escape(p.kind or "—")),
        *([("客户", escape(p.customer_name))] if p.customer_name else []),
        ("周期", f"{p.period_start:%Y-%m-%d} 至 {p.period_end:%Y-%m-%d}"),
        ("完成期限", f"{p.due_date:%Y-%m-%d}"),
        ("执行人", escape(p.assignee)),
        ("分派人", escape(p.assigned_by)),
        ("目标", escape(p.target or "—").replace("\n", "<br>")),
        ("进度", f"{p.progress}%" + (f"（完成数量 {qty}）" if qty else "")),
        ("状态", status),
        ("进展说明", escape(p.progress_note or "—").replace("\n", "<br>")),
    ]
    if p.completed_at:
        rows.append(("完成时间", _when(p.completed_at)))
    if p.urge_count:
        urge = f"共 {p.urge_count} 次；最近：{escape(p.urged_by)}"
        if p.urge_note:
            urge += f"：{escape(p.urge_note)}"
        if p.urge_pending:
            urge += f"（{_when(p.urged_at)}，<span style='color:{ERROR_COLOR}'>待答复</span>）"
        rows.append(("催办", urge))
    cells = "".join(
        f"<tr><td style='color:{HINT_COLOR};padding-right:12px' nowrap>{k}</td><td>{v}</td></tr>"
        for k, v in rows
    )
    return f"<table cellspacing=3>{cells}</table>"


class PlansTab(RecordPane):
    title = TITLE
    empty = EMPTY
    changed = Signal()  # a plan was saved (reminders and the calendar may change)
    open_target = Signal(object)  # Target("customer", id): the plan's customer

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        hint = "按日、周、月制订计划；主管分派并可催办，执行人更新进度。"
        super().__init__(ctx, work_plans_source(ctx.actor), company, hint, parent)
        self.list.open_record.connect(lambda _e, rid: self.select_plan(rid))
        self.list.data_changed.connect(self._after_batch)
        self.new_button = self.add_button(
            "新建/分派…", self.new_plan, "为自己制订计划；主管可分派给本组成员"
        )
        self.edit_button = self.add_button("修改…", self.edit_plan)
        self.progress_button = self.add_button("更新进度…", self.update_progress)
        self.complete_button = self.add_button("完成…", self.complete_plan)
        self.urge_button = self.add_button("催办…", self.urge_plan)
        self.cancel_button = self.add_button("取消…", self.cancel_plan)
        self.customer_button = self.add_button(
            "打开客户", self.open_customer, "打开该计划所关联客户的档案"
        )
        self.follow_selection()

    def reload(self) -> None:
        self.list.reload()
        self.show_selected()

    def select_plan(self, plan_id: int) -> bool:
        return self.select_record(plan_id)

    def load(self, record_id: int) -> WorkPlanDetail:
        return plan_detail(self.ctx.read_uow(), record_id)

    def html(self, record: WorkPlanDetail) -> str:
        return detail_html(record)

    def update_buttons(self) -> None:
        p = self.current
        self.edit_button.setEnabled(bool(p and p.can_manage))
        self.cancel_button.setEnabled(bool(p and p.can_manage))
        self.urge_button.setEnabled(bool(p and p.can_urge))
        self.progress_button.setEnabled(bool(p and p.can_update))
        self.complete_button.setEnabled(bool(p and p.can_update))
        self.customer_button.setVisible(bool(p and p.customer_id))

    # --- actions ------------------------------------------------------------------

    def new_plan(self, on=None) -> bool:
        dialog = PlanDialog(self.ctx, None, self, on=on)
        accepted = dialog.exec() == dialog.DialogCode.Accepted
        if accepted:
            self.list.reload()
            self.select_plan(dialog.saved_id)
            self.changed.emit()
        return accepted

    def _run(self, dialog_class) -> bool:
        plan = self.fresh()
        if plan is None:
            return False
        dialog = dialog_class(self.ctx, plan, self)
        accepted = dialog.exec() == dialog.DialogCode.Accepted
        if accepted or dialog.stale:
            self.list.reload()
            self.select_plan(plan.id)
        if accepted:
            self.changed.emit()
        return accepted

    def edit_plan(self) -> bool:
        return self._run(PlanDialog)

    def update_progress(self) -> bool:
        return self._run(ProgressDialog)

    def complete_plan(self) -> bool:
        return self._run(CompleteDialog)

    def urge_plan(self) -> bool:
        return self._run(UrgeDialog)

    def cancel_plan(self) -> bool:
        return self._run(CancelDialog)

    def open_customer(self) -> bool:
        if self.current is None or not self.current.customer_id:
            return False
        self.open_target.emit(Target("customer", self.current.customer_id))
        return True

    def _after_batch(self) -> None:
        self.show_selected()
        self.changed.emit()
