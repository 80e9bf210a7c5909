"""Printed and PDF lists fit the paper: widths come from the content, codes, numbers,
dates and phones are never cut, long text wraps, a table too wide for A4 says so."""

import subprocess

from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

from app.ui.listview.print_preview import TOO_WIDE, make_preview
from app.ui.listview.table_printer import FONT_SIZES, PrintTable, layout, prepare_printer, save_pdf
from tests.ui.test_paper_form import pdf_text

ADDRESS = "宁夏回族自治区银川市金凤区宁安大街490号银川市国际科技创新中心A座18层"


def customers_table(n: int = 30, **kw) -> PrintTable:
    rows = [
        [f"KH2026{i:05d}", f"宁夏红枸杞产业集团第{i}分公司", "0951-5012345", "2026-12-04",
         "2027-06-04", "张三", ADDRESS, "1,234,567.50"]
        for i in range(1, n + 1)
    ]  # fmt: skip
    return PrintTable(
        title="客户列表", company="宁夏测试贸易有限公司", condition="全部",
        headers=["客户编号", "客户名称", "电话", "登记日期", "开发期限", "负责人", "地址", "成交额"],
        rows=rows, right_aligned=[False] * 7 + [True],
        whole=[False, False, False, True, True, False, False, True], **kw,
    )  # fmt: skip


def test_codes_dates_and_phones_print_whole_and_long_text_wraps(qtbot, tmp_path):
    table = customers_table()
    pdf = tmp_path / "客户列表.pdf"
    assert save_pdf(str(pdf), table) >= 1
    text = pdf_text(pdf)
    for value in ("KH202600001", "KH202600030", "0951-5012345", "2026-12-04", "2027-06-04",
                  "1,234,567.50"):  # fmt: skip
        assert value in text, value
    assert "宁夏回族自治区银川市" in text  # the address's first line, wrapped not dropped
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    assert (tmp_path / "page-1.png").stat().st_size > 10_000  # a landscape page, drawn


def test_portrait_when_it_fits_landscape_when_not_and_a_plain_warning_past_that(qtbot):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    narrow = PrintTable("团队", "公司", "全部", ["团队", "人数"], [["一组", "5"]], [False, True])
    plan = prepare_printer(printer, narrow)
    assert printer.pageLayout().orientation().name == "Portrait"
    assert plan.fits and plan.lines == 1 and plan.point_size == FONT_SIZES[0]

    plan = prepare_printer(printer, customers_table())
    assert printer.pageLayout().orientation().name == "Landscape" and plan.fits
    width = printer.pageLayout().paintRectPixels(printer.resolution()).width()
    assert abs(sum(plan.widths) - width) < 2  # the page is used, not more

    wide = PrintTable("宽表", "公司", "全部", [f"编号{i}" for i in range(40)],
                      [[f"KH2026{i:05d}X" for i in range(40)]], [False] * 40)  # fmt: skip
    plan = prepare_printer(printer, wide)
    assert not plan.fits
    wide.paper = "A3"
    a3 = QPrinter(QPrinter.PrinterMode.HighResolution)
    prepare_printer(a3, wide)
    assert layout(wide, a3).widths[0] > plan.widths[0]  # A3 gives each column more room


def test_the_preview_says_a_table_is_too_wide_and_offers_a3(qtbot):
    wide = PrintTable("宽表", "公司", "全部", [f"编号{i}" for i in range(40)],
                      [[f"KH2026{i:05d}X" for i in range(40)]], [False] * 40)  # fmt: skip
    dialog: QPrintPreviewDialog = make_preview(None, wide)
    qtbot.addWidget(dialog)
    assert not dialog.too_wide.isHidden() and dialog.too_wide.text() == TOO_WIDE
    dialog.a3_action.trigger()
    assert wide.paper == "A3" and not dialog.a3_action.isEnabled()
    fits = make_preview(None, customers_table())
    qtbot.addWidget(fits)
    assert fits.too_wide.isHidden() and not hasattr(fits, "a3_action")
