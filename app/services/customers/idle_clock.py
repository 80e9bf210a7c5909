"""The idle clock of an owned customer (规则 4): its idle limits, where the clock starts,
and the stored due date (customers.pool_due_at) when it returns to the public pool.

The due date is kept on the row, indexed, so the sweep, the dry run, 距回收公海 and the
reminders read an index range instead of computing every customer's clock. One SQL
expression (`pool_due_value`) defines it; it is written
- by a session hook after every flush that changed what it rests on (a sales action,
  the owner, owner_since, pool, protection, class), whatever service made the change;
- by `refresh_pool_due` after a Core UPDATE of those columns (claim);
- for every customer in one statement when the idle limits in 系统设置 change.
The expression reads the limits from the settings table itself, so it needs no session
to build."""

from __future__ import annotations

from sqlalchemy import (
    DateTime,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    event,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Float

from app.models import CodeItem, Customer, Setting
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


class _AddDays(ColumnElement):
    """A timestamp plus a whole number of days (an SQL expression), per dialect."""

    type = DateTime()
    inherit_cache = True
    _traverse_internals = [
        ("moment", InternalTraversal.dp_clauseelement),
        ("days", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, moment, days):
        self.moment, self.days = moment, days


@compiles(_AddDays)
def _add_days_pg(element, compiler, **kw):
    return (
        f"({compiler.process(element.moment, **kw)} + "
        f"make_interval(days => {compiler.process(element.days, **kw)}))"
    )


@compiles(_AddDays, "sqlite")
def _add_days_sqlite(element, compiler, **kw):
    # datetime() keeps the text form SQLAlchemy reads back (to the second).
    return (
        f"datetime({compiler.process(element.moment, **kw)}, "
        f"'+' || ({compiler.process(element.days, **kw)}) || ' days')"
    )


POOL_LIMIT_KEYS = frozenset(
    {"pool.idle_days", "pool.idle_by_class", "pool.idle_days_default"}
    | {f"pool.idle_days_{g}" for g in GRADES}
)
# What the due date rests on: a change to any of these recomputes it.
_DUE_INPUTS = (
    "owner_id", "owner_since", "is_in_pool", "is_protected", "grade_id",
    "last_sales_action_at", "created_at",
)  # fmt: skip


def _limit_sql():
    """The customer's idle limit in days, read from the settings inside the statement."""
    grade = select(CodeItem.code).where(CodeItem.id == Customer.grade_id).scalar_subquery()
    per_class = case(
        *[(grade == g, settings.sql_int(f"pool.idle_days_{g}")) for g in GRADES],
        else_=settings.sql_int("pool.idle_days_default"),
    )
    return case(
        (settings.sql_int("pool.idle_by_class") == 1, per_class),
        else_=settings.sql_int("pool.idle_days"),
    )


def pool_due_value() -> ColumnElement:
    """When the customer returns to the pool: its clock's start plus its idle limit; NULL
    for customers that never return (in the pool, unowned, protected)."""
    return case(
        (
            and_(Customer.owner_id.is_not(None), Customer.is_in_pool.is_(False),
                 Customer.is_protected.is_(False)),
            _AddDays(last_activity(), _limit_sql()),
        ),
        else_=None,
    )  # fmt: skip


def refresh_pool_due(session: Session, ids=None) -> int:
    """Rewrite the stored due date of the given customers (all when ids is None) where it
    differs; returns how many rows changed. Runs on the session's connection, so inside a
    flush hook it neither flushes nor recurses."""
    table = Customer.__table__
    stmt = update(table).values(pool_due_at=pool_due_value())
    stmt = stmt.where(table.c.pool_due_at.is_distinct_from(pool_due_value()))
    conn = session.connection()
    if ids is None:
        return conn.execute(stmt).rowcount
    ids, changed = sorted(set(ids)), 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        changed += conn.execute(stmt.where(table.c.id.in_(chunk))).rowcount
    return changed


def _changed_customers(session: Session) -> tuple[set[int], bool]:
    """Customers whose due date may have moved in this flush, and whether an idle-limit
    setting changed (then every customer's due date is recomputed)."""
    from sqlalchemy import inspect

    ids, limits = set(), False
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Customer):
            state = inspect(obj)
            if obj in session.new or any(
                state.attrs[name].history.has_changes() for name in _DUE_INPUTS
            ):
                ids.add(obj.id)
        elif isinstance(obj, Setting) and obj.key in POOL_LIMIT_KEYS:
            limits = True
    return ids, limits


@event.listens_for(Session, "after_flush")
def _keep_due_dates(session: Session, _ctx) -> None:
    ids, limits = _changed_customers(session)
    if not (ids or limits):
        return
    refresh_pool_due(session, None if limits else ids)
    # The rows changed under the ORM: loaded customers read the new value when asked.
    session.info["pool_due_stale"] = True


@event.listens_for(Session, "after_flush_postexec")
def _expire_due_dates(session: Session, _ctx) -> None:
    if session.info.pop("pool_due_stale", False):
        for obj in session.identity_map.values():
            if isinstance(obj, Customer):
                session.expire(obj, ["pool_due_at"])


def days_until_pool() -> ColumnElement:
    """NULL for customers that never return (pool, protected); else whole days left
    (0 or less: due at the next sweep), from the stored due date."""
    due = Customer.pool_due_at
    return case(
        (due.is_not(None), -cast(func.floor(_DaysSince(due)), Integer)),
        else_=None,
    )
