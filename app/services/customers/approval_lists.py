"""List sources for the approval queues: 查阅授权 and 信息变更审批 (shared list component).

Scope follows grants.list_grants / change_requests.list_change_requests: the chairman
and admin see every grant request, others their own; the sales admin and admin see every
change request (of customers in scope), others their own. A customer the viewer may not
see is never named: the target column then says "客户（编号 N）".
"""

from __future__ import annotations

from sqlalchemy import String, case, cast, func, literal, select
from sqlalchemy.orm import aliased

from app.models import AccessGrant, ChangeRequest, Customer, MergeProposal
from app.models import User as UserModel
from app.services.access import roles
from app.services.access.visibility import customer_scope
from app.services.core.uow import Actor, UnitOfWork, logged_in
from app.services.customers.grants import STATUS_LABELS
from app.services.customers.list_columns import customer_column
from app.services.customers.merge_proposals import in_reach
from app.services.lists.spec import Column, ListSource, text_search

_Requester = aliased(UserModel, name="requester")
_BookOwner = aliased(UserModel, name="book_owner")
_Approver = aliased(UserModel, name="approver")
_Decider = aliased(UserModel, name="decider")


def _grant_target(actor: Actor):
    """查阅对象: a rep's whole book, or a customer — named only if the viewer may see it."""
    unnamed = literal("客户（编号 ") + cast(AccessGrant.customer_id, String) + literal("）")
    named = (
        Customer.name
        if actor.role in roles.CAN_DECIDE_GRANTS
        else case((customer_scope(actor), Customer.name), else_=unnamed)
    )
    return case(
        (AccessGrant.book_owner_id.is_not(None), _BookOwner.full_name + literal(" 的全部客户")),
        else_=func.coalesce(named, unnamed),
    )


def _queue(
    key,
    title,
    model,
    base,
    *,
    about,
    after_status=(),
    decided,
    decider,
    note,
    search,
    search_hint,
    status_labels=STATUS_LABELS,
    batch_actions=(),
) -> ListSource:
    """An approval queue: who asked when, about what, its status, and who decided how."""
    return ListSource(
        key=key,
        title=title,
        id_expr=model.id,
        base=base,
        columns=[
            Column("created_at", "申请时间", model.created_at, kind="datetime", width=130),
            Column(
                "requester",
                "申请人",
                _Requester.full_name,
                groupable=True,
                filterable=True,
                width=80,
            ),
            *about,
            Column(
                "status",
                "状态",
                model.status,
                labels=status_labels,
                groupable=True,
                filterable=True,
                width=70,
            ),
            *after_status,
            Column(decider[0], f"{decided}人", decider[1], groupable=True, width=80),
            Column("decided_at", f"{decided}时间", model.decided_at, kind="datetime", width=130),
            Column(note[0], f"{decided}意见", note[1], width=160),
        ],  # fmt: skip
        search=search,
        search_hint=search_hint,
        default_sort=[("created_at", True)],
        default_date_key="created_at",
        batch_actions=list(batch_actions),
    )


def grants_source(actor: Actor) -> ListSource:
    def base(uow: UnitOfWork):
        me = logged_in(uow)
        stmt = (
            select(AccessGrant.id)
            .select_from(AccessGrant)
            .join(_Requester, _Requester.id == AccessGrant.requester_id)
            .outerjoin(_BookOwner, _BookOwner.id == AccessGrant.book_owner_id)
            .outerjoin(_Approver, _Approver.id == AccessGrant.approver_id)
            .outerjoin(Customer, Customer.id == AccessGrant.customer_id)
        )
        if me.role not in roles.CAN_DECIDE_GRANTS:
            stmt = stmt.where(AccessGrant.requester_id == me.id)
        return stmt

    return _queue(
        "access_grants", "查阅授权", AccessGrant, base,
        about=[Column("target", "查阅对象", _grant_target(actor), width=200),
               Column("reason", "理由", AccessGrant.reason, width=200)],
        after_status=[Column("valid_until", "授权截止", AccessGrant.valid_until, kind="datetime",
                             width=130)],
        decided="审批", decider=("approver", _Approver.full_name),
        note=("decision_note", AccessGrant.decision_note),
        search=text_search(_Requester.full_name, AccessGrant.reason), search_hint="申请人或理由",
    )  # fmt: skip


def change_requests_source() -> ListSource:
    def base(uow: UnitOfWork):
        me = logged_in(uow)
        stmt = (
            select(ChangeRequest.id)
            .select_from(ChangeRequest)
            .join(Customer, Customer.id == ChangeRequest.customer_id)
            .join(_Requester, _Requester.id == ChangeRequest.requester_id)
            .outerjoin(_Decider, _Decider.id == ChangeRequest.decided_by_id)
            .where(customer_scope(me))
        )
        if me.role not in roles.CAN_APPROVE_CHANGE_REQUESTS:
            stmt = stmt.where(ChangeRequest.requester_id == me.id)
        return stmt

    return _queue(
        "change_requests", "信息变更审批", ChangeRequest, base,
        about=[customer_column(220, sort_expr=None)],
        decided="处理", decider=("decider", _Decider.full_name),
        note=("note", ChangeRequest.note),
        search=text_search(_Requester.full_name, Customer.name), search_hint="申请人或客户",
    )  # fmt: skip


_Kept, _Removed = aliased(Customer, name="kept"), aliased(Customer, name="removed")
PROPOSAL_STATUS = {"pending": "待处理", "merged": "已合并", "rejected": "已驳回"}


def merge_proposals_source() -> ListSource:
    """合并申请: a rep sees their own; the sales admin and admin every one, a manager those
    about the team's customers. Both customers are named (the rep saw both to propose)."""

    def base(uow: UnitOfWork):
        me = logged_in(uow)
        stmt = (
            select(MergeProposal.id)
            .select_from(MergeProposal)
            .join(_Kept, _Kept.id == MergeProposal.kept_id)
            .join(_Removed, _Removed.id == MergeProposal.removed_id)
            .join(_Requester, _Requester.id == MergeProposal.requester_id)
            .outerjoin(_Decider, _Decider.id == MergeProposal.decided_by_id)
            # A merged proposal's removed customer is in the recycle bin: still named.
            .execution_options(include_deleted=True)
        )
        if me.role in roles.CAN_MERGE_CUSTOMERS:
            return stmt.where(in_reach(me))
        return stmt.where(MergeProposal.requester_id == me.id)

    return _queue(
        "merge_proposals", "合并申请", MergeProposal, base,
        about=[Column("kept", "保留客户", _Kept.name, sort_expr=_Kept.name_pinyin, width=200),
               Column("removed", "并入客户", _Removed.name, sort_expr=_Removed.name_pinyin,
                      width=200),
               Column("reason", "理由", MergeProposal.reason, width=200)],
        decided="处理", decider=("decider", _Decider.full_name),
        note=("note", MergeProposal.note),
        search=text_search(_Requester.full_name, _Kept.name, _Removed.name, _Kept.number,
                           _Removed.number),
        search_hint="申请人、客户名称或编号", status_labels=PROPOSAL_STATUS,
    )  # fmt: skip
