"""The card's 成交记录 tab: the customer's ledger (帐页); 新增成交 and 标记交付.

Marking a deal delivered schedules the after-delivery visits (规则 6) in the service.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.core import clock
from app.services.core.errors import ServiceError
from app.services.customers import followups
from app.services.customers.followups import DealForm, DealRow
from app.ui.common.form_dialog import FormDialog
from app.ui.common.messages import show_service_error
from app.ui.common.style import HINT_COLOR, message_label
from app.ui.context import AppContext
from app.ui.customers.fields import multiline, shown
from app.ui.customers.record_table import record_table


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def quantity(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


COLUMNS = [  # label, width, value, right-aligned
    ("成交日期", 95, lambda r: shown(r.deal_date), False),
    ("产品", 240, lambda r: r.product, False),
    ("数量", 70, lambda r: quantity(r.quantity), True),
    ("金额(元)", 120, lambda r: money(r.amount), True),
    ("销售人员", 80, lambda r: r.salesperson, False),
    ("交付", 50, lambda r: "已交付" if r.delivered else "未交付", False),
    ("交付日期", 95, lambda r: shown(r.delivered_on), False),
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


class DealsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, customer_id: int, can_edit: bool, parent=None):
        super().__init__(parent)
        self.ctx, self.customer_id, self.can_edit = ctx, customer_id, can_edit
        self.rows: list[DealRow] = []
        self.table = record_table([c[0] for c in COLUMNS], [c[1] for c in COLUMNS])
        self.table.currentCellChanged.connect(lambda *_: self._update_buttons())
        self.add_button = QPushButton("新增成交…")
        self.add_button.clicked.connect(self.add)
        self.deliver_button = QPushButton("标记交付…")
        self.deliver_button.clicked.connect(self.deliver)
        self.add_button.setEnabled(can_edit)
        self.total = message_label(HINT_COLOR, hidden=False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.deliver_button)
        buttons.addStretch()
        buttons.addWidget(self.total)
        column = QVBoxLayout(self)
        column.addLayout(buttons)
        column.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        try:
            self.rows = followups.list_deals(self.ctx.read_uow(), self.customer_id)
        except ServiceError as err:
            show_service_error(self, err, "成交记录")
            self.rows = []
        self.table.setRowCount(len(self.rows))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, row in enumerate(self.rows):
            for c, (_label, _width, value, align_right) in enumerate(COLUMNS):
                item = QTableWidgetItem(value(row))
                if align_right:
                    item.setTextAlignment(right)
                self.table.setItem(r, c, item)
        amount = sum((r.amount for r in self.rows), Decimal(0))
        self.total.setText(f"共 {len(self.rows)} 笔，合计 {money(amount)} 元")
        self._update_buttons()

    def selected(self) -> DealRow | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def _update_buttons(self) -> None:
        row = self.selected()
        self.deliver_button.setEnabled(self.can_edit and row is not None and not row.delivered)

    def _done(self) -> None:
        self.reload()
        self.changed.emit()

    def add(self) -> None:
        if DealDialog(self.ctx, self.customer_id, self).exec():
            self._done()

    def deliver(self) -> None:
        row = self.selected()
        if row is None or row.delivered:
            return
        dialog = DeliverDialog(self.ctx, row, self)
        if dialog.exec() or dialog.stale:
            self._done()
