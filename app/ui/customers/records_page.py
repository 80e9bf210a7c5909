"""A list of records that belong to customers (通讯录, 跟进记录, 成交记录) on the shared
list component. The rows are the records; a double-click opens the record's customer
card, found through the service (which applies the user's visibility), so the page
re-emits open_record as ("customer", id)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from app.services.core.errors import ServiceError
from app.services.core.uow import UnitOfWork
from app.services.lists.spec import ListSource
from app.ui.admin.scroll import scrollable
from app.ui.context import AppContext
from app.ui.listview import ListView


class CustomerRecordsPage(QWidget):
    open_record = Signal(str, int)  # ("customer", customer id)

    def __init__(
        self,
        ctx: AppContext,
        source: ListSource,
        customer_of: Callable[[UnitOfWork, int], int],
        company: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx, self.source, self._customer_of = ctx, source, customer_of
        self.list_view = ListView(ctx, source, company, self)
        self.list_view.open_record.connect(self._open)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrollable(self.list_view))

    def reload(self) -> None:
        self.list_view.reload()

    def _open(self, _entity: str, record_id: int) -> None:
        try:
            customer_id = self._customer_of(self.ctx.read_uow(), record_id)
        except ServiceError as err:
            QMessageBox.warning(self, self.source.title, str(err))
            return
        self.open_record.emit("customer", customer_id)
