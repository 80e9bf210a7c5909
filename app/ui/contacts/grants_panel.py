"""查阅授权: the requests the service lets this user see (a rep: own requests; the
chairman and admin: all), their status, and — for the chairman — 批准 / 驳回.
Below, the log of views made under a grant (only for those the service shows it to)."""

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

from app.models import Role
from app.services import grants
from app.services.approval_lists import grants_source
from app.services.errors import PermissionDenied, ServiceError
from app.services.grants import GrantRow
from app.ui.admin_table import admin_table
from app.ui.contacts.approval_dialogs import DecideGrantDialog
from app.ui.contacts.approval_models import ViewModel
from app.ui.context import AppContext
from app.ui.listview import ListView
from app.ui.listview.uow import read_uow
from app.ui.messages import show_service_error


class GrantsPanel(QWidget):
    changed = Signal()  # a decision was made: reminders may differ now

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        # Only the chairman decides (the service enforces it; this just hides the buttons).
        self.can_decide = ctx.actor.role == Role.CHAIRMAN
        self.approve_button = QPushButton("批准…")
        self.reject_button = QPushButton("驳回…")
        self.refresh_button = QPushButton("刷新")
        bar = QHBoxLayout()
        bar.addStretch(1)
        for b in (self.approve_button, self.reject_button):
            b.setVisible(self.can_decide)
            bar.addWidget(b)
        bar.addWidget(self.refresh_button)

        # The queue is a shared list view (search, filters, export, print); the chairman
        # starts on the pending requests.
        self.list_view = ListView(ctx, grants_source(ctx.actor))
        if self.can_decide:
            self.list_view.set_filter("status", ("pending",))
        self.model = self.list_view.model
        self.table = self.list_view.table
        self.views_model = ViewModel(self)
        self.views_table = admin_table(self.views_model, (125, 80, 240))
        self.views_label = QLabel("授权查阅记录（选中申请时只显示该授权下的查阅）")
        views = QWidget()
        views_layout = QVBoxLayout(views)
        views_layout.setContentsMargins(0, 0, 0, 0)
        views_layout.addWidget(self.views_label)
        views_layout.addWidget(self.views_table)
        self.views_box = views
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list_view)
        splitter.addWidget(views)
        splitter.setSizes([320, 160])

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self.refresh_button.clicked.connect(lambda: self.reload())
        self.approve_button.clicked.connect(lambda: self.decide(True))
        self.reject_button.clicked.connect(lambda: self.decide(False))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.reload()

    def selected(self) -> GrantRow | None:
        """The selected request, read fresh from the service (its own scope and wording)."""
        ids = self.list_view.selected_ids()
        if not ids:
            return None
        try:
            rows = grants.list_grants(read_uow(self.ctx))
        except ServiceError as err:
            show_service_error(self, err, "无法读取查阅授权")
            return None
        return next((g for g in rows if g.id == ids[0]), None)

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
        if wanted is not None:
            self.list_view.select_id(wanted)
        self._selection_changed()

    def _selection_changed(self) -> None:
        grant = self.selected()
        pending = grant is not None and grant.status == "pending"
        self.approve_button.setEnabled(pending)
        self.reject_button.setEnabled(pending)
        self._load_views(grant)

    def _load_views(self, grant: GrantRow | None) -> None:
        try:
            views = grants.list_views(read_uow(self.ctx), grant.id if grant else None)
        except PermissionDenied:
            # Not everyone may see who looked at what: the service says who.
            self.views_box.setVisible(False)
            return
        except ServiceError as err:
            show_service_error(self, err, "无法读取查阅记录")
            return
        self.views_box.setVisible(True)
        self.views_model.set_rows(views)

    def decide(self, approve: bool) -> None:
        grant = self.selected()
        if grant is None:
            return
        dialog = DecideGrantDialog(self.ctx, grant, approve, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(select_id=grant.id)
            self.changed.emit()
