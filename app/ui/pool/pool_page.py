"""公海客户: the shared ListView over pool_source(), 回收预演 and 立即回收.

A pool customer has no owner, so a sales rep cannot open its card until claiming it:
a double-click offers the claim first. Managers and the admin open it directly.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout, QWidget

from app.services.access import roles
from app.services.core.errors import ServiceError
from app.services.pool import rules as pool
from app.services.pool.lists import can_open, pool_source
from app.ui.common.messages import confirm, show_service_error
from app.ui.context import AppContext
from app.ui.customers.card_dialog import CustomerCardDialog
from app.ui.customers.card_windows import open_card
from app.ui.listview import ListView
from app.ui.pool.returns_dialog import ReturnsPreviewDialog

TITLE = "公海客户"


class PoolPage(QWidget):
    customers_changed = Signal()  # a claim or sweep moved customers (other lists reload)

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx, self.company = ctx, company
        self.cards: dict[int, CustomerCardDialog] = {}
        self.list = ListView(ctx, pool_source(ctx.actor), company)
        self.list.open_record.connect(self._open_record)
        self.list.data_changed.connect(self.customers_changed)
        role = ctx.actor.role
        self.preview_button = QPushButton("回收预演…")
        self.preview_button.setToolTip("查看哪些客户即将因长期无销售动作被回收公海")
        self.preview_button.clicked.connect(self.preview)
        self.preview_button.setVisible(role in roles.CAN_PREVIEW_POOL_RETURNS)
        self.sweep_button = QPushButton("立即回收超期客户")
        self.sweep_button.setToolTip("把所有超过期限无销售动作的客户移入公海（保护客户除外）")
        self.sweep_button.clicked.connect(self.sweep)
        self.sweep_button.setVisible(role in roles.CAN_SWEEP_POOL)
        top = QHBoxLayout()
        top.setContentsMargins(6, 6, 6, 0)
        top.addWidget(self.preview_button)
        top.addWidget(self.sweep_button)
        top.addStretch()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.list)
        self.list.set_empty_hint(
            "公海中暂无客户。长期无销售动作的客户会回到这里，供销售人员领取。",
            [("回收预演…", self.preview)] if role in roles.CAN_PREVIEW_POOL_RETURNS else [],
        )

    def reload(self) -> None:
        self.list.reload()

    # --- drill-through ------------------------------------------------------------

    def _open_record(self, entity: str, record_id: int) -> None:
        if entity == "customer":
            self.open_customer(record_id)

    def open_customer(self, customer_id: int) -> CustomerCardDialog | None:
        try:
            visible = can_open(self.ctx.read_uow(), customer_id)
        except ServiceError as err:
            show_service_error(self, err, TITLE)
            return None
        if not visible:
            if self.ctx.actor.role not in roles.CAN_CLAIM_FROM_POOL:
                QMessageBox.information(self, TITLE, "公海客户暂无归属，您无权查看其客户档案。")
                return None
            if not confirm(
                self, "领取客户", "该客户在公海中，领取后才能查看客户档案。\n现在领取吗？"
            ):
                return None
            if not self.claim(customer_id):
                return None
        return self._show_card(customer_id)

    def claim(self, customer_id: int) -> bool:
        try:
            pool.claim(self.ctx.write_uow(), customer_id)
        except ServiceError as err:
            show_service_error(self, err, "领取失败")
            self.reload()
            return False
        self.reload()
        self.customers_changed.emit()
        return True

    def _show_card(self, customer_id: int) -> CustomerCardDialog | None:
        return open_card(self, self.ctx, self.company, self.cards, customer_id, self.reload)

    # --- the sweep ----------------------------------------------------------------

    def preview(self) -> ReturnsPreviewDialog:
        dialog = ReturnsPreviewDialog(self.ctx, self)
        dialog.open()
        return dialog

    def sweep(self) -> None:
        try:
            due = pool.sweep(self.ctx.write_uow(), dry_run=True).moved
        except ServiceError as err:
            show_service_error(self, err, "回收失败")
            return
        if not due:
            QMessageBox.information(self, "立即回收", "目前没有超过期限无销售动作的客户。")
            return
        if not confirm(
            self, "立即回收", f"有 {len(due)} 个客户已超过期限无销售动作，确定立即回收公海吗？"
        ):
            return
        try:
            result = pool.sweep(self.ctx.write_uow())
        except ServiceError as err:
            show_service_error(self, err, "回收失败")
            return
        QMessageBox.information(self, "立即回收", result.message)
        self.reload()
        self.customers_changed.emit()
