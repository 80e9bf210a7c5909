"""The card's 成交记录 tab: the customer's ledger (帐页); 新增成交 and 标记交付.

Marking a deal delivered schedules the after-delivery visits (规则 6) in the service.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from app.services.core import clock
from app.services.customers import followups
from app.services.customers.followups import DealForm, DealRow
from app.ui.common.form_dialog import FormDialog
from app.ui.common.style import HINT_COLOR, message_label
from app.ui.context import AppContext
from app.ui.customers.fields import multiline, shown
from app.ui.customers.record_table import RecordTab, TabColumn


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def quantity(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


COLUMNS = [
    TabColumn("成交日期", 95, lambda r: shown(r.deal_date)),
    TabColumn("产品", 175, lambda r: r.product),
    TabColumn("数量", 70, lambda r: quantity(r.quantity), right=True),
    TabColumn("金额(元)", 120, lambda r: money(r.amount), right=True),
    TabColumn("销售人员", 80, lambda r: r.salesperson),
    TabColumn("交付", 50, lambda r: "已交付" if r.delivered else "未交付"),
    TabColumn("交付日期", 95, lambda r: shown(r.delivered_on)),
    TabColumn("业绩归属", 72, lambda r: r.attribution),
    TabColumn("归属原因", 200, lambda r: r.attribution_reason),
]


def date_edit(day=None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(day or clock.now().date()))
    return edit


class DealDialog(FormDialog):
    """新增成交: date, product, quantity, amount, delivered; errors at the field."""

    def __init__(self, ctx: AppContext, customer_id: int, parent=None):
        super().__init__(parent, "新增成交记录", "保存")
        self.ctx, self.customer_id = ctx, customer_id
        self.deal_date = self.add_field("deal_date", "成交日期", date_edit())
        self.product = self.add_line("product", "产品 *")
        self.quantity = self.add_line("quantity", "数量")
        self.amount = self.add_line("amount", "成交金额(元) *")
        self.amount.setPlaceholderText("例如 12,500.00")
        self.delivered = QCheckBox("已交付")
        self.delivered_on = date_edit()
        self.delivered_on.setEnabled(False)
        self.delivered.toggled.connect(self.delivered_on.setEnabled)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.delivered)
        line.addWidget(QLabel("交付日期"))
        line.addWidget(self.delivered_on)
        line.addStretch()
        self.add_field("delivered_on", "交付", row)
        self.remarks = self.add_field("remarks", "备注", multiline())
        self.add_hint("销售人员为客户的归属销售；开发期内的首笔成交记为开发成功。")

    def deal_form(self) -> DealForm:
        delivered = self.delivered.isChecked()
        return DealForm(
            deal_date=self.deal_date.date().toPython(),
            product=self.product.text(),
            quantity=self.quantity.text().strip() or None,
            amount=self.amount.text().strip(),
            delivered=delivered,
            delivered_on=self.delivered_on.date().toPython() if delivered else None,
            remarks=self.remarks.toPlainText(),
        )

    def submit(self) -> None:
        followups.add_deal(self.ctx.write_uow(), self.customer_id, self.deal_form())


class DeliverDialog(FormDialog):
    """标记交付: the delivery date (default today)."""

    def __init__(self, ctx: AppContext, row: DealRow, parent=None):
        super().__init__(parent, "标记交付", "确定")
        self.ctx, self.row = ctx, row
        self.set_intro(f"{shown(row.deal_date)}  {row.product}  {money(row.amount)} 元")
        self.on = self.add_field("delivered_on", "交付日期", date_edit())
        self.add_hint("交付后系统将安排一周、一月、一季度、一年的售后回访提醒。")

    def submit(self) -> None:
        followups.mark_delivered(
            self.ctx.write_uow(), self.row.id, self.row.version, self.on.date().toPython()
        )


class DealsTab(RecordTab):
    what = "成交记录"
    columns = COLUMNS

    def __init__(self, ctx: AppContext, customer_id: int, can_edit: bool, parent=None):
        super().__init__(ctx, customer_id, can_edit, parent)
        self.table.currentCellChanged.connect(lambda *_: self._update_buttons())
        self.add_buttons(("新增成交…", self.add), ("标记交付…", self.deliver))
        self.add_button, self.deliver_button = self.buttons.values()
        self.total = message_label(HINT_COLOR, hidden=False)
        self.button_bar.addStretch()
        self.button_bar.addWidget(self.total)
        self.reload()

    def load(self, uow) -> list[DealRow]:
        return followups.list_deals(uow, self.customer_id)

    def reload(self) -> None:
        super().reload()
        amount = sum((r.amount for r in self.rows), Decimal(0))
        self.total.setText(f"共 {len(self.rows)} 笔，合计 {money(amount)} 元")
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected()
        self.deliver_button.setEnabled(self.can_edit and row is not None and not row.delivered)

    def add(self) -> None:
        self.open_dialog(DealDialog(self.ctx, self.customer_id, self))

    def deliver(self) -> None:
        row = self.selected()
        if row is not None and not row.delivered:
            self.open_dialog(DeliverDialog(self.ctx, row, self))
