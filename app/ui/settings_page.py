"""系统设置: tabs for users, teams, and security/company settings."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from app.ui.context import AppContext
from app.ui.security_page import SecurityPage
from app.ui.teams_page import TeamsPage
from app.ui.users_page import UsersPage


class SettingsPage(QTabWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.users_page = UsersPage(ctx)
        self.teams_page = TeamsPage(ctx)
        self.security_page = SecurityPage(ctx)
        self.addTab(self.users_page, "用户管理")
        self.addTab(self.teams_page, "团队")
        self.addTab(self.security_page, "安全与公司")
        self.teams_page.teams_changed.connect(self.users_page.reload)

    def show_user(self, user_id: int) -> bool:
        self.setCurrentWidget(self.users_page)
        self.users_page.reload()
        return self.users_page.select_user(user_id)
