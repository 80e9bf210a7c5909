"""Helpers shared by several modules of the customers package (not an API for others)."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Customer, User
from app.services.access.visibility import edit_scope
from app.services.core.uow import UnitOfWork


def user_names(uow: UnitOfWork, ids) -> dict[int, str]:
    """Full names by user id, deleted users too (the history still names them)."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    q = (
        select(User.id, User.full_name)
        .where(User.id.in_(ids))
        .execution_options(include_deleted=True)
    )
    return dict(uow.session.execute(q).tuples().all())


def can_edit(uow: UnitOfWork, customer_id: int) -> bool:
    """Whether the actor may change the customer (edit_scope)."""
    return (
        uow.session.scalar(
            select(Customer.id).where(Customer.id == customer_id, edit_scope(uow.actor))
        )
        is not None
    )
