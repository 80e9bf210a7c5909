"""Editing a customer (规则 9): changes apply at once, except a sales rep's changes to key
fields while the setting customers.change_approval is on, which wait as one ChangeRequest
for the sales admin (change_requests.py applies them with apply_changes).

UI entry point: update_customer(uow, customer_id, expected_version, changes) -> UpdateResult."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.models import ChangeRequest, Role
from app.services.access._internal import visible_customer
from app.services.core import clock, settings
from app.services.core.errors import ConflictError, PermissionDenied, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork
from app.services.customers._internal import (
    apply_changes,
    can_edit,
    changed_fields,
    check_duplicates,
)
from app.services.customers.duplicates import (
    DuplicateFound,
    DuplicateHit,
)
from app.services.customers.forms import EDITABLE, KEY_FIELDS, form_values
from app.services.customers.validation import validate_customer


@dataclass(frozen=True)
class UpdateResult:
    applied: list[str]  # form fields changed now
    change_request_id: int | None  # key fields waiting for approval (规则 9)
    pending: list[str]
    version: int


def jsonable(v):
    """A value as JSON can hold it (a change request's diff)."""
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return v


def update_customer(
    uow: UnitOfWork, customer_id: int, expected_version: int, changes: dict
) -> UpdateResult:
    """Edit a customer. Optimistic locking on expected_version.

    With the setting customers.change_approval on, a sales rep's changes to KEY_FIELDS
    become one ChangeRequest for the sales admin (规则 9); other fields apply at once.
    """
    actor = uow.actor
    if actor is None:
        raise PermissionDenied("请先登录。")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"不能在此修改：{', '.join(sorted(unknown))}")
    try:
        with uow:
            c = visible_customer(uow, customer_id)
            if not can_edit(uow, customer_id):
                raise PermissionDenied("您无权修改该客户的信息。")
            if c.version != expected_version:
                raise ConflictError(CONFLICT_MESSAGE)
            needs_approval = (
                actor.role == Role.SALES_REP and settings.get(uow, "customers.change_approval") == 1
            )
            held: dict = {}
            if needs_approval:
                before = form_values(c)
                # Validate the whole edit now, so the request cannot carry bad values.
                merged = {**before, **changes}
                cols = validate_customer(uow, merged, c)
                for name in changed_fields(before, cols, c):
                    if name in KEY_FIELDS:
                        held[name] = [jsonable(before[name]), jsonable(changes[name])]
                if held:  # a request that could never be applied is refused now
                    check_duplicates(uow, c, cols)
            direct = {k: v for k, v in changes.items() if k not in held}
            applied = apply_changes(uow, c, direct) if direct else []
            request_id = None
            if held:
                if uow.session.scalar(
                    select(ChangeRequest.id).where(
                        ChangeRequest.customer_id == c.id,
                        ChangeRequest.requester_id == actor.id,
                        ChangeRequest.status == "pending",
                    )
                ):
                    raise ValidationError(
                        "您对该客户已有一条待审批的信息变更申请，请等待销售内勤处理。"
                    )
                cr = ChangeRequest(
                    customer_id=c.id, requester_id=actor.id, status="pending", diff=held
                )
                uow.session.add(cr)
                uow.session.flush()
                request_id = cr.id
            uow.session.flush()
            uow.commit()
            return UpdateResult(applied, request_id, list(held), c.version)
    except IntegrityError:
        raise DuplicateFound(
            [DuplicateHit("name", "", 0, "owned", "其他用户", clock.now(), False, "", "")]
        ) from None
