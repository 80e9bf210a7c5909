"""The idle clock of an owned customer (规则 4): its idle limits, where the clock starts,
and 剩余天数 — days until an owned customer returns to the public pool (规则 4), as one SQL
expression the customer list can show and sort by. It reads the per-class idle limits
from the settings table inside the query, so it needs no session to build."""

from __future__ import annotations

from sqlalchemy import DateTime, Integer, and_, bindparam, case, cast, func, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Float

from app.models import Customer
from app.services.core import clock, settings
from app.services.core.uow import UnitOfWork

GRADES = ("A", "B", "C", "D")


def idle_limits(uow: UnitOfWork) -> dict[str | None, int]:
    """Days without a sales action before the pool, by class code (None: unclassified):
    one limit for every customer unless the office set them per class."""
    if not settings.get(uow, "pool.idle_by_class"):
        days = settings.get(uow, "pool.idle_days")
        return {**dict.fromkeys(GRADES, days), None: days}
    limits = {g: settings.get(uow, f"pool.idle_days_{g}") for g in GRADES}
    limits[None] = settings.get(uow, "pool.idle_days_default")
    return limits


def last_activity():
    """Where the idle clock starts: the latest sales action (a follow-up, visit, deal,
    sample request or complaint handled) or the moment the current owner got the
    customer, whichever is later (a customer claimed from the pool must not carry the
    previous owner's silence), else its registration."""
    followed, owned = Customer.last_sales_action_at, Customer.owner_since
    return case(
        (and_(followed.is_not(None), or_(owned.is_(None), followed > owned)), followed),
        else_=func.coalesce(owned, Customer.created_at),
    )


class _DaysSince(ColumnElement[float]):
    """Days (fractional) from a timestamp column to a given moment, per dialect."""

    type = Float()
    # Cacheable: the column and the moment's bound parameter (its value read when the
    # statement runs, through callable_) make the cache key.
    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("moment", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column):
        self.column = column
        # Bound when the query runs (not when the list is built): the list may stay open
        # for hours, and tests drive app.services.core.clock.
        self.moment = bindparam(None, callable_=clock.now, type_=DateTime(), unique=True)


@compiles(_DaysSince)
def _days_pg(element, compiler, **kw):
    return (
        f"(EXTRACT(EPOCH FROM ({compiler.process(element.moment, **kw)} - "
        f"{compiler.process(element.column, **kw)})) / 86400.0)"
    )


@compiles(_DaysSince, "sqlite")
def _days_sqlite(element, compiler, **kw):
    return (
        f"(julianday({compiler.process(element.moment, **kw)}) - "
        f"julianday({compiler.process(element.column, **kw)}))"
    )


def days_until_pool(grade_code) -> ColumnElement:
    """NULL for customers that never return (pool, protected); else whole days left
    (0 or less: due at the next sweep)."""
    per_class = case(
        *[(grade_code == g, settings.sql_int(f"pool.idle_days_{g}")) for g in GRADES],
        else_=settings.sql_int("pool.idle_days_default"),
    )
    limit = case(
        (settings.sql_int("pool.idle_by_class") == 1, per_class),
        else_=settings.sql_int("pool.idle_days"),
    )
    last = last_activity()
    elapsed = cast(func.floor(_DaysSince(last)), Integer)
    return case(
        (
            and_(Customer.owner_id.is_not(None), Customer.is_in_pool.is_(False),
                 Customer.is_protected.is_(False)),
            limit - elapsed,
        ),
        else_=None,
    )  # fmt: skip
