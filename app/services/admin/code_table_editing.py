"""Editing code tables (代码表维护): the administrator's tables and entries, their codes,
names, order and active flags. Deleting an entry that any record uses is refused
(usage_count); an entry can be deactivated instead.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select, update

from app.models import Base, CodeItem, CodeTable, Customer, ExtraFieldDef, Role
from app.services.admin._internal import table_by_key
from app.services.core._internal import load_row
from app.services.core.errors import PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.search.customer_names import check_name
from app.services.search.pinyin import name_keys


def _require_admin(uow: UnitOfWork) -> None:
    if uow.actor is None or uow.actor.role != Role.ADMIN:
        raise PermissionDenied("只有系统管理员可以维护代码表。")


_CODE = re.compile(r"^[A-Za-z0-9_\-.]{1,20}$")


def _check_code(uow: UnitOfWork, table_id: int, code, item_id: int | None) -> str:
    code = (code or "").strip()
    if not code:
        raise ValidationError("请输入代码。", field="code")
    if not _CODE.match(code):
        raise ValidationError(
            "代码只能由字母、数字、下划线、点或减号组成，最长 20 位。", field="code"
        )
    taken = uow.session.scalar(
        select(CodeItem.id).where(CodeItem.table_id == table_id, CodeItem.code == code)
    )
    if taken is not None and taken != item_id:
        raise ValidationError(f"代码“{code}”已存在。", field="code")
    return code


def _check_item_name(uow: UnitOfWork, table_id: int, name, item_id: int | None) -> str:
    try:
        name = check_name(name, "名称", 60)
    except ValueError as exc:
        raise ValidationError(str(exc), field="name") from None
    taken = uow.session.scalar(
        select(CodeItem.id).where(CodeItem.table_id == table_id, CodeItem.name == name)
    )
    if taken is not None and taken != item_id:
        raise ValidationError(f"名称“{name}”已存在。", field="name")
    return name


def _load_item(uow: UnitOfWork, item_id: int, expected_version: int | None) -> CodeItem:
    stmt = select(CodeItem).where(CodeItem.id == item_id)
    return load_row(uow, stmt, expected_version, "该代码不存在或已被删除。")


def create_table(uow: UnitOfWork, name: str, key: str | None = None) -> int:
    """A new, user-defined code table (e.g. for a choice-type extra field)."""
    _require_admin(uow)
    with uow:
        try:
            name = check_name(name, "代码表名称", 40)
        except ValueError as exc:
            raise ValidationError(str(exc), field="name") from None
        if uow.session.scalar(select(CodeTable.id).where(CodeTable.name == name)):
            raise ValidationError(f"代码表“{name}”已存在。", field="name")
        if not key:
            base = "u_" + (name_keys(name).initials.split(" ")[0] or "t")[:20]
            key, n = base, 1
            while uow.session.scalar(select(CodeTable.id).where(CodeTable.key == key)):
                n += 1
                key = f"{base}{n}"
        elif uow.session.scalar(select(CodeTable.id).where(CodeTable.key == key)):
            raise ValidationError(f"代码表标识“{key}”已存在。", field="key")
        top = uow.session.scalar(select(func.max(CodeTable.sort_order))) or 0
        table = CodeTable(key=key, name=name, is_system=False, sort_order=top + 1)
        uow.session.add(table)
        uow.commit()
        return table.id


def delete_table(uow: UnitOfWork, table_key: str) -> None:
    _require_admin(uow)
    with uow:
        table = table_by_key(uow, table_key)
        if table.is_system:
            raise ValidationError(f"“{table.name}”是系统代码表，不能删除。")
        if uow.session.scalar(select(func.count()).where(CodeItem.table_id == table.id)):
            raise ValidationError(f"代码表“{table.name}”中还有代码，请先删除这些代码。")
        if uow.session.scalar(select(func.count()).where(ExtraFieldDef.code_table_id == table.id)):
            raise ValidationError(f"代码表“{table.name}”正被自定义字段使用，不能删除。")
        uow.session.delete(table)
        uow.commit()


def add_item(uow: UnitOfWork, table_key: str, code: str, name: str) -> int:
    _require_admin(uow)
    with uow:
        table = table_by_key(uow, table_key)
        code = _check_code(uow, table.id, code, None)
        name = _check_item_name(uow, table.id, name, None)
        top = uow.session.scalar(
            select(func.max(CodeItem.sort_order)).where(CodeItem.table_id == table.id)
        )
        keys = name_keys(name)
        item = CodeItem(
            table_id=table.id,
            code=code,
            name=name,
            sort_order=(top or 0) + 10,
            is_active=True,
            is_system=False,
            pinyin=keys.full,
            initials=keys.initials,
        )
        uow.session.add(item)
        uow.commit()
        return item.id


def update_item(uow: UnitOfWork, item_id: int, expected_version: int, code: str, name: str) -> None:
    _require_admin(uow)
    with uow:
        item = _load_item(uow, item_id, expected_version)
        code = _check_code(uow, item.table_id, code, item.id)
        if item.is_system and code != item.code:
            raise ValidationError(
                f"“{item.name}”是系统代码，代码不能修改（名称可以修改）。", field="code"
            )
        item.code = code
        item.name = _check_item_name(uow, item.table_id, name, item.id)
        keys = name_keys(item.name)
        item.pinyin, item.initials = keys.full, keys.initials
        uow.commit()


def set_item_active(uow: UnitOfWork, item_id: int, expected_version: int, active: bool) -> None:
    """Deactivate: old records keep showing the entry; new records cannot pick it."""
    _require_admin(uow)
    with uow:
        item = _load_item(uow, item_id, expected_version)
        item.is_active = bool(active)
        uow.commit()


def reorder(uow: UnitOfWork, table_key: str, ordered_ids: list[int]) -> None:
    """Drag-and-drop result: the table's entries in their new order (all ids)."""
    _require_admin(uow)
    with uow:
        table = table_by_key(uow, table_key)
        current = set(uow.session.scalars(select(CodeItem.id).where(CodeItem.table_id == table.id)))
        if set(ordered_ids) != current or len(ordered_ids) != len(current):
            raise ValidationError("排序列表与代码表内容不一致，请刷新后重试。")
        for pos, item_id in enumerate(ordered_ids):
            uow.session.execute(
                update(CodeItem)
                .where(CodeItem.id == item_id, CodeItem.sort_order != (pos + 1) * 10)
                .values(sort_order=(pos + 1) * 10, version=CodeItem.version + 1)
                .execution_options(synchronize_session=False)
            )
        uow.commit()


def move_item(uow: UnitOfWork, item_id: int, delta: int) -> None:
    """Up (-1) / down (+1) buttons."""
    with uow:
        item = _load_item(uow, item_id, None)
        table = uow.session.get(CodeTable, item.table_id)
        ids = list(
            uow.session.scalars(
                select(CodeItem.id)
                .where(CodeItem.table_id == item.table_id)
                .order_by(CodeItem.sort_order, CodeItem.id)
            )
        )
    pos = ids.index(item_id)
    new = max(0, min(len(ids) - 1, pos + delta))
    if new != pos:
        ids.insert(new, ids.pop(pos))
        reorder(uow, table.key, ids)


def usage_count(uow: UnitOfWork, item_id: int) -> int:
    """How many records (deleted ones too) use the entry, company-wide: the
    administrator's fact (issue 12.6), for deciding between deleting and deactivating."""
    _require_admin(uow)
    with uow:
        return _uses(uow, item_id)


def _uses(uow: UnitOfWork, item_id: int) -> int:
    total = 0
    for table in Base.metadata.sorted_tables:
        for col in table.columns:
            if any(fk.column is CodeItem.__table__.c.id for fk in col.foreign_keys):
                total += uow.session.execute(
                    select(func.count()).select_from(table).where(col == item_id)
                ).scalar_one()
    item = uow.session.get(CodeItem, item_id)
    choice_keys = list(
        uow.session.scalars(
            select(ExtraFieldDef.key).where(
                ExtraFieldDef.field_type == "choice", ExtraFieldDef.code_table_id == item.table_id
            )
        )
    )
    if choice_keys:
        q = select(Customer.extra).execution_options(include_deleted=True, yield_per=2000)
        for (extra,) in uow.session.execute(q):
            if extra and any(extra.get(k) == item_id for k in choice_keys):
                total += 1
    return total


def delete_item(uow: UnitOfWork, item_id: int) -> None:
    _require_admin(uow)
    with uow:
        item = _load_item(uow, item_id, None)
        if item.is_system:
            raise ValidationError(f"“{item.name}”是系统代码，不能删除，可以停用。")
        used = _uses(uow, item_id)
        if used:
            raise ValidationError(
                f"代码“{item.name}”正被 {used} 条记录使用，不能删除。可以将它停用：停用后旧记录仍显示，新记录不再可选。"
            )
        uow.session.delete(item)
        uow.commit()
