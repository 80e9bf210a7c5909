"""Dropping a list statement's joins that cannot change its rows.

Reading only ids, counts or group keys needs none of the display joins a list's base
query carries; see without_unused_joins. A join that only filters (a record's customer,
for visibility and soft delete) can be asked as EXISTS instead; see joins_as_exists.
"""

from __future__ import annotations

import operator

from sqlalchemy import Select, and_, exists, literal, select
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BooleanClauseList
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


def _rebuildable(stmt: Select) -> bool:
    """A plain SELECT … FROM … JOIN … WHERE … ORDER BY that can be rebuilt as written."""
    joins = getattr(stmt, "_setup_joins", None)
    if not joins or getattr(stmt, "_from_obj", None) is None:
        return False
    if stmt._group_by_clauses or stmt._having_criteria:
        return False
    if stmt._limit_clause is not None or stmt._offset_clause is not None:
        return False
    if stmt._distinct or stmt._distinct_on or stmt._prefixes or stmt._suffixes:
        return False
    if stmt._hints or stmt._statement_hints or stmt._fetch_clause is not None:
        return False
    return all(hasattr(flags, "get") and not flags.get("full") for *_, flags in joins)


def _rebuilt(stmt: Select, joins, where) -> Select:
    new = select(*stmt.selected_columns).select_from(*stmt._from_obj)
    for target, on, _from, flags in joins:
        new = new.join(target, on, isouter=flags.get("isouter", False))
    if where:
        new = new.where(*where)
    new = new.order_by(*stmt._order_by_clauses)
    if stmt._with_options:
        new = new.options(*stmt._with_options)
    return new.execution_options(**stmt.get_execution_options())


def _conjuncts(clause) -> list:
    if clause is None:
        return []
    if isinstance(clause, BooleanClauseList) and clause.operator is operators.and_:
        return [c for part in clause.clauses for c in _conjuncts(part)]
    return [clause]


def joins_as_exists(stmt: Select, *used) -> Select:
    """`stmt` with an inner join to a unique key whose table nothing selected, sorted or
    joined later refers to (a record's customer, joined for visibility and soft delete
    only) asked as a correlated EXISTS, with the WHERE terms about that table inside it.

    The same rows: each row meets at most one row of the joined table. For a list's
    first window SQLite then looks the customer up row by row as it walks the sort
    index, instead of first building a Bloom filter over every customer (its planner's
    choice for a join whose table carries a filter of its own: `deleted_at IS NULL`),
    which cost 0.4-0.7 s at a million customers."""
    if not _rebuildable(stmt):
        return stmt
    joins = list(stmt._setup_joins)
    needed = _tables_in(*stmt.selected_columns, *used)
    for i, (target, on, from_, flags) in enumerate(joins):
        name = _from_name(target)
        others = joins[:i] + joins[i + 1 :]
        if (
            from_ is not None
            or flags.get("isouter")
            or name is None
            or name in needed
            or not _unique_key_join(target, on)
            or any(name in _tables_in(o_on) for _t, o_on, _f, _fl in others)
        ):
            continue
        terms = _conjuncts(stmt.whereclause)
        inside = [t for t in terms if name in _tables_in(t)]
        outside = [t for t in terms if name not in _tables_in(t)]
        found = exists(select(literal(1)).select_from(target).where(and_(on, *inside)))
        return _rebuilt(stmt, others, [*outside, found])
    return stmt


def without_unused_joins(stmt: Select, *used) -> Select:
    """`stmt` (a list's filtered base) minus the LEFT JOINs nothing in it or in `used`
    refers to, when each joins a unique key (so it cannot change the rows).

    The lists join every table they display (code items, owner, registrar …); reading
    only ids, counts or group keys needs none of them. PostgreSQL drops such joins by
    itself; SQLite does not, and looks up nine rows per customer row for nothing.
    """
    if not _rebuildable(stmt):
        return stmt  # not rebuilt: keep the statement exactly as the source wrote it
    joins = stmt._setup_joins
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
    return _rebuilt(
        stmt, list(reversed(kept)), [stmt.whereclause] if stmt.whereclause is not None else []
    )
