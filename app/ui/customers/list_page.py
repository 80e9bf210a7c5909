"""客户列表: the shared ListView over customers_source(), plus 登记新客户 and 回收站."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout, QWidget

from app.services import customers
from app.services.customer_lists import customers_source
from app.services.customers import REGISTER_ROLES
from app.services.errors import ServiceError
from app.ui.context import AppContext
from app.ui.customers.card_dialog import CustomerCardDialog
from app.ui.customers.card_print import make_card_preview
from app.ui.customers.card_windows import open_card
from app.ui.customers.recycle_bin import BIN_ROLES, RecycleBinDialog
from app.ui.customers.register_dialog import RegisterDialog
from app.ui.listview import ListView
from app.ui.messages import show_service_error


class CustomerListPage(QWidget):
    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx, self.company = ctx, company
        self.cards: dict[int, CustomerCardDialog] = {}  # open cards, one per customer
        self.list = ListView(ctx, customers_source(), company)
        self.list.open_record.connect(self._open_record)
        self.register_button = QPushButton("登记新客户…")
        self.register_button.clicked.connect(self.register)
        self.register_button.setVisible(ctx.actor.role in REGISTER_ROLES)
        self.print_card_button = QPushButton("打印客户档案…")
        self.print_card_button.setToolTip("打印所选客户的《客户档案》卡片")
        self.print_card_button.clicked.connect(self.print_card)
        self.bin_button = QPushButton("回收站…")
        self.bin_button.clicked.connect(self.recycle_bin)
        self.bin_button.setVisible(ctx.actor.role in BIN_ROLES)
        top = QHBoxLayout()
        top.setContentsMargins(6, 6, 6, 0)
        top.addWidget(self.register_button)
        top.addWidget(self.print_card_button)
        top.addWidget(self.bin_button)
        top.addStretch()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.list)

    def print_card(self) -> QPrintPreviewDialog | None:
        """《客户档案》 of the selected customer: the card's own A4 form, previewed."""
        ids = self.list.selected_ids()
        if not ids:
            QMessageBox.information(self, "打印客户档案", "请先在列表中选择一个客户。")
            return None
        try:
            card = customers.get_customer(self.ctx.uow(), ids[0])
        except ServiceError as err:
            show_service_error(self, err, "客户档案")
            return None
        preview = make_card_preview(self, card, self.company)
        preview.open()
        return preview

    def _open_record(self, entity: str, record_id: int) -> None:
        if entity == "customer":
            self.open_customer(record_id)

    def open_customer(self, customer_id: int) -> CustomerCardDialog | None:
        return open_card(self, self.ctx, self.company, self.cards, customer_id, self.list.reload)

    def register(self) -> RegisterDialog:
        dialog = RegisterDialog(self.ctx, self)
        dialog.open_customer.connect(self.open_customer)
        dialog.accepted.connect(lambda: self._registered(dialog))
        dialog.open()
        return dialog

    def _registered(self, dialog: RegisterDialog) -> None:
        result = dialog.result_
        self.list.reload()
        text = f"客户已登记，客户编号：{result.number}。"
        if result.late_registration:
            text += "\n注意：距首次接触已超过规定时限，本次登记将标记为逾期登记。"
        QMessageBox.information(self, "登记成功", text)
        self.open_customer(result.customer_id)

    def recycle_bin(self) -> RecycleBinDialog:
        dialog = RecycleBinDialog(self.ctx, self.company, self)
        dialog.restored.connect(lambda _id: self.list.reload())
        dialog.open()
        return dialog
