"""信息变更审批 (规则 9): change requests the service shows this user (the sales admin
and admin: everyone's; a rep: own), with the field-level diff old → new, and
批准 / 驳回 with a note for those who may decide."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.services.access import roles
from app.services.core.errors import ServiceError
from app.services.customers import change_requests
from app.services.customers.approval_lists import change_requests_source
from app.services.customers.change_requests import ChangeRequestRow
from app.ui.admin.admin_table import admin_table
from app.ui.common.messages import show_service_error
from app.ui.contacts.approval_dialogs import DecideChangeDialog
from app.ui.contacts.approval_models import DiffModel
from app.ui.contacts.approval_queue import ApprovalQueue
from app.ui.context import AppContext


class ChangeRequestsPanel(ApprovalQueue):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        self.diff_model = DiffModel()
        self.diff_table = admin_table(self.diff_model, (110, 240, 30))
        self.diff_label = QLabel("变更内容：选中一条申请查看")
        diff_box = QWidget()
        diff_layout = QVBoxLayout(diff_box)
        diff_layout.setContentsMargins(0, 0, 0, 0)
        diff_layout.addWidget(self.diff_label)
        diff_layout.addWidget(self.diff_table)
        can_decide = ctx.actor.role in roles.CAN_APPROVE_CHANGE_REQUESTS
        super().__init__(ctx, change_requests_source(), can_decide, diff_box, parent)
        self.reload()

    def read(self, request_id: int) -> ChangeRequestRow | None:
        try:
            rows = change_requests.list_change_requests(self.ctx.read_uow(), None)
        except ServiceError as err:
            show_service_error(self, err, "无法读取变更申请")
            return None
        return next((r for r in rows if r.id == request_id), None)

    def show_detail(self, request: ChangeRequestRow | None) -> None:
        self.diff_model.set_rows(request.diff if request else [])
        self.diff_label.setText(
            f"变更内容：{request.customer_name}（{request.requester_name} 申请）"
            if request
            else "变更内容：选中一条申请查看"
        )

    def decide(self, approve: bool) -> None:
        request = self.selected()
        if request is None:
            return
        dialog = DecideChangeDialog(self.ctx, request, approve, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted or dialog.stale:
            self.reload(select_id=request.id)
            self.changed.emit()
