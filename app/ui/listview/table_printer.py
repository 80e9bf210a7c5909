"""Paints a table on pages: the same code for print preview, paper and PDF.

Each page has the title, company name, filter description and print time at the top,
the column header repeated, and "第 N 页 / 共 M 页" at the bottom. Wide tables are
printed landscape. Layout is computed once (rows per page), then pages are painted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPen
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from app.services.core import clock

MAX_PRINT_ROWS = 5000


@dataclass
class PrintTable:
    title: str
    company: str
    condition: str
    headers: list[str]
    widths: list[int]  # relative widths (screen pixels)
    rows: list[list[str]]
    right_aligned: list[bool]
    truncated_from: int | None = None  # total rows when only the first MAX_PRINT_ROWS print


def prepare_printer(printer: QPrinter, table: PrintTable) -> None:
    """A4, 12 mm margins, landscape when the columns are too wide for portrait."""
    landscape = sum(table.widths) > 700
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait,
            QMarginsF(12, 12, 12, 12),
            QPageLayout.Unit.Millimeter,
        )
    )


def paint(printer: QPrinter, table: PrintTable) -> int:
    """Paint every page on `printer`; returns the page count."""
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("无法开始打印（打印机不可用或文件无法写入）。")
    try:
        return _paint(painter, printer, table)
    finally:
        painter.end()


def _fonts(printer: QPrinter):
    family = QApplication.font().family()  # the bundled CJK font, set at start-up
    body = QFont(family)
    body.setPointSizeF(9)
    head = QFont(family)
    head.setPointSizeF(9)
    head.setBold(True)
    title = QFont(family)
    title.setPointSizeF(15)
    title.setBold(True)
    small = QFont(family)
    small.setPointSizeF(8)
    return body, head, title, small


def _paint(painter: QPainter, printer: QPrinter, table: PrintTable) -> int:
    page = printer.pageLayout().paintRectPixels(printer.resolution())
    width, height = float(page.width()), float(page.height())
    body, head, title_font, small = _fonts(printer)
    painter.setFont(body)
    fm = QFontMetricsF(body, painter.device())
    row_h = fm.height() * 1.6
    painter.setFont(title_font)
    title_h = QFontMetricsF(title_font, painter.device()).height() * 1.4
    painter.setFont(small)
    small_h = QFontMetricsF(small, painter.device()).height() * 1.4
    top = title_h + small_h * 2 + row_h  # title, company/condition line, time line, header row
    bottom = small_h * 1.5
    per_page = max(1, int((height - top - bottom) // row_h))
    pages = max(1, -(-len(table.rows) // per_page))
    total_w = sum(table.widths) or 1
    xs = [0.0]
    for w in table.widths:
        xs.append(xs[-1] + width * w / total_w)
    pad = fm.averageCharWidth() * 0.6

    for p in range(pages):
        if p:
            printer.newPage()
        y = 0.0
        painter.setFont(title_font)
        painter.drawText(QRectF(0, y, width, title_h), Qt.AlignmentFlag.AlignCenter, table.title)
        y += title_h
        painter.setFont(small)
        painter.drawText(
            QRectF(0, y, width, small_h),
            Qt.AlignmentFlag.AlignLeft,
            f"{table.company}    条件：{table.condition}",
        )
        y += small_h
        note = f"共 {len(table.rows)} 条"
        if table.truncated_from:
            note = f"共 {table.truncated_from} 条，仅打印前 {len(table.rows)} 条（完整数据请导出 Excel）"
        painter.drawText(
            QRectF(0, y, width, small_h),
            Qt.AlignmentFlag.AlignLeft,
            f"打印时间：{clock.now():%Y-%m-%d %H:%M}    {note}",
        )
        y += small_h
        painter.setFont(head)
        painter.setPen(QPen(Qt.GlobalColor.black, 0))
        painter.fillRect(QRectF(0, y, width, row_h), Qt.GlobalColor.lightGray)
        for c, text in enumerate(table.headers):
            _cell(painter, xs, c, y, row_h, pad, text, False)
        painter.drawLine(0, int(y + row_h), int(width), int(y + row_h))
        y += row_h
        painter.setFont(body)
        for r in table.rows[p * per_page : (p + 1) * per_page]:
            for c, text in enumerate(r):
                _cell(painter, xs, c, y, row_h, pad, text, table.right_aligned[c])
            y += row_h
            painter.setPen(QPen(Qt.GlobalColor.gray, 0))
            painter.drawLine(0, int(y), int(width), int(y))
            painter.setPen(QPen(Qt.GlobalColor.black, 0))
        painter.setFont(small)
        painter.drawText(
            QRectF(0, height - small_h, width, small_h),
            Qt.AlignmentFlag.AlignCenter,
            f"第 {p + 1} 页 / 共 {pages} 页",
        )
    return pages


def _cell(painter, xs, c, y, h, pad, text, right) -> None:
    rect = QRectF(xs[c] + pad, y, xs[c + 1] - xs[c] - 2 * pad, h)
    flags = Qt.AlignmentFlag.AlignVCenter | (
        Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
    )
    fm = painter.fontMetrics()
    painter.drawText(
        rect, flags, fm.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()))
    )


def save_pdf(path: str, table: PrintTable) -> int:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    prepare_printer(printer, table)
    return paint(printer, table)


def rows_as_text(columns: Sequence, rows: Sequence[tuple]) -> list[list[str]]:
    return [[col.display(v) for col, v in zip(columns, row[1:], strict=True)] for row in rows]
