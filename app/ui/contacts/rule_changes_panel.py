"""规则修改 (董事长负责本制度的批准): the rule numbers the admin changed in 系统设置 → 规则.
The chairman approves (批准: in force from today) or rejects (驳回…, with a reason);
the admin sees them and the answer."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from app.services.access import roles
from app.services.admin import rule_changes
from app.services.admin.rule_changes import RuleChangeRow
from app.services.admin.rule_lists import rule_changes_source
from app.services.core.errors import ServiceError
from app.services.customers import idle_clock
from app.ui.common.form_dialog import FormDialog
from app.ui.common.messages import show_service_error
from app.ui.common.tasks import ProgressTask
from app.ui.contacts.approval_queue import ApprovalQueue
from app.ui.context import AppContext


def describe(c: RuleChangeRow) -> str:
    text = f"{c.requester_name or '管理员'} 申请把“{c.label}”由 {c.old_value} 改为 {c.new_value}。"
    if c.status != "pending":
        text += f"\n{c.decider_name}：{rule_changes.STATUS_LABELS[c.status]}"
        text += f"（{c.note}）" if c.note else ""
    return text


class RejectRuleChangeDialog(FormDialog):
    def __init__(self, ctx: AppContext, change: RuleChangeRow, parent: QWidget | None = None):
        super().__init__(parent, "驳回规则修改", ok_text="驳回")
        self.ctx, self.change = ctx, change
        self.set_intro(describe(change))
        self.note = self.add_line("note", "驳回理由 *：")

    def submit(self) -> None:
        rule_changes.reject_rule_change(self.ctx.write_uow(), self.change.id, self.note.text())


class RuleChangesPanel(ApprovalQueue):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        self.detail = QLabel("选中一项修改查看")
        self.detail.setWordWrap(True)
        can_decide = ctx.actor.role in roles.APPROVES_RULE_CHANGES
        super().__init__(ctx, rule_changes_source(), can_decide, self.detail, parent)
        self.approve_button.setText("批准")  # at once: in force from today
        self.reload()

    def read(self, request_id: int) -> RuleChangeRow | None:
        try:
            return rule_changes.rule_change_detail(self.ctx.read_uow(), request_id)
        except ServiceError as err:
            show_service_error(self, err, "无法读取规则修改")
            return None

    def show_detail(self, c: RuleChangeRow | None) -> None:
        self.detail.setText("选中一项修改查看" if c is None else describe(c))

    def decide(self, approve: bool):
        c = self.selected()
        if c is None:
            return None
        if not approve:
            dialog = RejectRuleChangeDialog(self.ctx, c, self)
            dialog.finished.connect(lambda _r: self._decided(c.id))
            dialog.open()
            return dialog
        try:
            rule_changes.approve_rule_change(self.ctx.write_uow(), c.id)
        except ServiceError as err:
            show_service_error(self, err, "批准规则修改")
            self._decided(c.id)
            return None
        done = f"“{c.label}”已改为 {c.new_value}，今日起生效。"
        self._decided(c.id)
        if c.key in idle_clock.POOL_LIMIT_KEYS:
            return self._recompute_due_dates(done)
        QMessageBox.information(self, "批准规则修改", done)
        return None

    def _recompute_due_dates(self, done: str) -> ProgressTask:
        """A new idle limit moves every customer's 回收公海 date: recomputed in short
        batches off the GUI thread (a million customers take a minute)."""
        uow = self.ctx.write_uow()

        def job(progress, cancelled):
            idle_clock.finish_due_recompute(uow, progress=progress, cancelled=cancelled)
            return idle_clock.recompute_pending(uow)

        def finished(pending: bool) -> None:
            rest = (
                "其余客户的回收公海日期将在下次自动回收时继续计算。"
                if pending
                else "各客户的回收公海日期已按新期限重新计算。"
            )
            QMessageBox.information(self, "批准规则修改", f"{done}\n{rest}")

        task = ProgressTask(self, "正在按新的期限重新计算回收公海日期…", job)
        task.finished.connect(finished)
        task.error.connect(lambda message: QMessageBox.warning(self, "批准规则修改", message))
        task.start()
        return task

    def _decided(self, change_id: int) -> None:
        self.reload(select_id=change_id)
        self.changed.emit()
