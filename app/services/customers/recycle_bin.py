"""The recycle bin (回收站): a customer deleted softly keeps its keys (规则 1 still sees it)
until restored.

UI entry points: delete_customer(uow, customer_id, expected_version),
restore_customer(uow, customer_id), list_recycle_bin(uow) -> list[CustomerRow]."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Customer
from app.services.access import roles
from app.services.access._internal import visible_customer
from app.services.access.visibility import edit_scope
from app.services.core import clock
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork
from app.services.customers._internal import CustomerRow, can_edit, rows_of


def delete_customer(uow: UnitOfWork, customer_id: int, expected_version: int) -> None:
    """Into the recycle bin (soft delete). Its keys stay, so 规则 1 still sees it."""
    if uow.actor is None or uow.actor.role not in roles.CAN_DELETE_CUSTOMERS:
        raise PermissionDenied("只有销售内勤、销售主管或系统管理员可以删除客户。")
    with uow:
        c = visible_customer(uow, customer_id)
        if not can_edit(uow, customer_id):
            raise PermissionDenied("您无权删除该客户。")
        if c.version != expected_version:
            raise ConflictError(CONFLICT_MESSAGE)
        c.deleted_at = clock.now()
        uow.commit()


def restore_customer(uow: UnitOfWork, customer_id: int) -> None:
    if uow.actor is None or uow.actor.role not in roles.CAN_DELETE_CUSTOMERS:
        raise PermissionDenied("只有销售内勤、销售主管或系统管理员可以恢复客户。")
    with uow:
        c = uow.session.scalar(
            select(Customer)
            .where(Customer.id == customer_id, edit_scope(uow.actor))
            .execution_options(include_deleted=True)
        )
        if c is None or c.deleted_at is None:
            raise NotFound("回收站中没有该客户，或您无权恢复。")
        if c.merged_into_id is not None:
            raise ValidationError(
                "该客户已合并到另一位客户，不能直接恢复；如需恢复，请系统管理员在合并记录中撤销合并。"
            )
        c.deleted_at = None
        c.deleted_by_id = None
        uow.commit()


def list_recycle_bin(uow: UnitOfWork) -> list[CustomerRow]:
    if uow.actor is None or uow.actor.role not in roles.CAN_DELETE_CUSTOMERS:
        raise PermissionDenied("您无权查看客户回收站。")
    with uow:
        q = (
            select(Customer)
            .where(Customer.deleted_at.is_not(None), Customer.merged_into_id.is_(None))
            .where(edit_scope(uow.actor))
            .order_by(Customer.deleted_at.desc())
            .execution_options(include_deleted=True)
        )
        return rows_of(uow, list(uow.session.scalars(q)))
