"""Admin look-ups that work inside a unit of work the caller opened (they return ORM
rows). For the service packages only."""

from __future__ import annotations

from sqlalchemy import func, select

from app.models import CodeTable, Customer
from app.services.admin import audit_text
from app.services.core.errors import NotFound
from app.services.core.uow import UnitOfWork


def table_by_key(uow: UnitOfWork, table_key: str) -> CodeTable:
    """Inside a unit of work: a code table by its key (NotFound when there is none)."""
    table = uow.session.scalar(select(CodeTable).where(CodeTable.key == table_key))
    if table is None:
        raise NotFound(f"代码表“{table_key}”不存在。")
    return table


def audit_names(uow: UnitOfWork, rows: list[tuple[str, object]]) -> dict[tuple[str, int], str]:
    """The 操作日志 page: (table, id) -> name for every id its changes mention, one query
    per table. Only the audit list (admin only) calls it."""
    wanted: dict[str, set[int]] = {}
    for table, changes in rows:
        for field, before, after in audit_text.pairs(changes):
            target = audit_text.target_table(table, field)
            if target in audit_text.NAMES:
                wanted.setdefault(target, set()).update(
                    v for v in (before, after) if isinstance(v, int)
                )
    found = {}
    for target, ids in wanted.items():
        if not ids:
            continue
        model = audit_text.NAMED_MODELS[target]
        q = select(model.id, audit_text.NAMES[target]).where(model.id.in_(ids))
        q = q.execution_options(include_deleted=True)  # the log names deleted ones too
        found.update({(target, i): n for i, n in uow.session.execute(q)})
    return found


def owned_customers(uow: UnitOfWork, user_id: int) -> int:
    """How many customers the user owns now (not in the pool, not deleted)."""
    return uow.session.scalar(
        select(func.count())
        .select_from(Customer)
        .where(Customer.owner_id == user_id, Customer.is_in_pool.is_(False))
    )


def still_owns(count: int) -> str:
    return f"该用户名下还有 {count} 个客户，请先交接给其他销售人员再停用。"
