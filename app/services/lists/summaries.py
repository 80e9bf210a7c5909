"""Group-by summaries (汇总) of a list: counts and sums per one or two columns."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.expression import ColumnClause
from sqlalchemy.sql.selectable import Join

from app.services.core.errors import ValidationError
from app.services.core.uow import UnitOfWork
from app.services.lists.pruning import without_unused_joins
from app.services.lists.query import filtered
from app.services.lists.spec import ListQuery, ListSource


@dataclass(frozen=True)
class GroupRow:
    values: tuple  # raw group values, one per group key
    labels: tuple[str, ...]
    count: int
    sums: dict[str, Any]


@dataclass(frozen=True)
class Summary:
    keys: tuple[str, ...]
    sum_keys: tuple[str, ...]
    rows: list[GroupRow]  # deepest level, ordered
    subtotals: list[GroupRow]  # first level (only when two keys)
    total: GroupRow


def _joins(from_clause) -> Iterable[Join]:
    if isinstance(from_clause, Join):
        yield from _joins(from_clause.left)
        yield from_clause
        yield from _joins(from_clause.right)


def _annotations(expr) -> dict:
    col = expr.__clause_element__() if hasattr(expr, "__clause_element__") else expr
    return getattr(col, "_annotations", {})


def _join_key(stmt: Select, expr):
    """(foreign key, primary key) when `expr` is a column of a table that `stmt` joins
    on `foreign key = that table's one-column primary key` (e.g. the owner's name joined
    on customers.owner_id = owner.id); None otherwise."""
    col = expr.__clause_element__() if hasattr(expr, "__clause_element__") else expr
    table = getattr(col, "table", None)
    if not isinstance(col, ColumnClause) or table is None:
        return None
    for from_clause in stmt.get_final_froms():
        for join in _joins(from_clause):
            if not join.right.compare(table):
                continue
            on = join.onclause
            if not isinstance(on, BinaryExpression) or on.operator is not operator.eq:
                return None
            for pk, fk in ((on.left, on.right), (on.right, on.left)):
                pk_table, fk_table = getattr(pk, "table", None), getattr(fk, "table", None)
                if (
                    isinstance(pk, ColumnClause)
                    and isinstance(fk, ColumnClause)
                    and pk_table is not None
                    and fk_table is not None
                    and pk_table.compare(table)
                    and not fk_table.compare(table)
                    and pk.primary_key
                    and len(table.primary_key) == 1
                ):
                    return fk, pk, table
            return None
    return None


def _summary_statement(uow, source, query, groups, sums) -> Select:
    """Counts and sums per group, grouped by keys first and labelled afterwards.

    A group column that shows a joined table's name (code item, owner …) is grouped by
    the foreign key in the list's own table; the few hundred groups are then joined to
    their names and merged by name (two keys with one name are one group, as before).
    Grouping 1 M rows by names joined per row took 3.4 s on SQLite; by keys, much less.
    """
    base = filtered(uow, source, query)
    keys, joins, used = [], [], set()
    for i, g in enumerate(groups):
        jk = _join_key(base, g.expr)
        if jk is not None and id(jk[2]) in used:
            jk = None  # the same table twice: keep it simple, group by the value itself
        if jk is not None:
            used.add(id(jk[2]))
        keys.append((jk[0] if jk else g.expr).label(f"k{i}"))
        joins.append(jk)
    base = without_unused_joins(base, *keys, source.id_expr, *[s.expr for s in sums])
    inner = (
        base.with_only_columns(
            *keys,
            func.count(source.id_expr).label("n"),
            *[func.sum(s.expr).label(f"s{j}") for j, s in enumerate(sums)],
        )
        .group_by(*keys)
        .order_by(None)
        .subquery("groups")
    )
    labels, label_joins = [], []
    for i, (g, jk) in enumerate(zip(groups, joins, strict=True)):
        if jk is None:
            labels.append(inner.c[f"k{i}"])
            continue
        _fk, pk, table = jk
        # Join the mapped entity where there is one, with Select.outerjoin, so that the
        # session's soft-delete criteria go into this join's ON clause as in the list's.
        insp = _annotations(g.expr).get("parententity")
        target = insp.entity if insp is not None else table
        label_joins.append((target, pk == inner.c[f"k{i}"]))
        labels.append(g.expr)
    stmt = select(
        *labels,
        func.sum(inner.c.n),
        *[func.sum(inner.c[f"s{j}"]) for j in range(len(sums))],
    ).select_from(inner)
    for target, on in label_joins:
        stmt = stmt.outerjoin(target, on)
    return stmt.group_by(*labels)


def summarize(
    uow: UnitOfWork,
    source: ListSource,
    query: ListQuery,
    group_keys: Sequence[str],
    sum_keys: Sequence[str] | None = None,
) -> Summary:
    """汇总: counts (and sums of numeric columns) grouped by one or two columns."""
    if not 1 <= len(group_keys) <= 2:
        raise ValidationError("请选择一到两个汇总字段。")
    groups = [source.column(k) for k in group_keys]
    if sum_keys is None:
        sum_keys = [
            c.key for c in source.columns if c.is_numeric and c.kind != "int" and c.summable
        ]
    sums = [source.column(k) for k in sum_keys]
    with uow:
        raw = uow.session.execute(_summary_statement(uow, source, query, groups, sums)).all()

    def sort_key(r):
        return tuple((v is None, str(v) if v is not None else "") for v in r[: len(groups)])

    rows = []
    for r in sorted(raw, key=sort_key):
        values = tuple(r[: len(groups)])
        labels = tuple(g.display(v) or "（空）" for g, v in zip(groups, values, strict=True))
        tail = r[len(groups) :]
        rows.append(
            GroupRow(values, labels, tail[0], {s.key: tail[1 + i] or 0 for i, s in enumerate(sums)})
        )
    subtotals = []
    if len(groups) == 2:
        acc: dict = {}
        for row in rows:
            first = acc.setdefault(row.values[0], [row.labels[0], 0, dict.fromkeys(sum_keys, 0)])
            first[1] += row.count
            for k in sum_keys:
                first[2][k] += row.sums[k]
        subtotals = [GroupRow((v,), (lab,), n, s) for v, (lab, n, s) in acc.items()]
    total = GroupRow(
        (),
        ("合计",),
        sum(r.count for r in rows),
        {k: sum((r.sums[k] for r in rows), 0) for k in sum_keys},
    )
    return Summary(tuple(group_keys), tuple(sum_keys), rows, subtotals, total)
