"""The generic A4 paper-form painter: blocks, page breaks, PDF text and a rendered page."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from app.ui.forms.paper_form import (
    Field,
    FieldGrid,
    Heading,
    PaperForm,
    Paragraph,
    Signatures,
    Table,
    TextBox,
    grid_lines,
    make_preview,
    make_printer,
    save_pdf,
    wrap,
)
from tests.ui.conftest import COMPANY


def pdf_text(path: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    out = subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True)
    return flat(out.stdout)


def flat(text: str) -> str:
    """pdftotext spaces words as it measures them: compare without spaces."""
    return text.replace(" ", "")


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def render_first_page(path: Path, tmp_path: Path) -> Path:
    """pdftoppm at 50 dpi: the page really renders (an A4 page is about 413×585 px)."""
    prefix = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(path), str(prefix)],
        check=True,
    )
    pngs = sorted(tmp_path.glob("page*.png"))
    assert pngs, "pdftoppm produced no page"
    from PySide6.QtGui import QImage

    image = QImage(str(pngs[0]))
    assert 380 < image.width() < 450 and 550 < image.height() < 620
    # Something is drawn: not every pixel is white.
    dark = sum(
        1
        for y in range(0, image.height(), 4)
        for x in range(0, image.width(), 4)
        if image.pixelColor(x, y).lightness() < 128
    )
    assert dark > 50
    return pngs[0]


def sample_form(rows: int = 3, text: str = "客户希望增加售后巡检频次。") -> PaperForm:
    return PaperForm(
        "测试表单",
        COMPANY,
        [
            FieldGrid(
                [
                    Field("客户名称", "宁夏红枸杞产业集团有限公司"),
                    Field("负责人", "张三"),
                    Field("地址", "银川市金凤区北京中路 100 号", wide=True),
                    Field("电话", "0951-5012345"),
                ]
            ),
            TextBox("客户需求", text),
            Heading("一、明细"),
            Table(
                ["序号", "项目", "状态"],
                [[str(i + 1), f"项目{i + 1:03d}", "已完成"] for i in range(rows)],
                [1, 5, 2],
                min_rows=5,
                centered=(0, 2),
            ),
            Paragraph("说明：本表一式两份。"),
            Signatures([("回访人员签字", "张三"), ("日期", "")]),
        ],
        number="编号：T-0001",
    )


def test_grid_lines_pack_fields_and_wide_fields_take_a_line():
    grid = FieldGrid(
        [Field("a", "1"), Field("b", "2"), Field("c", "3"), Field("w", "x", True), Field("d", "")]
    )
    assert [[f.label for f in line] for line in grid_lines(grid)] == [
        ["a", "b"],
        ["c"],
        ["w"],
        ["d"],
    ]
    three = FieldGrid([Field(str(i), "") for i in range(7)], columns=3)
    assert [len(line) for line in grid_lines(three)] == [3, 3, 1]


def test_wrap_breaks_long_chinese_text_and_keeps_newlines(qapp):
    printer = make_printer()
    font = QFont(QApplication.font().family())
    font.setPointSizeF(10)
    long = "回访" * 200
    lines = wrap(long, font, 2000, printer)
    assert len(lines) > 3 and "".join(lines) == long
    assert wrap("第一行\n第二行", font, 5000, printer) == ["第一行", "第二行"]
    assert wrap("", font, 5000, printer) == [""]


def test_form_prints_title_company_fields_table_and_renders(qapp, tmp_path):
    target = tmp_path / "form.pdf"
    assert save_pdf(str(target), sample_form()) == 1
    text = pdf_text(target)
    for expected in (
        "《测试表单》",
        COMPANY,
        "编号：T-0001",
        "宁夏红枸杞产业集团有限公司",
        "0951-5012345",
        "客户需求",
        "客户希望增加售后巡检频次。",
        "一、明细",
        "项目002",
        "回访人员签字：张三",
        "第 1 页 / 共 1 页",
        "打印日期：",
    ):
        assert flat(expected) in text, expected
    render_first_page(target, tmp_path)


def test_long_table_continues_with_its_header_on_the_next_page(qapp, tmp_path):
    target = tmp_path / "long.pdf"
    pages = save_pdf(str(target), sample_form(rows=80))
    assert pages == pdf_pages(target) >= 3
    second = pdf_text(target, 2)
    assert "《测试表单》（续）" in second and COMPANY in second
    assert "序号" in second and "项目" in second  # the header repeats
    assert f"第2页/共{pages}页" in second
    last = pdf_text(target, pages)
    assert "项目080" in last and "回访人员签字" in last
    everything = pdf_text(target)
    assert all(f"项目{i:03d}" in everything for i in range(1, 81))


def test_long_text_box_is_split_line_by_line(qapp, tmp_path):
    paragraphs = "\n".join(f"第{i:03d}段：客户反映的问题和建议。" for i in range(1, 121))
    target = tmp_path / "text.pdf"
    pages = save_pdf(str(target), sample_form(text=paragraphs))
    assert pages >= 2
    everything = pdf_text(target)
    assert all(f"第{i:03d}段" in everything for i in range(1, 121))
    assert "客户需求（续）" in pdf_text(target, 2)


def test_unknown_block_is_refused(qapp, tmp_path):
    form = PaperForm("坏表单", COMPANY, ["not a block"])
    with pytest.raises(TypeError):
        save_pdf(str(tmp_path / "bad.pdf"), form)


def test_preview_paints_through_the_same_painter(qtbot, tmp_path):
    dialog = make_preview(None, sample_form())
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "打印预览 — 《测试表单》"
    painted = []
    dialog.paintRequested.connect(lambda p: painted.append(p))
    printer = make_printer()
    from PySide6.QtPrintSupport import QPrinter

    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "preview.pdf"))
    dialog.paintRequested.emit(printer)
    assert painted and "测试表单" in pdf_text(tmp_path / "preview.pdf")


def test_preview_saves_the_form_as_pdf(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QToolBar

    dialog = make_preview(None, sample_form())
    qtbot.addWidget(dialog)
    toolbar = dialog.findChild(QToolBar)
    assert dialog.save_pdf_action in toolbar.actions()
    target = tmp_path / "另存"  # no extension typed: .pdf is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.save_pdf_action.trigger()
    assert "测试表单" in pdf_text(tmp_path / "另存.pdf")
