"""《客户等级分类表》 dialogs: one row's class and remark while the sheet is being filled
(setting or lifting D asks for the reason), and 退回 with a reason."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from app.services.policy import class_sheets
from app.services.policy.class_sheet_lists import SheetDetail, SheetRow
from app.ui.common.form_dialog import FIELD_WIDTH, FormDialog
from app.ui.context import AppContext
from app.ui.customers.fields import multiline

GRADE_TEXT = {
    "A": "A 类（最重要客户）",
    "B": "B 类（次重要客户）",
    "C": "C 类（一般或新增客户）",
    "D": "D 类（信誉有重大问题，须写理由）",
}


class RowDialog(FormDialog):
    def __init__(self, ctx: AppContext, row: SheetRow, parent: QWidget | None = None):
        super().__init__(parent, "修改分类", "保存")
        self.ctx, self.row = ctx, row
        self.set_intro(
            f"客户：{row.customer}（{row.number}）\n原类别：{row.current or '未分类'}　"
            f"近三年销售额：{row.total_3y:,.2f} 元\n分类依据：{row.basis}"
        )
        self.grade = QComboBox()
        for code, text in GRADE_TEXT.items():
            self.grade.addItem(text, code)
        self.grade.setCurrentIndex(self.grade.findData(row.proposed))
        self.add_field("proposed_class", "评定类别 *", self.grade)
        self.remark = self.add_line("remark", "备注")
        self.remark.setText(row.remark)
        self.reason = self.add_field("reason", "D 类理由", multiline(60))
        self.reason.setPlainText(row.d_reason)
        self.reason.setMinimumWidth(FIELD_WIDTH + 80)
        self.add_hint("定为 D 类或撤销 D 类是人的决定，须填写理由。")

    def submit(self) -> None:
        class_sheets.update_row(
            self.ctx.write_uow(), self.row.id, self.row.version, self.grade.currentData(),
            self.remark.text(), self.reason.toPlainText(),
        )  # fmt: skip


class ReturnDialog(FormDialog):
    def __init__(self, ctx: AppContext, sheet: SheetDetail, parent: QWidget | None = None):
        super().__init__(parent, "退回分类表", "退回")
        self.ctx, self.sheet = ctx, sheet
        self.set_intro(
            f"《客户等级分类表》{sheet.title}（{sheet.status_label}）退回填写人重新填写。"
        )
        self.reason = self.add_field("reason", "退回理由 *", multiline(80))
        self.reason.setMinimumWidth(FIELD_WIDTH + 80)

    def submit(self) -> None:
        class_sheets.return_sheet(
            self.ctx.write_uow(), self.sheet.id, self.sheet.version, self.reason.toPlainText()
        )
