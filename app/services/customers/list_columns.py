"""List columns and base statements about customers, for every domain's lists (the pool, visits, the service
desk, work plans …): declared once here, not in each list. A public module, not named
`lists`, so other packages may use it (they may not import customers' own lists)."""

from __future__ import annotations

from sqlalchemy import Select, select

from app.models import Customer
from app.services.core.uow import UnitOfWork, logged_in
from app.services.lists.spec import Column


def customer_column(width: int = 220, **options) -> Column:
    """客户: the customer's name, sorted by its pinyin (the lists join Customer)."""
    options.setdefault("sort_expr", Customer.name_pinyin)
    return Column("customer", "客户", Customer.name, width=width, **options)


def customer_base(uow: UnitOfWork, joins, scope, *where) -> Select:
    """A customer list's base statement for the logged-in actor: customer ids, LEFT JOIN
    each (table, on) of `joins`, limited by scope(actor) and `where`."""
    actor = logged_in(uow)
    stmt = select(Customer.id).select_from(Customer)
    for target, on in joins:
        stmt = stmt.outerjoin(target, on)
    return stmt.where(scope(actor), *where)
