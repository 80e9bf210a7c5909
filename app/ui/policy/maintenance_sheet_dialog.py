"""《客户维护表》 of one customer: its delivered products' after-sales contacts and the
市场部经理's spot checks, with 填写客户反馈, 记录抽查 (managers only), print, PDF and Excel.

The service decides who sees and writes what (app.services.policy.maintenance_sheet);
the buttons only follow the flags it returns."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.core.errors import ServiceError
from app.services.policy import maintenance_export, maintenance_sheet
from app.services.policy.maintenance_sheet import ContactRow, MaintenanceSheet, SpotCheckForm
from app.ui.common import file_dialogs
from app.ui.common.dialog_fit import FittedDialog
from app.ui.common.form_dialog import FIELD_WIDTH, FormDialog
from app.ui.common.messages import show_service_error
from app.ui.common.style import HINT_COLOR
from app.ui.context import AppContext
from app.ui.forms import paper_form
from app.ui.policy.maintenance_form import sheet_form

CONTACT_HEADERS = ("产品", "交付日期", "回访节点", "应回访", "状态", "完成日期", "回访人",
                   "回访内容", "客户反馈")  # fmt: skip
CHECK_HEADERS = ("抽查时间", "抽查人", "结论", "抽查意见")


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _table(headers) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            table.setItem(r, c, item)


class FeedbackDialog(FormDialog):
    """客户反馈 on one after-sales contact."""

    def __init__(self, ctx: AppContext, row: ContactRow, parent: QWidget | None = None):
        super().__init__(parent, "填写客户反馈", ok_text="保存")
        self.ctx, self.row = ctx, row
        self.set_intro(
            f"{row.product}（{_day(row.delivered_on)} 交付）· {row.step}，应于 {_day(row.due_date)}"
            + (f"\n回访内容：{row.what}" if row.what else "")
        )
        self.feedback = QPlainTextEdit(row.feedback)
        self.feedback.setMinimumWidth(FIELD_WIDTH + 80)
        self.feedback.setFixedHeight(110)
        self.add_field("feedback", "客户反馈：", self.feedback)

    def submit(self) -> None:
        maintenance_sheet.record_feedback(
            self.ctx.write_uow(), self.row.id, self.row.version, self.feedback.toPlainText()
        )


class SpotCheckDialog(FormDialog):
    """抽查: 合格 / 不合格 and a remark (required for 不合格)."""

    def __init__(self, ctx: AppContext, sheet: MaintenanceSheet, parent: QWidget | None = None):
        super().__init__(parent, "抽查客户维护表", ok_text="记录抽查")
        self.ctx, self.sheet = ctx, sheet
        self.set_intro(f"客户：{sheet.customer_name}（{sheet.customer_number}）")
        box = QWidget()
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        self.passed, self.failed = QRadioButton("合格"), QRadioButton("不合格")
        self.verdicts = QButtonGroup(self)
        for button in (self.passed, self.failed):
            self.verdicts.addButton(button)
            line.addWidget(button)
        line.addStretch(1)
        self.add_field("verdict", "结论：", box)
        self.remark = QPlainTextEdit()
        self.remark.setMinimumWidth(FIELD_WIDTH + 80)
        self.remark.setFixedHeight(80)
        self.add_field("remark", "抽查意见：", self.remark)
        self.add_hint("结论为不合格时须填写抽查意见。")

    def submit(self) -> None:
        verdict = "pass" if self.passed.isChecked() else "fail" if self.failed.isChecked() else ""
        maintenance_sheet.record_spot_check(
            self.ctx.write_uow(),
            self.sheet.customer_id,
            SpotCheckForm(verdict, self.remark.toPlainText()),
        )


class MaintenanceSheetDialog(FittedDialog):
    def __init__(self, ctx: AppContext, customer_id: int, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx, self.customer_id, self.company = ctx, customer_id, company
        self.setWindowTitle("客户维护表")
        self.resize(1100, 620)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.contacts = _table(CONTACT_HEADERS)
        for col, width in enumerate((120, 85, 95, 85, 55, 85, 60, 220)):
            self.contacts.setColumnWidth(col, width)
        self.contacts.itemSelectionChanged.connect(self._update_buttons)
        self.contacts.doubleClicked.connect(lambda _i: self.write_feedback())
        self.checks = _table(CHECK_HEADERS)
        for col, width in enumerate((130, 80, 60)):
            self.checks.setColumnWidth(col, width)
        self.checks.setMaximumHeight(150)
        hint = QLabel("产品送达 1 周、1 月、1 季度、1 年各回访一次：跟进记录自动完成到期的回访；"
                      "客户反馈在此填写。市场部经理不定期抽查。")  # fmt: skip
        hint.setStyleSheet(f"color:{HINT_COLOR}")
        hint.setWordWrap(True)
        self.feedback_button = QPushButton("填写客户反馈…")
        self.feedback_button.clicked.connect(self.write_feedback)
        self.check_button = QPushButton("记录抽查…")
        self.check_button.clicked.connect(self.spot_check)
        self.preview_button = QPushButton("打印预览…")
        self.preview_button.clicked.connect(self.print_preview)
        self.pdf_button = QPushButton("另存为 PDF…")
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.excel_button = QPushButton("导出 Excel…")
        self.excel_button.clicked.connect(lambda: self.export_excel())
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for b in (self.feedback_button, self.check_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (self.preview_button, self.pdf_button, self.excel_button, close):
            buttons.addWidget(b)
        column = QVBoxLayout(self)
        column.addWidget(self.header)
        column.addWidget(QLabel("售后服务回访"))
        column.addWidget(self.contacts, 1)
        column.addWidget(QLabel("市场部经理抽查"))
        column.addWidget(self.checks)
        column.addWidget(hint)
        column.addLayout(buttons)
        self.sheet: MaintenanceSheet | None = None

    def load(self) -> bool:
        """Read the form; False (with the service's message) when it may not be shown."""
        try:
            self.sheet = maintenance_sheet.maintenance_sheet(self.ctx.read_uow(), self.customer_id)
        except ServiceError as err:
            show_service_error(self, err, "无法打开客户维护表")
            return False
        s = self.sheet
        self.setWindowTitle(f"客户维护表 — {s.customer_name}")
        self.header.setText(
            f"<b>{s.customer_name}</b>（{s.customer_number}）　类别：{s.grade or '未分类'}　"
            f"负责人：{s.owner_name}　联系人：{s.principal or '—'}　电话：{s.phone or '—'}"
        )
        _fill(self.contacts, [
            (c.product, _day(c.delivered_on), c.step, _day(c.due_date), c.status,
             _day(c.done_at), c.done_by, c.what, c.feedback) for c in s.contacts
        ])  # fmt: skip
        _fill(self.checks, [
            (k.checked_at.strftime("%Y-%m-%d %H:%M"), k.checked_by, k.verdict, k.remark)
            for k in s.checks
        ])  # fmt: skip
        self.check_button.setVisible(s.may_check)
        self.feedback_button.setVisible(s.may_edit)
        self._update_buttons()
        return True

    def _update_buttons(self) -> None:
        self.feedback_button.setEnabled(self.selected_contact() is not None)

    def selected_contact(self) -> ContactRow | None:
        rows = self.contacts.selectionModel().selectedRows()
        if not rows or self.sheet is None:
            return None
        return self.sheet.contacts[rows[0].row()]

    def select_contact(self, index: int) -> None:
        self.contacts.selectRow(index)

    # --- actions ------------------------------------------------------------------

    def write_feedback(self) -> bool:
        row = self.selected_contact()
        if row is None or self.sheet is None or not self.sheet.may_edit:
            return False
        return self._run(FeedbackDialog(self.ctx, row, self))

    def spot_check(self) -> bool:
        if self.sheet is None or not self.sheet.may_check:
            return False
        return self._run(SpotCheckDialog(self.ctx, self.sheet, self))

    def _run(self, dialog) -> bool:
        selected = self.contacts.currentRow()
        accepted = dialog.exec() == dialog.DialogCode.Accepted
        if accepted or dialog.stale:
            self.load()
            if selected >= 0:
                self.select_contact(selected)
        return accepted

    def form(self):
        return sheet_form(self.sheet, self.company)

    def print_preview(self) -> None:
        if self.sheet is not None:
            paper_form.make_preview(self, self.form()).exec()

    def save_pdf(self, path: str | None = None) -> str | None:
        if self.sheet is None:
            return None
        if path is None:
            return paper_form.ask_save_pdf(self, self.form())
        paper_form.save_pdf(path, self.form())
        return path

    def export_excel(self, path: str | None = None) -> str | None:
        if self.sheet is None:
            return None
        if path is None:
            path = file_dialogs.save_file(
                self, file_dialogs.EXPORT, "导出 Excel",
                f"客户维护表-{self.sheet.customer_name}.xlsx", "Excel 文件 (*.xlsx)",
            )  # fmt: skip
            if not path:
                return None
            if not path.lower().endswith(".xlsx"):
                path += ".xlsx"
        try:
            maintenance_export.export_sheet(self.sheet, path)
        except ServiceError as err:
            show_service_error(self, err, "导出失败")
            return None
        return path
