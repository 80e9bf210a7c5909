"""《客户投诉处理单》: one complaint as an A4 paper form (the shared paper-form painter)."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from app.services.service_desk.complaints import ComplaintDetail
from app.ui.forms.paper_form import (
    Field,
    FieldGrid,
    PaperForm,
    Signatures,
    TextBox,
    make_preview,
)

TITLE = "客户投诉处理单"


def _when(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.strftime(fmt) if value else ""


def complaint_form(d: ComplaintDetail, company: str) -> PaperForm:
    grid = FieldGrid([
        Field("客户名称", d.customer_name), Field("客户编号", d.customer_number),
        Field("类型", d.kind_label), Field("反馈渠道", d.channel),
        Field("受理时间", _when(d.received_at)), Field("受理人", d.received_by),
        Field("反映人", d.contact_name), Field("归属销售", d.owner_name),
        Field("投诉类别", d.category), Field("严重程度", d.severity_label),
        Field("处理人", d.handler_name), Field("处理期限", _when(d.due_date, "%Y-%m-%d")),
        Field("状态", d.status_label), Field("解决时间", _when(d.resolved_at)),
    ])  # fmt: skip
    closed = f"{d.closed_by}　{_when(d.closed_at)}" if d.closed_at else ""
    return PaperForm(
        TITLE,
        company,
        [
            grid,
            TextBox("客户原话", d.customer_words, min_lines=4),
            TextBox("处理记录", d.handling_notes, min_lines=5),
            TextBox("处理结果", d.resolution, min_lines=3),
            TextBox("客户确认", d.customer_confirmation, min_lines=2),
            FieldGrid([Field("关闭", closed, wide=True)]),
            Signatures([("处理人签字", ""), ("主管审核", ""), ("日期", "")]),
        ],
        number=f"编号：{d.number}",
    )


def make_complaint_preview(
    parent: QWidget | None, d: ComplaintDetail, company: str
) -> QPrintPreviewDialog:
    return make_preview(
        parent, complaint_form(d, company), f"打印预览 — 《{TITLE}》{d.customer_name}"
    )
