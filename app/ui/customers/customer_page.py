"""客户档案 module page: 客户列表, 通讯录, 跟进记录, 成交记录, 审批 and 客户合并 tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from app.services.access import roles
from app.services.customers import followup_lists
from app.ui.contacts.address_book_page import AddressBookPage
from app.ui.contacts.approvals_page import ApprovalsPage
from app.ui.context import AppContext
from app.ui.customers.list_page import CustomerListPage
from app.ui.customers.merge_page import MergePage
from app.ui.customers.records_page import CustomerRecordsPage


class CustomerPage(QTabWidget):
    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.list_page = CustomerListPage(ctx, company)
        self.addTab(self.list_page, "客户列表")
        self.address_book = AddressBookPage(ctx, company)
        self.address_book.open_record.connect(self._open_record)
        self.addTab(self.address_book, "通讯录")
        self.follow_ups = CustomerRecordsPage(
            ctx, followup_lists.follow_ups_source(), _customer_of("follow_up"), company
        )
        self.deals = CustomerRecordsPage(
            ctx, followup_lists.deals_source(), _customer_of("deal"), company
        )
        for page in (self.follow_ups, self.deals):
            page.open_record.connect(self._open_record)
            self.addTab(page, page.source.title)
        self.approvals = ApprovalsPage(ctx)
        self.addTab(self.approvals, "审批")
        self.merge_page = None
        if ctx.actor.role in (*roles.CAN_MERGE_CUSTOMERS, *roles.CAN_UNDO_MERGES):
            self.merge_page = MergePage(ctx, company)
            self.merge_page.merged.connect(lambda _id: self.list_page.list.reload())
            self.addTab(self.merge_page, "客户合并")
        self.list_page.merged.connect(lambda _id: self.merge_page and self.merge_page.reload())
        self.approvals.merges_panel.changed.connect(self.list_page.list.reload)
        self.currentChanged.connect(self._tab_shown)

    def _tab_shown(self, index: int) -> None:
        # Follow-ups, deals and contacts are written from the customer card: a tab shows
        # what is there now when it is opened.
        page = self.widget(index)
        if page in (self.address_book, self.follow_ups, self.deals, self.merge_page):
            page.reload()

    def _open_record(self, entity: str, record_id: int) -> None:
        if entity == "customer":
            self.list_page.open_customer(record_id)

    def show_tab(self, page: QWidget) -> None:
        self.setCurrentWidget(page)

    def open_customer(self, customer_id: int):
        self.show_tab(self.list_page)
        return self.list_page.open_customer(customer_id)

    def show_customers(self, ids, label: str) -> None:
        """The customer list narrowed to just these customers (a grouped reminder)."""
        self.show_tab(self.list_page)
        self.list_page.list.show_rows(ids, label)


def _customer_of(entity: str):
    return lambda uow, record_id: followup_lists.customer_of(uow, entity, record_id)
