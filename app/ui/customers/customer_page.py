"""客户档案 module page: 客户列表, 通讯录 and 审批 tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from app.ui.contacts.address_book_page import AddressBookPage
from app.ui.contacts.approvals_page import ApprovalsPage
from app.ui.context import AppContext
from app.ui.customers.list_page import CustomerListPage


class CustomerPage(QTabWidget):
    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.list_page = CustomerListPage(ctx, company)
        self.addTab(self.list_page, "客户列表")
        self.address_book = AddressBookPage(ctx, company)
        self.address_book.open_record.connect(self._open_record)
        self.addTab(self.address_book, "通讯录")
        self.approvals = ApprovalsPage(ctx)
        self.addTab(self.approvals, "审批")

    def _open_record(self, entity: str, record_id: int) -> None:
        if entity == "customer":
            self.list_page.open_customer(record_id)

    def show_tab(self, page: QWidget) -> None:
        self.setCurrentWidget(page)

    def open_customer(self, customer_id: int):
        self.show_tab(self.list_page)
        return self.list_page.open_customer(customer_id)
