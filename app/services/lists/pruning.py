"""Dropping a list statement's joins that cannot change its rows.

Reading only ids, counts or group keys needs none of the display joins a list's base
query carries; see without_unused_joins.
"""

from __future__ import annotations

import operator

from sqlalchemy import Select, select
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.expression import ColumnClause


def _from_name(table) -> str | None:
    """The name a table or alias has in a FROM list (unique within a statement)."""
    return getattr(table, "name", None)


def _unique_key_join(target, on) -> bool:
    """`on` is `other.fk = target.pk` for `target`'s one-column primary key."""
    if not isinstance(on, BinaryExpression) or on.operator is not operator.eq:
        return False
    name = _from_name(target)
    for pk, fk in ((on.left, on.right), (on.right, on.left)):
        if not (isinstance(pk, ColumnClause) and isinstance(fk, ColumnClause)):
            continue
        pk_table, fk_table = getattr(pk, "table", None), getattr(fk, "table", None)
        if (
            pk_table is not None
            and fk_table is not None
            and _from_name(pk_table) == name
            and _from_name(fk_table) != name
            and pk.primary_key
            and len(getattr(pk_table, "primary_key", ())) == 1
        ):
            return True
    return False


def _tables_in(*clauses) -> set[str]:
    names = set()
    for clause in clauses:
        if clause is None:
            continue
        if hasattr(clause, "__clause_element__"):
            clause = clause.__clause_element__()
        for el in visitors.iterate(clause):
            table = getattr(el, "table", None) if isinstance(el, ColumnClause) else None
            if table is not None and _from_name(table):
                names.add(_from_name(table))
    return names


def without_unused_joins(stmt: Select, *used) -> Select:
    """`stmt` (a list's filtered base) minus the LEFT JOINs nothing in it or in `used`
    refers to, when each joins a unique key (so it cannot change the rows).

    The lists join every table they display (code items, owner, registrar …); reading
    only ids, counts or group keys needs none of them. PostgreSQL drops such joins by
    itself; SQLite does not, and looks up nine rows per customer row for nothing.
    """
    joins = getattr(stmt, "_setup_joins", None)
    froms = getattr(stmt, "_from_obj", None)
    if not joins or froms is None or stmt._group_by_clauses or stmt._having_criteria:
        return stmt
    if stmt._limit_clause is not None or stmt._offset_clause is not None:
        return stmt
    if stmt._distinct or stmt._distinct_on or stmt._prefixes or stmt._suffixes:
        return stmt  # not rebuilt: keep the statement exactly as the source wrote it
    if stmt._hints or stmt._statement_hints or stmt._fetch_clause is not None:
        return stmt
    if any(not hasattr(flags, "get") or flags.get("full") for *_, flags in joins):
        return stmt
    needed = _tables_in(stmt.whereclause, *stmt.selected_columns, *used)
    kept = []
    for target, on, from_, flags in reversed(joins):
        name = _from_name(target)
        if (
            from_ is None
            and flags.get("isouter")
            and name is not None
            and name not in needed
            and _unique_key_join(target, on)
        ):
            continue
        kept.append((target, on, from_, flags))
        needed |= _tables_in(on)
    if len(kept) == len(joins):
        return stmt
    new = select(*stmt.selected_columns).select_from(*froms)
    for target, on, _from, flags in reversed(kept):
        new = new.join(target, on, isouter=flags.get("isouter", False))
    if stmt.whereclause is not None:
        new = new.where(stmt.whereclause)
    new = new.order_by(*stmt._order_by_clauses)
    if stmt._with_options:
        new = new.options(*stmt._with_options)
    return new.execution_options(**stmt.get_execution_options())
