"""The printed 《客户等级分类表》 (附表二): the sheet's period and the people of each step,
every row as the sheet keeps it, and the signature line; landscape for its columns."""

from __future__ import annotations

from datetime import date, datetime

from app.services.policy.class_sheet_lists import SHEET_TITLE, SheetDetail, SheetRow
from app.ui.forms.paper_form import Field, FieldGrid, PaperForm, Paragraph, Signatures, Table

HEADERS = ("序号", "客户编号", "客户名称", "归属销售", "近三年销售额(元)", "财务状况", "信誉等级",
           "原类别", "评定类别", "分类依据", "备注")  # fmt: skip
WIDTHS = (4, 11, 18, 7, 11, 7, 7, 5, 6, 22, 12)


def _when(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M" if isinstance(value, datetime) else "%Y-%m-%d")


def _row(i: int, r: SheetRow) -> list[str]:
    remark = r.remark + (f"（D 类理由：{r.d_reason}）" if r.d_reason else "")
    return [str(i), r.number, r.customer, r.owner, f"{r.total_3y:,.2f}", r.financial_status,
            r.credit_level, r.current or "未分类", r.proposed, r.basis, remark]  # fmt: skip


def class_sheet_form(sheet: SheetDetail, rows: list[SheetRow], company: str) -> PaperForm:
    form = PaperForm(SHEET_TITLE, company, number=f"分类表：{sheet.title}", landscape=True)
    form.add(
        FieldGrid([
            Field("周期", f"{sheet.period_label}（{_when(sheet.period_start)} 至 "
                        f"{_when(sheet.period_end)}）"),
            Field("状态", sheet.status_label),
            Field("填写人", sheet.filler), Field("提交时间", _when(sheet.submitted_at)),
            Field("审核（市场部经理）", sheet.reviewer), Field("审核时间", _when(sheet.reviewed_at)),
            Field("复核（结算经理）", sheet.checker), Field("备案日期", _when(sheet.filed_on)),
        ], columns=4),
    )  # fmt: skip
    if sheet.rows_visible < sheet.rows_total:
        form.add(Paragraph(f"本表只列出您可查看的 {sheet.rows_visible} 个客户（全表共 "
                           f"{sheet.rows_total} 个）。"))  # fmt: skip
    form.add(
        Table(HEADERS, [_row(i, r) for i, r in enumerate(rows, 1)], WIDTHS,
              centered=(0, 7, 8)),
        Signatures([("填表人", sheet.filler), ("市场部经理审核", sheet.reviewer),
                    ("结算经理复核", sheet.checker), ("备案日期", _when(sheet.filed_on))]),
    )  # fmt: skip
    return form
