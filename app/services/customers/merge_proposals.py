"""合并申请 (issue 20): a rep who finds two records of one customer proposes merging them;
the proposal waits in the sales admin's queue (managers see their team's), who merges
(merging.merge with the proposal's id) or rejects it with a note.

UI entry points: propose_merge(uow, kept_id, removed_id, reason) -> int,
proposal_detail(uow, proposal_id) -> ProposalRow, reject_proposal(uow, proposal_id, note)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.models import Customer, MergeProposal, User
from app.services.access import roles
from app.services.access.visibility import customer_scope, edit_scope, ids_within
from app.services.core import clock
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import Actor, UnitOfWork


def propose_merge(uow: UnitOfWork, kept_id: int, removed_id: int, reason: str) -> int:
    """A rep's proposal: both customers must be ones the rep sees. Returns its id."""
    if uow.actor is None or uow.actor.role not in roles.CAN_PROPOSE_MERGES:
        raise PermissionDenied("只有销售人员可以提交合并申请；销售内勤和主管可直接合并。")
    if kept_id == removed_id:
        raise ValidationError("不能将客户与自身合并，请选择两位不同的客户。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写合并理由。", field="reason")
    if len(reason) > 500:
        raise ValidationError("合并理由不能超过 500 字。", field="reason")
    with uow:
        seen = uow.session.scalar(
            select(func.count())
            .select_from(Customer)
            .where(Customer.id.in_((kept_id, removed_id)), customer_scope(uow.actor))
        )
        if seen != 2:
            raise NotFound("客户不存在或已删除，或您无权查看，不能申请合并。")
        pair = (kept_id, removed_id)
        open_ = uow.session.scalar(
            select(MergeProposal.id).where(
                MergeProposal.status == "pending",
                MergeProposal.kept_id.in_(pair),
                MergeProposal.removed_id.in_(pair),
            )
        )
        if open_ is not None:
            raise ValidationError("这两位客户已有待处理的合并申请。")
        p = MergeProposal(kept_id=kept_id, removed_id=removed_id, requester_id=uow.actor.id,
                          reason=reason, status="pending")  # fmt: skip
        uow.session.add(p)
        uow.session.flush()
        pid = p.id
        uow.commit()
        return pid


@dataclass(frozen=True)
class ProposalRow:
    id: int
    status: str
    kept_id: int
    removed_id: int
    kept_name: str
    removed_name: str
    requester_name: str
    reason: str
    note: str


def proposal_detail(uow: UnitOfWork, proposal_id: int) -> ProposalRow:
    """One proposal: its requester's own, or one the actor decides."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        kept, removed = aliased(Customer), aliased(Customer)
        q = (
            select(MergeProposal, kept.name, removed.name, User.full_name)
            .join(kept, kept.id == MergeProposal.kept_id)
            .join(removed, removed.id == MergeProposal.removed_id)
            .join(User, User.id == MergeProposal.requester_id)
            .where(MergeProposal.id == proposal_id)
            .execution_options(include_deleted=True)
        )
        if uow.actor.role in roles.CAN_MERGE_CUSTOMERS:
            q = q.where(in_reach(uow.actor))
        else:
            q = q.where(MergeProposal.requester_id == uow.actor.id)
        row = uow.session.execute(q).first()
        if row is None:
            raise NotFound("没有这条合并申请，或您无权查看。")
        p, kept_name, removed_name, requester = row
        return ProposalRow(p.id, p.status, p.kept_id, p.removed_id, kept_name, removed_name,
                           requester, p.reason, p.note)  # fmt: skip


def reject_proposal(uow: UnitOfWork, proposal_id: int, note: str) -> None:
    """驳回: the two stay as they are; the note tells the rep why."""
    if uow.actor is None or uow.actor.role not in roles.CAN_MERGE_CUSTOMERS:
        raise PermissionDenied("只有销售内勤、销售主管或系统管理员可以处理合并申请。")
    note = (note or "").strip()
    if not note:
        raise ValidationError("请填写驳回理由。", field="note")
    with uow:
        p = uow.session.scalar(
            select(MergeProposal).where(MergeProposal.id == proposal_id, in_reach(uow.actor))
        )
        if p is None:
            raise NotFound("没有这条合并申请，或不在您的管理范围内。")
        if p.status != "pending":
            raise ValidationError("该申请已处理。")
        p.status, p.note = "rejected", note[:500]
        p.decided_by_id, p.decided_at = uow.actor.id, clock.now()
        uow.commit()


def in_reach(actor: Actor):
    """Proposals the actor decides: both customers within the actor's edit scope."""
    return ids_within(edit_scope(actor), MergeProposal.kept_id, MergeProposal.removed_id)
