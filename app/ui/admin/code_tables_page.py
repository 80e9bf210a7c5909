"""系统设置 → 代码表: the tables on the left, the chosen table's entries on the right.

The entries are a ListView over code_items_source(table) (search, sort, export, print
like every list); the buttons act on the selected entry through app.services.admin.code_tables,
which decides everything (system codes keep their code, an entry in use cannot be
deleted — its message is shown as is).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services.admin import code_table_editing, code_tables
from app.services.admin.code_table_lists import code_items_source
from app.services.admin.code_tables import CodeItemRow, CodeTableRow
from app.services.core.errors import ServiceError
from app.ui.admin.code_table_dialogs import CodeItemDialog, CodeTableDialog
from app.ui.admin.scroll import scrollable
from app.ui.common.messages import confirm, show_service_error
from app.ui.context import AppContext
from app.ui.listview import ListView

TABLE_ROLE = Qt.ItemDataRole.UserRole


class CodeTablesPage(QWidget):
    changed = Signal()  # an entry or table changed: forms' drop-downs may differ now

    def __init__(self, ctx: AppContext, company: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.company = ctx, company
        self.list_view: ListView | None = None
        self._shown_key: str | None = None

        self.tables = QListWidget()
        self.tables.setMinimumWidth(170)
        self.new_table_button = QPushButton("新建代码表")
        self.delete_table_button = QPushButton("删除代码表")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("代码表"))
        left_layout.addWidget(self.tables, 1)
        table_buttons = QHBoxLayout()
        table_buttons.addWidget(self.new_table_button)
        table_buttons.addWidget(self.delete_table_button)
        left_layout.addLayout(table_buttons)

        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.add_button = QPushButton("新增")
        self.edit_button = QPushButton("修改")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        self.active_button = QPushButton("停用")
        self.delete_button = QPushButton("删除")
        buttons = QHBoxLayout()
        buttons.addWidget(self.title)
        buttons.addStretch(1)
        for b in (
            self.add_button,
            self.edit_button,
            self.up_button,
            self.down_button,
            self.active_button,
            self.delete_button,
        ):
            buttons.addWidget(b)
        right = QWidget()
        self.right_layout = QVBoxLayout(right)
        self.right_layout.setContentsMargins(0, 0, 0, 0)
        self.right_layout.addLayout(buttons)
        self.hint = QLabel(
            "停用的代码在旧记录上照常显示，但新记录不能再选；正被使用的代码不能删除。"
        )
        self.hint.setStyleSheet("color:#6b6b6b")
        self.right_layout.addWidget(self.hint)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([190, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(scrollable(splitter))  # two panes side by side: scroll when narrow

        self.tables.currentItemChanged.connect(lambda *_: self._show_table())
        self.new_table_button.clicked.connect(self.new_table)
        self.delete_table_button.clicked.connect(self.delete_table)
        self.add_button.clicked.connect(self.add_item)
        self.edit_button.clicked.connect(self.edit_item)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.active_button.clicked.connect(self.toggle_active)
        self.delete_button.clicked.connect(self.delete_item)
        self.reload_tables()

    # --- tables ---------------------------------------------------------------

    def current_table(self) -> CodeTableRow | None:
        item = self.tables.currentItem()
        return item.data(TABLE_ROLE) if item is not None else None

    def reload_tables(self, select_key: str | None = None) -> None:
        current = self.current_table()
        wanted = select_key or (current.key if current else None)
        try:
            rows = code_tables.list_tables(self.ctx.read_uow())
        except ServiceError as err:
            show_service_error(self, err, "无法读取代码表")
            return
        self.tables.blockSignals(True)
        self.tables.clear()
        for t in rows:
            item = QListWidgetItem(f"{t.name}（{t.item_count}）")
            item.setData(TABLE_ROLE, t)
            item.setToolTip("系统代码表" if t.is_system else "自定义代码表，可删除（须先清空）")
            self.tables.addItem(item)
        self.tables.blockSignals(False)
        index = next((i for i, t in enumerate(rows) if t.key == wanted), 0 if rows else -1)
        self.tables.setCurrentRow(index)
        self._show_table()

    def select_table(self, key: str) -> bool:
        for i in range(self.tables.count()):
            if self.tables.item(i).data(TABLE_ROLE).key == key:
                self.tables.setCurrentRow(i)
                return True
        return False

    def _show_table(self) -> None:
        table = self.current_table()
        key = table.key if table is not None else None
        if key != self._shown_key:
            # A list view is bound to one source; each table gets its own.
            self._drop_list()
            self._shown_key = key
            self.title.setText(table.name if table is not None else "")
            if table is not None:
                source = code_items_source(table.key, table.name)
                self.list_view = ListView(self.ctx, source, self.company)
                self.list_view.table.selectionModel().selectionChanged.connect(
                    lambda *_: self._update_buttons()
                )
                self.list_view.table.doubleClicked.connect(lambda *_: self.edit_item())
                self.right_layout.addWidget(self.list_view, 1)
        self.delete_table_button.setEnabled(table is not None and not table.is_system)
        self._update_buttons()

    def new_table(self) -> None:
        dialog = CodeTableDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload_tables(select_key=dialog.created_key)
            self.changed.emit()

    def delete_table(self) -> None:
        table = self.current_table()
        if table is None or not confirm(self, "删除代码表", f"确定要删除代码表“{table.name}”吗？"):
            return
        try:
            code_table_editing.delete_table(self.ctx.write_uow(), table.key)
        except ServiceError as err:
            show_service_error(self, err, "不能删除")
            return
        self.reload_tables()
        self.changed.emit()

    def _drop_list(self) -> None:
        if self.list_view is not None:
            self.list_view.setParent(None)
            self.list_view.deleteLater()
            self.list_view = None

    # --- entries --------------------------------------------------------------

    def selected(self) -> CodeItemRow | None:
        table = self.current_table()
        if self.list_view is None or table is None:
            return None
        ids = self.list_view.selected_ids()
        if not ids:
            return None
        try:
            rows = code_tables.list_items(self.ctx.read_uow(), table.key)
        except ServiceError as err:
            show_service_error(self, err, "无法读取代码")
            return None
        return next((r for r in rows if r.id == ids[0]), None)

    def _update_buttons(self) -> None:
        has_table = self.current_table() is not None
        has = bool(self.list_view and self.list_view.selected_ids())
        self.add_button.setEnabled(has_table)
        for b in (self.edit_button, self.up_button, self.down_button, self.active_button):
            b.setEnabled(has)
        self.delete_button.setEnabled(has)
        item = self.selected() if has else None
        self.active_button.setText("启用" if item is not None and not item.is_active else "停用")

    def _refresh(self, select_id: int | None) -> None:
        """After a change: item counts on the left, the entries, the selection."""
        self.reload_tables()
        if self.list_view is not None:
            self.list_view.reload()
            if select_id is not None:
                self.list_view.select_id(select_id)
        self._update_buttons()
        self.changed.emit()

    def add_item(self) -> None:
        table = self.current_table()
        if table is None:
            return
        dialog = CodeItemDialog(self.ctx, table.key, table.name, None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._refresh(dialog.saved_id)

    def edit_item(self) -> None:
        table, item = self.current_table(), self.selected()
        if table is None or item is None:
            return
        dialog = CodeItemDialog(self.ctx, table.key, table.name, item, self)
        if dialog.exec() == QDialog.DialogCode.Accepted or dialog.stale:
            self._refresh(item.id)

    def move(self, delta: int) -> None:
        item = self.selected()
        if item is not None:
            self._run(
                lambda: code_table_editing.move_item(self.ctx.write_uow(), item.id, delta), item.id
            )

    def toggle_active(self) -> None:
        item = self.selected()
        if item is None:
            return
        self._run(
            lambda: code_table_editing.set_item_active(
                self.ctx.write_uow(), item.id, item.version, not item.is_active
            ),
            item.id,
        )

    def delete_item(self) -> None:
        item = self.selected()
        if item is None or not confirm(self, "删除代码", f"确定要删除代码“{item.name}”吗？"):
            return
        self._run(
            lambda: code_table_editing.delete_item(self.ctx.write_uow(), item.id), None, "不能删除"
        )

    def _run(self, action, select_id: int | None, title: str = "操作失败") -> None:
        try:
            action()
        except ServiceError as err:
            show_service_error(self, err, title)
        self._refresh(select_id)
