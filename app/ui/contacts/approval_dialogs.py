"""Decisions of the approvals page: a 查阅授权 (chairman) and an info change (sales admin).

Each dialog only collects the decision; the service checks who may decide and whether
the request is still pending, and its message is shown at the field or in the dialog.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QWidget

from app.services.customers import change_requests, grants
from app.services.customers.change_requests import ChangeRequestRow
from app.services.customers.grants import GrantRow
from app.ui.common.date_time_edit import DateTimeEdit
from app.ui.common.form_dialog import FormDialog
from app.ui.context import AppContext


def grant_target(g: GrantRow) -> str:
    """What a grant opens, in words (a customer the viewer may not see stays unnamed)."""
    if g.book_owner_id is not None:
        return f"{g.book_owner_name} 的全部客户"
    return g.customer_name or f"客户（编号 {g.customer_id}）"


class DecideGrantDialog(FormDialog):
    def __init__(
        self, ctx: AppContext, grant: GrantRow, approve: bool, parent: QWidget | None = None
    ):
        verb = "批准" if approve else "驳回"
        super().__init__(parent, f"{verb}查阅授权", ok_text=verb)
        self.ctx, self.grant, self.approve = ctx, grant, approve
        self.set_intro(
            f"{grant.requester_name} 申请查阅：{grant_target(grant)}\n理由：{grant.reason}"
        )
        self.valid_until = DateTimeEdit(grant.valid_until)
        if approve:
            self.add_field("valid_until", "授权截止：", self.valid_until)
            self.add_hint("到期后授权自动失效；可以缩短申请的期限。")
        self.note = self.add_line("note", "审批意见：")

    def until(self) -> datetime:
        return self.valid_until.value()

    def submit(self) -> None:
        grants.decide_grant(
            self.ctx.write_uow(),
            self.grant.id,
            self.approve,
            valid_until=self.until() if self.approve else None,
            note=self.note.text(),
        )


class DecideChangeDialog(FormDialog):
    def __init__(
        self,
        ctx: AppContext,
        request: ChangeRequestRow,
        approve: bool,
        parent: QWidget | None = None,
    ):
        verb = "批准" if approve else "驳回"
        super().__init__(parent, f"{verb}信息变更", ok_text=verb)
        self.ctx, self.request, self.approve = ctx, request, approve
        changes = "\n".join(
            f"{d.label}：{d.old or '（空）'} → {d.new or '（空）'}" for d in request.diff
        )
        self.set_intro(f"{request.requester_name} 修改“{request.customer_name}”：\n{changes}")
        self.note = self.add_line("note", "处理意见：")

    def submit(self) -> None:
        decide = (
            change_requests.approve_change_request
            if self.approve
            else change_requests.reject_change_request
        )
        decide(self.ctx.write_uow(), self.request.id, self.note.text())
