"""Editing a customer (规则 9): changes apply at once, except a sales rep's changes to key
fields while the setting customers.change_approval is on, which wait as one ChangeRequest
for the sales admin (change_requests.py applies them with apply_changes).

UI entry point: update_customer(uow, customer_id, expected_version, changes) -> UpdateResult."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.models import ChangeRequest, Customer, CustomerKey, Role
from app.services.access.visibility import visible_customer
from app.services.core import clock, settings
from app.services.core.errors import ConflictError, PermissionDenied, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork
from app.services.customers._internal import can_edit
from app.services.customers.duplicates import (
    DuplicateFound,
    DuplicateHit,
    find_duplicates,
    keys_of,
    write_keys,
)
from app.services.customers.forms import EDITABLE, KEY_FIELDS, form_values
from app.services.customers.validation import derived_columns, is_personal, validate_customer


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


def _changed_fields(before: dict, after_cols: dict, current: Customer) -> list[str]:
    changed = []
    for name in EDITABLE:
        if name == "capital":
            if (current.capital_text or "") != after_cols["capital_text"]:
                changed.append(name)
        elif name == "extra":
            if dict(current.extra or {}) != after_cols["extra"]:
                changed.append(name)
        elif before.get(name) != after_cols.get(name):
            changed.append(name)
    return changed


def apply_changes(uow: UnitOfWork, c: Customer, changes: dict) -> list[str]:
    """Validate the merged values, write changed columns, refresh keys. Returns fields."""
    before = form_values(c)
    merged = {**before, **changes}
    cols = validate_customer(uow, merged, c)
    changed = _changed_fields(before, cols, c)
    if not changed:
        return []
    personal = is_personal(uow, cols["type_id"])
    keys = keys_of(cols, personal)
    old = list(uow.session.scalars(select(CustomerKey).where(CustomerKey.customer_id == c.id)))
    kept_overrides = {(k.kind, k.value) for k in old if k.overridden}
    hits = [
        h
        for h in find_duplicates(uow, keys, exclude_id=c.id)
        if (h.kind, h.value) not in kept_overrides
    ]
    if hits:
        raise DuplicateFound(hits)
    for name in EDITABLE:
        if name == "capital":
            c.capital_amount, c.capital_unit, c.capital_text = (
                cols["capital_amount"], cols["capital_unit"], cols["capital_text"],
            )  # fmt: skip
        elif name in changed:
            setattr(c, name, cols[name])
    for k, v in derived_columns(cols).items():
        setattr(c, k, v)
    if {(k.kind, k.value) for k in old} != set(keys) or any(
        k.overridden != ((k.kind, k.value) in kept_overrides) for k in old
    ):
        uow.session.execute(delete(CustomerKey).where(CustomerKey.customer_id == c.id))
        uow.session.flush()
        write_keys(uow, c.id, keys, kept_overrides)
    return changed


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
                for name in _changed_fields(before, cols, c):
                    if name in KEY_FIELDS:
                        held[name] = [jsonable(before[name]), jsonable(changes[name])]
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
