"""系统设置 → 自定义字段: the admin defines extra customer fields (text, number, date, or
a choice from a code table). They appear in the customer form, list, filters and export;
this page only edits the definitions through app.services.admin.extra_fields."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.admin import extra_fields
from app.services.admin.extra_field_lists import extra_fields_source
from app.services.admin.extra_fields import ExtraFieldRow
from app.services.core.errors import ServiceError
from app.ui.admin.extra_field_dialog import ExtraFieldDialog
from app.ui.common.messages import confirm, show_service_error
from app.ui.context import AppContext
from app.ui.listview import ListView


class ExtraFieldsPage(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, company: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.add_button = QPushButton("新增")
        self.edit_button = QPushButton("修改")
        self.active_button = QPushButton("停用")
        self.delete_button = QPushButton("删除")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(6, 6, 6, 0)
        for b in (self.add_button, self.edit_button, self.active_button, self.delete_button):
            buttons.addWidget(b)
        hint = QLabel("已有客户填写过的字段不能删除，可以停用：停用后旧值保留，表单不再显示。")
        hint.setStyleSheet("color:#6b6b6b")
        hint.setWordWrap(True)
        hint.setContentsMargins(6, 0, 6, 0)
        buttons.addStretch(1)
        self.list_view = ListView(ctx, extra_fields_source(), company, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(hint)
        layout.addWidget(self.list_view, 1)

        self.add_button.clicked.connect(self.add_field)
        self.edit_button.clicked.connect(self.edit_field)
        self.active_button.clicked.connect(self.toggle_active)
        self.delete_button.clicked.connect(self.delete_field)
        self.list_view.table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons()
        )
        self.list_view.table.doubleClicked.connect(lambda *_: self.edit_field())
        self._update_buttons()

    def selected(self) -> ExtraFieldRow | None:
        ids = self.list_view.selected_ids()
        if len(ids) != 1:
            return None
        try:
            defs = extra_fields.list_defs(self.ctx.read_uow())
        except ServiceError as err:
            show_service_error(self, err, "无法读取自定义字段")
            return None
        return next((d for d in defs if d.id == ids[0]), None)

    def _update_buttons(self) -> None:
        field = self.selected()
        for b in (self.edit_button, self.active_button, self.delete_button):
            b.setEnabled(field is not None)
        self.active_button.setText("启用" if field is not None and not field.is_active else "停用")

    def reload(self, select_id: int | None = None) -> None:
        self.list_view.reload()
        if select_id is not None:
            self.list_view.select_id(select_id)
        self._update_buttons()

    def add_field(self) -> None:
        try:
            dialog = ExtraFieldDialog(self.ctx, None, self)
        except ServiceError as err:  # the code tables could not be read
            show_service_error(self, err)
            return
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(dialog.saved_id)
            self.changed.emit()

    def edit_field(self) -> None:
        field = self.selected()
        if field is None:
            return
        dialog = ExtraFieldDialog(self.ctx, field, self)
        if dialog.exec() == QDialog.DialogCode.Accepted or dialog.stale:
            self.reload(field.id)
            self.changed.emit()

    def toggle_active(self) -> None:
        field = self.selected()
        if field is not None:
            self._run(
                lambda: extra_fields.update_def(
                    self.ctx.write_uow(), field.id, field.version, is_active=not field.is_active
                ),
                field.id,
            )

    def delete_field(self) -> None:
        field = self.selected()
        if field is None or not confirm(self, "删除字段", f"确定要删除字段“{field.label}”吗？"):
            return
        self._run(lambda: extra_fields.delete_def(self.ctx.write_uow(), field.id), None, "不能删除")

    def _run(self, action, select_id: int | None, title: str = "操作失败") -> None:
        try:
            action()
        except ServiceError as err:
            show_service_error(self, err, title)
        self.reload(select_id)
        self.changed.emit()
