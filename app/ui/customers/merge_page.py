"""客户合并 tab of 客户档案: 疑似重复客户 — the pairs the last search found, with 查找疑似重复
(in the background, with a progress bar), 合并… and the batch 标记为不是重复 — and
合并记录, where the admin undoes a merge (撤销合并). Shown to the sales admin, managers and
the admin; the services decide what each may see and do."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.access import roles
from app.services.core.errors import ServiceError
from app.services.customers import likely_duplicates, merging
from app.services.customers.merge_lists import duplicate_pairs_source, merges_source
from app.ui.common.messages import confirm, show_service_error
from app.ui.common.tasks import ProgressTask
from app.ui.context import AppContext
from app.ui.customers.merge_dialog import MergeDialog
from app.ui.listview import ListView


def _page(list_view: ListView, *buttons: QPushButton) -> QWidget:
    page = QWidget()
    bar = QHBoxLayout()
    bar.setContentsMargins(6, 6, 6, 0)
    for b in buttons:
        bar.addWidget(b)
    bar.addStretch(1)
    column = QVBoxLayout(page)
    column.setContentsMargins(0, 0, 0, 0)
    column.addLayout(bar)
    column.addWidget(list_view, 1)
    return page


class MergePage(QTabWidget):
    merged = Signal(int)  # the kept customer's id: the customer list reloads

    def __init__(self, ctx: AppContext, company: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.task: ProgressTask | None = None
        self.pairs = ListView(ctx, duplicate_pairs_source(), company)
        self.pairs.open_record.connect(lambda _e, pair_id: self.merge_pair(pair_id))
        self.pairs.set_empty_hint(
            "没有待处理的疑似重复客户。查找会在后台检查整个客户档案（名称、电话、邮箱、"
            "网站、联系人电话、分支机构和相似名称）：",
            [("查找疑似重复", self.find)],
        )
        self.find_button = QPushButton("查找疑似重复")
        self.find_button.setToolTip("在后台重新检查整个客户档案，结果替换下面的列表")
        self.find_button.clicked.connect(self.find)
        self.merge_button = QPushButton("合并所选…")
        self.merge_button.setToolTip("并排比较所选的一对客户，选择保留的记录和各字段的值")
        self.merge_button.clicked.connect(self.merge_selected)
        self.addTab(_page(self.pairs, self.find_button, self.merge_button), "疑似重复客户")
        self.merges = ListView(ctx, merges_source(), company)
        self.undo_button = QPushButton("撤销合并…")
        self.undo_button.setToolTip("30 天内、两条记录合并后都未改动时，可撤销合并")
        self.undo_button.clicked.connect(self.undo_selected)
        self.undo_button.setVisible(ctx.actor.role in roles.CAN_UNDO_MERGES)
        self.addTab(_page(self.merges, self.undo_button), "合并记录")
        self.currentChanged.connect(lambda _i: self.reload())

    def reload(self) -> None:
        self.pairs.reload()
        self.merges.reload()

    def find(self) -> ProgressTask:
        """查找疑似重复: off the GUI thread, with a progress bar and 取消."""
        ctx = self.ctx

        def job(progress, cancelled):
            return likely_duplicates.find_likely_duplicates(ctx.write_uow(), progress, cancelled)

        self.task = ProgressTask(self, "正在查找疑似重复客户…", job)
        self.task.finished.connect(self._found)
        self.task.error.connect(lambda text: QMessageBox.warning(self, "查找疑似重复", text))
        self.task.start()
        return self.task

    def _found(self, count: int) -> None:
        self.pairs.reload()
        QMessageBox.information(
            self,
            "查找疑似重复",
            f"查找完成：共 {count} 对疑似重复客户（列表只显示您管理范围内的）。",
        )

    def merge_selected(self) -> MergeDialog | None:
        ids = self.pairs.selected_ids()
        if len(ids) != 1:
            QMessageBox.information(self, "合并客户", "请在列表中选择一对疑似重复客户。")
            return None
        return self.merge_pair(ids[0])

    def merge_pair(self, pair_id: int) -> MergeDialog | None:
        try:
            a, b = likely_duplicates.pair_customers(self.ctx.read_uow(), pair_id)
        except ServiceError as err:
            show_service_error(self, err, "合并客户")
            self.pairs.reload()
            return None
        dialog = MergeDialog(self.ctx, a, b, self)
        dialog.accepted.connect(lambda: self._merged(dialog))
        dialog.open()
        return dialog

    def _merged(self, dialog: MergeDialog) -> None:
        self.reload()
        self.merged.emit(dialog.kept_id)

    def undo_selected(self) -> bool:
        ids = self.merges.selected_ids()
        if len(ids) != 1:
            QMessageBox.information(self, "撤销合并", "请在合并记录中选择一条。")
            return False
        if not confirm(self, "撤销合并", "撤销后，并入的客户恢复为独立的记录，转过去的联系人、"
                       "跟进等记录回到原客户，保留的客户恢复合并前的资料。确定撤销吗？"):  # fmt: skip
            return False
        try:
            merging.undo_merge(self.ctx.write_uow(), ids[0])
        except ServiceError as err:
            show_service_error(self, err, "撤销合并")
            return False
        self.reload()
        self.merged.emit(0)
        QMessageBox.information(self, "撤销合并", "已撤销合并。")
        return True
