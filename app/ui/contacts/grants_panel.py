"""查阅授权: the requests the service lets this user see (a rep: own requests; the
chairman and admin: all), their status, and — for the chairman — 批准 / 驳回.
Below, the log of views made under a grant (only for those the service shows it to)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.models import Role
from app.services.core.errors import PermissionDenied, ServiceError
from app.services.customers import grants
from app.services.customers.approval_lists import grants_source
from app.services.customers.grants import GrantRow
from app.ui.admin.admin_table import admin_table
from app.ui.common.messages import show_service_error
from app.ui.contacts.approval_dialogs import DecideGrantDialog
from app.ui.contacts.approval_models import ViewModel
from app.ui.contacts.approval_queue import ApprovalQueue
from app.ui.context import AppContext


class GrantsPanel(ApprovalQueue):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        self.views_model = ViewModel()
        self.views_table = admin_table(self.views_model, (125, 80, 240))
        self.views_label = QLabel("授权查阅记录（选中申请时只显示该授权下的查阅）")
        views = QWidget()
        views_layout = QVBoxLayout(views)
        views_layout.setContentsMargins(0, 0, 0, 0)
        views_layout.addWidget(self.views_label)
        views_layout.addWidget(self.views_table)
        self.views_box = views
        # Only the chairman decides (the service enforces it).
        can_decide = ctx.actor.role == Role.CHAIRMAN
        super().__init__(ctx, grants_source(ctx.actor), can_decide, views, parent)
        self.reload()

    def read(self, request_id: int) -> GrantRow | None:
        try:
            rows = grants.list_grants(self.ctx.read_uow())
        except ServiceError as err:
            show_service_error(self, err, "无法读取查阅授权")
            return None
        return next((g for g in rows if g.id == request_id), None)

    def show_detail(self, grant: GrantRow | None) -> None:
        try:
            views = grants.list_views(self.ctx.read_uow(), grant.id if grant else None)
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
