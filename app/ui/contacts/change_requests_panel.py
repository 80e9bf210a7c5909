"""信息变更审批 (规则 9): change requests the service shows this user (the sales admin
and admin: everyone's; a rep: own), with the field-level diff old → new, and
批准 / 驳回 with a note for those who may decide."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services import change_requests
from app.services.approval_lists import change_requests_source
from app.services.change_requests import APPROVER_ROLES, ChangeRequestRow
from app.services.errors import ServiceError
from app.ui.admin_table import admin_table
from app.ui.contacts.approval_dialogs import DecideChangeDialog
from app.ui.contacts.approval_models import DiffModel
from app.ui.context import AppContext
from app.ui.listview import ListView
from app.ui.listview.uow import read_uow
from app.ui.messages import show_service_error


class ChangeRequestsPanel(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        # The service decides who may approve; the buttons follow the same list.
        self.can_decide = ctx.actor.role in APPROVER_ROLES
        self.approve_button = QPushButton("批准…")
        self.reject_button = QPushButton("驳回…")
        self.refresh_button = QPushButton("刷新")
        bar = QHBoxLayout()
        bar.addStretch(1)
        for b in (self.approve_button, self.reject_button):
            b.setVisible(self.can_decide)
            bar.addWidget(b)
        bar.addWidget(self.refresh_button)

        # The queue is a shared list view; the sales admin starts on the pending ones.
        self.list_view = ListView(ctx, change_requests_source())
        if self.can_decide:
            self.list_view.set_filter("status", ("pending",))
        self.model = self.list_view.model
        self.table = self.list_view.table
        self.diff_model = DiffModel(self)
        self.diff_table = admin_table(self.diff_model, (110, 240, 30))
        self.diff_label = QLabel("变更内容：选中一条申请查看")
        diff_box = QWidget()
        diff_layout = QVBoxLayout(diff_box)
        diff_layout.setContentsMargins(0, 0, 0, 0)
        diff_layout.addWidget(self.diff_label)
        diff_layout.addWidget(self.diff_table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list_view)
        splitter.addWidget(diff_box)
        splitter.setSizes([280, 200])

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self.refresh_button.clicked.connect(lambda: self.reload())
        self.approve_button.clicked.connect(lambda: self.decide(True))
        self.reject_button.clicked.connect(lambda: self.decide(False))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.reload()

    def selected(self) -> ChangeRequestRow | None:
        """The selected request with its diff, read fresh from the service."""
        ids = self.list_view.selected_ids()
        if not ids:
            return None
        try:
            rows = change_requests.list_change_requests(read_uow(self.ctx), None)
        except ServiceError as err:
            show_service_error(self, err, "无法读取变更申请")
            return None
        return next((r for r in rows if r.id == ids[0]), None)

    def select(self, record_id: int) -> bool:
        """Select a request by id, showing every status if it is not in the current one."""
        if self.model.row_of_id(record_id) < 0:
            self.list_view.clear_filters()
        self.reload(select_id=record_id)
        selected = self.selected()
        return selected is not None and selected.id == record_id

    def reload(self, select_id: int | None = None) -> None:
        current = self.list_view.selected_ids()
        wanted = select_id if select_id is not None else (current[0] if current else None)
        self.list_view.reload()
        found = wanted is not None and self.list_view.select_id(wanted)
        if not found and self.model.rowCount():
            self.table.selectRow(0)  # show a diff straight away
        self._selection_changed()

    def _selection_changed(self) -> None:
        request = self.selected()
        pending = request is not None and request.status == "pending"
        self.approve_button.setEnabled(pending)
        self.reject_button.setEnabled(pending)
        self.diff_model.set_rows(request.diff if request else [])
        self.diff_label.setText(
            f"变更内容：{request.customer_name}（{request.requester_name} 申请）"
            if request
            else "变更内容：选中一条申请查看"
        )

    def decide(self, approve: bool) -> None:
        request = self.selected()
        if request is None:
            return
        dialog = DecideChangeDialog(self.ctx, request, approve, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted or dialog.stale:
            self.reload(select_id=request.id)
            self.changed.emit()
