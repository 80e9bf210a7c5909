"""公司地址、电话、标志 on every printed form: chosen on the settings page (the image
scaled down and stored), previewed at once, and printed at the top of a customer card
once saved (pdftotext finds them; page 1 rendered with pdftoppm)."""

import subprocess

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

from app.ui.admin.security_page import SecurityPage
from app.ui.forms import letterhead
from app.ui.forms.paper_form import Field, FieldGrid, PaperForm, make_printer, paint_form
from tests.ui.conftest import SCREENSHOTS, screenshot

ADDRESS = "宁夏银川市金凤区枸杞路 1 号"
PHONE = "0951-5000000"


def a_logo(path) -> str:
    image = QImage(1200, 400, QImage.Format.Format_RGB32)  # larger than stored: scaled
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.fillRect(40, 40, 320, 320, QColor("#c0392b"))
    painter.end()
    image.save(str(path))
    return str(path)


def test_letterhead_from_the_settings_page_to_paper(qtbot, admin_ctx, tmp_path):
    page = SecurityPage(admin_ctx)
    qtbot.addWidget(page)
    page.resize(900, 2400)
    page.show()
    page.editors["company_address"].setText(ADDRESS)
    page.editors["company_phone"].setText(PHONE)
    page.editors["company_logo"].choose(a_logo(tmp_path / "logo.png"))
    stored = QImage.fromData(__import__("base64").b64decode(page.editors["company_logo"].text()))
    assert (stored.width(), stored.height()) == (600, 200)
    preview = page.preview_letterhead()  # before saving: what is typed
    qtbot.addWidget(preview)
    assert page.letterhead_form().letterhead.contact_line == f"地址：{ADDRESS}    电话：{PHONE}"
    preview.close()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.saved_label.text().startswith("设置已保存")
    screenshot(page.editors["company_logo"].parentWidget(), "settings_letterhead")

    try:
        letterhead.refresh(admin_ctx.read_uow())  # as the main window does after 保存
        form = PaperForm("客户资源信息登记表", "华东精密仪器有限公司").add(
            FieldGrid([Field("客户名称", "宁夏红枸杞产业集团"), Field("联系电话", "13900001111")])
        )
        pdf = tmp_path / "form.pdf"
        printer = make_printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(pdf))
        assert paint_form(printer, form) == 1
    finally:
        letterhead._current = letterhead.Letterhead()  # other tests print without it
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert ADDRESS in text and PHONE in text and "宁夏红枸杞产业集团" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                    str(SCREENSHOTS / "form_with_letterhead")], check=True)  # fmt: skip
