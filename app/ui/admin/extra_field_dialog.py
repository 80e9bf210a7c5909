"""New or edited custom field (自定义字段). The type (and its code table) is chosen once:
stored values depend on it, so the service never changes it afterwards."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QSpinBox, QWidget

from app.services.admin import code_tables, extra_fields
from app.services.admin.extra_fields import TYPES, ExtraFieldRow
from app.ui.common.form_dialog import FormDialog
from app.ui.common.pinyin_combo import PinyinCombo
from app.ui.context import AppContext


class ExtraFieldDialog(FormDialog):
    def __init__(
        self, ctx: AppContext, field: ExtraFieldRow | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent, "修改自定义字段" if field else "新增自定义字段", ok_text="保存")
        self.ctx, self.field = ctx, field
        self.saved_id: int | None = None
        self.label = self.add_line("label", "字段名称：")
        # Drop-downs offer pinyin type-ahead like every other in the app (2.3 item 7).
        self.type_combo = PinyinCombo(allow_none=False)
        self.type_combo.set_items(list(TYPES.items()), "text")
        self.add_field("field_type", "类型：", self.type_combo)
        self.table_combo = PinyinCombo()
        self.table_combo.set_items(
            [(t.key, t.name) for t in code_tables.list_tables(ctx.write_uow())]
        )
        self.add_field("code_table_key", "代码表：", self.table_combo)
        self.required = QCheckBox("客户登记时必须填写")
        self.add_field("required", "必填：", self.required)
        self.sort_order = QSpinBox()
        self.sort_order.setRange(0, 100000)
        self.sort_order.setSingleStep(10)
        if field is None:
            self.add_hint("字段创建后类型不能修改；“代码表选项”类型从所选代码表中选择。")
            self.type_combo.currentIndexChanged.connect(self._type_changed)
            self._type_changed()
        else:
            self.add_field("sort_order", "排序：", self.sort_order)
            self.label.setText(field.label)
            self.type_combo.setCurrentIndex(self.type_combo.findData(field.field_type))
            self.table_combo.setCurrentIndex(
                max(0, self.table_combo.findData(field.code_table_key))
            )
            self.type_combo.setEnabled(False)
            self.table_combo.setEnabled(False)
            self.required.setChecked(field.required)
            self.sort_order.setValue(field.sort_order)

    def _type_changed(self) -> None:
        self.table_combo.setEnabled(self.type_combo.current_id() == "choice")

    def submit(self) -> None:
        if self.field is None:
            choice = self.type_combo.current_id() == "choice"
            self.saved_id = extra_fields.create_def(
                self.ctx.write_uow(),
                self.label.text(),
                self.type_combo.current_id(),
                code_table_key=self.table_combo.current_id() if choice else None,
                required=self.required.isChecked(),
            )
        else:
            extra_fields.update_def(
                self.ctx.write_uow(),
                self.field.id,
                self.field.version,
                label=self.label.text(),
                required=self.required.isChecked(),
                sort_order=self.sort_order.value(),
            )
            self.saved_id = self.field.id
