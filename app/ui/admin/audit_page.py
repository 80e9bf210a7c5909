"""系统设置 → 操作日志: the audit log on the shared list view (read only)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.services.admin.lists import audit_source
from app.ui.context import AppContext
from app.ui.listview import ListView


class AuditLogPage(QWidget):
    def __init__(self, ctx: AppContext, company: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.list_view = ListView(ctx, audit_source(), company, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list_view)

    def reload(self) -> None:
        # Entries are written by every save; re-read whenever the tab is shown.
        self.list_view.reload()
