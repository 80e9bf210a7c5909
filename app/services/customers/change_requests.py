"""Info change approval (规则 9, 4.2.4): a rep's change to a customer's key fields waits
for the sales admin, who sees the diff and approves (applied then) or rejects it.
Switched on by the setting customers.change_approval (update_customer files requests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.models import ChangeRequest, Customer, User
from app.models.customer import APPROVAL_STATUS
from app.services.access import roles
from app.services.access.visibility import customer_scope
from app.services.admin import code_tables
from app.services.core import clock
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers._internal import apply_changes
from app.services.customers.forms import CODE_FIELDS, FIELD_LABELS, form_values
from app.services.customers.updates import jsonable

STATUS_LABELS = APPROVAL_STATUS


@dataclass(frozen=True)
class DiffLine:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ChangeRequestRow:
    id: int
    customer_id: int
    customer_name: str
    requester_name: str
    status: str
    created_at: datetime
    decided_by_name: str
    decided_at: datetime | None
    note: str
    diff: list[DiffLine]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _shown(uow: UnitOfWork, field: str, value) -> str:
    if value in (None, ""):
        return ""
    if field in CODE_FIELDS:
        return code_tables.item_labels(uow, [value]).get(value, str(value))
    return str(value)


def list_change_requests(uow: UnitOfWork, status: str | None = "pending") -> list[ChangeRequestRow]:
    """Sales admin / admin: all; others: their own requests."""
    actor = uow.actor
    if actor is None:
        raise PermissionDenied("请先登录。")
    req, dec = aliased(User), aliased(User)
    with uow:
        q = (
            select(ChangeRequest, Customer.name, req.full_name, dec.full_name)
            .join(Customer, Customer.id == ChangeRequest.customer_id)
            .join(req, req.id == ChangeRequest.requester_id)
            .outerjoin(dec, dec.id == ChangeRequest.decided_by_id)
            .where(customer_scope(actor))
            .order_by(ChangeRequest.id.desc())
        )
        if actor.role not in roles.CAN_APPROVE_CHANGE_REQUESTS:
            q = q.where(ChangeRequest.requester_id == actor.id)
        if status:
            q = q.where(ChangeRequest.status == status)
        out = []
        for cr, cname, rname, dname in uow.session.execute(q):
            diff = [
                DiffLine(f, FIELD_LABELS.get(f, f), _shown(uow, f, o), _shown(uow, f, n))
                for f, (o, n) in cr.diff.items()
            ]
            out.append(
                ChangeRequestRow(
                    cr.id, cr.customer_id, cname, rname, cr.status, cr.created_at,
                    dname or "", cr.decided_at, cr.note, diff,
                )
            )  # fmt: skip
        return out


def _pending(uow: UnitOfWork, request_id: int) -> ChangeRequest:
    if uow.actor is None or uow.actor.role not in roles.CAN_APPROVE_CHANGE_REQUESTS:
        raise PermissionDenied("只有销售内勤可以审批客户信息变更。")
    cr = uow.session.get(ChangeRequest, request_id)
    if cr is None:
        raise NotFound("该变更申请不存在。")
    if cr.status != "pending":
        raise ValidationError(f"该申请已{STATUS_LABELS[cr.status]}，不能再次处理。")
    return cr


def approve_change_request(uow: UnitOfWork, request_id: int, note: str = "") -> None:
    """Apply the requested values, if the fields still hold the values the rep saw."""
    with uow:
        cr = _pending(uow, request_id)
        c = uow.session.get(Customer, cr.customer_id)
        if c is None:
            raise NotFound("该客户已被删除，不能应用变更。")
        current = {k: jsonable(v) for k, v in form_values(c).items()}
        stale = [f for f, (old, _new) in cr.diff.items() if current.get(f) != old]
        if stale:
            labels = "、".join(FIELD_LABELS.get(f, f) for f in stale)
            raise ConflictError(f"申请提交后，{labels}已被修改。请驳回该申请，让申请人重新提交。")
        apply_changes(uow, c, {f: new for f, (_old, new) in cr.diff.items()})
        cr.status = "approved"
        cr.decided_by_id = uow.actor.id
        cr.decided_at = clock.now()
        cr.note = (note or "").strip()[:500]
        uow.commit()


def reject_change_request(uow: UnitOfWork, request_id: int, note: str = "") -> None:
    with uow:
        cr = _pending(uow, request_id)
        cr.status = "rejected"
        cr.decided_by_id = uow.actor.id
        cr.decided_at = clock.now()
        cr.note = (note or "").strip()[:500]
        uow.commit()
