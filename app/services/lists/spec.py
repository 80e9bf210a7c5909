"""The declarative side of the one list component: what an entity's list is.

An entity describes its list once, as a ListSource: column specs (key, label, SQL
expression, kind), a base query that already applies the acting user's visibility, a
search and batch actions. A ListQuery is what the user asks of it (search, sort, time
slice, column filters). Running them is lists.query; group-by summaries lists.summaries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_

from app.services.core.errors import ValidationError
from app.services.core.uow import UnitOfWork

# The group summary's count column: not 数量, which is a column of the deals and samples.
COUNT_LABEL = "记录数"
KINDS = ("text", "int", "number", "money", "date", "datetime", "bool", "enum")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    expr: Any
    kind: str = "text"
    sortable: bool = True
    groupable: bool = False
    visible: bool = True  # shown by default
    width: int = 110  # pixel hint for the view
    labels: Mapping[Any, str] | None = None  # stored value -> what the user reads
    sort_expr: Any = None  # e.g. a pinyin column to sort Chinese names by
    filterable: bool = False  # offers a value filter (code-table-like columns)
    formatter: Callable[[Any], str] | None = None  # custom display text
    # A group summary totals money and quantities; not an amount whose sum means nothing
    # (注册资金 of many companies).
    summable: bool = True

    @property
    def is_date(self) -> bool:
        return self.kind in ("date", "datetime")

    @property
    def is_numeric(self) -> bool:
        return self.kind in ("int", "number", "money")

    def display(self, value) -> str:
        """The text a user reads for a stored value (screen and print)."""
        if value is None:
            return ""
        if self.formatter is not None:
            return self.formatter(value)
        if self.labels is not None:
            return self.labels.get(
                value, self.labels.get(getattr(value, "value", value), str(value))
            )
        if self.kind == "bool":
            return "是" if value else "否"
        if self.kind == "money":
            return f"{Decimal(str(value)):,.2f}"
        if self.kind == "number" and isinstance(value, float | Decimal):
            return _plain_number(value)
        if self.kind == "datetime" and isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if self.kind == "date" and isinstance(value, datetime | date):
            return value.strftime("%Y-%m-%d")
        return str(getattr(value, "value", value))


def _plain_number(value: float | Decimal) -> str:
    """5000 (not 5000.000 from a Numeric(14, 3) column, nor 5000.0), 12.5, 1,234,567.25:
    thousands separated, no trailing zeros."""
    d = Decimal(str(value))
    text = f"{d:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@dataclass(frozen=True)
class BatchResult:
    done: int
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (id, why)

    @property
    def message(self) -> str:
        text = f"已处理 {self.done} 条。"
        if self.skipped:
            reasons = sorted({why for _, why in self.skipped})
            text += f"跳过 {len(self.skipped)} 条：" + "；".join(reasons[:3])
        return text


@dataclass(frozen=True)
class BatchAction:
    """An operation on many rows in one transaction; `run` checks permission per row."""

    key: str
    label: str
    # run(uow, ids, **params) gets a unit of work not yet open: an action that calls a
    # service per row hands uow on (each call is then its own transaction, and a refused
    # row does not undo the others); one that works in one transaction opens it.
    run: Callable[..., BatchResult]
    destructive: bool = False
    # Parameter the user supplies (e.g. "owner"): (name, label, choices(uow) -> [(value, label)])
    param: tuple[str, str, Callable[[UnitOfWork], list[tuple[Any, str]]]] | None = None
    # run(uow, ids, versions={id: version}) with each row's version as the list read it
    # (ListSource.version_expr): a row changed since refuses the batch, like a stale save.
    versioned: bool = False


@dataclass(frozen=True)
class WindowedSearch:
    """A list search (call it: text -> WHERE clause) that also has a form of the same
    clause shaped for a list's first window; see query._first_window_attempts."""

    where: Callable[[str], Any]  # the usual, indexed form
    first_window: Callable[[str], Any]  # equal in meaning, stops early under ORDER BY … LIMIT
    applies: Callable[[str], bool]  # no index finds this term: try first_window first

    def __call__(self, text: str):
        return self.where(text)


@dataclass
class ListSource:
    key: str  # stable name for preferences, e.g. "users"
    title: str  # printed and exported title
    columns: list[Column]
    id_expr: Any
    base: Callable[[UnitOfWork], Select]  # FROM + joins + visibility WHERE
    search: Callable[[str], Any] | None = None  # text -> WHERE clause, or a WindowedSearch
    search_hint: str = "搜索"
    default_sort: list[tuple[str, bool]] = field(default_factory=list)
    batch_actions: list[BatchAction] = field(default_factory=list)
    open_entity: str | None = None  # drill-through target entity for a row
    default_date_key: str | None = None  # the date column the time slice starts on
    # Called when rows leave the screen (print, PDF, Excel): (uow, ids, action) inside a
    # writing unit of work — the customer lists log views under a 查阅授权 (4.2.5).
    on_output: Callable[[UnitOfWork, Sequence[int], str], Any] | None = None
    version_expr: Any = None  # the rows' version column, for versioned batch actions
    # (uow, keys, rows) -> rows: puts a fetched page into words that need a look-up per
    # page rather than a join per row (the audit log names the people its changes mention).
    present: Callable[[UnitOfWork, list[str], list[tuple]], list[tuple]] | None = None

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise ValidationError(f"未知的列：{key}")

    @property
    def date_columns(self) -> list[Column]:
        """Date columns, the default time-slice column first."""
        cols = [c for c in self.columns if c.is_date]
        return sorted(cols, key=lambda c: c.key != self.default_date_key)


@dataclass(frozen=True)
class ListQuery:
    search: str = ""
    sort: tuple[tuple[str, bool], ...] = ()  # (column key, descending)
    date_key: str | None = None
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    filters: tuple[tuple[str, tuple], ...] = ()  # (column key, allowed values)
    # Just these records (ids), e.g. the customers a grouped reminder line is about, and
    # what they are, in words ("待办提醒：开发期限").
    rows: tuple[int, ...] = ()
    rows_label: str = ""

    def to_dict(self) -> dict:
        return {
            "search": self.search,
            "sort": [list(s) for s in self.sort],
            "date_key": self.date_key,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "filters": [[k, list(v)] for k, v in self.filters],
            "rows": list(self.rows),
            "rows_label": self.rows_label,
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> ListQuery:
        """A saved filter read back; a damaged one (edited by hand, an older version)
        raises ValidationError in Chinese instead of breaking the list."""

        def day(v):
            return date.fromisoformat(v) if v else None

        try:
            return cls(
                search=str(d.get("search", "") or ""),
                sort=tuple((str(k), bool(desc)) for k, desc in d.get("sort", [])),
                date_key=d.get("date_key"),
                date_from=day(d.get("date_from")),
                date_to=day(d.get("date_to")),
                filters=tuple((str(k), tuple(v)) for k, v in d.get("filters", [])),
                rows=tuple(int(i) for i in d.get("rows", []) or []),
                rows_label=str(d.get("rows_label", "") or ""),
            )
        except (AttributeError, TypeError, ValueError) as exc:
            raise ValidationError("保存的筛选条件已损坏，无法使用，请删除后重新保存。") from exc

    def describe(self, source: ListSource) -> str:
        """One line for print headers: what this view is filtered by."""
        parts = []
        if self.rows:
            parts.append(f"{self.rows_label or '指定记录'}（{len(self.rows):,} 条）")
        if self.search.strip():
            parts.append(f"搜索“{self.search.strip()}”")
        if self.date_key and (self.date_from or self.date_to):
            label = source.column(self.date_key).label
            parts.append(f"{label} {self.date_from or '…'} 至 {self.date_to or '…'}")
        for key, values in self.filters:
            col = source.column(key)
            shown = "、".join(col.display(v) for v in values[:5])
            more = f" 等 {len(values)} 项" if len(values) > 5 else ""
            parts.append(f"{col.label}：{shown}{more}")
        return "；".join(parts) if parts else "全部记录"


def escape_like(text: str) -> str:
    """Make user text literal inside LIKE (with ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(expr, text: str):
    return expr.like(f"%{escape_like(text)}%", escape="\\")


def text_search(*exprs) -> Callable[[str], Any]:
    """A simple search over text columns (case-insensitive for Latin letters)."""

    def where(text: str):
        return or_(*(contains(func.lower(e), text.lower()) for e in exprs))

    return where
