"""客户回收站: deleted customers the user may restore (sales admin, manager, admin),
shown in the shared list view; 恢复 is its batch action and the button below."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from app.services.customers.lists import recycle_bin_source
from app.ui.common.dialog_fit import FittedDialog
from app.ui.context import AppContext
from app.ui.listview import ListView


class RecycleBinDialog(FittedDialog):
    restored = Signal(int)

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("客户回收站")
        self.resize(900, 500)
        self.source = recycle_bin_source()
        self.list_view = ListView(ctx, self.source, company)
        self.table = self.list_view.table
        self.restore_button = QPushButton("恢复所选客户")
        self.restore_button.clicked.connect(self.restore_selected)
        top = QHBoxLayout()
        top.addStretch()
        top.addWidget(self.restore_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.list_view)
        column.addWidget(close)

    def reload(self) -> None:
        self.list_view.reload()

    def restore_selected(self) -> None:
        ids = self.list_view.selected_ids()
        if not ids:
            return
        restore = next(a for a in self.source.batch_actions if a.key == "restore")
        result = restore.run(self.ctx.write_uow(), ids)
        for cid in ids:
            if cid not in {i for i, _ in result.skipped}:
                self.restored.emit(cid)
        if result.skipped:
            QMessageBox.warning(self, "恢复客户", result.message)
        self.reload()
