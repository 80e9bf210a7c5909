"""客户回收站: deleted customers the user may restore (sales admin, manager, admin)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.models import Role
from app.services import customers
from app.services.customers import CustomerRow
from app.services.errors import ServiceError
from app.ui.context import AppContext
from app.ui.customers.fields import shown
from app.ui.listview.uow import read_uow, write_uow
from app.ui.messages import show_service_error

# Who may open the recycle bin: the service's DELETE_ROLES.
BIN_ROLES = (Role.SALES_ADMIN, Role.MANAGER, Role.ADMIN)
COLUMNS = [
    ("客户编号", lambda r: r.number),
    ("客户名称", lambda r: r.name),
    ("客户类型", lambda r: r.type_label),
    ("归属销售", lambda r: r.owner_name),
    ("电话", lambda r: r.phone),
    ("登记日期", lambda r: shown(r.registered_on)),
]


class RecycleBinDialog(QDialog):
    restored = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[CustomerRow] = []
        self.setWindowTitle("客户回收站")
        self.resize(820, 460)
        self.count = QLabel()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([c[0] for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, width in enumerate((130, 240, 70, 80, 120)):
            self.table.setColumnWidth(i, width)
        self.restore_button = QPushButton("恢复所选客户")
        self.restore_button.clicked.connect(self.restore_selected)
        top = QHBoxLayout()
        top.addWidget(self.count)
        top.addStretch()
        top.addWidget(self.restore_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.table)
        column.addWidget(close)
        self.reload()

    def reload(self) -> None:
        try:
            self.rows = customers.list_recycle_bin(read_uow(self.ctx))
        except ServiceError as err:
            show_service_error(self, err, "客户回收站")
            self.rows = []
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, (_label, value) in enumerate(COLUMNS):
                self.table.setItem(r, c, QTableWidgetItem(value(row)))
        self.count.setText(f"回收站中共 {len(self.rows)} 个客户")
        self.restore_button.setEnabled(bool(self.rows))

    def restore_selected(self) -> None:
        picked = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        for r in picked:
            try:
                customers.restore_customer(write_uow(self.ctx), self.rows[r].id)
            except ServiceError as err:
                show_service_error(self, err, "恢复客户")
                break
            self.restored.emit(self.rows[r].id)
        self.reload()
