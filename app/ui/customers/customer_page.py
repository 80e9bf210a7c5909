"""客户档案 module page: 客户列表, and 通讯录 / 审批 when those modules are installed."""

from __future__ import annotations

import importlib
import importlib.util

from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget

from app.ui.context import AppContext
from app.ui.customers.list_page import CustomerListPage

ADDRESS_BOOK = "app.ui.contacts.address_book_page"
APPROVALS = "app.ui.contacts.approvals_page"


def module_exists(name: str) -> bool:
    """find_spec on a dotted name imports its parents; a missing parent means no module."""
    parts = name.split(".")
    for i in range(1, len(parts) + 1):
        if importlib.util.find_spec(".".join(parts[:i])) is None:
            return False
    return True


def scrollable(widget: QWidget) -> QScrollArea:
    """The ListView's tool rows need ~1000 px: scroll sideways in a narrow window rather
    than forcing the main window wider than a small screen."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


class CustomerPage(QTabWidget):
    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.list_page = CustomerListPage(ctx, company)
        self.addTab(scrollable(self.list_page), "客户列表")
        self.address_book = None
        self.approvals = None
        if module_exists(ADDRESS_BOOK):
            page_class = importlib.import_module(ADDRESS_BOOK).AddressBookPage
            self.address_book = page_class(ctx, company)
            if hasattr(self.address_book, "open_record"):
                self.address_book.open_record.connect(self._open_record)
            self.addTab(scrollable(self.address_book), "通讯录")
        if module_exists(APPROVALS):
            self.approvals = importlib.import_module(APPROVALS).ApprovalsPage(ctx)
            self.addTab(scrollable(self.approvals), "审批")

    def _open_record(self, entity: str, record_id: int) -> None:
        if entity == "customer":
            self.list_page.open_customer(record_id)

    def show_tab(self, page: QWidget) -> None:
        for i in range(self.count()):
            area = self.widget(i)
            if isinstance(area, QScrollArea) and area.widget() is page:
                self.setCurrentIndex(i)

    def open_customer(self, customer_id: int):
        self.show_tab(self.list_page)
        return self.list_page.open_customer(customer_id)
