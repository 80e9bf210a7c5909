"""客户政策: 评审, 客户分类表, 客户等级分类表, 拜访次数统计 and 维护达标 as tabs; double-clicked
customers open their card, 客户维护表… the selected customer's 《客户维护表》."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.context import AppContext
from app.ui.customers.card_dialog import CustomerCardDialog
from app.ui.customers.card_windows import open_card
from app.ui.policy.class_sheets_page import ClassSheetsPage
from app.ui.policy.classification_page import ClassificationPage
from app.ui.policy.compliance_page import CompliancePage
from app.ui.policy.maintenance_page import MaintenancePage
from app.ui.policy.maintenance_sheet_dialog import MaintenanceSheetDialog
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
        self.compliance = CompliancePage(ctx, company)
        self.sheets: dict[int, MaintenanceSheetDialog] = {}
        self.tabs = QTabWidget()
        self.tabs.addTab(self.reviews, "评审")
        self.tabs.addTab(self.classification, "客户分类表")
        self.tabs.addTab(self.class_sheets, "客户等级分类表")
        self.tabs.addTab(self.maintenance, "拜访次数统计")
        self.tabs.addTab(self.compliance, "维护达标")
        self.tabs.currentChanged.connect(lambda _i: self.tabs.currentWidget().reload())
        for page in (self.classification, self.maintenance, self.compliance):
            page.open_customer.connect(self.open_customer)
        for page in (self.maintenance, self.compliance):
            page.open_sheet.connect(self.open_sheet)
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

    def open_sheet(self, customer_id: int) -> MaintenanceSheetDialog | None:
        """The customer's 《客户维护表》, not modal (one window per customer)."""
        dialog = self.sheets.get(customer_id)
        if dialog is not None and dialog.isVisible():
            dialog.load()
            dialog.raise_()
            dialog.activateWindow()
            return dialog
        dialog = MaintenanceSheetDialog(self.ctx, customer_id, self.company, self)
        if not dialog.load():
            dialog.deleteLater()
            return None
        self.sheets[customer_id] = dialog
        dialog.show()
        return dialog
