"""《客户维护表》 as an Excel file: the form's header, the after-sales contacts and the spot
checks on one sheet (written beside the target and renamed into place when complete)."""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from app.services.core.errors import ServiceError
from app.services.policy.maintenance_sheet import SHEET_TITLE, MaintenanceSheet

CONTACT_HEADERS = ("产品", "交付日期", "回访节点", "应回访日期", "状态", "完成日期", "回访人",
                   "方式", "回访内容", "客户反馈")  # fmt: skip
CHECK_HEADERS = ("抽查时间", "抽查人", "结论", "抽查意见")


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _minute(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def sheet_rows(sheet: MaintenanceSheet) -> list[tuple[str, ...]]:
    """The form as plain text lines (the Excel file's rows)."""
    rows: list[tuple[str, ...]] = [
        (f"《{SHEET_TITLE}》",),
        ("客户编号", sheet.customer_number, "客户名称", sheet.customer_name, "类别", sheet.grade),
        ("负责人", sheet.owner_name, "联系人", sheet.principal, "电话", sheet.phone),
        (),
        ("售后回访",),
        CONTACT_HEADERS,
    ]
    for c in sheet.contacts:
        rows.append((c.product, _day(c.delivered_on), c.step, _day(c.due_date), c.status,
                     _day(c.done_at), c.done_by, c.method, c.what, c.feedback))  # fmt: skip
    rows += [(), ("市场部经理抽查",), CHECK_HEADERS]
    for k in sheet.checks:
        rows.append((_minute(k.checked_at), k.checked_by, k.verdict, k.remark))
    rows += [(), (f"导出时间：{_minute(sheet.printed_at)}",)]
    return rows


def export_sheet(sheet: MaintenanceSheet, path: str | Path) -> Path:
    target = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    bold = Font(bold=True)
    for r, values in enumerate(sheet_rows(sheet), start=1):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"  # user text stays text ("=…" is no formula)
            if r == 1 or values in (CONTACT_HEADERS, CHECK_HEADERS):
                cell.font = bold
    for letter, width in zip("ABCDEFGHIJ", (18, 12, 14, 12, 8, 12, 10, 8, 40, 30), strict=True):
        ws.column_dimensions[letter].width = width
    tmp = target.with_name(f".{target.name}.part")
    try:
        wb.save(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ServiceError(f"无法保存文件“{target}”：{exc.strerror or exc}") from exc
    return target
