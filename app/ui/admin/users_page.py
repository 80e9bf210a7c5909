"""系统设置 → 用户管理: the users list on the shared ListView (search, sort, filters,
export, print, batch 启用/停用/解锁), plus buttons acting on the selected user:
create, edit, reset password, (de)activate, unlock."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.services.admin import users
from app.services.admin.lists import users_source
from app.services.admin.users import UserRow
from app.services.core import clock
from app.services.core.errors import ConflictError, ServiceError
from app.ui.admin.hand_over_dialog import HandOverDialog
from app.ui.admin.user_dialogs import ResetPasswordDialog, UserDialog
from app.ui.common.messages import confirm, show_service_error
from app.ui.context import AppContext
from app.ui.listview import ListView


class UsersPage(QWidget):
    changed = Signal()  # a user was saved: reminders (e.g. locked users) may differ now

    def __init__(self, ctx: AppContext, company: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(6, 6, 6, 0)
        self.add_button = QPushButton("新增")
        self.edit_button = QPushButton("编辑")
        self.reset_button = QPushButton("重置密码")
        self.active_button = QPushButton("停用")
        self.unlock_button = QPushButton("解锁")
        self.refresh_button = QPushButton("刷新")
        for button in (
            self.add_button,
            self.edit_button,
            self.reset_button,
            self.active_button,
            self.unlock_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout.addLayout(buttons)
        self.list_view = ListView(ctx, users_source(), company, self)
        self.model = self.list_view.model
        self.table = self.list_view.table
        layout.addWidget(self.list_view, 1)

        self.add_button.clicked.connect(self.add_user)
        self.edit_button.clicked.connect(self.edit_user)
        self.reset_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)
        self.unlock_button.clicked.connect(self.unlock)
        self.refresh_button.clicked.connect(lambda: self.reload())
        # The model is reset on every reload; the selection model stays the same object.
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.list_view.open_record.connect(lambda _entity, _id: self.edit_user())
        self.list_view.data_changed.connect(self._batch_done)
        self._update_buttons()

    def selected(self) -> UserRow | None:
        """The one selected user, read fresh (with its version) from the service."""
        ids = self.list_view.selected_ids()
        if len(ids) != 1:
            return None
        try:
            rows = users.list_users(self.ctx.write_uow())
        except ServiceError as err:
            show_service_error(self, err, "无法读取用户列表")
            return None
        return next((u for u in rows if u.id == ids[0]), None)

    def reload(self, select_id: int | None = None) -> None:
        ids = self.list_view.selected_ids()
        wanted = select_id if select_id is not None else (ids[0] if len(ids) == 1 else None)
        self.list_view.reload()
        if wanted is not None:
            self.select_user(wanted)
        self._update_buttons()

    def select_user(self, user_id: int) -> bool:
        return self.list_view.select_id(user_id)

    def _update_buttons(self) -> None:
        user = self.selected()
        for button in (self.edit_button, self.reset_button, self.active_button):
            button.setEnabled(user is not None)
        self.active_button.setText("启用" if user is not None and not user.is_active else "停用")
        self.unlock_button.setEnabled(user is not None and user.is_locked(clock.now()))

    def _batch_done(self) -> None:
        self._update_buttons()
        self.changed.emit()

    def _teams(self):
        try:
            return users.list_teams(self.ctx.write_uow())
        except ServiceError as err:
            show_service_error(self, err, "无法读取团队列表")
            return []

    def add_user(self) -> None:
        dialog = UserDialog(self.ctx, self._teams(), None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(select_id=dialog.created_id)
            self.changed.emit()

    def edit_user(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = UserDialog(self.ctx, self._teams(), user, self)
        if dialog.exec() == QDialog.DialogCode.Accepted or dialog.stale:
            self.reload(select_id=user.id)
            self.changed.emit()

    def reset_password(self) -> None:
        user = self.selected()
        if user is not None and ResetPasswordDialog(self.ctx, user, self).exec():
            self.reload(select_id=user.id)
            self.changed.emit()

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        verb = "启用" if not user.is_active else "停用"
        if not confirm(
            self, f"{verb}用户", f"确定要{verb}用户 {user.full_name}（{user.username}）吗？"
        ):
            return
        if user.is_active and not self.hand_over_first(user):
            return
        self._run(
            lambda: users.set_active(
                self.ctx.write_uow(), user.id, user.version, not user.is_active
            ),
            user.id,
        )

    def hand_over_first(self, user: UserRow) -> bool:
        """A rep who still owns customers hands them over before being deactivated."""
        count = users.owned_customer_count(self.ctx.read_uow(), user.id)
        if not count:
            return True
        dialog = HandOverDialog(
            self.ctx, user.id, user.full_name, f"名下还有 {count} 个客户，", self
        )
        return dialog.exec() == QDialog.DialogCode.Accepted

    def unlock(self) -> None:
        user = self.selected()
        if user is not None:
            self._run(lambda: users.unlock(self.ctx.write_uow(), user.id), user.id)

    def _run(self, action, user_id: int) -> None:
        try:
            action()
        except ConflictError as err:
            show_service_error(self, err)
        except ServiceError as err:
            show_service_error(self, err)
            return
        # After a conflict too: the list must show what the other user saved.
        self.reload(select_id=user_id)
        self.changed.emit()
