"""系统设置: tabs for users, teams, code tables, custom fields, the audit log, and
security/company settings."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from app.services.admin import auth
from app.services.core.errors import ServiceError
from app.ui.admin.audit_page import AuditLogPage
from app.ui.admin.code_tables_page import CodeTablesPage
from app.ui.admin.extra_fields_page import ExtraFieldsPage
from app.ui.admin.scroll import scrollable
from app.ui.admin.security_page import SecurityPage
from app.ui.admin.teams_page import TeamsPage
from app.ui.admin.users_page import UsersPage
from app.ui.context import AppContext


class SettingsPage(QTabWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        try:
            company = auth.company_name(ctx.write_uow())  # printed in list headers
        except ServiceError:
            company = ""
        self.users_page = UsersPage(ctx, company)
        self.teams_page = TeamsPage(ctx)
        self.code_tables_page = CodeTablesPage(ctx, company)
        self.extra_fields_page = ExtraFieldsPage(ctx, company)
        self.audit_page = AuditLogPage(ctx, company)
        self.security_page = SecurityPage(ctx)
        self.addTab(self.users_page, "用户管理")
        self.addTab(self.teams_page, "团队")
        self.addTab(self.code_tables_page, "代码表")
        self.addTab(self.extra_fields_page, "自定义字段")
        self.addTab(self.audit_page, "操作日志")
        # The settings form grows with every policy setting: let it scroll, not stretch
        # the main window taller than the screen.
        self._security_tab = scrollable(self.security_page)
        self.addTab(self._security_tab, "公司与规则")
        self.teams_page.teams_changed.connect(self.users_page.reload)
        # A new code table can be chosen for a choice-type custom field.
        self.code_tables_page.changed.connect(self.extra_fields_page.reload)
        self.currentChanged.connect(self._tab_shown)

    def setCurrentWidget(self, widget: QWidget) -> None:  # noqa: N802
        # Callers name the page; the tab may be its scroll area.
        super().setCurrentWidget(self._security_tab if widget is self.security_page else widget)

    def _tab_shown(self, _index: int) -> None:
        if self.currentWidget() is self.audit_page:
            self.audit_page.reload()

    def show_user(self, user_id: int) -> bool:
        self.setCurrentWidget(self.users_page)
        self.users_page.reload()
        return self.users_page.select_user(user_id)
