"""Admin look-ups that work inside a unit of work the caller opened (they return ORM
rows). For the service packages only."""

from __future__ import annotations

from sqlalchemy import select

from app.models import CodeTable
from app.services.core.errors import NotFound
from app.services.core.uow import UnitOfWork


def table_by_key(uow: UnitOfWork, table_key: str) -> CodeTable:
    """Inside a unit of work: a code table by its key (NotFound when there is none)."""
    table = uow.session.scalar(select(CodeTable).where(CodeTable.key == table_key))
    if table is None:
        raise NotFound(f"代码表“{table_key}”不存在。")
    return table
