"""查阅授权 (4.2.5): a rep asks to see another rep's customer or whole book; only the
chairman approves or rejects; the grant ends at valid_until. The audit log records every
grant change, and grant_views records every customer view made under a grant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.models import AccessGrant, Customer, GrantView, Role, User
from app.models.customer import APPROVAL_STATUS
from app.services.access import roles
from app.services.access.visibility import customer_scope
from app.services.core import clock
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers._internal import log_output

STATUS_LABELS = APPROVAL_STATUS


@dataclass(frozen=True)
class GrantRow:
    id: int
    requester_id: int
    requester_name: str
    customer_id: int | None
    customer_name: str  # "" when the viewer may not see the customer
    book_owner_id: int | None
    book_owner_name: str
    reason: str
    status: str
    valid_until: datetime
    approver_name: str
    decided_at: datetime | None
    decision_note: str
    created_at: datetime

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def is_active(self, now: datetime) -> bool:
        return self.status == "approved" and self.valid_until > now


@dataclass(frozen=True)
class GrantViewRow:
    at: datetime
    user_name: str
    customer_id: int
    customer_name: str
    action: str


def request_grant(
    uow: UnitOfWork,
    reason: str,
    valid_until: datetime,
    *,
    customer_id: int | None = None,
    book_owner_id: int | None = None,
) -> int:
    """A rep (or manager) asks for one customer or for another rep's whole book."""
    actor = uow.actor
    if actor is None or actor.role not in roles.CAN_REQUEST_GRANTS:
        raise PermissionDenied("只有销售人员和销售主管需要申请查阅授权。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写申请查阅的理由。", field="reason")
    if len(reason) > 500:
        raise ValidationError("理由不能超过 500 个字。", field="reason")
    if (customer_id is None) == (book_owner_id is None):
        raise ValidationError("请选择要查阅的客户，或要查阅其帐页的销售人员（二选一）。")
    if valid_until is None or valid_until <= clock.now():
        raise ValidationError("授权截止时间必须晚于现在。", field="valid_until")
    with uow:
        if customer_id is not None:
            owner = uow.session.scalar(
                select(Customer.owner_id)
                .where(Customer.id == customer_id)
                .execution_options(include_deleted=True)
            )
            if owner is None and not uow.session.get(Customer, customer_id):
                raise NotFound("该客户不存在。")
            if owner == actor.id:
                raise ValidationError("这是您自己的客户，无需申请。")
        else:
            if uow.session.get(User, book_owner_id) is None:
                raise ValidationError("所选销售人员不存在。", field="book_owner_id")
            if book_owner_id == actor.id:
                raise ValidationError("不能申请查阅自己的帐页。", field="book_owner_id")
        grant = AccessGrant(
            requester_id=actor.id,
            customer_id=customer_id,
            book_owner_id=book_owner_id,
            reason=reason,
            status="pending",
            valid_until=valid_until,
        )
        uow.session.add(grant)
        uow.commit()
        return grant.id


def decide_grant(
    uow: UnitOfWork,
    grant_id: int,
    approve: bool,
    *,
    valid_until: datetime | None = None,
    note: str = "",
) -> None:
    """Chairman only. Approving may shorten or change the end time."""
    if uow.actor is None or uow.actor.role != Role.CHAIRMAN:
        raise PermissionDenied("只有董事长可以审批查阅授权。")
    with uow:
        grant = uow.session.get(AccessGrant, grant_id)
        if grant is None:
            raise NotFound("该授权申请不存在。")
        if grant.status != "pending":
            raise ValidationError(f"该申请已{STATUS_LABELS[grant.status]}，不能再次审批。")
        if approve:
            until = valid_until or grant.valid_until
            if until <= clock.now():
                raise ValidationError("授权截止时间必须晚于现在。", field="valid_until")
            grant.valid_until = until
        grant.status = "approved" if approve else "rejected"
        grant.approver_id = uow.actor.id
        grant.decided_at = clock.now()
        grant.decision_note = (note or "").strip()[:500]
        uow.commit()


def list_grants(uow: UnitOfWork, status: str | None = None) -> list[GrantRow]:
    """Chairman and admin: every request. Others: their own."""
    actor = uow.actor
    if actor is None:
        raise PermissionDenied("请先登录。")
    req, book, appr = aliased(User), aliased(User), aliased(User)
    with uow:
        q = (
            select(AccessGrant, req.full_name, book.full_name, appr.full_name)
            .join(req, req.id == AccessGrant.requester_id)
            .outerjoin(book, book.id == AccessGrant.book_owner_id)
            .outerjoin(appr, appr.id == AccessGrant.approver_id)
            .order_by(AccessGrant.id.desc())
        )
        if actor.role not in roles.CAN_DECIDE_GRANTS:
            q = q.where(AccessGrant.requester_id == actor.id)
        if status:
            q = q.where(AccessGrant.status == status)
        rows = uow.session.execute(q).all()
        ids = {g.customer_id for g, *_ in rows if g.customer_id}
        names = {}
        if ids:
            cq = select(Customer.id, Customer.name).where(Customer.id.in_(ids))
            if actor.role not in roles.CAN_DECIDE_GRANTS:
                cq = cq.where(customer_scope(actor))
            names = dict(
                uow.session.execute(cq.execution_options(include_deleted=True)).tuples().all()
            )
        return [
            GrantRow(
                g.id,
                g.requester_id,
                rname,
                g.customer_id,
                names.get(g.customer_id, ""),
                g.book_owner_id,
                bname or "",
                g.reason,
                g.status,
                g.valid_until,
                aname or "",
                g.decided_at,
                g.decision_note,
                g.created_at,
            )
            for g, rname, bname, aname in rows
        ]


def list_views(uow: UnitOfWork, grant_id: int | None = None) -> list[GrantViewRow]:
    """Chairman and admin: who looked at what under which grant."""
    if uow.actor is None or uow.actor.role not in roles.CAN_DECIDE_GRANTS:
        raise PermissionDenied("只有董事长和系统管理员可以查看授权查阅记录。")
    with uow:
        q = (
            select(GrantView, User.full_name, Customer.name)
            .join(User, User.id == GrantView.user_id)
            .join(Customer, Customer.id == GrantView.customer_id)
            .order_by(GrantView.at.desc(), GrantView.id.desc())
            .execution_options(include_deleted=True)
        )
        if grant_id is not None:
            q = q.where(GrantView.grant_id == grant_id)
        return [
            GrantViewRow(v.at, uname, v.customer_id, cname, v.action)
            for v, uname, cname in uow.session.execute(q)
        ]


def log_output_of_records(model, uow: UnitOfWork, record_ids, action: str) -> int:
    """log_output for records hanging off customers (contacts, follow-ups, deals): one
    GrantView per customer of the records printed or exported. With the model bound
    (functools.partial) it is a ListSource's on_output."""
    ids = list(record_ids)
    customer_ids: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        customer_ids.update(
            uow.session.scalars(select(model.customer_id).where(model.id.in_(chunk)))
        )
    return log_output(uow, sorted(customer_ids), action)
