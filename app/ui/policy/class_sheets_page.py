"""《客户等级分类表》 (暂行办法 一.3, 附表二): the sheets in the shared list; the selected
sheet below it — where it stands, its rows (the shared list again) and the step buttons:
修改分类… and 重新计算 while 填写中 (the filler), 提交, 审核通过 (a manager), 复核通过 (the 结算经理),
退回…, 打印 and 导出Excel. Which buttons are enabled comes from the service's detail;
the services check every step again."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services.core.errors import ServiceError
from app.services.lists.spec import ListQuery
from app.services.policy import class_sheets
from app.services.policy.class_sheet_lists import (
    SheetDetail,
    class_sheet_rows_source,
    class_sheets_source,
    sheet_detail,
    sheet_rows,
)
from app.ui.common.flow_layout import flow_bar
from app.ui.common.messages import confirm, show_service_error
from app.ui.common.style import HINT_COLOR
from app.ui.context import AppContext
from app.ui.forms.paper_form import PaperForm, make_preview
from app.ui.listview import ListView
from app.ui.policy.class_sheet_dialogs import ReturnDialog, RowDialog
from app.ui.policy.class_sheet_print import class_sheet_form

TITLE = "客户等级分类表"
EMPTY = "请在上方列表中选择一张分类表。"


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def header_html(s: SheetDetail) -> str:
    steps = [f"<b>{escape(s.title)}</b>（{s.period_label}，截止 {s.period_end:%Y-%m-%d}）",
             f"状态：<b>{s.status_label}</b>", f"填写人：{escape(s.filler)}"]  # fmt: skip
    if s.submitted_at:
        steps.append(f"提交：{_when(s.submitted_at)}")
    if s.reviewer:
        steps.append(f"审核：{escape(s.reviewer)} {_when(s.reviewed_at)}")
    if s.checker:
        steps.append(f"复核：{escape(s.checker)} {_when(s.checked_at)}，备案 {s.filed_on:%Y-%m-%d}，"
                     f"调整类别 {s.applied} 个")  # fmt: skip
    lines = ["　".join(steps)]
    if s.status == "filling" and s.returned_at:
        lines.append(f"<span style='color:#c62828'>已被 {escape(s.returned_by)} 于 "
                     f"{_when(s.returned_at)} 退回：{escape(s.return_reason)}</span>")  # fmt: skip
    if s.rows_visible < s.rows_total:
        lines.append(f"<span style='color:{HINT_COLOR}'>您可查看其中 {s.rows_visible} 个客户"
                     f"（全表共 {s.rows_total} 个）。</span>")  # fmt: skip
    if s.is_filed:
        lines.append(f"<span style='color:{HINT_COLOR}'>已备案：表中内容为复核时的副本，"
                     "不随客户资料变化。</span>")  # fmt: skip
    return "<br>".join(lines)


class ClassSheetsPage(QWidget):
    changed = Signal()  # 复核 applied classes to customers

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx, self.company = ctx, company
        self.current: SheetDetail | None = None
        self.rows: ListView | None = None
        self.sheets = ListView(ctx, class_sheets_source(), company)
        self.sheets.open_record.connect(lambda _e, sid: self.show_sheet(sid))
        self.sheets.table.selectionModel().selectionChanged.connect(lambda *_: self.show_selected())
        self.sheets.model.modelReset.connect(self.show_selected)

        fills = self._ask(class_sheets.fills_sheets, False)
        hint = QLabel("责任人按月或按季度（系统设置）填写，每年另做一次年度更新；提交部门经理，市场部经理审核，"
                      "结算经理复核后类别生效并备案。")  # fmt: skip
        hint.setStyleSheet(f"color:{HINT_COLOR}")
        hint.setWordWrap(True)
        hint.setMinimumWidth(120)
        self.new_button = QPushButton("新建本期分类表")
        self.new_button.clicked.connect(lambda: self.new_sheet(""))
        self.yearly_button = QPushButton("新建年度更新")
        self.yearly_button.clicked.connect(lambda: self.new_sheet("yearly"))
        top = QHBoxLayout()
        top.setContentsMargins(6, 6, 6, 0)
        top.addWidget(hint, 1)
        for b in (self.new_button, self.yearly_button):
            b.setVisible(fills)
            top.addWidget(b)

        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setContentsMargins(6, 4, 6, 0)
        self.bar_widget, self.bar = flow_bar()
        self.bar.setContentsMargins(6, 0, 6, 0)
        self.edit_button = self._button("修改分类…", self.edit_row, "修改所选客户的评定类别和备注")
        self.refresh_button = self._button(
            "重新计算", self.refresh, "按今天的成交额和客户资料更新各行，保留已修改的类别和备注"
        )
        self.submit_button = self._button("提交", self.submit, "提交部门经理审核")
        self.approve_button = self._button("审核通过", self.approve, "市场部经理审核")
        self.check_button = self._button("复核通过", self.check, "结算经理复核：类别生效并备案")
        self.return_button = self._button("退回…", self.send_back, "退回填写人，须写理由")
        self.print_button = self._button("打印", self.print_sheet, "打印预览，可另存为 PDF")
        self.export_button = self._button("导出Excel", self.export, "导出表中各行")
        self.panel = QWidget()
        self.panel_column = QVBoxLayout(self.panel)
        self.panel_column.setContentsMargins(0, 0, 0, 0)
        self.panel_column.addWidget(self.header)
        self.panel_column.addWidget(self.bar_widget)
        self.placeholder = QLabel(EMPTY)
        self.placeholder.setStyleSheet(f"color:{HINT_COLOR}")
        self.placeholder.setContentsMargins(6, 6, 6, 6)
        self.panel_column.addWidget(self.placeholder, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.sheets)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([170, 480])
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(splitter, 1)
        self.show_selected()

    def _button(self, text: str, slot, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())
        self.bar.addWidget(button)
        return button

    def _ask(self, fn, default, *args):
        try:
            return fn(self.ctx.read_uow(), *args)
        except ServiceError as err:
            show_service_error(self, err, TITLE)
            return default

    # --- which sheet is shown ----------------------------------------------------

    def reload(self) -> None:
        sid = self.current.id if self.current else None
        self.sheets.reload()
        if sid is not None:
            self.sheets.select_id(sid)
        self.show_selected()

    def selected_id(self) -> int | None:
        ids = self.sheets.selected_ids()
        return ids[0] if len(ids) == 1 else None

    def show_selected(self) -> None:
        sid = self.selected_id()
        if sid is None:
            self._show(None)
        elif self.current is None or self.current.id != sid:
            self._show(self._ask(sheet_detail, None, sid))
        else:
            self._show(self._ask(sheet_detail, None, sid), keep_rows=True)

    def show_sheet(self, sheet_id: int) -> bool:
        """Select and show a sheet (from a reminder); 0 or a gone one: just the list."""
        if sheet_id and not self.sheets.select_id(sheet_id):
            self.sheets.set_query(ListQuery())
            if not self.sheets.select_id(sheet_id):
                return False
        self.show_selected()
        return True

    def _show(self, sheet: SheetDetail | None, keep_rows: bool = False) -> None:
        changed = sheet is None or self.current is None or self.current.id != sheet.id
        self.current = sheet
        self.header.setText(header_html(sheet) if sheet else "")
        self.header.setVisible(sheet is not None)
        if changed or not keep_rows:
            self._replace_rows(sheet)
        elif self.rows is not None:
            self.rows.reload()
        s = sheet
        self.edit_button.setEnabled(bool(s and s.may_fill))
        self.submit_button.setEnabled(bool(s and s.may_fill))
        self.refresh_button.setEnabled(bool(s and s.may_fill))
        self.approve_button.setEnabled(bool(s and s.may_review))
        self.check_button.setEnabled(bool(s and s.may_check))
        self.return_button.setEnabled(bool(s and (s.may_review or s.may_check)))
        for b in (self.print_button, self.export_button):
            b.setEnabled(bool(s and s.rows_visible))
        self.bar_widget.setVisible(sheet is not None)

    def _replace_rows(self, sheet: SheetDetail | None) -> None:
        if self.rows is not None:
            self.rows.setParent(None)
            self.rows.deleteLater()
            self.rows = None
        self.placeholder.setVisible(sheet is None)
        if sheet is None:
            return
        self.rows = ListView(self.ctx, class_sheet_rows_source(sheet.id), self.company)
        self.rows.table.doubleClicked.connect(lambda _i: self.edit_row())
        self.panel_column.addWidget(self.rows, 1)

    # --- steps -------------------------------------------------------------------

    def new_sheet(self, period: str) -> int | None:
        sid = self._ask(class_sheets.open_sheet, None, period)
        if sid is None:
            return None
        self.sheets.reload()
        self.show_sheet(sid)
        return sid

    def edit_row(self) -> RowDialog | None:
        if self.current is None or not self.current.may_fill or self.rows is None:
            return None
        ids = self.rows.selected_ids()
        if len(ids) != 1:
            QMessageBox.information(self, TITLE, "请先在表中选择一个客户。")
            return None
        found = self._ask(sheet_rows, [], self.current.id, ids)
        if not found:
            return None
        dialog = RowDialog(self.ctx, found[0], self)
        if dialog.exec() == dialog.DialogCode.Accepted or dialog.stale:
            self.rows.reload()
            self.rows.select_id(found[0].id)
        return dialog

    def _step(self, fn, question: str, done: str) -> bool:
        s = self.current
        if s is None or not confirm(self, TITLE, question.format(t=s.title)):
            return False
        try:
            result = fn(self.ctx.write_uow(), s.id, s.version)
        except ServiceError as err:
            show_service_error(self, err, TITLE)
            self.reload()
            return False
        self.sheets.reload()
        self.sheets.select_id(s.id)
        self.show_selected()
        QMessageBox.information(self, TITLE, done.format(t=s.title, n=result))
        return True

    def refresh(self) -> bool:
        return self._step(class_sheets.refresh_sheet, "按今天的成交额和客户资料重新计算{t}客户等级分类表？"
                          "已修改的类别和备注保留。", "已重新计算，表中共 {n} 个客户。")  # fmt: skip

    def submit(self) -> bool:
        return self._step(class_sheets.submit_sheet, "将{t}客户等级分类表提交部门经理审核？提交后不能再修改。",
                          "{t}客户等级分类表已提交。")  # fmt: skip

    def approve(self) -> bool:
        return self._step(class_sheets.approve_sheet, "审核通过{t}客户等级分类表？",
                          "{t}客户等级分类表已审核，待结算经理复核。")  # fmt: skip

    def check(self) -> bool:
        ok = self._step(class_sheets.check_sheet,
                        "复核通过{t}客户等级分类表？表中的类别将应用到客户，分类表备案后不能再修改。",
                        "{t}客户等级分类表已复核备案，{n} 个客户的类别已调整。")  # fmt: skip
        if ok:
            self.changed.emit()
        return ok

    def send_back(self) -> ReturnDialog | None:
        s = self.current
        if s is None:
            return None
        dialog = ReturnDialog(self.ctx, s, self)
        if dialog.exec() == dialog.DialogCode.Accepted or dialog.stale:
            self.reload()
        return dialog

    # --- paper and Excel -----------------------------------------------------------

    def sheet_form(self) -> PaperForm | None:
        if self.current is None:
            return None
        sheet = self._ask(sheet_detail, None, self.current.id)
        rows = self._ask(sheet_rows, None, self.current.id)
        if sheet is None or rows is None:
            return None
        return class_sheet_form(sheet, rows, self.company)

    def print_sheet(self):
        form = self.sheet_form()
        if form is None:
            return None
        self.preview = make_preview(self, form)
        self.preview.open()
        return self.preview

    def export(self, path: str | None = None):
        return self.rows.export_excel(path) if self.rows is not None else None
