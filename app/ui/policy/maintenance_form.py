"""《客户维护表》 (附表三) on paper: the customer, each delivered product's after-sales
contacts (due, done, by whom, what, the customer's feedback) and the 市场部经理's 抽查."""

from __future__ import annotations

from app.services.policy.maintenance_sheet import SHEET_TITLE, MaintenanceSheet
from app.ui.forms.paper_form import Field, FieldGrid, Heading, PaperForm, Signatures, Table


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _minute(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def sheet_form(sheet: MaintenanceSheet, company: str) -> PaperForm:
    form = PaperForm(SHEET_TITLE, company, number=f"客户编号：{sheet.customer_number}",
                     landscape=True)  # fmt: skip
    form.add(
        FieldGrid(
            [
                Field("客户名称", sheet.customer_name),
                Field("客户类别", sheet.grade),
                Field("负责人", sheet.owner_name),
                Field("联系人", sheet.principal),
                Field("电话", sheet.phone),
                Field("打印时间", _minute(sheet.printed_at)),
            ],
            columns=3,
        ),  # fmt: skip
        Heading("售后服务（产品送达 1 周、1 月、1 季度、1 年）"),
        Table(
            (
                "产品",
                "交付日期",
                "回访节点",
                "应回访",
                "状态",
                "完成日期",
                "回访人",
                "回访内容",
                "客户反馈",
            ),
            [
                (
                    c.product,
                    _day(c.delivered_on),
                    c.step,
                    _day(c.due_date),
                    c.status,
                    _day(c.done_at),
                    c.done_by,
                    c.what,
                    c.feedback,
                )
                for c in sheet.contacts
            ],
            widths=(13, 12, 11, 12, 7, 12, 8, 24, 21),
            min_rows=4,
            centered=(1, 3, 4, 5),
        ),  # fmt: skip
        Heading("市场部经理抽查"),
        Table(
            ("抽查时间", "抽查人", "结论", "抽查意见"),
            [(_minute(k.checked_at), k.checked_by, k.verdict, k.remark) for k in sheet.checks],
            widths=(16, 10, 8, 66),
            min_rows=2,
            centered=(0, 2),
        ),
        Signatures([("负责人签字", ""), ("市场部经理签字", ""), ("日期", "")]),
    )
    return form
