"""Code tables (代码表, 2.3 item 8): user-defined codes and order, active flags.

Records store a CodeItem id. An inactive entry stays readable on old records
(item_label) but is not offered for new ones (options). Deleting an entry that any
record uses is refused: every column with a foreign key to code_items.id is checked
(found from the metadata, so other modules' tables are covered), plus choice-type
extra fields.

Only the administrator edits code tables (code_table_editing); everyone reads them
(this module). The tables a new database starts with are code_table_defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.models import CodeItem, CodeTable
from app.services.admin._internal import table_by_key
from app.services.core.errors import ValidationError
from app.services.core.uow import UnitOfWork
from app.services.search.pinyin import match_rank


@dataclass(frozen=True)
class CodeTableRow:
    id: int
    key: str
    name: str
    is_system: bool
    item_count: int
    version: int


@dataclass(frozen=True)
class CodeItemRow:
    id: int
    table_key: str
    code: str
    name: str
    sort_order: int
    is_active: bool
    is_system: bool
    pinyin: str
    initials: str
    version: int

    @property
    def label(self) -> str:
        return self.name if self.is_active else f"{self.name}（已停用）"

    def matches(self, text: str) -> bool:
        """Combo-box type-ahead: text, full pinyin or initials."""
        return self.rank(text) is not None

    def rank(self, text: str) -> int | None:
        """Type-ahead order (search.pinyin.match_rank); a code typed from its start is 1."""
        from app.services.search.pinyin import PinyinKeys

        rank = match_rank(text, self.name, PinyinKeys(self.pinyin, self.initials))
        if rank is None and text and self.code.lower().startswith(text.strip().lower()):
            return 1
        return rank


def _item_row(item: CodeItem, table_key: str) -> CodeItemRow:
    return CodeItemRow(
        item.id,
        table_key,
        item.code,
        item.name,
        item.sort_order,
        item.is_active,
        item.is_system,
        item.pinyin,
        item.initials,
        item.version,
    )


def _table_id(uow: UnitOfWork, table_key: str) -> int:
    """A table's id, remembered for the session: validating a 5,000-row import asks for
    the same few tables on every row. A session lives for one unit of work."""
    cache = uow.session.info.setdefault("code_table_ids", {})
    if table_key not in cache:
        cache[table_key] = table_by_key(uow, table_key).id
    return cache[table_key]


def list_tables(uow: UnitOfWork) -> list[CodeTableRow]:
    with uow:
        counts = dict(
            uow.session.execute(select(CodeItem.table_id, func.count()).group_by(CodeItem.table_id))
            .tuples()
            .all()
        )
        tables = uow.session.scalars(select(CodeTable).order_by(CodeTable.sort_order, CodeTable.id))
        return [
            CodeTableRow(t.id, t.key, t.name, t.is_system, counts.get(t.id, 0), t.version)
            for t in tables
        ]


def items_in(
    uow: UnitOfWork, table_key: str, *, include_inactive: bool = True
) -> list[CodeItemRow]:
    """A table's entries in their sort order."""
    with uow:
        table = table_by_key(uow, table_key)
        q = select(CodeItem).where(CodeItem.table_id == table.id)
        if not include_inactive:
            q = q.where(CodeItem.is_active.is_(True))
        q = q.order_by(CodeItem.sort_order, CodeItem.id)
        return [_item_row(i, table_key) for i in uow.session.scalars(q)]


def list_items(uow: UnitOfWork, table_key: str, include_inactive: bool = True) -> list[CodeItemRow]:
    """The code-table editor: every entry, inactive ones included."""
    with uow:
        return items_in(uow, table_key, include_inactive=include_inactive)


def options(uow: UnitOfWork, table_key: str, current_id: int | None = None) -> list[CodeItemRow]:
    """What a drop-down offers: active entries, plus the record's current (maybe inactive) one."""
    with uow:
        rows = items_in(uow, table_key, include_inactive=True)
        return [r for r in rows if r.is_active or r.id == current_id]


def item_labels(uow: UnitOfWork, ids) -> dict[int, str]:
    """Id → name for the given ids (inactive ones too)."""
    with uow:
        ids = {i for i in ids if i}
        if not ids:
            return {}
        q = select(CodeItem.id, CodeItem.name).where(CodeItem.id.in_(ids))
        return dict(uow.session.execute(q).tuples().all())


def check_item(
    uow: UnitOfWork,
    table_key: str,
    item_id,
    *,
    field: str,
    label: str,
    previous_id: int | None = None,
) -> int | None:
    """Validate a chosen entry. An inactive entry is accepted
    only if the record already had it."""
    with uow:
        if item_id in (None, "", 0):
            return None
        try:
            item_id = int(item_id)
        except (TypeError, ValueError):
            raise ValidationError(f"{label}的选项无效。", field=field) from None
        item = uow.session.get(CodeItem, item_id)
        if item is None or item.table_id != _table_id(uow, table_key):
            raise ValidationError(f"{label}的选项不存在，请重新选择。", field=field)
        if not item.is_active and item_id != previous_id:
            raise ValidationError(f"{label}“{item.name}”已停用，请选择其他选项。", field=field)
        return item_id


def find_item(uow: UnitOfWork, table_key: str, code: str) -> int | None:
    """The id of an entry by its code (for services and import)."""
    with uow:
        return uow.session.scalar(
            select(CodeItem.id).where(
                CodeItem.table_id == _table_id(uow, table_key), CodeItem.code == code
            )
        )


def resolve(uow: UnitOfWork, table_key: str, text: str) -> int | None:
    """An entry by code or name (import, type-ahead commit)."""
    with uow:
        text = (text or "").strip()
        if not text:
            return None
        table = table_by_key(uow, table_key)
        return uow.session.scalar(
            select(CodeItem.id)
            .where(CodeItem.table_id == table.id, (CodeItem.code == text) | (CodeItem.name == text))
            .order_by(CodeItem.is_active.desc(), CodeItem.sort_order)
            .limit(1)
        )
