"""Code tables (代码表, 2.3 item 8): user-defined codes and order, active flags.

Records store a CodeItem id. An inactive entry stays readable on old records
(item_label) but is not offered for new ones (options). Deleting an entry that any
record uses is refused: every column with a foreign key to code_items.id is checked
(found from the metadata, so other modules' tables are covered), plus choice-type
extra fields.

Only the administrator edits code tables; everyone reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from app.models import Base, CodeItem, CodeTable, Customer, ExtraFieldDef, Role
from app.services.core import clock
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork
from app.services.search.customer_names import check_name, industries, provinces
from app.services.search.pinyin import matches, name_keys

# key, name, [(code, name, is_system)]
DEFAULT_TABLES: list[tuple[str, str, list[tuple[str, str, bool]]]] = [
    ("customer_type", "客户类型", [("E", "企业", True), ("P", "个人", True), ("S", "供应商", True)]),
    ("source", "客户来源", [
        ("01", "公司原有客户信息库", False),
        ("02", "销售内勤接听电话", False),
        ("03", "网站", False),
        ("04", "展会", False),
        ("05", "转介绍", False),
        ("99", "其他", False),
    ]),
    ("region", "地区", []),  # from GB/T 2260, filled below
    ("industry", "行业", []),  # from GB/T 4754, filled below
    ("position", "职位", [
        (f"{i + 1:02d}", n, False)
        for i, n in enumerate(
            ["董事长", "总经理", "副总经理", "部门经理", "采购经理", "采购员", "财务负责人",
             "技术负责人", "销售经理", "业务员", "办公室主任", "其他"]
        )
    ]),
    ("grade", "等级", [("A", "A", True), ("B", "B", True), ("C", "C", True), ("D", "D", True)]),
    ("coop_status", "合作状态", [
        ("1", "待开发考察", True),
        ("2", "正常合作", True),
        ("3", "暂中止合作", True),
        ("4", "已终止合作", True),
    ]),
    ("payment", "付款方式", [
        (f"{i + 1:02d}", n, False)
        for i, n in enumerate(
            ["现金", "银行转账", "承兑汇票", "月结", "货到付款", "预付款", "分期付款"]
        )
    ]),
    ("visit_method", "回访方式", [
        ("1", "电话", False), ("2", "走访", False), ("3", "邀请", False), ("4", "邮件", False)
    ]),
    ("follow_method", "跟进方式", [
        ("1", "电话", False), ("2", "拜访", False), ("3", "邮件", False),
        ("4", "微信", False), ("5", "传真", False), ("9", "其他", False),
    ]),
    ("complaint_type", "投诉类别", [
        (f"{i + 1:02d}", n, False)
        for i, n in enumerate(["产品质量", "交货延误", "服务态度", "价格异议", "售后服务", "其他"])
    ]),
    # Issue 6: 回访资料归档类别, 反馈渠道, 工作计划类别.
    ("visit_archive", "回访归档类别", [
        ("1", "客户需求", False), ("2", "售后服务", False), ("3", "产品质量", False),
        ("4", "市场信息", False), ("9", "其他", False),
    ]),
    ("feedback_channel", "反馈渠道", [
        ("1", "电话", False), ("2", "来访", False), ("3", "邮件", False),
        ("4", "微信", False), ("5", "信函", False), ("6", "回访中反映", False), ("9", "其他", False),
    ]),
    ("work_plan_kind", "工作计划类别", [
        ("1", "拜访计划", False), ("2", "拓展计划", False), ("3", "回访计划", False),
        ("4", "销售目标", False), ("5", "收款计划", False), ("6", "交付后回访", True),
        ("9", "其他", False),
    ]),
]  # fmt: skip


def _default_items(key: str, items):
    if key == "region":
        return [(code, name, False) for code, name, _short in provinces()]
    if key == "industry":
        return [(code, name, False) for code, name in industries()]
    return items


def seed_defaults(conn: Connection) -> int:
    """Create every default table that does not exist yet. Idempotent; returns tables added.

    Called by migration 0003 (a fresh database has the defaults) and safe to call again.
    """
    now = clock.now()
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    existing = set(conn.execute(select(CodeTable.key)).scalars())
    added = 0
    for order, (key, name, items) in enumerate(DEFAULT_TABLES):
        if key in existing:
            continue
        table_id = conn.execute(
            CodeTable.__table__.insert().returning(CodeTable.__table__.c.id),
            {"key": key, "name": name, "is_system": True, "sort_order": order, **stamp},
        ).scalar_one()
        rows = []
        for i, (code, item_name, system) in enumerate(_default_items(key, items)):
            keys = name_keys(item_name)
            rows.append(
                {
                    "table_id": table_id,
                    "code": code,
                    "name": item_name,
                    "sort_order": (i + 1) * 10,
                    "is_active": True,
                    "is_system": system,
                    "pinyin": keys.full,
                    "initials": keys.initials,
                    **stamp,
                }
            )
        if rows:
            conn.execute(CodeItem.__table__.insert(), rows)
        added += 1
    return added


# --- read ---------------------------------------------------------------------------


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
        from app.services.search.pinyin import PinyinKeys

        return matches(text, self.name, PinyinKeys(self.pinyin, self.initials)) or (
            bool(text) and self.code.lower().startswith(text.strip().lower())
        )


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


def _table(uow: UnitOfWork, table_key: str) -> CodeTable:
    table = uow.session.scalar(select(CodeTable).where(CodeTable.key == table_key))
    if table is None:
        raise NotFound(f"代码表“{table_key}”不存在。")
    return table


def _table_id(uow: UnitOfWork, table_key: str) -> int:
    """A table's id, remembered for the session: validating a 5,000-row import asks for
    the same few tables on every row. A session lives for one unit of work."""
    cache = uow.session.info.setdefault("code_table_ids", {})
    if table_key not in cache:
        cache[table_key] = _table(uow, table_key).id
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
    """Inside an open unit of work: a table's entries in their sort order."""
    table = _table(uow, table_key)
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
    """Inside an open unit of work: id → name for the given ids (inactive ones too)."""
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
    """Inside a unit of work: validate a chosen entry. An inactive entry is accepted
    only if the record already had it."""
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
    """Inside a unit of work: the id of an entry by its code (for services and import)."""
    return uow.session.scalar(
        select(CodeItem.id).where(
            CodeItem.table_id == _table_id(uow, table_key), CodeItem.code == code
        )
    )


def resolve(uow: UnitOfWork, table_key: str, text: str) -> int | None:
    """Inside a unit of work: an entry by code or name (import, type-ahead commit)."""
    text = (text or "").strip()
    if not text:
        return None
    table = _table(uow, table_key)
    return uow.session.scalar(
        select(CodeItem.id)
        .where(CodeItem.table_id == table.id, (CodeItem.code == text) | (CodeItem.name == text))
        .order_by(CodeItem.is_active.desc(), CodeItem.sort_order)
        .limit(1)
    )


# --- write (admin) ---------------------------------------------------------------------


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
    item = uow.session.get(CodeItem, item_id)
    if item is None:
        raise NotFound("该代码不存在或已被删除。")
    if expected_version is not None and item.version != expected_version:
        from app.services.core.errors import ConflictError

        raise ConflictError(CONFLICT_MESSAGE)
    return item


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
        table = _table(uow, table_key)
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
        table = _table(uow, table_key)
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
        table = _table(uow, table_key)
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
    """Inside a unit of work: how many records (deleted ones too) use the entry."""
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
        used = usage_count(uow, item_id)
        if used:
            raise ValidationError(
                f"代码“{item.name}”正被 {used} 条记录使用，不能删除。可以将它停用：停用后旧记录仍显示，新记录不再可选。"
            )
        uow.session.delete(item)
        uow.commit()
