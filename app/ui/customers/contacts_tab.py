"""The card's 联系人 tab: the customer's contacts; add, edit, delete, set primary."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.core.errors import ServiceError
from app.services.customers import contacts
from app.services.customers.card import ContactRow
from app.ui.common.messages import confirm, show_service_error
from app.ui.context import AppContext
from app.ui.customers.contact_fields import ContactDialog
from app.ui.customers.fields import shown
from app.ui.customers.record_table import record_table

COLUMNS = [
    ("主要", lambda r: "★" if r.is_primary else ""),
    ("姓名", lambda r: r.name),
    ("性别", lambda r: r.gender),
    ("职位", lambda r: r.position),
    ("手机", lambda r: r.mobile),
    ("电话", lambda r: r.phone),
    ("邮箱", lambda r: r.email),
    ("微信", lambda r: r.wechat),
    ("QQ", lambda r: r.qq),
    ("生日", lambda r: shown(r.birthday)),
    ("爱好", lambda r: r.hobbies),
]


class ContactsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, customer_id: int, can_edit: bool, parent=None):
        super().__init__(parent)
        self.ctx, self.customer_id = ctx, customer_id
        self.rows: list[ContactRow] = []
        self.table = record_table(
            [c[0] for c in COLUMNS], (44, 80, 44, 90, 105, 110, 150, 90, 90, 90)
        )
        if can_edit:
            self.table.doubleClicked.connect(lambda _i: self.edit())
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for text, slot in (
            ("添加联系人…", self.add),
            ("编辑…", self.edit),
            ("设为主要联系人", self.make_primary),
            ("删除", self.delete),
        ):
            b = QPushButton(text)
            b.clicked.connect(slot)
            b.setEnabled(can_edit)
            buttons.addWidget(b)
            self.buttons[text] = b
        buttons.addStretch()
        column = QVBoxLayout(self)
        column.addLayout(buttons)
        column.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        try:
            self.rows = contacts.list_contacts(self.ctx.read_uow(), self.customer_id)
        except ServiceError as err:
            show_service_error(self, err, "联系人")
            self.rows = []
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, (_label, value) in enumerate(COLUMNS):
                self.table.setItem(r, c, QTableWidgetItem(value(row)))

    def selected(self) -> ContactRow | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def _done(self) -> None:
        self.reload()
        self.changed.emit()

    def add(self) -> None:
        if ContactDialog(self.ctx, self.customer_id, None, self).exec():
            self._done()

    def edit(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = ContactDialog(self.ctx, self.customer_id, row, self)
        if dialog.exec() or dialog.stale:
            self._done()

    def make_primary(self) -> None:
        row = self.selected()
        if row is None or row.is_primary:
            return
        self._run(lambda: contacts.set_primary(self.ctx.write_uow(), row.id))

    def delete(self) -> None:
        row = self.selected()
        if row is None or not confirm(self, "删除联系人", f"确定删除联系人“{row.name}”吗？"):
            return
        self._run(lambda: contacts.delete_contact(self.ctx.write_uow(), row.id))

    def _run(self, call) -> None:
        try:
            call()
        except ServiceError as err:
            show_service_error(self, err, "联系人")
        self._done()
