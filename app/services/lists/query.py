"""Running a list: the filtered statement, ids in display order, rows by id, counts.

Search, sort, time slice and column filters are done here, in SQL, the same for every
list (the ListSource in lists.spec says what the list is). The UI holds only an array
of ordered ids and asks for rows a page at a time. A search's first window may try a
stop-early form of the search within a time budget first (first_window).
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, time
from time import monotonic
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.sql.expression import ColumnClause

from app.services.core import hooks
from app.services.core.date_ranges import day_after
from app.services.core.errors import ValidationError
from app.services.core.uow import UnitOfWork
from app.services.lists.pruning import joins_as_exists, without_unused_joins
from app.services.lists.spec import ListQuery, ListSource, WindowedSearch

MAX_SEARCH_CHARS = 200


def filtered(
    uow: UnitOfWork, source: ListSource, query: ListQuery, *, window: bool = False
) -> Select:
    """The source's base statement narrowed by the query's search, time slice and filters."""
    stmt = source.base(uow)
    text = (query.search or "").strip()[:MAX_SEARCH_CHARS]
    if text and source.search is not None:
        search = source.search
        if window:  # only asked for a WindowedSearch (_first_window_attempts)
            search = source.search.first_window  # type: ignore[union-attr]
        stmt = stmt.where(search(text))
    if query.date_key and (query.date_from or query.date_to):
        col = source.column(query.date_key)
        if not col.is_date:
            raise ValidationError(f"“{col.label}”不是日期列，不能按时间切片。")
        conds = []
        if query.date_from:
            start = query.date_from
            conds.append(
                col.expr >= (datetime.combine(start, time()) if col.kind == "datetime" else start)
            )
        if query.date_to:  # through the whole last day; 9999-12-31 has no day after it
            end = day_after(query.date_to)
            conds.append(col.expr < end if col.kind == "datetime" else col.expr <= query.date_to)
        stmt = stmt.where(and_(*conds))
    if query.rows:
        # Inline integers, not bound parameters: a set of 100,000 customers is within
        # neither SQLite's nor a driver's parameter limit.
        ids = bindparam("rows", [int(i) for i in query.rows], expanding=True,
                        literal_execute=True)  # fmt: skip
        stmt = stmt.where(source.id_expr.in_(ids))
    for key, values in query.filters:
        col = source.column(key)
        values = list(values)
        if not values:
            continue
        non_null = [v for v in values if v is not None]
        cond = col.expr.in_(non_null) if non_null else None
        if None in values:
            cond = or_(cond, col.expr.is_(None)) if cond is not None else col.expr.is_(None)
        stmt = stmt.where(cond)
    return stmt


def _never_null(expr, source: ListSource) -> bool:
    """A NOT NULL column of the list's own table (not of an outer-joined one)."""
    col = getattr(expr, "expression", expr)
    own = getattr(getattr(source.id_expr, "expression", source.id_expr), "table", None)
    return (
        isinstance(col, ColumnClause)
        and getattr(col, "nullable", True) is False
        and (col.table is own)
    )


def _order(source: ListSource, query: ListQuery) -> list:
    order = []
    last_desc = True
    for key, desc in query.sort or tuple(source.default_sort):
        col = source.column(key)
        if not col.sortable:
            continue
        expr = col.sort_expr if col.sort_expr is not None else col.expr
        if _never_null(expr, source):  # NULLS LAST would stop an index serving the sort
            order.append(expr.desc() if desc else expr.asc())
        else:
            order.append(expr.desc().nulls_last() if desc else expr.asc().nulls_last())
        last_desc = desc
    # The id breaks ties so that windows never overlap or skip rows. It follows the last
    # key's direction, so an index on that key (whose entries end with the id) serves
    # the whole ORDER BY.
    order.append(source.id_expr.desc() if last_desc else source.id_expr.asc())
    return order


def count(uow: UnitOfWork, source: ListSource, query: ListQuery) -> int:
    with uow:
        stmt = without_unused_joins(filtered(uow, source, query), source.id_expr)
        stmt = stmt.with_only_columns(func.count(source.id_expr))
        return uow.session.scalar(stmt.order_by(None)) or 0


def fetch_ids(
    uow: UnitOfWork, source: ListSource, query: ListQuery, stop: Callable[[], bool] | None = None
) -> array | None:
    """All matching ids in display order, as a compact array (8 bytes a row).

    `stop` is asked between chunks of ids (a background read no longer wanted): when it
    says True the read ends and None is returned."""
    with uow:
        return _fetch_ids(uow, source, query, None, stop)


def fetch_first_ids(uow: UnitOfWork, source: ListSource, query: ListQuery, limit: int) -> array:
    """The first `limit` ids in display order: what a list shows before it knows them all."""
    with uow:
        return _fetch_ids(uow, source, query, limit, None)


def _fetch_ids(
    uow: UnitOfWork,
    source: ListSource,
    query: ListQuery,
    limit: int | None,
    stop: Callable[[], bool] | None,
) -> array | None:
    text = (query.search or "").strip()[:MAX_SEARCH_CHARS]
    dialect = uow.session.get_bind().dialect.name
    attempts = _first_window_attempts(source, text, dialect) if limit is not None else ()
    for window, ms in attempts:
        try:
            with _time_budget(uow, ms):
                return _ids(uow, source, query, limit, window=window)
        except _OverBudget:
            pass
    return _ids(uow, source, query, limit, stop=stop)


# How long a search's first window may try each form before the next (first_window).
FIRST_WINDOW_BUDGET_MS = 300  # the stop-early form, for a term no index finds
# The indexed form, before the stop-early form is tried. PostgreSQL's trigram index
# answers a term with a few hundred matches in up to ~250 ms on 1 M rows (measured),
# SQLite's in under ~100 ms (warm): past the budget, matches are many.
INDEXED_BUDGET_MS = {"sqlite": 120, "postgresql": 250}
DENSE_WINDOW_BUDGET_MS = 150  # the stop-early form after the indexed one ran long


def _first_window_attempts(
    source: ListSource, text: str, dialect: str
) -> tuple[tuple[bool, int], ...]:
    """(stop-early form?, budget in ms) to try, in order, for a search's first window;
    when every attempt runs over its budget the usual form answers without one.

    A source's search may be a WindowedSearch, whose `first_window(text)` is a WHERE clause
    equal in meaning to `search(text)` but shaped for a list's first window (`ORDER BY …
    LIMIT`), which the database answers by walking the sort index and stopping at the first
    matches: fast when matches are common, a walk over every row when they are rare.
    `applies(text)` says no index finds the term (1–2 characters): then it goes first.
    Otherwise the indexed form goes first, and if that runs long it has found many
    matches (a city's name: 24,000 rows, all looked up and sorted), for which stopping
    early pays."""
    search = source.search
    if not text or not isinstance(search, WindowedSearch):
        return ()
    if search.applies(text):
        return ((True, FIRST_WINDOW_BUDGET_MS),)
    indexed = INDEXED_BUDGET_MS.get(dialect)
    if indexed is None:  # no time budget there (_time_budget): keep the indexed form
        return ()
    return ((False, indexed), (True, DENSE_WINDOW_BUDGET_MS))


ID_CHUNK = 10_000  # ids read per fetch (a stop request is honoured between chunks)


class _OverBudget(Exception):
    pass


@contextmanager
def _time_budget(uow: UnitOfWork, ms: int) -> Iterator[None]:
    """Raise _OverBudget when the statements inside run longer than `ms`.

    SQLite: a progress handler interrupts the statement. PostgreSQL: statement_timeout,
    set and cancelled inside a savepoint (a read, so rolling it back loses nothing).
    Other databases: no budget."""
    conn = uow.session.connection()
    dialect = conn.dialect.name
    if dialect == "sqlite":
        raw = conn.connection.driver_connection
        deadline = monotonic() + ms / 1000
        raw.set_progress_handler(lambda: 1 if monotonic() > deadline else 0, 10_000)
        try:
            yield
        except (OperationalError, sqlite3.OperationalError) as exc:
            # Rows read straight off the DB-API cursor (_ids) raise sqlite3's own error:
            # SQLite computes them as they are fetched, so the interrupt can come there.
            if "interrupt" in str(getattr(exc, "orig", exc)).lower():
                raise _OverBudget() from exc
            raise
        finally:
            raw.set_progress_handler(None, 0)
    elif dialect == "postgresql":
        savepoint = uow.session.begin_nested()
        try:
            # session.connection() after begin_nested emits the SAVEPOINT first.
            uow.session.connection().exec_driver_sql(f"SET LOCAL statement_timeout = {int(ms)}")
            yield
        except DBAPIError as exc:
            savepoint.rollback()
            if getattr(exc.orig, "sqlstate", None) == "57014":  # query_canceled
                raise _OverBudget() from exc
            raise
        else:
            savepoint.rollback()  # undoes the SET LOCAL
    else:
        yield


def _ids(
    uow: UnitOfWork,
    source: ListSource,
    query: ListQuery,
    limit: int | None,
    window: bool = False,
    stop: Callable[[], bool] | None = None,
) -> array | None:
    order = _order(source, query)
    stmt = filtered(uow, source, query, window=window)
    stmt = without_unused_joins(stmt, source.id_expr, *order)
    if uow.session.get_bind().dialect.name == "sqlite":
        stmt = joins_as_exists(stmt, source.id_expr, *order)
    stmt = stmt.with_only_columns(source.id_expr).order_by(*order)
    if limit is not None:
        stmt = stmt.limit(limit)
    # The ORM's work per row (~10 µs) makes a million ids take seconds. Run the same
    # statement, with the soft-delete criteria the session's hook adds (hooks.py), on
    # the connection and read the ids straight off the DB-API cursor.
    if not stmt.get_execution_options().get("include_deleted"):  # e.g. the recycle bin
        # Run on the bare connection, so the session hook is not there to add it.
        stmt = stmt.options(hooks.live_rows_only())
    ids = array("q")
    result = uow.session.connection().execute(stmt)
    try:
        while rows := result.cursor.fetchmany(ID_CHUNK):
            ids.extend(r[0] for r in rows)
            if stop is not None and stop():
                return None
    finally:
        result.close()
    return ids


def fetch_rows(
    uow: UnitOfWork,
    source: ListSource,
    ids: Sequence[int],
    keys: Sequence[str] | None = None,
    *,
    version: bool = False,
) -> list[tuple]:
    """The rows for `ids`, in the order given; each tuple is (id, value per key), and the
    row's version (source.version_expr) last when `version`."""
    keys = list(keys) if keys is not None else [c.key for c in source.columns]
    if not len(ids):
        return []
    cols = [source.column(k).expr for k in keys]
    if version:
        cols.append(source.version_expr)
    with uow:
        stmt = source.base(uow).with_only_columns(source.id_expr, *cols)
        stmt = stmt.where(source.id_expr.in_(list(ids)))
        by_id = {row[0]: tuple(row) for row in uow.session.execute(stmt)}
        if source.present is not None and by_id:
            by_id = {r[0]: r for r in source.present(uow, keys, list(by_id.values()))}
    # A row deleted since the ids were fetched comes back as None.
    return [by_id.get(i) for i in ids]


def iter_rows(
    uow: UnitOfWork, source: ListSource, ids: Sequence[int], keys: Sequence[str], chunk: int = 2000
) -> Iterable[tuple]:
    """Rows for many ids, fetched in chunks (for export/print: open uow around the loop to
    read them all in one transaction)."""
    for start in range(0, len(ids), chunk):
        for row in fetch_rows(uow, source, ids[start : start + chunk], keys):
            if row is not None:
                yield row


def distinct_values(
    uow: UnitOfWork, source: ListSource, key: str, limit: int = 500
) -> list[tuple[Any, str]]:
    """The values a column filter offers: (stored value, label), most common first."""
    col = source.column(key)
    with uow:
        stmt = (
            source.base(uow)
            .with_only_columns(col.expr, func.count(source.id_expr))
            .group_by(col.expr)
            .order_by(func.count(source.id_expr).desc())
            .limit(limit)
        )
        values = [row[0] for row in uow.session.execute(stmt)]
    return [(v, col.display(v) if v is not None else "（空）") for v in values]


def record_output(uow: UnitOfWork, source: ListSource, ids: Sequence[int], action: str) -> None:
    """Entry point: rows `ids` of `source` are printed ("print") or exported ("export").
    Runs in its own short writing transaction, before the rows are read."""
    if source.on_output is None or not ids:
        return
    with uow.separate(write=True) as writer:
        source.on_output(writer, ids, action)
        writer.commit()
