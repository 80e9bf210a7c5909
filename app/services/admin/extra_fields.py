"""Admin-defined customer fields (自定义字段): text, number, date, or a choice from a code
table. Values live in customers.extra as JSON: text → str, number → int/float,
date → "YYYY-MM-DD", choice → the code item's id. The form, list columns, filters,
export and import read the definitions from list_defs()."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from app.models import CodeItem, CodeTable, Customer, ExtraFieldDef, Role
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork
from app.services.search.customer_names import check_name, half_width
from app.services.search.pinyin import name_keys

TYPES = {"text": "文本", "number": "数字", "date": "日期", "choice": "代码表选项"}
TEXT_MAX = 500


@dataclass(frozen=True)
class ExtraFieldRow:
    id: int
    key: str
    label: str
    field_type: str
    code_table_key: str  # "" unless choice
    sort_order: int
    required: bool
    is_active: bool
    version: int

    @property
    def form_field(self) -> str:
        """The field name a ValidationError carries for this field."""
        return f"extra.{self.key}"


def _require_admin(uow: UnitOfWork) -> None:
    if uow.actor is None or uow.actor.role != Role.ADMIN:
        raise PermissionDenied("只有系统管理员可以定义自定义字段。")


def defs_in(uow: UnitOfWork, *, active_only: bool = False) -> list[ExtraFieldRow]:
    with uow:
        q = (
            select(ExtraFieldDef, CodeTable.key)
            .outerjoin(CodeTable, CodeTable.id == ExtraFieldDef.code_table_id)
            .order_by(ExtraFieldDef.sort_order, ExtraFieldDef.id)
        )
        if active_only:
            q = q.where(ExtraFieldDef.is_active.is_(True))
        return [
            ExtraFieldRow(
                d.id, d.key, d.label, d.field_type, tkey or "", d.sort_order, d.required,
                d.is_active, d.version,
            )
            for d, tkey in uow.session.execute(q)
        ]  # fmt: skip


def list_defs(uow: UnitOfWork, active_only: bool = False) -> list[ExtraFieldRow]:
    with uow:
        return defs_in(uow, active_only=active_only)


def create_def(
    uow: UnitOfWork,
    label: str,
    field_type: str,
    *,
    code_table_key: str | None = None,
    required: bool = False,
) -> int:
    _require_admin(uow)
    try:
        label = check_name(label, "字段名称", 40)
    except ValueError as exc:
        raise ValidationError(str(exc), field="label") from None
    if field_type not in TYPES:
        raise ValidationError("请选择字段类型：文本、数字、日期或代码表选项。", field="field_type")
    with uow:
        if uow.session.scalar(select(ExtraFieldDef.id).where(ExtraFieldDef.label == label)):
            raise ValidationError(f"字段“{label}”已存在。", field="label")
        table_id = None
        if field_type == "choice":
            table_id = uow.session.scalar(
                select(CodeTable.id).where(CodeTable.key == (code_table_key or ""))
            )
            if table_id is None:
                raise ValidationError("请选择该字段使用的代码表。", field="code_table_key")
        base = "x_" + re.sub(r"[^a-z0-9]", "", name_keys(label).initials.split(" ")[0])[:20]
        key, n = base, 1
        while uow.session.scalar(select(ExtraFieldDef.id).where(ExtraFieldDef.key == key)):
            n += 1
            key = f"{base}{n}"
        top = uow.session.scalar(select(func.max(ExtraFieldDef.sort_order))) or 0
        d = ExtraFieldDef(
            key=key,
            label=label,
            field_type=field_type,
            code_table_id=table_id,
            sort_order=top + 10,
            required=bool(required),
            is_active=True,
        )
        uow.session.add(d)
        uow.commit()
        return d.id


def update_def(
    uow: UnitOfWork,
    def_id: int,
    expected_version: int,
    *,
    label: str | None = None,
    required: bool | None = None,
    is_active: bool | None = None,
    sort_order: int | None = None,
) -> None:
    """The type and key of a field never change (stored values depend on them)."""
    _require_admin(uow)
    with uow:
        d = uow.session.get(ExtraFieldDef, def_id)
        if d is None:
            raise NotFound("该自定义字段不存在。")
        if d.version != expected_version:
            raise ConflictError(CONFLICT_MESSAGE)
        if label is not None:
            try:
                label = check_name(label, "字段名称", 40)
            except ValueError as exc:
                raise ValidationError(str(exc), field="label") from None
            other = uow.session.scalar(select(ExtraFieldDef.id).where(ExtraFieldDef.label == label))
            if other is not None and other != def_id:
                raise ValidationError(f"字段“{label}”已存在。", field="label")
            d.label = label
        if required is not None:
            d.required = bool(required)
        if is_active is not None:
            d.is_active = bool(is_active)
        if sort_order is not None:
            d.sort_order = int(sort_order)
        uow.commit()


def delete_def(uow: UnitOfWork, def_id: int) -> None:
    """Refused while any customer (recycle bin included) has a value; deactivate instead."""
    _require_admin(uow)
    with uow:
        d = uow.session.get(ExtraFieldDef, def_id)
        if d is None:
            raise NotFound("该自定义字段不存在。")
        q = select(Customer.extra).execution_options(include_deleted=True, yield_per=2000)
        for (extra,) in uow.session.execute(q):
            if extra and extra.get(d.key) not in (None, ""):
                raise ValidationError(
                    f"字段“{d.label}”已有客户填写了内容，不能删除；可以将它停用。"
                )
        uow.session.delete(d)
        uow.commit()


def check_values(uow: UnitOfWork, values: dict | None, previous: dict | None) -> dict:
    """Validate a form's extra values by type; returns the JSON to
    store. Values of inactive or unknown definitions already on the record are kept."""
    with uow:
        values = dict(values or {})
        previous = dict(previous or {})
        out = {k: v for k, v in previous.items()}
        # Read once per session: an Excel import checks thousands of rows in one transaction.
        defs = uow.session.info.get("extra_fields.defs")
        if defs is None:
            defs = uow.session.info["extra_fields.defs"] = defs_in(uow)
        by_key = {d.key: d for d in defs}
        unknown = [k for k in values if k not in by_key]
        if unknown:
            raise ValidationError(f"未知的自定义字段：{', '.join(unknown)}")
        for d in defs:
            if d.key not in values:
                if d.is_active and d.required and previous.get(d.key) in (None, ""):
                    raise ValidationError(f"请填写{d.label}。", field=d.form_field)
                continue
            raw = values[d.key]
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if d.is_active and d.required:
                    raise ValidationError(f"请填写{d.label}。", field=d.form_field)
                out.pop(d.key, None)
                continue
            if not d.is_active and raw != previous.get(d.key):
                raise ValidationError(f"字段“{d.label}”已停用，不能修改。", field=d.form_field)
            out[d.key] = _convert(uow, d, raw, previous.get(d.key))
        return out


def _convert(uow: UnitOfWork, d: ExtraFieldRow, raw, previous):
    f = d.form_field
    if d.field_type == "text":
        text = str(raw).strip()
        if len(text) > TEXT_MAX:
            raise ValidationError(f"{d.label}不能超过 {TEXT_MAX} 个字。", field=f)
        return text
    if d.field_type == "number":
        try:
            num = Decimal(half_width(str(raw)).replace(",", "").strip())
        except InvalidOperation:
            raise ValidationError(f"{d.label}必须是数字。", field=f) from None
        if not num.is_finite() or abs(num) >= Decimal("1e15"):
            raise ValidationError(f"{d.label}的数值超出范围。", field=f)
        return int(num) if num == num.to_integral_value() else float(num)
    if d.field_type == "date":
        if isinstance(raw, datetime):
            return raw.date().isoformat()
        if isinstance(raw, date):
            return raw.isoformat()
        text = half_width(str(raw)).strip().replace("/", "-").replace(".", "-")
        m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", text) or re.match(
            r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$", text
        )
        try:
            if not m:
                raise ValueError
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            raise ValidationError(
                f"{d.label}不是有效日期，请按 2026-03-01 的格式填写。", field=f
            ) from None
    # choice
    try:
        item_id = int(raw)
    except (TypeError, ValueError):
        raise ValidationError(f"{d.label}的选项无效。", field=f) from None
    item = uow.session.get(CodeItem, item_id)
    tables = uow.session.info.setdefault("extra_fields.table_ids", {})
    if d.code_table_key not in tables:
        tables[d.code_table_key] = uow.session.scalar(
            select(CodeTable.id).where(CodeTable.key == d.code_table_key)
        )
    table_id = tables[d.code_table_key]
    if item is None or item.table_id != table_id:
        raise ValidationError(f"{d.label}的选项不存在，请重新选择。", field=f)
    if not item.is_active and item_id != previous:
        raise ValidationError(f"{d.label}“{item.name}”已停用，请选择其他选项。", field=f)
    return item_id


def display_values(uow: UnitOfWork, extra: dict | None) -> list[tuple[str, str, object]]:
    """Inside a unit of work: (label, shown text, raw value) for a card, in field order."""
    with uow:
        extra = extra or {}
        out = []
        for d in defs_in(uow):
            if d.key not in extra and not d.is_active:
                continue
            v = extra.get(d.key)
            shown = "" if v is None else str(v)
            if d.field_type == "choice" and v is not None:
                shown = uow.session.scalar(select(CodeItem.name).where(CodeItem.id == v)) or ""
            out.append((d.label, shown, v))
        return out
