"""The idle clock of an owned customer (规则 4): its idle limits, where the clock starts,
and the stored due date (customers.pool_due_at) when it returns to the public pool.

The due date is kept on the row, indexed, so the sweep, the dry run, 距回收公海 and the
reminders read an index range instead of computing every customer's clock. One SQL
expression (`pool_due_value`) defines it; it is written
- by a session hook after every flush that changed what it rests on (a sales action,
  the owner, owner_since, pool, protection, class), whatever service made the change;
- by `refresh_pool_due` after a Core UPDATE of those columns (claim);
- for every customer, in short batches off the approving click (`finish_due_recompute`),
  when the idle limits in 系统设置 change: one statement over a million rows would hold
  the write lock for half a minute.
The expression reads the limits from the settings table itself, so it needs no session
to build."""

from __future__ import annotations

import time

from sqlalchemy import (
    DateTime,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    delete,
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

# Where a recompute of every due date after a limit change has got to (the last customer
# id done), kept in the settings table so any desk can finish it after a crash.
RECOMPUTE_KEY = "pool.due_recompute_after"
RECOMPUTE_BATCH = 2000  # ids in the first batch; later ones sized to RECOMPUTE_BATCH_S
RECOMPUTE_BATCH_S = 0.25  # longer batches write fewer pages per row; waits stay < 1 s
RECOMPUTE_PAUSE_S = 0.05

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


def _mark_recompute(session: Session, after_id: int) -> None:
    """Start (or restart) the recompute of every due date from customer id after_id + 1."""
    table, conn, now = Setting.__table__, session.connection(), clock.now()
    found = conn.execute(
        update(table).where(table.c.key == RECOMPUTE_KEY)
        .values(value=str(after_id), updated_at=now, version=table.c.version + 1)
    ).rowcount  # fmt: skip
    if not found:
        conn.execute(
            table.insert().values(key=RECOMPUTE_KEY, value=str(after_id), created_at=now,
                                  updated_at=now, version=1)
        )  # fmt: skip


@event.listens_for(Session, "after_flush")
def _keep_due_dates(session: Session, _ctx) -> None:
    ids, limits = _changed_customers(session)
    if limits:
        _mark_recompute(session, 0)
    if not ids:
        return
    refresh_pool_due(session, ids)
    # The rows changed under the ORM: loaded customers read the new value when asked.
    session.info["pool_due_stale"] = True


def recompute_pending(uow: UnitOfWork) -> bool:
    """Whether a limit change's recompute of the due dates has not finished yet."""
    with uow:
        return (
            uow.session.scalar(select(Setting.id).where(Setting.key == RECOMPUTE_KEY)) is not None
        )


def finish_due_recompute(uow: UnitOfWork, *, progress=None, cancelled=None) -> int:
    """Recompute every stored due date after an idle-limit change, in batches of customer
    ids each in a short transaction of its own, so no other desk waits on the write lock.
    Resumable (the position is stored with each batch) and safe on two desks at once; a
    new limit change meanwhile restarts it. Returns how many due dates changed.
    `progress(done_id, last_id)` after each batch; `cancelled()` stops between batches.
    Until it finishes, the stored dates follow the old limits; the sweep re-checks each
    customer against the current limits before it moves one."""
    table = Setting.__table__
    with uow.separate(write=False) as reader:
        last_id = reader.session.scalar(select(func.max(Customer.id))) or 0
    changed, size, first = 0, RECOMPUTE_BATCH, True
    while not (cancelled is not None and cancelled()):
        if not first:
            time.sleep(RECOMPUTE_PAUSE_S)
        first = False
        with uow.separate(write=True) as batch:
            session = batch.session
            raw = session.scalar(select(Setting.value).where(Setting.key == RECOMPUTE_KEY))
            # Timed from here: a wait for another desk's write is not this batch's cost.
            began = time.perf_counter()
            if raw is None:
                return changed
            after = int(raw)
            if after >= last_id:  # also customers registered meanwhile: their hook set them
                session.execute(delete(table).where(table.c.key == RECOMPUTE_KEY,
                                                    table.c.value == raw))  # fmt: skip
                batch.commit()
                return changed
            upto = after + size
            done = _refresh_range(session, after, upto)
            # Only if no new limit change restarted it meanwhile (else this batch may
            # have used the old limits): then start over from the new position.
            moved_on = session.execute(
                update(table).where(table.c.key == RECOMPUTE_KEY, table.c.value == raw)
                .values(value=str(upto))
            ).rowcount  # fmt: skip
            if not moved_on:
                continue  # leaving the block uncommitted rolls the batch back
            batch.commit()
            changed += done
        took = max(time.perf_counter() - began, 0.001)
        size = max(200, min(50_000, int(size * RECOMPUTE_BATCH_S / took)))
        if progress is not None:
            progress(min(upto, last_id), last_id)
    return changed


def _refresh_range(session: Session, after: int, upto: int) -> int:
    table = Customer.__table__
    stmt = (
        update(table).values(pool_due_at=pool_due_value())
        .where(table.c.id > after, table.c.id <= upto,
               table.c.pool_due_at.is_distinct_from(pool_due_value()))
    )  # fmt: skip
    return session.connection().execute(stmt).rowcount


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
