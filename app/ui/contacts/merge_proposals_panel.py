"""合并申请: the proposals a rep made to merge two customers. The sales admin, a manager
(the team's) and the admin see them here with 合并… (the side-by-side merge dialog, the
proposal closed with it) and 驳回… (with a note); a rep sees their own and the answer."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QWidget

from app.services.access import roles
from app.services.core.errors import ServiceError
from app.services.customers import merge_proposals
from app.services.customers.approval_lists import merge_proposals_source
from app.services.customers.merge_proposals import ProposalRow
from app.ui.common.form_dialog import FormDialog
from app.ui.common.messages import show_service_error
from app.ui.contacts.approval_queue import ApprovalQueue
from app.ui.context import AppContext
from app.ui.customers.merge_dialog import MergeDialog


class RejectProposalDialog(FormDialog):
    def __init__(self, ctx: AppContext, proposal: ProposalRow, parent: QWidget | None = None):
        super().__init__(parent, "驳回合并申请", ok_text="驳回")
        self.ctx, self.proposal = ctx, proposal
        self.set_intro(f"{proposal.requester_name} 申请把“{proposal.removed_name}”并入"
                       f"“{proposal.kept_name}”。\n理由：{proposal.reason}")  # fmt: skip
        self.note = self.add_line("note", "驳回理由 *：")

    def submit(self) -> None:
        merge_proposals.reject_proposal(self.ctx.write_uow(), self.proposal.id, self.note.text())


class MergeProposalsPanel(ApprovalQueue):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        self.detail = QLabel("选中一条申请查看")
        self.detail.setWordWrap(True)
        can_decide = ctx.actor.role in roles.CAN_MERGE_CUSTOMERS
        super().__init__(ctx, merge_proposals_source(), can_decide, self.detail, parent)
        self.approve_button.setText("合并…")
        self.reload()

    def read(self, request_id: int) -> ProposalRow | None:
        try:
            return merge_proposals.proposal_detail(self.ctx.read_uow(), request_id)
        except ServiceError as err:
            show_service_error(self, err, "无法读取合并申请")
            return None

    def show_detail(self, p: ProposalRow | None) -> None:
        if p is None:
            self.detail.setText("选中一条申请查看")
            return
        text = (f"{p.requester_name} 申请把“{p.removed_name}”并入“{p.kept_name}”。"
                f"\n理由：{p.reason}")  # fmt: skip
        if p.note:
            text += f"\n处理意见：{p.note}"
        self.detail.setText(text)

    def decide(self, approve: bool) -> QDialog | None:
        p = self.selected()
        if p is None:
            return None
        if approve:
            dialog = MergeDialog(self.ctx, p.kept_id, p.removed_id, self, proposal_id=p.id)
        else:
            dialog = RejectProposalDialog(self.ctx, p, self)
        dialog.finished.connect(lambda _r: self._decided(p.id))
        dialog.open()
        return dialog

    def _decided(self, proposal_id: int) -> None:
        self.reload(select_id=proposal_id)
        self.changed.emit()
