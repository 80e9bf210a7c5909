"""A paper form on A4: the same painter for print preview, paper and PDF.

A form is a title, the company name and a list of blocks stacked down the page: grids
of labelled cells (``FieldGrid``), labelled text boxes that grow with their text
(``TextBox``), ruled tables with a header row (``Table``), section headings, plain
paragraphs and signature lines. Every page repeats the company name, the title and the
form's number line; the footer says "第 N 页 / 共 M 页".

Layout runs first (text wrapped with QTextLayout for the printer's own metrics, blocks
split across pages: grid lines and table rows whole, text boxes line by line, a table's
header repeated), then the recorded pages are painted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPen,
    QTextLayout,
    QTextOption,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QMessageBox, QToolBar, QWidget

from app.services.core import clock
from app.ui.common import file_dialogs
from app.ui.forms import letterhead
from app.ui.forms.letterhead import Letterhead

MARGIN_MM = 15.0
ROW_MM = 8.0  # the smallest height of a grid line or table row
PAD_MM = 1.5  # text inside a cell
HEADER_FILL = QColor(235, 235, 235)

# --- the blocks ---------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    wide: bool = False  # a line of its own, the value across the whole width


@dataclass(frozen=True)
class FieldGrid:
    """Label/value cells, `columns` pairs a line; wide fields take a whole line."""

    fields: Sequence[Field]
    columns: int = 2
    label_share: float = 0.32  # of one column: the label cell


@dataclass(frozen=True)
class TextBox:
    """A label cell on the left and a text cell that grows with the text (at least
    `min_lines` high: room to write on paper)."""

    label: str
    text: str
    min_lines: int = 3
    label_share: float = 0.16  # of the full width


@dataclass(frozen=True)
class Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float]  # relative
    min_rows: int = 0  # blank ruled rows up to this count (to be filled by hand)
    centered: Sequence[int] = ()  # column indexes centred (numbers, dates, ticks)


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Signatures:
    """One line of "label：value ____" pairs, e.g. 回访人员签字, 日期."""

    pairs: Sequence[tuple[str, str]]


@dataclass
class PaperForm:
    title: str  # without 《》
    company: str
    blocks: list = field(default_factory=list)
    number: str = ""  # left of the line under the title, e.g. "编号：HF-0001"
    landscape: bool = False
    letterhead: Letterhead | None = None  # None: the company's, from 系统设置

    def add(self, *blocks) -> PaperForm:
        self.blocks.extend(blocks)
        return self


# --- printer set-up -------------------------------------------------------------------


def make_printer(landscape: bool = False) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    setup_printer(printer, landscape)
    return printer


def setup_printer(printer: QPrinter, landscape: bool = False) -> None:
    orientation = (
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            orientation,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )


# --- layout ------------------------------------------------------------------------------

# A recorded drawing operation: ("rect", rect) | ("fill", rect) | ("text", rect, font, flags, s)
# | ("line", x1, y, x2) | ("image", rect, QImage)
Op = tuple


class _Fonts:
    def __init__(self):
        family = QApplication.font().family()  # the bundled CJK font, set at start-up

        def font(points: float, bold: bool = False) -> QFont:
            f = QFont(family)
            f.setPointSizeF(points)
            f.setBold(bold)
            return f

        self.body = font(10)
        self.label = font(10)
        self.head = font(10, True)
        self.small = font(9)
        self.title = font(16, True)
        self.heading = font(11, True)


def wrap(text: str, font: QFont, width: float, device) -> list[str]:
    """The lines `text` takes in `width` (device pixels); explicit newlines kept."""
    lines: list[str] = []
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    for para in (text or "").split("\n"):
        if not para.strip():
            lines.append("")
            continue
        layout = QTextLayout(para, font, device)
        layout.setTextOption(option)
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(1.0, width))
            lines.append(para[line.textStart() : line.textStart() + line.textLength()].rstrip())
        layout.endLayout()
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return lines or [""]


class _Layout:
    """Places the blocks on pages; `pages` is a list of op lists."""

    def __init__(self, printer: QPrinter, form: PaperForm):
        self.device = printer
        self.form = form
        rect = printer.pageLayout().paintRectPixels(printer.resolution())
        self.width, self.height = float(rect.width()), float(rect.height())
        self.mm = printer.resolution() / 25.4
        self.fonts = _Fonts()
        self.pad = PAD_MM * self.mm
        self.row_h = ROW_MM * self.mm
        self.line_h = QFontMetricsF(self.fonts.body, printer).lineSpacing()
        self.small_h = QFontMetricsF(self.fonts.small, printer).lineSpacing() * 1.3
        self.footer_h = self.small_h * 1.5
        self.bottom = self.height - self.footer_h
        self.pages: list[list[Op]] = []
        self.ops: list[Op] = []
        self.y = 0.0
        self.top = 0.0  # where content starts on the current page
        self._new_page()

    # --- pages --------------------------------------------------------------------

    def _new_page(self) -> None:
        self.ops = []
        self.pages.append(self.ops)
        mm, w, fonts = self.mm, self.width, self.fonts
        center = Qt.AlignmentFlag.AlignCenter
        y = 0.0
        head = self.form.letterhead or letterhead.current()
        top = y
        self.text(QRectF(0, y, w, 6 * mm), fonts.small, center, self.form.company)
        y += 6 * mm
        if head.contact_line:
            self.text(QRectF(0, y, w, 5 * mm), fonts.small, center, head.contact_line)
            y += 5 * mm
        if head.logo is not None:
            # At the left of the company lines, at most 14 mm high and 45 mm wide.
            height = 14 * mm
            width = min(45 * mm, height * head.logo.width() / max(1, head.logo.height()))
            height = width * head.logo.height() / max(1, head.logo.width())
            self.ops.append(("image", QRectF(0, top, width, height), head.logo))
            y = max(y, top + height + 1 * mm)
        title = f"《{self.form.title}》" + ("（续）" if len(self.pages) > 1 else "")
        self.text(QRectF(0, y, w, 11 * mm), fonts.title, center, title)
        y += 12 * mm
        vcenter = Qt.AlignmentFlag.AlignVCenter
        if self.form.number:
            self.text(
                QRectF(0, y, w, self.small_h),
                fonts.small,
                vcenter | Qt.AlignmentFlag.AlignLeft,
                self.form.number,
            )
        printed = f"打印日期：{clock.now().date().isoformat()}"
        self.text(
            QRectF(0, y, w, self.small_h),
            fonts.small,
            vcenter | Qt.AlignmentFlag.AlignRight,
            printed,
        )
        y += self.small_h + 1.5 * mm
        self.y = self.top = y

    def room(self) -> float:
        return self.bottom - self.y

    def ensure(self, height: float) -> None:
        """Start a new page unless `height` fits (or the page is still empty)."""
        if height > self.room() and self.y > self.top:
            self._new_page()

    def finish(self) -> list[list[Op]]:
        total = len(self.pages)
        for n, ops in enumerate(self.pages, start=1):
            ops.append(
                (
                    "text",
                    QRectF(0, self.height - self.small_h, self.width, self.small_h),
                    self.fonts.small,
                    Qt.AlignmentFlag.AlignCenter,
                    f"第 {n} 页 / 共 {total} 页",
                )
            )
        return self.pages

    # --- primitives -----------------------------------------------------------------

    def text(self, rect: QRectF, font: QFont, flags, s: str) -> None:
        self.ops.append(("text", rect, font, flags, s))

    def rect(self, rect: QRectF) -> None:
        self.ops.append(("rect", rect))

    def fill(self, rect: QRectF) -> None:
        self.ops.append(("fill", rect))

    def lines_of(self, text: str, font: QFont, cell_width: float) -> list[str]:
        return wrap(text, font, cell_width - 2 * self.pad, self.device)

    def cell(
        self, x: float, y: float, w: float, h: float, lines: list[str], font: QFont, align
    ) -> None:
        """A ruled cell with its lines, vertically centred."""
        self.rect(QRectF(x, y, w, h))
        block = len(lines) * self.line_h
        top = y + max(self.pad, (h - block) / 2)
        flags = Qt.AlignmentFlag.AlignVCenter | align
        for i, line in enumerate(lines):
            if line:
                rect = QRectF(x + self.pad, top + i * self.line_h, w - 2 * self.pad, self.line_h)
                self.text(rect, font, flags, line)

    def height_for(self, line_count: int) -> float:
        return max(self.row_h, line_count * self.line_h + 2 * self.pad)

    # --- blocks -----------------------------------------------------------------------

    def place(self, block) -> None:
        kind = type(block)
        if kind is FieldGrid:
            self._grid(block)
        elif kind is TextBox:
            self._text_box(block)
        elif kind is Table:
            self._table(block)
        elif kind is Heading:
            self._heading(block)
        elif kind is Paragraph:
            self._paragraph(block)
        elif kind is Signatures:
            self._signatures(block)
        else:
            raise TypeError(f"unknown form block: {block!r}")

    def _grid(self, grid: FieldGrid) -> None:
        slot = self.width / max(1, grid.columns)
        label_w = slot * grid.label_share
        for line in grid_lines(grid):
            if line[0].wide:
                cells = [(0.0, self.width)]
            else:
                cells = [(i * slot, slot) for i in range(grid.columns)]
            padded = list(line) + [Field("", "")] * (len(cells) - len(line))
            wrapped = []
            for (_x, w), f in zip(cells, padded, strict=True):
                wrapped.append(
                    (
                        self.lines_of(f.label, self.fonts.label, label_w),
                        self.lines_of(f.value, self.fonts.body, w - label_w),
                    )
                )
            h = self.height_for(max(max(len(a), len(b)) for a, b in wrapped))
            self.ensure(h)
            for (x, w), (label_lines, value_lines) in zip(cells, wrapped, strict=True):
                self.cell(x, self.y, label_w, h, label_lines, self.fonts.label, _HCENTER)
                self.cell(x + label_w, self.y, w - label_w, h, value_lines, self.fonts.body, _LEFT)
            self.y += h

    def _text_box(self, box: TextBox) -> None:
        label_w = self.width * box.label_share
        value_w = self.width - label_w
        lines = self.lines_of(box.text, self.fonts.body, value_w)
        label, min_lines = box.label, box.min_lines
        while True:  # split line by line across pages
            h = self.height_for(max(min_lines, len(lines)))
            if h <= self.room():
                self._text_cells(label, label_w, value_w, lines, h)
                self.y += h
                return
            if self.y > self.top and self.room() < self.height_for(2):
                self._new_page()
                continue
            fit = max(1, int((self.room() - 2 * self.pad) // self.line_h))
            h = self.room()
            self._text_cells(label, label_w, value_w, lines[:fit], h)
            self.y += h
            if fit >= len(lines):  # only the blank writing room did not fit
                return
            self._new_page()
            lines, label, min_lines = lines[fit:], f"{box.label}（续）", 1

    def _text_cells(self, label: str, label_w: float, value_w: float, lines, h: float) -> None:
        label_lines = self.lines_of(label, self.fonts.label, label_w)
        self.cell(0.0, self.y, label_w, h, label_lines, self.fonts.label, _HCENTER)
        self.rect(QRectF(label_w, self.y, value_w, h))
        flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        for i, line in enumerate(lines):
            if line:
                rect = QRectF(
                    label_w + self.pad,
                    self.y + self.pad + i * self.line_h,
                    value_w - 2 * self.pad,
                    self.line_h,
                )
                self.text(rect, self.fonts.body, flags, line)

    def _table(self, table: Table) -> None:
        total = sum(table.widths) or 1.0
        xs = [0.0]
        for w in table.widths:
            xs.append(xs[-1] + self.width * w / total)
        spans = [(xs[i], xs[i + 1] - xs[i]) for i in range(len(table.widths))]
        head = [
            self.lines_of(h, self.fonts.head, w)
            for (_x, w), h in zip(spans, table.headers, strict=True)
        ]
        head_h = self.height_for(max(len(h) for h in head))
        rows = [list(r) for r in table.rows]
        rows += [[""] * len(spans)] * max(0, table.min_rows - len(rows))
        wrapped = [
            [self.lines_of(v, self.fonts.body, w) for (_x, w), v in zip(spans, row, strict=True)]
            for row in rows
        ]
        heights = [self.height_for(max(len(c) for c in cells)) for cells in wrapped]

        def header() -> None:
            for (x, w), lines in zip(spans, head, strict=True):
                self.fill(QRectF(x, self.y, w, head_h))
                self.cell(x, self.y, w, head_h, lines, self.fonts.head, _HCENTER)
            self.y += head_h

        self.ensure(head_h + (heights[0] if heights else 0))
        header()
        for cells, h in zip(wrapped, heights, strict=True):
            if h > self.room() and self.y > self.top:
                self._new_page()
                header()
            for c, ((x, w), lines) in enumerate(zip(spans, cells, strict=True)):
                align = _HCENTER if c in table.centered else _LEFT
                self.cell(x, self.y, w, h, lines, self.fonts.body, align)
            self.y += h

    def _heading(self, heading: Heading) -> None:
        h = self.row_h
        self.ensure(h + 2 * self.row_h)  # keep a heading with what follows
        if self.y > self.top:
            self.y += 2 * self.mm
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        self.text(QRectF(0, self.y, self.width, h), self.fonts.heading, flags, heading.text)
        self.y += h

    def _paragraph(self, para: Paragraph) -> None:
        if self.y > self.top:
            self.y += 1.5 * self.mm
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        for line in wrap(para.text, self.fonts.body, self.width, self.device):
            self.ensure(self.line_h)
            self.text(QRectF(0, self.y, self.width, self.line_h), self.fonts.body, flags, line)
            self.y += self.line_h
        self.y += self.mm

    def _signatures(self, sig: Signatures) -> None:
        h = self.row_h * 1.4
        self.ensure(h + 2 * self.mm)
        self.y += 2 * self.mm
        slot = self.width / max(1, len(sig.pairs))
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
        for i, (label, value) in enumerate(sig.pairs):
            x = i * slot
            self.text(QRectF(x, self.y, slot, h), self.fonts.body, flags, f"{label}：{value}")
            label_w = QFontMetricsF(self.fonts.body, self.device).horizontalAdvance(f"{label}：")
            self.ops.append(("line", x + label_w, self.y + h, x + slot - 4 * self.mm))
        self.y += h


_HCENTER = Qt.AlignmentFlag.AlignHCenter
_LEFT = Qt.AlignmentFlag.AlignLeft


def grid_lines(grid: FieldGrid) -> list[list[Field]]:
    """Pack fields `columns` to a line in order; a wide field takes a line of its own."""
    lines: list[list[Field]] = []
    pending: list[Field] = []
    for f in grid.fields:
        if f.wide:
            if pending:
                lines.append(pending)
                pending = []
            lines.append([f])
        else:
            pending.append(f)
            if len(pending) == grid.columns:
                lines.append(pending)
                pending = []
    if pending:
        lines.append(pending)
    return lines


def layout_pages(printer: QPrinter, form: PaperForm) -> list[list[Op]]:
    layout = _Layout(printer, form)
    for block in form.blocks:
        layout.place(block)
    return layout.finish()


# --- painting --------------------------------------------------------------------------


def paint_form(printer: QPrinter, form: PaperForm) -> int:
    """Paint every page of `form` on `printer`; returns the page count."""
    pages = layout_pages(printer, form)
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("无法开始打印（打印机不可用或文件无法写入）。")
    try:
        mm = printer.resolution() / 25.4
        pen = QPen(Qt.GlobalColor.black, max(1.0, 0.25 * mm))
        painter.setPen(pen)
        for n, ops in enumerate(pages):
            if n:
                printer.newPage()
            _paint_ops(painter, ops, pen)
    finally:
        painter.end()
    return len(pages)


def _paint_ops(painter: QPainter, ops: list[Op], pen: QPen) -> None:
    for op in ops:
        kind = op[0]
        if kind == "text":
            _, rect, font, flags, s = op
            painter.setFont(font)
            painter.drawText(rect, flags, s)
        elif kind == "rect":
            painter.drawRect(op[1])
        elif kind == "fill":
            painter.fillRect(op[1], HEADER_FILL)
        elif kind == "image":
            painter.drawImage(op[1], op[2])
        elif kind == "line":
            _, x1, y, x2 = op
            thin = QPen(pen)
            thin.setWidthF(pen.widthF() * 0.7)
            painter.setPen(thin)
            painter.drawLine(int(x1), int(y), int(x2), int(y))
            painter.setPen(pen)


def save_pdf(path: str, form: PaperForm) -> int:
    printer = make_printer(form.landscape)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    return paint_form(printer, form)


def make_preview(
    parent: QWidget | None, form: PaperForm, window_title: str = ""
) -> QPrintPreviewDialog:
    """Qt's print preview of `form` (print, or PDF through the print dialog)."""
    printer = make_printer(form.landscape)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog._printer = printer  # the dialog does not own it; Python must keep it alive
    dialog.setWindowTitle(window_title or f"打印预览 — 《{form.title}》")
    dialog.resize(900, 900)

    def on_paint(p: QPrinter) -> None:
        try:
            paint_form(p, form)
        except RuntimeError as exc:
            QMessageBox.warning(parent, "打印失败", str(exc))

    dialog.paintRequested.connect(on_paint)
    # Save the form as a PDF file straight from the preview (no PDF printer needed).
    toolbar = dialog.findChild(QToolBar)
    dialog.save_pdf_action = QAction("另存为 PDF…", dialog)
    dialog.save_pdf_action.triggered.connect(lambda: ask_save_pdf(dialog, form))
    if toolbar is not None:
        toolbar.addSeparator()
        toolbar.addAction(dialog.save_pdf_action)
    return dialog


def ask_save_pdf(parent: QWidget, form: PaperForm) -> str | None:
    path = file_dialogs.save_file(
        parent, file_dialogs.PDF, "另存为 PDF", f"{form.title}.pdf", "PDF 文件 (*.pdf)"
    )
    if not path:
        return None
    if not path.lower().endswith(".pdf"):
        path += ".pdf"
    try:
        save_pdf(path, form)
    except RuntimeError as exc:
        QMessageBox.warning(parent, "保存失败", str(exc))
        return None
    return path
