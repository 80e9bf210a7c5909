"""导入客户: download the template, choose a filled .xlsx, 预检 (errors by row in a table,
or “共 N 行，可以导入”), then 导入 — all rows in one transaction, in the background with
a progress bar. Nothing is written while any row has an error."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.models import Role
from app.services.core.errors import ServiceError
from app.services.customers import import_template
from app.services.customers import importer as customer_import
from app.services.customers.importer import ImportPreview, ImportRejected, ImportResult
from app.ui.common import file_dialogs
from app.ui.common.dialog_fit import FittedDialog
from app.ui.common.tasks import ProgressTask
from app.ui.context import AppContext

ERROR_COLOR = "#b00020"
OK_COLOR = "#1b5e20"


class ImportDialog(FittedDialog):
    imported = Signal(object)  # ImportResult

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.preview_: ImportPreview | None = None  # the last preview of the current file
        self.result_: ImportResult | None = None
        self.task: ProgressTask | None = None
        self.setWindowTitle("导入客户")
        self.resize(760, 520)

        who = (
            "导入的客户全部归属您本人。"
            if ctx.actor.role == Role.SALES_REP
            else "请在“归属销售”列填写销售人员的用户名或姓名。"
        )
        intro = QLabel(
            "请按模板填写客户资料（.xlsx，一次最多 "
            f"{import_template.MAX_ROWS} 行），先“预检”，无误后再“导入”。\n"
            f"所有行一次导入：只要有一行有错误，就不会导入任何客户。{who}"
        )
        intro.setWordWrap(True)
        self.template_button = QPushButton("下载模板…")
        self.template_button.clicked.connect(lambda: self.download_template())
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("选择已填写好的 Excel 文件（.xlsx）")
        self.path_edit.textChanged.connect(self._path_changed)
        self.choose_button = QPushButton("选择文件…")
        self.choose_button.clicked.connect(lambda: self.choose_file())
        self.preview_button = QPushButton("预检")
        self.preview_button.clicked.connect(lambda: self.run_preview())
        self.import_button = QPushButton("导入")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(lambda: self.run_import())

        self.status = QLabel("尚未预检。")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errors = QTableWidget(0, 3)
        self.errors.setHorizontalHeaderLabels(["行号", "列", "问题"])
        self.errors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.errors.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.errors.setAlternatingRowColors(True)
        self.errors.verticalHeader().setVisible(False)
        hh = self.errors.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.errors.setWordWrap(True)

        file_row = QHBoxLayout()
        file_row.addWidget(QLabel("文件："))
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)
        actions = QHBoxLayout()
        actions.addWidget(self.template_button)
        actions.addStretch()
        actions.addWidget(self.preview_button)
        actions.addWidget(self.import_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.reject)

        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addLayout(file_row)
        column.addLayout(actions)
        column.addWidget(self.status)
        column.addWidget(self.errors, 1)
        column.addWidget(close)

    # --- file choice ---------------------------------------------------------------

    def path(self) -> str:
        return self.path_edit.text().strip()

    def set_path(self, path: str) -> None:
        self.path_edit.setText(str(path))

    def _path_changed(self, _text: str) -> None:
        self.preview_ = None
        self.import_button.setEnabled(False)
        self._show_status("尚未预检。", None)
        self.errors.setRowCount(0)

    def choose_file(self) -> None:
        path = file_dialogs.open_file(
            self, file_dialogs.IMPORT, "选择要导入的 Excel 文件", "Excel 文件 (*.xlsx)"
        )
        if path:
            self.set_path(path)

    def download_template(self, path: str | None = None) -> str | None:
        if path is None:
            path = file_dialogs.save_file(
                self,
                file_dialogs.EXPORT,
                "保存导入模板",
                "客户导入模板.xlsx",
                "Excel 文件 (*.xlsx)",
            )
            if not path:
                return None
        try:
            import_template.template(self.ctx.read_uow(), path)
        except ServiceError as exc:
            QMessageBox.warning(self, "下载模板", str(exc))
            return None
        QMessageBox.information(self, "下载模板", f"模板已保存到：\n{path}")
        if not self.path():
            self.set_path(path)
        return path

    # --- preview and import --------------------------------------------------------------

    def _busy(self, on: bool) -> None:
        for w in (self.template_button, self.choose_button, self.preview_button, self.path_edit):
            w.setEnabled(not on)
        self.import_button.setEnabled(not on and self.preview_ is not None and self.preview_.ok)

    def _start(self, label: str, job, done) -> ProgressTask | None:
        if not self.path():
            self._show_status("请先选择要导入的 Excel 文件。", ERROR_COLOR)
            return None
        self._busy(True)
        task = ProgressTask(self, label, job)
        task.finished.connect(lambda result: (self._busy(False), done(result)))
        task.error.connect(self._failed)
        self.task = task
        task.start()
        return task

    def run_preview(self) -> ProgressTask | None:
        ctx, path = self.ctx, self.path()

        def job(progress, _cancelled):
            return customer_import.preview(ctx.read_uow(), path, progress=progress)

        self.preview_ = None
        return self._start("正在预检…", job, self.show_preview)

    def run_import(self) -> ProgressTask | None:
        if self.preview_ is None or not self.preview_.ok:
            self._show_status("请先预检，全部通过后才能导入。", ERROR_COLOR)
            return None
        ctx, path = self.ctx, self.path()

        def job(progress, cancelled):
            try:
                return customer_import.run(
                    ctx.write_uow(), path, progress=progress, cancelled=cancelled
                )
            except ImportRejected as rejected:  # the file changed since the preview
                return rejected.preview

        return self._start("正在导入客户…", job, self._imported)

    def _failed(self, message: str) -> None:
        self._busy(False)
        self.preview_ = None
        self.import_button.setEnabled(False)
        self.errors.setRowCount(0)
        self._show_status(message, ERROR_COLOR)

    def show_preview(self, preview: ImportPreview) -> None:
        self.preview_ = preview
        self.errors.setRowCount(len(preview.errors))
        for i, e in enumerate(preview.errors):
            for j, text in enumerate((str(e.row), e.column or "（整行）", e.message)):
                item = QTableWidgetItem(text)
                if j == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if j == 2:
                    item.setForeground(QColor(ERROR_COLOR))
                self.errors.setItem(i, j, item)
        self.errors.resizeRowsToContents()
        self._show_status(preview.message, OK_COLOR if preview.ok else ERROR_COLOR)
        self.import_button.setEnabled(preview.ok)

    def _imported(self, result) -> None:
        if isinstance(result, ImportPreview):
            self.show_preview(result)
            self._show_status("文件在预检后发生了变化。" + result.message, ERROR_COLOR)
            return
        self.result_ = result
        self.import_button.setEnabled(False)
        self._show_status(result.message, OK_COLOR)
        self.imported.emit(result)
        QMessageBox.information(self, "导入完成", result.message)
        self.accept()

    def _show_status(self, text: str, color: str | None) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color:{color}; font-weight:bold" if color else "")
