"""系统设置 → 团队: list teams; create, rename, delete."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.services.admin import users
from app.services.admin.lists import teams_source
from app.services.admin.users import TeamRow
from app.services.core.errors import ServiceError
from app.ui.admin.user_dialogs import TeamNameDialog
from app.ui.common.messages import confirm, show_service_error
from app.ui.context import AppContext
from app.ui.listview import ListView


class TeamsPage(QWidget):
    teams_changed = Signal()  # the users list shows team names

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("新增")
        self.rename_button = QPushButton("重命名")
        self.delete_button = QPushButton("删除")
        self.refresh_button = QPushButton("刷新")
        for button in (self.add_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout.addLayout(buttons)
        self.list_view = ListView(ctx, teams_source())
        self.model = self.list_view.model
        self.table = self.list_view.table
        layout.addWidget(self.list_view, 1)

        self.add_button.clicked.connect(self.add_team)
        self.rename_button.clicked.connect(self.rename_team)
        self.delete_button.clicked.connect(self.delete_team)
        self.refresh_button.clicked.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reload()

    def selected(self) -> TeamRow | None:
        """The selected team, read fresh so its version is current."""
        ids = self.list_view.selected_ids()
        if not ids:
            return None
        try:
            return next((t for t in users.list_teams(self.ctx.write_uow()) if t.id == ids[0]), None)
        except ServiceError as err:
            show_service_error(self, err, "无法读取团队")
            return None

    def reload(self) -> None:
        self.list_view.reload()
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        self.rename_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def _changed(self) -> None:
        self.reload()
        self.teams_changed.emit()

    def add_team(self) -> None:
        if TeamNameDialog(self.ctx, None, self).exec() == QDialog.DialogCode.Accepted:
            self._changed()

    def rename_team(self) -> None:
        team = self.selected()
        if team is None:
            return
        dialog = TeamNameDialog(self.ctx, team, self)
        if dialog.exec() == QDialog.DialogCode.Accepted or dialog.stale:
            self._changed()

    def delete_team(self) -> None:
        team = self.selected()
        if team is None or not confirm(self, "删除团队", f"确定要删除团队“{team.name}”吗？"):
            return
        try:
            users.delete_team(self.ctx.write_uow(), team.id, team.version)
        except ServiceError as err:
            show_service_error(self, err)
        self._changed()
