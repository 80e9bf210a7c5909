"""通讯录: every contact the user may see, on the shared list component.

The rows are contacts (the source's open_entity is "contact"); a double-click opens
the contact's customer, so this page re-emits open_record as ("customer", id).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from app.services.contact_lists import contacts_source, customer_of_contact
from app.services.errors import ServiceError
from app.ui.admin.scroll import scrollable
from app.ui.context import AppContext
from app.ui.listview import ListView
from app.ui.listview.uow import read_uow


class AddressBookPage(QWidget):
    open_record = Signal(str, int)  # ("customer", customer id)

    def __init__(self, ctx: AppContext, company: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.list_view = ListView(ctx, contacts_source(), company, self)
        self.list_view.open_record.connect(self._open)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrollable(self.list_view))

    def reload(self) -> None:
        self.list_view.reload()

    def _open(self, _entity: str, contact_id: int) -> None:
        try:
            customer_id = customer_of_contact(read_uow(self.ctx), contact_id)
        except ServiceError as err:
            QMessageBox.warning(self, "通讯录", str(err))
            return
        self.open_record.emit("customer", customer_id)
