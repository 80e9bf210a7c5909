"""The customer import sheet (客户导入): who may import, its columns, and the template.

The columns depend on the acting user (归属销售 for those who assign owners) and on the
active custom fields; the template is the .xlsx to fill in, with a 填写说明 sheet giving
every column's rules and allowed code-table values. Reading a filled-in sheet is
import_rows; checking and writing it is importer.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.models import Role
from app.services.access import roles
from app.services.admin import code_tables, extra_fields
from app.services.admin.extra_fields import ExtraFieldRow
from app.services.core.errors import PermissionDenied, ServiceError
from app.services.core.uow import UnitOfWork

MAX_ROWS = 5000
REQUIRED_MARK = "＊"
SHEET_TITLE = "客户导入"


@dataclass(frozen=True)
class ImportColumn:
    key: str  # CustomerForm field, "contact.<field>", "owner" or "extra.<key>"
    label: str
    kind: str = "text"  # text | code | date | datetime | int | owner | extra
    required: bool = False
    table: str = ""  # code table key (kind "code", or a choice extra field)
    note: str = ""
    extra: ExtraFieldRow | None = None

    @property
    def header(self) -> str:
        return self.label + (REQUIRED_MARK if self.required else "")


_BASE_COLUMNS = [
    ImportColumn("name", "客户名称", required=True, note="2–100 个字；公司全称"),
    ImportColumn("short_name", "简称"),
    ImportColumn("type_id", "客户类型", "code", table="customer_type", note="不填为“企业”"),
    ImportColumn("source_id", "客户来源", "code", required=True, table="source"),
    ImportColumn("industry_id", "所属行业", "code", table="industry"),
    ImportColumn("region_id", "地区", "code", table="region"),
    ImportColumn("grade_id", "等级", "code", table="grade"),
    ImportColumn("coop_status_id", "合作状态", "code", table="coop_status",
                 note="不填为“待开发考察”"),
    ImportColumn("payment_id", "付款方式", "code", table="payment"),
    ImportColumn("credit_level", "信用等级"),
    ImportColumn("registered_on", "登记日期", "date", note="如 2026-03-01；不填为今天"),
    ImportColumn("first_contact_at", "首次接触时间", "datetime",
                 note="如 2026-03-01 09:30；超过规定时限登记的将标记为逾期登记"),
    ImportColumn("location", "公司地点"),
    ImportColumn("demand", "需求意向"),
    ImportColumn("demand_time", "需求时间"),
    ImportColumn("expected_price", "期望价格"),
    ImportColumn("website", "网站", note="如 www.example.com"),
    ImportColumn("address", "地址"),
    ImportColumn("business_scope", "经营范围"),
    ImportColumn("capital", "注册资金", note="如 500万、5,000,000"),
    ImportColumn("phone", "电话", note="多个号码用逗号或顿号分隔；请设为文本以保留区号的 0"),
    ImportColumn("fax", "传真"),
    ImportColumn("principal", "负责人"),
    ImportColumn("principal_mobile", "负责人手机"),
    ImportColumn("email", "邮箱"),
    ImportColumn("contact.name", "联系人", note="主要联系人姓名"),
    ImportColumn("contact.mobile", "联系人手机"),
    ImportColumn("contact.phone", "联系人电话"),
    ImportColumn("contact.email", "联系人邮箱"),
    ImportColumn("contact.position_id", "联系人职位", "code", table="position"),
    ImportColumn("person_name", "姓名", note="个人客户填写；不填为客户名称"),
    ImportColumn("gender", "性别", note="男 或 女"),
    ImportColumn("age", "年龄", "int"),
    ImportColumn("birthday", "生日", "date"),
    ImportColumn("position_id", "职位", "code", table="position"),
    ImportColumn("hobbies", "爱好"),
    ImportColumn("remarks", "备注"),
]  # fmt: skip


# --- who and which columns ------------------------------------------------------------


def require_importer(uow: UnitOfWork) -> None:
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    if uow.actor.role not in roles.CAN_IMPORT_CUSTOMERS:
        raise PermissionDenied("您没有导入客户的权限。")


def can_import(role: Role) -> bool:
    return role in roles.CAN_IMPORT_CUSTOMERS


def columns(uow: UnitOfWork) -> list[ImportColumn]:
    """Inside a unit of work: the template's columns for this actor."""
    cols = list(_BASE_COLUMNS)
    role = uow.actor.role
    if role in roles.CAN_IMPORT_OWNER_COLUMN:
        note = "填写销售人员的用户名或姓名"
        if role == Role.MANAGER:
            note += "；不填为本人；只能是本团队成员"
        cols.insert(1, ImportColumn("owner", "归属销售", "owner", role != Role.MANAGER, note=note))
    taken = {c.label for c in cols}
    for d in extra_fields.defs_in(uow, active_only=True):
        label = d.label if d.label not in taken else f"{d.label}（自定义）"
        taken.add(label)
        note = {"number": "数字", "date": "日期，如 2026-03-01", "text": "文本"}.get(
            d.field_type, "代码表选项"
        )
        cols.append(
            ImportColumn(
                f"extra.{d.key}", label, "extra", d.required, d.code_table_key,
                note=f"自定义字段（{note}）", extra=d,
            )
        )  # fmt: skip
    return cols


def _allowed_values(uow: UnitOfWork, table_key: str) -> str:
    items = code_tables.items_in(uow, table_key, include_inactive=False)
    return "、".join(f"{i.code} {i.name}" for i in items)


# --- the template ------------------------------------------------------------------------


_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE6F2")
_REQUIRED_FONT = Font(bold=True, color="C00000")
_TEXT_KEYS = {"phone", "fax", "principal_mobile", "contact.mobile", "contact.phone"}


def template(uow: UnitOfWork, path: str | os.PathLike | None = None) -> bytes:
    """The import template for the acting user: one header row (required columns marked
    ＊) and a 填写说明 sheet with every column's rules and allowed code-table values."""
    require_importer(uow)
    with uow:
        cols = columns(uow)
        allowed = {c.table: _allowed_values(uow, c.table) for c in cols if c.table}
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    for i, col in enumerate(cols, start=1):
        cell = ws.cell(1, i, col.header)
        cell.font = _REQUIRED_FONT if col.required else _HEAD_FONT
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(10, min(30, len(col.header) * 2 + 4))
        if col.key in _TEXT_KEYS:  # keep the leading 0 of 0951-… typed in Excel
            for r in range(2, 502):
                ws.cell(r, i).number_format = "@"
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("填写说明")
    help_ws.append(["列名", "是否必填", "说明", "可填写的值（代码 名称，填代码或名称均可）"])
    for c in help_ws[1]:
        c.font, c.fill = _HEAD_FONT, _HEAD_FILL
    for col in cols:
        help_ws.append(
            [col.label, "必填" if col.required else "", col.note, allowed.get(col.table, "")]
        )
    help_ws.append([])
    for line in (
        "第一张工作表的第一行是列名，请勿修改；从第二行起每行一个客户，空行会被跳过。",
        f"一次最多导入 {MAX_ROWS} 行。导入前请先“预检”，有任何错误时不会导入任何客户。",
        "与已登记客户重复（名称、电话、邮箱或网站相同）的行不能导入（先申请登记为原则）。",
    ):
        help_ws.append([line])
    for letter, width in zip("ABCD", (16, 10, 50, 80), strict=True):
        help_ws.column_dimensions[letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if path is not None:
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx")
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise ServiceError(
                f"保存模板失败：无法写入“{target}”（{exc.strerror or exc}）。"
            ) from exc
    return data
