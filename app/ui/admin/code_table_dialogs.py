"""Dialogs of the code-table editor: an entry (code + name), and a new table."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services.admin import code_table_editing, code_tables
from app.services.admin.code_tables import CodeItemRow
from app.ui.common.form_dialog import FormDialog
from app.ui.context import AppContext


class CodeItemDialog(FormDialog):
    """New entry in a table, or change of an entry's code and name."""

    def __init__(
        self,
        ctx: AppContext,
        table_key: str,
        table_name: str,
        item: CodeItemRow | None = None,
        parent: QWidget | None = None,
    ):
        title = f"修改代码（{table_name}）" if item else f"新增代码（{table_name}）"
        super().__init__(parent, title, ok_text="保存")
        self.ctx, self.table_key, self.item = ctx, table_key, item
        self.saved_id: int | None = None
        self.code = self.add_line("code", "代码：")
        self.name = self.add_line("name", "名称：")
        self.add_hint("代码由字母、数字、下划线、点或减号组成，最长 20 位。")
        if item is not None:
            self.code.setText(item.code)
            self.name.setText(item.name)
            if item.is_system:
                # The system relies on this entry's code; the service refuses a change.
                self.code.setReadOnly(True)
                self.set_intro("这是系统代码：名称可以修改，代码不能修改。")

    def submit(self) -> None:
        if self.item is None:
            self.saved_id = code_table_editing.add_item(
                self.ctx.write_uow(), self.table_key, self.code.text(), self.name.text()
            )
        else:
            code_table_editing.update_item(
                self.ctx.write_uow(),
                self.item.id,
                self.item.version,
                self.code.text(),
                self.name.text(),
            )
            self.saved_id = self.item.id


class CodeTableDialog(FormDialog):
    """A new, user-defined code table (e.g. for a choice-type custom field)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent, "新建代码表", ok_text="创建")
        self.ctx = ctx
        self.created_key: str | None = None
        self.name = self.add_line("name", "代码表名称：")

    def submit(self) -> None:
        table_id = code_table_editing.create_table(self.ctx.write_uow(), self.name.text())
        # The editor selects tables by key; find the key the service generated.
        self.created_key = next(
            t.key for t in code_tables.list_tables(self.ctx.write_uow()) if t.id == table_id
        )
