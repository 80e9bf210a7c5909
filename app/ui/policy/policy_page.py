"""客户政策: 评审, 客户分类表, 客户等级分类表 and 客户维护表 as tabs; double-clicked customers open their card."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.context import AppContext
from app.ui.customers.card_dialog import CustomerCardDialog
from app.ui.customers.card_windows import open_card
from app.ui.policy.class_sheets_page import ClassSheetsPage
from app.ui.policy.classification_page import ClassificationPage
from app.ui.policy.maintenance_page import MaintenancePage
from app.ui.policy.reviews_page import ReviewsPage

TITLE = "客户政策"


class PolicyPage(QWidget):
    customers_changed = Signal()  # a decision or a confirmed class changed customers

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx, self.company = ctx, company
        self.cards: dict[int, CustomerCardDialog] = {}
        self.reviews = ReviewsPage(ctx, company)
        self.classification = ClassificationPage(ctx, company)
        self.class_sheets = ClassSheetsPage(ctx, company)
        self.maintenance = MaintenancePage(ctx, company)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.reviews, "评审")
        self.tabs.addTab(self.classification, "客户分类表")
        self.tabs.addTab(self.class_sheets, "客户等级分类表")
        self.tabs.addTab(self.maintenance, "客户维护表")
        self.tabs.currentChanged.connect(lambda _i: self.tabs.currentWidget().reload())
        for page in (self.classification, self.maintenance):
            page.open_customer.connect(self.open_customer)
        self.reviews.changed.connect(self._changed)
        self.classification.changed.connect(self._changed)
        self.class_sheets.changed.connect(self._changed)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.tabs)

    def reload(self) -> None:
        self.tabs.currentWidget().reload()

    def _changed(self) -> None:
        self.customers_changed.emit()

    def show_review(self, review_id: int) -> bool:
        self.tabs.setCurrentWidget(self.reviews)
        self.reviews.reload()
        return self.reviews.select_review(review_id)

    def show_class_sheet(self, sheet_id: int) -> bool:
        self.tabs.setCurrentWidget(self.class_sheets)
        return self.class_sheets.show_sheet(sheet_id)

    def open_customer(self, customer_id: int) -> CustomerCardDialog | None:
        return open_card(self, self.ctx, self.company, self.cards, customer_id, self.reload)
