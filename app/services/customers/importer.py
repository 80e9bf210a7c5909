"""Excel import of customers (客户导入): a template, a dry-run preview, and an import that
writes every row or none.

  template(uow, path=None) -> bytes            the .xlsx to fill in (header + 填写说明 sheet)
  preview(uow, path, progress=None) -> ImportPreview      validate every row, write nothing
  run(uow, path, progress=None, cancelled=None) -> ImportResult   all rows in ONE transaction

Every row goes through the same code as the registration dialog
(customers.prepare_registration / insert_registration): the same validation, the same
规则 1 duplicate check and wording (a rep never learns details of a customer he may not
see), customer numbers from the configured pattern, pinyin, duplicate keys, the 归属变更
“登记” line and the audit trail. Code-table cells accept an entry's name or its code.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.models import Role, User
from app.services.access import roles
from app.services.admin import code_tables, extra_fields
from app.services.admin.extra_fields import ExtraFieldRow
from app.services.core.errors import ConflictError, PermissionDenied, ServiceError, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers.customers import (
    KIND_LABELS,
    ContactForm,
    CustomerForm,
    PreparedRegistration,
    find_duplicates,
    insert_registration,
    prepare_registration,
)
from app.services.search import customer_names as cn

MAX_ROWS = 5000
REQUIRED_MARK = "＊"
SHEET_TITLE = "客户导入"
Progress = Callable[[int, int], None]


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
_CONTACT_FIELDS = {"name", "mobile", "phone", "email", "position_id"}


@dataclass(frozen=True)
class RowError:
    row: int  # the Excel row number (the header is row 1)
    column: str  # column label, "" for the whole row
    message: str

    @property
    def text(self) -> str:
        where = f"第 {self.row} 行" + (f"“{self.column}”" if self.column else "")
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class ImportPreview:
    rows: int  # data rows in the file (blank rows skipped)
    errors: list[RowError]
    ignored_columns: list[str] = field(default_factory=list)  # headers not recognised

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def message(self) -> str:
        if self.ok:
            text = f"共 {self.rows} 行，可以导入。"
        else:
            bad = len({e.row for e in self.errors})
            text = (
                f"共 {self.rows} 行，其中 {bad} 行有错误（{len(self.errors)} 处），"
                "请修改后重新预检。"
            )
        if self.ignored_columns:
            text += f"以下列不认识，将被忽略：{'、'.join(self.ignored_columns)}。"
        return text


@dataclass(frozen=True)
class ImportResult:
    count: int
    customer_ids: list[int]
    numbers: list[str]
    late: int  # rows flagged 逾期登记

    @property
    def message(self) -> str:
        text = f"已导入 {self.count} 个客户。"
        if self.numbers:
            text += f"客户编号 {self.numbers[0]} 至 {self.numbers[-1]}。"
        if self.late:
            text += f"其中 {self.late} 个距首次接触已超过规定时限，已标记为逾期登记。"
        return text


class ImportRejected(ValidationError):
    """run() found errors: nothing was written. `preview` lists them by row."""

    def __init__(self, preview: ImportPreview):
        super().__init__(f"{preview.message}未导入任何客户。")
        self.preview = preview


class ImportCancelled(ServiceError):
    def __init__(self):
        super().__init__("导入已取消，未导入任何客户。")


# --- who and which columns ------------------------------------------------------------


def _require_importer(uow: UnitOfWork) -> None:
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    if uow.actor.role not in roles.CAN_IMPORT_CUSTOMERS:
        raise PermissionDenied("您没有导入客户的权限。")


def can_import(role: Role) -> bool:
    return role in roles.CAN_IMPORT_CUSTOMERS


def _columns(uow: UnitOfWork) -> list[ImportColumn]:
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
    _require_importer(uow)
    with uow:
        cols = _columns(uow)
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


# --- reading the file ----------------------------------------------------------------------


def _clean_header(value) -> str:
    text = cn.half_width(str(value or "")).strip()
    return re.sub(r"[＊*\s]", "", text)


def _read(path: str | os.PathLike) -> tuple[list[str], list[tuple[int, tuple]]]:
    """(headers, [(excel row number, values)]) of the first sheet; file errors in Chinese."""
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise ValidationError(
            "只能导入 .xlsx 格式的 Excel 文件。请在 Excel 中“另存为” .xlsx 后再导入。"
        )
    if not p.is_file():
        raise ValidationError(f"找不到文件“{p}”。")
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError, InvalidFileException… on a damaged file
        raise ValidationError(
            f"无法读取“{p.name}”：它不是有效的 Excel（.xlsx）文件，或文件已损坏。"
        ) from exc
    try:
        if not wb.worksheets:
            raise ValidationError("文件中没有工作表。")
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header_row = next(it, None)
        headers = [_clean_header(v) for v in (header_row or ())]
        while headers and not headers[-1]:
            headers.pop()
        if not any(headers):
            raise ValidationError("第一张工作表的第一行应为列名，请使用下载的导入模板。")
        rows = []
        for n, values in enumerate(it, start=2):
            values = tuple(values[: len(headers)])
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            rows.append((n, values))
            if len(rows) > MAX_ROWS:
                break
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(f"读取“{p.name}”时出错：文件内容已损坏。") from exc
    finally:
        wb.close()
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            f"文件超过 {MAX_ROWS} 行数据，一次最多导入 {MAX_ROWS} 行，请拆分成多个文件后分批导入。"
        )
    if not rows:
        raise ValidationError("文件中没有要导入的数据行（从第二行开始填写）。")
    return headers, rows


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATETIME = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s+(\d{1,2})[:：](\d{2})")


def _as_date(value, label: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = _DATE.match(cn.half_width(str(value)).strip())
    try:
        if not m:
            raise ValueError
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(f"{label}不是有效日期，请按 2026-03-01 的格式填写。") from None


def _as_datetime(value, label: str) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    text = cn.half_width(_as_text(value)).strip()
    m = _DATETIME.match(text)
    if m:
        try:
            return datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]))
        except ValueError:
            pass
    else:
        try:
            d = _as_date(value, label)
        except ValueError:
            d = None
        else:
            if d is None:
                return None
            return datetime.combine(d, time())
    raise ValueError(f"{label}不是有效时间，请按 2026-03-01 09:30 的格式填写。")


# --- one row -------------------------------------------------------------------------------


class _Row:
    """Converts one sheet row to a CustomerForm, collecting conversion errors."""

    def __init__(self, uow: UnitOfWork, importer: _Importer, number: int, values: dict):
        self.uow, self.imp, self.number, self.values = uow, importer, number, values
        self.errors: list[RowError] = []

    def error(self, col: ImportColumn | str, message: str) -> None:
        label = col if isinstance(col, str) else col.label
        self.errors.append(RowError(self.number, label, message))

    def form(self) -> CustomerForm | None:
        form = CustomerForm()
        contact = ContactForm(is_primary=True)
        has_contact = False
        for col in self.imp.columns:
            raw = self.values.get(col.key)
            empty = raw is None or (isinstance(raw, str) and not raw.strip())
            if col.required and empty and col.kind != "extra":
                self.error(col, f"请填写{col.label}。")
                continue
            try:
                value = self._convert(col, raw, empty)
            except ValueError as exc:
                self.error(col, str(exc))
                continue
            if col.key.startswith("contact."):
                if not empty:
                    has_contact = True
                    setattr(contact, col.key.split(".", 1)[1], value)
            elif col.kind == "extra":
                if not empty:
                    form.extra[col.extra.key] = value
            elif col.kind == "owner":
                form.owner_id = value
            else:
                setattr(form, col.key, value)
        if has_contact:
            if not contact.name:
                self.error("联系人", "填写了联系方式时请填写联系人姓名。")
            form.contacts = [contact]
        if self.uow.actor.role == Role.SALES_REP:
            form.owner_id = form.owner_id or self.uow.actor.id
        return form  # bad cells are left blank; self.errors says what was wrong

    def _convert(self, col: ImportColumn, raw, empty: bool):
        if col.kind == "code":
            return None if empty else self.imp.code(col.table, col.label, _as_text(raw))
        if col.kind == "date":
            return _as_date(raw, col.label)
        if col.kind == "datetime":
            return None if empty else _as_datetime(raw, col.label)
        if col.kind == "int":
            if empty:
                return None
            text = _as_text(raw)
            if not re.fullmatch(r"\d{1,3}", text):
                raise ValueError(f"{col.label}必须是整数。")
            return int(text)
        if col.kind == "owner":
            return None if empty else self.imp.owner(_as_text(raw))
        if col.kind == "extra":
            if empty:
                return None
            d = col.extra
            if d.field_type == "choice":
                return self.imp.code(d.code_table_key, d.label, _as_text(raw))
            if d.field_type == "date":
                return _as_date(raw, d.label).isoformat()
            if d.field_type == "number" and isinstance(raw, int | float):
                return raw
            return _as_text(raw)
        return _as_text(raw)


class _Importer:
    def __init__(self, uow: UnitOfWork, headers: list[str]):
        self.uow = uow
        self.columns_all = _columns(uow)
        by_label = {c.label: c for c in self.columns_all}
        self.index: dict[str, int] = {}  # column key → position in the sheet
        self.ignored: list[str] = []
        seen: set[str] = set()
        for i, h in enumerate(headers):
            if not h:
                continue
            if h in seen:
                raise ValidationError(f"列“{h}”出现了两次，请删除重复的列。")
            seen.add(h)
            col = by_label.get(h)
            if col is None:
                self.ignored.append(h)
            else:
                self.index[col.key] = i
        missing = [c.label for c in self.columns_all if c.required and c.key not in self.index]
        if missing:
            raise ValidationError(
                f"文件缺少必填列：{'、'.join(missing)}。请使用“下载模板”得到的文件填写。"
            )
        self.columns = [c for c in self.columns_all if c.key in self.index]
        self._codes: dict[tuple[str, str], int] = {}
        self._owners: dict[str, int] = {}

    def code(self, table: str, label: str, text: str) -> int:
        key = (table, text)
        if key not in self._codes:
            item = code_tables.resolve(self.uow, table, text)
            if item is None:
                names = [
                    i.name for i in code_tables.items_in(self.uow, table, include_inactive=False)
                ]
                shown = "、".join(names[:12]) + ("等" if len(names) > 12 else "")
                raise ValueError(f"“{text}”不是有效的{label}。可填写：{shown}（名称或代码）。")
            self._codes[key] = item
        return self._codes[key]

    def owner(self, text: str) -> int:
        if text not in self._owners:
            q = select(User.id).where(
                or_(User.username == text, User.full_name == text),
                User.is_active.is_(True),
                User.role.in_(roles.CAN_OWN_CUSTOMERS),
            )
            found = list(self.uow.session.scalars(q))
            if not found:
                raise ValueError(f"找不到在职的销售人员“{text}”（请填写用户名或姓名）。")
            if len(found) > 1:
                by_name = self.uow.session.scalar(
                    select(User.id).where(User.username == text, User.id.in_(found))
                )
                if by_name is None:
                    raise ValueError(f"有多位销售人员叫“{text}”，请改填其用户名。")
                found = [by_name]
            self._owners[text] = found[0]
        return self._owners[text]

    def label_of(self, field_name: str | None) -> str:
        """The column a ValidationError's field belongs to."""
        if not field_name:
            return ""
        if field_name == "owner_id":
            return "归属销售"
        if field_name.startswith("contacts["):
            key = "contact." + field_name.split(".", 1)[-1]
        elif field_name.startswith("extra."):
            key = field_name
        else:
            key = field_name
        for c in self.columns_all:
            if c.key == key:
                return c.label
        return ""


_REQUIRED_FIELDS = {"name", "source_id", "owner_id"}


def _prepare(
    uow: UnitOfWork, imp: _Importer, number: int, form: CustomerForm, reported: set[str]
) -> tuple[PreparedRegistration | None, list[RowError]]:
    """prepare_registration, reporting every bad cell of the row, not only the first:
    after an error its cell is cleared and the row checked again. `reported`: columns
    whose cells already failed to convert (left blank in the form)."""
    errors: list[RowError] = []
    for _ in range(12):
        try:
            p = prepare_registration(uow, form)
        except PermissionDenied as exc:  # only the owner check refuses
            errors.append(RowError(number, "归属销售", str(exc)))
            break
        except ValidationError as exc:
            column = imp.label_of(exc.field)
            if column in reported and _stand_in(uow, form, exc.field):
                continue  # the cell's error is already listed: check the rest of the row
            errors.append(RowError(number, column, str(exc)))
            if not _clear(imp, form, exc.field):
                break
        else:
            return (None if errors else p), errors
    return None, errors


def _stand_in(uow: UnitOfWork, form: CustomerForm, name: str | None) -> bool:
    """Put a valid stand-in into a required cell whose error is already listed, so the
    rest of the row is still checked (the row is rejected anyway)."""
    if name == "name" and form.name != "待定客户名称":
        form.name = "待定客户名称"
        return True
    if name == "source_id" and form.source_id is None:
        items = code_tables.items_in(uow, "source", include_inactive=False)
        if items:
            form.source_id = items[0].id
            return True
    return False


def _clear(imp: _Importer, form: CustomerForm, name: str | None) -> bool:
    """Blank the cell an error was about, unless blanking it would only say “请填写…”."""
    if not name or name in _REQUIRED_FIELDS:
        return False
    if name.startswith("extra."):
        key = name[len("extra.") :]
        col = next((c for c in imp.columns_all if c.key == name), None)
        if col is None or col.required or key not in form.extra:
            return False
        del form.extra[key]
        return True
    if name.startswith("contacts["):
        attr = name.split(".", 1)[1]
        if attr == "name" or not form.contacts:
            return False
        setattr(form.contacts[0], attr, None if attr in ("position_id", "birthday") else "")
        return True
    if not hasattr(form, name):
        return False
    blank = "" if isinstance(getattr(form, name), str) else None
    if getattr(form, name) == blank:
        return False
    setattr(form, name, blank)
    return True


_KIND_COLUMN = {"name": "客户名称", "phone": "电话", "email": "邮箱", "domain": "网站"}


def _validate_all(
    uow: UnitOfWork, path, progress: Progress | None, cancelled=None
) -> tuple[ImportPreview, list[PreparedRegistration]]:
    """Inside an open unit of work: every row converted, validated and checked for
    duplicates (within the file and against every existing customer)."""
    headers, rows = _read(path)
    imp = _Importer(uow, headers)
    errors: list[RowError] = []
    prepared: list[PreparedRegistration] = []
    first_row_of: dict[tuple[str, str], int] = {}
    labels = {c.key: c.label for c in imp.columns}
    position = {labels[k]: i for k, i in imp.index.items()}
    total = len(rows)
    for done, (number, values) in enumerate(rows, start=1):
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        cells = {key: (values[i] if i < len(values) else None) for key, i in imp.index.items()}
        row = _Row(uow, imp, number, cells)
        form = row.form()
        seen = {e.column for e in row.errors}  # a blanked bad cell: not “请填写” again
        p, bad = _prepare(uow, imp, number, form, seen)
        row_errors = row.errors + [e for e in bad if e.column not in seen]
        row_errors.sort(key=lambda e: position.get(e.column, len(position)))  # as in the sheet
        if not row_errors and p is not None:
            for kind, value in p.keys:
                other = first_row_of.get((kind, value))
                if other is not None:
                    row_errors.append(
                        RowError(
                            number, _KIND_COLUMN[kind],
                            f"与第 {other} 行重复（{KIND_LABELS[kind]}相同），"
                            "同一客户只能登记一次。",
                        )
                    )  # fmt: skip
                    break
            if not row_errors:
                hits = find_duplicates(uow, p.keys)
                if hits:
                    row_errors.append(RowError(number, _KIND_COLUMN[hits[0].kind], hits[0].message))
            for k in p.keys:
                first_row_of.setdefault(k, number)
            if not row_errors:
                prepared.append(p)
        errors.extend(row_errors)
        if progress is not None and (done % 50 == 0 or done == total):
            progress(done, total)
    return ImportPreview(total, errors, imp.ignored), prepared


def preview(
    uow: UnitOfWork, path: str | os.PathLike, progress: Progress | None = None
) -> ImportPreview:
    """预检: read and validate every row; nothing is written. File-level problems (not an
    .xlsx, damaged, too many rows, missing columns) raise ValidationError."""
    _require_importer(uow)
    with uow:
        result, _prepared = _validate_all(uow, path, progress)
        return result


def run(
    uow: UnitOfWork,
    path: str | os.PathLike,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """导入: every row in one transaction, or none. The file is validated again inside the
    transaction; any error raises ImportRejected (with the rows) and nothing is written."""
    _require_importer(uow)
    try:
        with uow:
            half = progress and (lambda done, total: progress(done, total * 2))
            checked, prepared = _validate_all(uow, path, half, cancelled)
            if not checked.ok:
                raise ImportRejected(checked)
            total = len(prepared)
            results = []
            for i, p in enumerate(prepared, start=1):
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                results.append(insert_registration(uow, p))
                # Flushed: let the session forget the rows, or every later flush would
                # scan all of them (5,000 customers, their keys, contacts and history).
                uow.session.expunge_all()
                if progress is not None and (i % 50 == 0 or i == total):
                    progress(total + i, total * 2)
            uow.commit()
    except IntegrityError:
        raise ConflictError(
            "导入失败：导入期间其他用户登记了相同的客户，未导入任何客户。请重新预检后再导入。"
        ) from None
    return ImportResult(
        len(results),
        [r.customer_id for r in results],
        [r.number for r in results],
        sum(1 for r in results if r.late_registration),
    )
