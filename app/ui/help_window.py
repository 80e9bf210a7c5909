"""使用说明 (F1): the bundled resources/help/help.html in a browser window, opened at the
section of the page the user is on (or of their role)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.models import Role
from app.ui.common.resources import resource_path

HELP_FILE = ("help", "help.html")
ROLE_SECTIONS = {
    Role.SALES_ADMIN: "sales_admin",
    Role.SALES_REP: "sales_rep",
    Role.MANAGER: "manager",
    Role.CHAIRMAN: "chairman",
    Role.ADMIN: "admin",
}


class HelpWindow(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("使用说明")
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setSource(QUrl.fromLocalFile(str(resource_path(*HELP_FILE))))
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)

    def show_section(self, anchor: str) -> None:
        self.browser.scrollToAnchor(anchor)
        self.show()
        self.raise_()
        self.activateWindow()
