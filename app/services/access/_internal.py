"""Visibility checks that work inside a unit of work the caller opened: they return the
ORM row itself, for the caller to read or change in the same transaction. For the
service packages only (the UI asks their public functions)."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Customer
from app.services.access.visibility import NOT_VISIBLE, customer_scope, edit_scope, own_scope
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork


def visible_customer(uow: UnitOfWork, customer_id: int) -> Customer:
    """Inside a unit of work: the customer if the actor may see it, else NotFound (which
    does not tell a rep whether someone else's customer exists)."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    c = uow.session.scalar(
        select(Customer).where(Customer.id == customer_id, customer_scope(uow.actor))
    )
    if c is None:
        raise NotFound(NOT_VISIBLE)
    return c


def editable_customer(uow: UnitOfWork, customer_id: int, denied: str) -> Customer:
    """Inside a unit of work: the customer if the actor may change it; `denied` says what
    a viewer (a grant, the chairman, the clerk) may not do."""
    c = visible_customer(uow, customer_id)
    allowed = uow.session.scalar(
        select(Customer.id).where(Customer.id == customer_id, edit_scope(uow.actor))
    )
    if allowed is None:
        raise PermissionDenied(denied)
    return c


def acting_customer(uow: UnitOfWork, customer_id: int, action: str) -> Customer:
    """Inside a unit of work: the customer the actor may act for (a complaint, a sample
    request): seen by role, not only through a read-only 查阅授权."""
    c = uow.session.scalar(select(Customer).where(Customer.id == customer_id, own_scope(uow.actor)))
    if c is not None:
        return c
    seen = uow.session.scalar(
        select(Customer.id).where(Customer.id == customer_id, customer_scope(uow.actor))
    )
    if seen is None:  # a form's field: the chosen customer is not there for this user
        raise ValidationError(NOT_VISIBLE, field="customer_id")
    raise PermissionDenied(f"查阅授权只能查看该客户的资料，不能为其{action}。")


def editable_record(
    uow: UnitOfWork,
    model,
    record_id: int,
    expected_version: int | None,
    not_found: str,
    denied: str,
):
    """Inside a unit of work: a record that belongs to a customer (model.customer_id) if
    the actor may change that customer now; ConflictError for a stale expected_version."""
    row = uow.session.get(model, record_id)
    if row is None:
        raise NotFound(not_found)
    editable_customer(uow, row.customer_id, denied)
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)
    return row
