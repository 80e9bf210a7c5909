"""Print 《客户档案》: the card as a two-column A4 form with the company name."""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPen
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from app.services import clock
from app.services.customers import CODE_FIELDS, FIELD_LABELS, CustomerCard
from app.ui.customers.fields import shown
from app.ui.customers.form_widget import GROUPS, PERSONAL_GROUP

TITLE = "客户档案"
ROW_MM = 8.0
LABEL_SHARE = 0.32  # of each half: the label cell


def card_rows(card: CustomerCard) -> list[tuple[str, str, bool]]:
    """(label, value, wide) in form order; wide rows span both columns."""
    f = card.form
    rows = [
        ("客户编号", card.number, False),
        ("归属销售", card.owner_name or ("公海" if card.is_in_pool else ""), False),
        ("登记人", card.registered_by_name, False),
        ("开发期限", shown(card.dev_deadline), False),
    ]
    for title, names in GROUPS:
        if title == PERSONAL_GROUP and not card.is_personal:
            continue
        for name, wide in names:
            value = card.labels.get(name, "") if name in CODE_FIELDS else shown(getattr(f, name))
            rows.append((FIELD_LABELS[name], value, wide))
    rows += [(label, text, False) for label, text, _raw in card.extra_display]
    for i, k in enumerate(card.contacts, start=1):
        phones = " / ".join(p for p in (k.mobile, k.phone) if p)
        who = f"{k.name}（{k.position}）" if k.position else k.name
        rows.append((f"联系人{i}{'（主要）' if k.is_primary else ''}", f"{who}  {phones}", True))
    return rows


def _layout(rows):
    """Pack half-width rows two per line; wide rows take a line of their own."""
    lines, pending = [], []
    for row in rows:
        if row[2]:
            if pending:
                lines.append(pending)
                pending = []
            lines.append([row])
        else:
            pending.append(row)
            if len(pending) == 2:
                lines.append(pending)
                pending = []
    if pending:
        lines.append(pending)
    return lines


def paint_card(printer: QPrinter, card: CustomerCard, company: str) -> None:
    painter = QPainter(printer)
    try:
        _paint(painter, printer, card, company)
    finally:
        painter.end()


def _paint(painter: QPainter, printer: QPrinter, card: CustomerCard, company: str) -> None:
    page = printer.pageLayout().paintRectPixels(printer.resolution())
    mm = printer.resolution() / 25.4
    width, x0 = page.width(), 0.0
    y = 0.0
    title_font = QFont(painter.font())
    title_font.setPointSize(16)
    title_font.setBold(True)
    body_font = QFont(painter.font())
    body_font.setPointSize(10)
    small_font = QFont(painter.font())
    small_font.setPointSize(9)
    painter.setFont(small_font)
    painter.drawText(QRectF(x0, y, width, 7 * mm), Qt.AlignmentFlag.AlignCenter, company)
    y += 7 * mm
    painter.setFont(title_font)
    painter.drawText(QRectF(x0, y, width, 12 * mm), Qt.AlignmentFlag.AlignCenter, f"《{TITLE}》")
    y += 14 * mm
    painter.setFont(body_font)
    painter.setPen(QPen(Qt.GlobalColor.black, max(1.0, mm * 0.25)))
    row_h = ROW_MM * mm
    half = width / 2
    flags = Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
    for line in _layout(card_rows(card)):
        wide = line[0][2]
        value_lines = 1
        if wide:
            value_lines = min(4, 1 + len(line[0][1]) // 60)
        h = row_h * value_lines
        if y + h > page.height():
            printer.newPage()
            y = 0.0
        cells = [(x0, width)] if wide else [(x0, half), (x0 + half, half)]
        padded = line + [("", "", False)] * (len(cells) - len(line))
        for (cx, cw), row in zip(cells, padded, strict=True):
            label_w = half * LABEL_SHARE  # the same label width on wide rows
            painter.drawRect(QRectF(cx, y, label_w, h))
            painter.drawRect(QRectF(cx + label_w, y, cw - label_w, h))
            pad = 1.5 * mm
            painter.drawText(
                QRectF(cx + pad, y, label_w - 2 * pad, h),
                flags | Qt.AlignmentFlag.AlignHCenter,
                row[0],
            )
            painter.drawText(
                QRectF(cx + label_w + pad, y, cw - label_w - 2 * pad, h), flags, row[1]
            )
        y += h
    painter.setFont(small_font)
    footer = f"打印日期：{clock.now().date().isoformat()}"
    painter.drawText(QRectF(x0, y + 3 * mm, width, 6 * mm), Qt.AlignmentFlag.AlignRight, footer)


def make_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    return printer


def make_card_preview(parent: QWidget, card: CustomerCard, company: str) -> QPrintPreviewDialog:
    printer = make_printer()
    dialog = QPrintPreviewDialog(printer, parent)
    dialog._printer = printer  # the dialog does not own it; Python must keep it alive
    dialog.setWindowTitle(f"打印预览 — 《{TITLE}》{card.number}")
    dialog.resize(900, 900)
    dialog.paintRequested.connect(lambda p: paint_card(p, card, company))
    return dialog
