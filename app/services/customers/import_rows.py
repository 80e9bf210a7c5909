"""Reading a filled-in customer import sheet and turning its rows into forms.

read_sheet gives the first sheet's headers and non-blank rows (file problems as
ValidationError, in Chinese); ImportSheet matches the headers to the template's columns
and looks code-table entries and owners up; SheetRow converts one row to a CustomerForm,
collecting a RowError per bad cell.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import or_, select

from app.models import Role, User
from app.services.access import roles
from app.services.admin import code_tables
from app.services.core.errors import ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers.forms import ContactForm, CustomerForm
from app.services.customers.import_template import MAX_ROWS, ImportColumn, columns
from app.services.search import customer_names as cn


@dataclass(frozen=True)
class RowError:
    row: int  # the Excel row number (the header is row 1)
    column: str  # column label, "" for the whole row
    message: str

    @property
    def text(self) -> str:
        where = f"第 {self.row} 行" + (f"“{self.column}”" if self.column else "")
        return f"{where}：{self.message}"


# --- reading the file ----------------------------------------------------------------------


def _clean_header(value) -> str:
    text = cn.half_width(str(value or "")).strip()
    return re.sub(r"[＊*\s]", "", text)


def read_sheet(path: str | os.PathLike) -> tuple[list[str], list[tuple[int, tuple]]]:
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


class SheetRow:
    """Converts one sheet row to a CustomerForm, collecting conversion errors."""

    def __init__(self, uow: UnitOfWork, importer: ImportSheet, number: int, values: dict):
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


class ImportSheet:
    def __init__(self, uow: UnitOfWork, headers: list[str]):
        self.uow = uow
        self.columns_all = columns(uow)
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
