"""The card's 附件 tab: a customer's files — 添加 (several at once), 打开, 另存为, 删除.

Adding reads and stores the files off the GUI thread (they may be tens of MB each, and
on PostgreSQL travel over the network); 打开 writes a copy to a temporary folder and
hands it to the desktop's default program.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.core.errors import ServiceError
from app.services.customers import attachments
from app.services.customers.attachments import AttachmentRow
from app.ui.common import file_dialogs
from app.ui.common.messages import show_service_error
from app.ui.common.tasks import ProgressTask
from app.ui.context import AppContext
from app.ui.customers.record_table import record_table

TITLE = "附件"


def _type(row) -> str:
    """The real extension, as the operating system will read it (a name's look can lie)."""
    ext = attachments.extension(row.file_name).lstrip(".").upper() or "无扩展名"
    return f"{ext}（可执行）" if attachments.is_executable(row.file_name) else ext


COLUMNS = [  # label, width, value
    ("文件名", 260, lambda r: r.file_name),
    ("类型", 90, _type),
    ("大小", 80, lambda r: r.size_text),
    ("说明", 200, lambda r: r.note),
    ("上传人", 80, lambda r: r.uploaded_by),
    ("上传时间", 130, lambda r: r.uploaded_at.strftime("%Y-%m-%d %H:%M")),
]


def store_files(ctx: AppContext, customer_id: int, paths: list[str], note: str):
    """The background job: each file in its own transaction, so one bad file (too big,
    unreadable) does not lose the others; returns the messages of those that failed."""

    def job(progress, cancelled) -> list[str]:
        failures = []
        for i, path in enumerate(paths):
            if cancelled():
                failures.append("已取消：其余文件未添加。")
                break
            progress(i, len(paths))
            try:
                data = Path(path).read_bytes()
            except OSError as err:
                failures.append(f"无法读取文件“{Path(path).name}”：{err.strerror or err}")
                continue
            try:
                attachments.add_attachment(ctx.write_uow(), customer_id, path, data, note)
            except ServiceError as err:
                failures.append(str(err))
        progress(len(paths), len(paths))
        return failures

    return job


class AttachmentsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, customer_id: int, can_edit: bool, parent=None):
        super().__init__(parent)
        self.ctx, self.customer_id, self.can_edit = ctx, customer_id, can_edit
        self.rows: list[AttachmentRow] = []
        self.task: ProgressTask | None = None
        self.opened_dir = tempfile.TemporaryDirectory(prefix="crm-attachments-")
        self.table = record_table([c[0] for c in COLUMNS], [c[1] for c in COLUMNS])
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.itemSelectionChanged.connect(self._enable)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("添加…")
        self.add_button.clicked.connect(self.add)
        self.add_button.setEnabled(can_edit)
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(self.open_selected)
        self.save_button = QPushButton("另存为…")
        self.save_button.clicked.connect(self.save_as)
        self.delete_button = QPushButton("删除")
        self.delete_button.clicked.connect(self.delete)
        for b in (self.add_button, self.open_button, self.save_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch()
        column = QVBoxLayout(self)
        column.addLayout(buttons)
        column.addWidget(self.table)
        self.destroyed.connect(self.opened_dir.cleanup)
        self.reload()

    def reload(self) -> None:
        try:
            self.rows = attachments.list_attachments(self.ctx.read_uow(), self.customer_id)
        except ServiceError as err:
            show_service_error(self, err, TITLE)
            self.rows = []
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, (_label, _width, value) in enumerate(COLUMNS):
                item = QTableWidgetItem(value(row))
                item.setToolTip(row.file_name if c == 0 else "")
                self.table.setItem(r, c, item)
        self._enable()

    def selected(self) -> AttachmentRow | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def _enable(self) -> None:
        has = self.selected() is not None
        self.open_button.setEnabled(has)
        self.save_button.setEnabled(has)
        self.delete_button.setEnabled(has and self.can_edit)

    # --- actions ------------------------------------------------------------------

    def add(self) -> None:
        paths = file_dialogs.open_files(self, file_dialogs.ATTACHMENT, "添加附件")
        if paths:
            note, ok = QInputDialog.getText(self, "添加附件", "说明（可不填）：")
            if ok:
                self.add_files(paths, note)

    def add_files(self, paths: list[str], note: str = "") -> ProgressTask:
        self.task = ProgressTask(
            self, "正在保存附件…", store_files(self.ctx, self.customer_id, paths, note)
        )
        self.task.finished.connect(self._added)
        self.task.error.connect(lambda message: self._added([message]))
        self.task.start()
        return self.task

    def _added(self, failures: list[str]) -> None:
        self.reload()
        self.changed.emit()
        if failures:
            QMessageBox.warning(self, TITLE, "以下文件未能添加：\n" + "\n".join(failures))

    def _content(self, row: AttachmentRow) -> bytes | None:
        try:
            return attachments.read_attachment(self.ctx.write_uow(), row.id)[1]
        except ServiceError as err:
            show_service_error(self, err, TITLE)
            self.reload()
            return None

    def open_selected(self) -> Path | None:
        row = self.selected()
        if row is not None and attachments.is_executable(row.file_name):
            ext = attachments.extension(row.file_name)
            answer = QMessageBox.question(
                self,
                TITLE,
                f"“{row.file_name}”是可执行文件（{ext}），打开会运行其中的程序，可能危害这台电脑。"
                "\n\n除非确认来源可靠，请不要打开。仍要打开吗？",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        data = self._content(row) if row else None
        if data is None:
            return None
        # A folder per attachment: two files of the same name do not overwrite each other.
        folder = Path(self.opened_dir.name) / str(row.id)
        folder.mkdir(exist_ok=True)
        target = folder / row.file_name
        target.write_bytes(data)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
        return target

    def save_as(self, path: str | None = None) -> bool:
        row = self.selected()
        if row is None:
            return False
        if path is None:
            path = file_dialogs.save_file(
                self, file_dialogs.ATTACHMENT, "附件另存为", row.file_name, ""
            )
            if not path:
                return False
        data = self._content(row)
        if data is None:
            return False
        try:
            Path(path).write_bytes(data)
        except OSError as err:
            QMessageBox.warning(self, TITLE, f"无法保存到“{path}”：{err.strerror or err}")
            return False
        return True

    def delete(self, confirm: bool = True) -> None:
        row = self.selected()
        if row is None:
            return
        if confirm and (
            QMessageBox.question(self, TITLE, f"确定删除附件“{row.file_name}”吗？")
            != QMessageBox.StandardButton.Yes
        ):
            return
        try:
            attachments.delete_attachment(self.ctx.write_uow(), row.id, row.version)
        except ServiceError as err:
            show_service_error(self, err, TITLE)
        self.reload()
        self.changed.emit()
