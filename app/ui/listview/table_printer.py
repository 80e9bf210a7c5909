"""Paints a table on pages: the same code for print preview, paper and PDF.

Each page has the title, company name, filter description and print time at the top,
the column header repeated, and "第 N 页 / 共 M 页" at the bottom. Layout is computed
once, then pages are painted.

Column widths come from the content, measured with the print font: codes, numbers, dates
and phones are never cut; long text shares what is left and wraps to two lines; when
that is not enough the font steps down a size. Portrait when the table fits it, else
landscape; a table too wide even so says so (layout().fits) and can go on A3.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPen
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from app.services.core import clock

MAX_PRINT_ROWS = 5000
FONT_SIZES = (9.0, 8.0, 7.0)  # points: the body font steps down until the table fits
MAX_LINES = 2  # long text wraps to at most this many lines
# A value made of printable ASCII without spaces inside (KH202600001, 0951-5012345,
# 2026-12-04 22:15, 1,234.50) is read as a whole: never cut, never wrapped.
_WHOLE = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)?")
_MAX_WHOLE_CHARS = 24  # longer ASCII (a URL) may wrap like text


@dataclass
class PrintTable:
    title: str
    company: str
    condition: str
    headers: list[str]
    rows: list[list[str]]
    right_aligned: list[bool]
    truncated_from: int | None = None  # total rows when only the first MAX_PRINT_ROWS print
    # Columns read as a whole whatever they hold (numbers, dates): never cut.
    whole: list[bool] = field(default_factory=list)
    paper: str = "A4"  # or "A3", chosen in the preview for a table too wide for A4


@dataclass(frozen=True)
class Layout:
    point_size: float
    widths: list[float]  # device pixels per column
    lines: int  # text lines per row: 2 when a long-text column wraps
    fits: bool  # False: even the smallest font cuts columns (choose fewer columns, or A3)


def _page(table: PrintTable, landscape: bool) -> QPageLayout:
    size = QPageSize.PageSizeId.A3 if table.paper == "A3" else QPageSize.PageSizeId.A4
    return QPageLayout(
        QPageSize(size),
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait,
        QMarginsF(12, 12, 12, 12),
        QPageLayout.Unit.Millimeter,
    )


def prepare_printer(printer: QPrinter, table: PrintTable) -> Layout:
    """12 mm margins; portrait when the table fits it on one line per row at the normal
    size, else landscape. Returns the layout the pages will be painted with."""
    printer.setPageLayout(_page(table, landscape=False))
    portrait = layout(table, printer)
    if portrait.fits and portrait.lines == 1 and portrait.point_size == FONT_SIZES[0]:
        return portrait
    printer.setPageLayout(_page(table, landscape=True))
    return layout(table, printer)


def _is_whole(values: Sequence[str]) -> bool:
    return all(len(v) <= _MAX_WHOLE_CHARS and _WHOLE.fullmatch(v) for v in values if v)


def _longest(values: Sequence[str], n: int = 60) -> list[str]:
    """The values worth measuring: a CJK character is about two ASCII ones wide."""

    def weight(v: str) -> int:
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in v)

    return sorted(set(values), key=weight, reverse=True)[:n]


def _share(least: list[float], natural: list[float], room: float) -> list[float]:
    """Spare room to the columns that would wrap, the neediest last: a column that needs
    a little gets all it needs (one line), the long address takes what is left."""
    widths = list(least)
    wanting = sorted((c for c in range(len(least)) if natural[c] > least[c]),
                     key=lambda c: natural[c] - least[c])  # fmt: skip
    for i, c in enumerate(wanting):
        give = min(natural[c] - least[c], room / (len(wanting) - i))
        widths[c] += give
        room -= give
    return widths


def layout(table: PrintTable, printer: QPrinter) -> Layout:
    """Column widths for the printer's page, measured at the largest font that fits."""
    page_w = float(printer.pageLayout().paintRectPixels(printer.resolution()).width())
    columns = list(zip(*table.rows, strict=True)) if table.rows else [()] * len(table.headers)
    whole = [
        (table.whole[c] if c < len(table.whole) else False) or _is_whole(columns[c])
        for c in range(len(table.headers))
    ]
    base, head = _body_fonts(FONT_SIZES[0])
    fm, hm = QFontMetricsF(base, printer), QFontMetricsF(head, printer)
    natural, header = [], []
    for c, title in enumerate(table.headers):
        cells = max((fm.horizontalAdvance(v) for v in _longest(columns[c])), default=0.0)
        header.append(hm.horizontalAdvance(title))
        natural.append(max(header[-1], cells))
    for size in FONT_SIZES:
        k = size / FONT_SIZES[0]  # text widths scale with the point size
        # both paddings of _cell, and half a character to spare against rounding
        pad = fm.averageCharWidth() * k * (2 * 0.6 + 0.5)
        nat = [n * k + pad for n in natural]
        least = [
            n if whole[c] else max(header[c] * k + pad, n / MAX_LINES) for c, n in enumerate(nat)
        ]
        if sum(least) > page_w:
            continue
        if sum(nat) <= page_w:  # everything on one line: share the spare room out
            spare = page_w - sum(nat)
            widths = [n + spare * n / sum(nat) for n in nat]
            return Layout(size, widths, 1, True)
        return Layout(size, _share(least, nat, page_w - sum(least)), MAX_LINES, True)
    # Too wide at the smallest size: scale down to the page (values are cut).
    k = FONT_SIZES[-1] / FONT_SIZES[0]
    nat = [n * k for n in natural]
    return Layout(FONT_SIZES[-1], [page_w * n / (sum(nat) or 1) for n in nat], MAX_LINES, False)


def paint(printer: QPrinter, table: PrintTable) -> int:
    """Paint every page on `printer`; returns the page count."""
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("无法开始打印（打印机不可用或文件无法写入）。")
    try:
        return _paint(painter, printer, table)
    finally:
        painter.end()


def _body_fonts(size: float) -> tuple[QFont, QFont]:
    family = QApplication.font().family()  # the bundled CJK font, set at start-up
    body = QFont(family)
    body.setPointSizeF(size)
    head = QFont(family)
    head.setPointSizeF(size)
    head.setBold(True)
    return body, head


def _fonts(size: float):
    family = QApplication.font().family()
    body, head = _body_fonts(size)
    title = QFont(family)
    title.setPointSizeF(15)
    title.setBold(True)
    small = QFont(family)
    small.setPointSizeF(8)
    return body, head, title, small


def _paint(painter: QPainter, printer: QPrinter, table: PrintTable) -> int:
    page = printer.pageLayout().paintRectPixels(printer.resolution())
    width, height = float(page.width()), float(page.height())
    plan = layout(table, printer)
    body, head, title_font, small = _fonts(plan.point_size)
    painter.setFont(body)
    fm = QFontMetricsF(body, painter.device())
    line_h = fm.height()
    row_h = line_h * (plan.lines + 0.6)
    head_h = line_h * 1.6
    painter.setFont(title_font)
    title_h = QFontMetricsF(title_font, painter.device()).height() * 1.4
    painter.setFont(small)
    small_h = QFontMetricsF(small, painter.device()).height() * 1.4
    top = title_h + small_h * 2 + head_h  # title, company/condition line, time line, header
    bottom = small_h * 1.5
    per_page = max(1, int((height - top - bottom) // row_h))
    pages = max(1, -(-len(table.rows) // per_page))
    xs = [0.0]
    for w in plan.widths:
        xs.append(xs[-1] + w)
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
        painter.fillRect(QRectF(0, y, width, head_h), Qt.GlobalColor.lightGray)
        for c, text in enumerate(table.headers):
            _cell(painter, xs, c, y, head_h, pad, text, False, 1)
        painter.drawLine(0, int(y + head_h), int(width), int(y + head_h))
        y += head_h
        painter.setFont(body)
        for r in table.rows[p * per_page : (p + 1) * per_page]:
            for c, text in enumerate(r):
                _cell(painter, xs, c, y, row_h, pad, text, table.right_aligned[c], plan.lines)
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


def _cell(painter, xs, c, y, h, pad, text, right, lines) -> None:
    rect = QRectF(xs[c] + pad, y, xs[c + 1] - xs[c] - 2 * pad, h)
    align = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
    fm = painter.fontMetrics()
    if lines > 1 and fm.horizontalAdvance(text) > rect.width():
        # Wrap (Chinese breaks between characters), cut only past the last line.
        text = fm.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width() * lines * 0.95))
        flags = Qt.AlignmentFlag.AlignVCenter | align | Qt.TextFlag.TextWrapAnywhere
        painter.drawText(rect, int(flags), text)
        return
    painter.drawText(
        rect,
        Qt.AlignmentFlag.AlignVCenter | align,
        fm.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width())),
    )


def save_pdf(path: str, table: PrintTable) -> int:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    prepare_printer(printer, table)
    return paint(printer, table)


def rows_as_text(columns: Sequence, rows: Sequence[tuple]) -> list[list[str]]:
    return [[col.display(v) for col, v in zip(columns, row[1:], strict=True)] for row in rows]
