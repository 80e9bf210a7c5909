"""Small dialogs of the list component: column settings, value filter, group summary."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from app.services.core.errors import ServiceError
from app.services.lists import excel_export, summaries
from app.services.lists.spec import COUNT_LABEL, Column, ListSource
from app.services.lists.summaries import Summary
from app.services.search.pinyin import match_rank, name_keys
from app.ui.common import file_dialogs
from app.ui.common.dialog_fit import FittedDialog


class ColumnsDialog(FittedDialog):
    """Show/hide columns (tick) and reorder them (drag, or 上移/下移)."""

    def __init__(self, columns: Sequence[Column], shown: Sequence[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("列设置")
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        by_key = {c.key: c for c in columns}
        ordered = list(shown) + [c.key for c in columns if c.key not in shown]
        for key in ordered:
            item = QListWidgetItem(by_key[key].label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in shown else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        up, down = QPushButton("上移"), QPushButton("下移")
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        side = QVBoxLayout()
        side.addWidget(up)
        side.addWidget(down)
        side.addStretch()
        row = QHBoxLayout()
        row.addWidget(self.list)
        row.addLayout(side)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("勾选要显示的列，拖动或用按钮调整顺序："))
        lay.addLayout(row)
        self.error = QLabel()
        self.error.setStyleSheet("color:#c0392b")
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def chosen(self) -> list[str]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def _accept(self) -> None:
        if not self.chosen():
            self.error.setText("至少需要显示一列。")
            return
        self.accept()


ORDER_ROLE = Qt.ItemDataRole.UserRole + 1  # the values' own order (most common first)
KEYS_ROLE = Qt.ItemDataRole.UserRole + 2  # the label's pinyin keys, computed once


class ValueFilterDialog(FittedDialog):
    """Tick the values of one column to keep (a column filter)."""

    def __init__(self, column: Column, values: list[tuple], selected: Sequence, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"筛选：{column.label}")
        self.find = QLineEdit()
        self.find.setPlaceholderText("输入文字、拼音或首字母查找")
        self.find.textChanged.connect(self._filter)
        self.list = QListWidget()
        chosen = set(selected)
        for value, label in values:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setData(ORDER_ROLE, self.list.count())
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if value in chosen else Qt.CheckState.Unchecked
            )
            self.list.addItem(item)
        all_btn, none_btn = QPushButton("全选"), QPushButton("全不选")
        all_btn.clicked.connect(lambda: self._set_all(Qt.CheckState.Checked))
        none_btn.clicked.connect(lambda: self._set_all(Qt.CheckState.Unchecked))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.find)
        lay.addWidget(self.list)
        row = QHBoxLayout()
        row.addWidget(all_btn)
        row.addWidget(none_btn)
        row.addStretch()
        lay.addLayout(row)
        lay.addWidget(QLabel("不勾选任何值表示不按此列筛选。"))
        lay.addWidget(buttons)

    def _filter(self, text: str) -> None:
        """Chinese, full pinyin or initials ("nx" finds 宁夏 first); ticked values stay
        in view, at the top, whatever is typed."""
        items = [self.list.takeItem(0) for _ in range(self.list.count())]
        items.sort(key=lambda it: it.data(ORDER_ROLE))
        ranked = []
        for item in items:
            keys = item.data(KEYS_ROLE)
            if keys is None:
                keys = name_keys(item.text())
                item.setData(KEYS_ROLE, keys)
            rank = match_rank(text, item.text(), keys) if text.strip() else 0
            if item.checkState() == Qt.CheckState.Checked:
                rank = -1
            ranked.append((9 if rank is None else rank, item.data(ORDER_ROLE), item))
        for rank, _order, item in sorted(ranked, key=lambda t: t[:2]):
            self.list.addItem(item)
            item.setHidden(rank == 9)  # a row's hidden state lives in the list: set it after

    def _set_all(self, state) -> None:
        for i in range(self.list.count()):
            if not self.list.item(i).isHidden():
                self.list.item(i).setCheckState(state)

    def chosen(self) -> tuple:
        return tuple(
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        )


class SummaryDialog(FittedDialog):
    """汇总: counts and sums of the current view, grouped by one or two columns."""

    def __init__(self, view, parent=None):
        super().__init__(parent)
        self.view = view
        self.source: ListSource = view.source
        self.summary: Summary | None = None
        self.setWindowTitle(f"{self.source.title} — 分组汇总")
        self.resize(640, 480)
        groupable = [c for c in self.source.columns if c.groupable]
        self.first, self.second = QComboBox(), QComboBox()
        self.second.addItem("（不分第二层）", None)
        for c in groupable:
            self.first.addItem(c.label, c.key)
            self.second.addItem(c.label, c.key)
        run = QPushButton("汇总")
        run.clicked.connect(self.run)
        self.tree = QTreeWidget()
        self.tree.setUniformRowHeights(True)
        self.status = QLabel()
        export, print_btn, close = (
            QPushButton("导出 Excel…"),
            QPushButton("打印预览…"),
            QPushButton("关闭"),
        )
        export.clicked.connect(self.export)
        print_btn.clicked.connect(self.print_preview)
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(QLabel("按"))
        top.addWidget(self.first)
        top.addWidget(QLabel("再按"))
        top.addWidget(self.second)
        top.addWidget(run)
        top.addStretch()
        bottom = QHBoxLayout()
        bottom.addWidget(self.status)
        bottom.addStretch()
        for b in (export, print_btn, close):
            bottom.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.tree)
        lay.addLayout(bottom)

    def keys(self) -> list[str]:
        keys = [self.first.currentData()]
        if self.second.currentData() and self.second.currentData() != keys[0]:
            keys.append(self.second.currentData())
        return keys

    def run(self) -> None:
        try:
            self.summary = summaries.summarize(
                self.view.ctx.read_uow(), self.source, self.view.query(), self.keys()
            )
        except ServiceError as exc:
            QMessageBox.warning(self, "汇总失败", str(exc))
            return
        self._fill()

    def _fill(self) -> None:
        s = self.summary
        sums = [self.source.column(k) for k in s.sum_keys]
        self.tree.clear()
        self.tree.setHeaderLabels(["分组", COUNT_LABEL] + [c.label for c in sums])

        def item(label, row):
            it = QTreeWidgetItem(
                [label, str(row.count)] + [c.display(row.sums[c.key]) for c in sums]
            )
            for i in range(1, 2 + len(sums)):
                it.setTextAlignment(i, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return it

        if len(s.keys) == 2:
            parents = {}
            for sub in s.subtotals:
                parents[sub.values[0]] = item(sub.labels[0], sub)
                self.tree.addTopLevelItem(parents[sub.values[0]])
            for row in s.rows:
                parents[row.values[0]].addChild(item(row.labels[1], row))
        else:
            for row in s.rows:
                self.tree.addTopLevelItem(item(row.labels[0], row))
        total = item("合计", s.total)
        font = total.font(0)
        font.setBold(True)
        for i in range(self.tree.columnCount()):
            total.setFont(i, font)
        self.tree.addTopLevelItem(total)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.status.setText(f"{len(s.rows)} 个分组，共 {s.total.count} 条")

    def export(self) -> None:
        if self.summary is None:
            self.run()
        path = file_dialogs.save_file(
            self, file_dialogs.EXPORT, "导出汇总", f"{self.source.title}-汇总.xlsx",
            "Excel 文件 (*.xlsx)",
        )  # fmt: skip
        if not path:
            return
        try:
            excel_export.export_summary(self.source, self.view.query(), self.summary, path)
        except ServiceError as exc:
            QMessageBox.warning(self, "导出失败", str(exc))
            return
        QMessageBox.information(self, "导出完成", f"汇总已导出到：\n{path}")

    def print_table(self):
        from app.ui.listview.table_printer import PrintTable

        s = self.summary
        sums = [self.source.column(k) for k in s.sum_keys]
        labels = [self.source.column(k).label for k in s.keys]
        rows = []
        if len(s.keys) == 2:
            subs = {sub.values[0]: sub for sub in s.subtotals}
            current = object()
            for r in s.rows:
                if r.values[0] != current:
                    current = r.values[0]
                    sub = subs[current]
                    rows.append(
                        [sub.labels[0], "小计", str(sub.count)]
                        + [c.display(sub.sums[c.key]) for c in sums]
                    )
                rows.append(
                    ["", r.labels[1], str(r.count)] + [c.display(r.sums[c.key]) for c in sums]
                )
        else:
            rows = [
                [r.labels[0], str(r.count)] + [c.display(r.sums[c.key]) for c in sums]
                for r in s.rows
            ]
        rows.append(
            ["合计"]
            + [""] * (len(s.keys) - 1)
            + [str(s.total.count)]
            + [c.display(s.total.sums[c.key]) for c in sums]
        )
        return PrintTable(
            title=f"{self.source.title} — 分组汇总",
            company=self.view.company,
            condition=self.view.query().describe(self.source),
            headers=labels + [COUNT_LABEL] + [c.label for c in sums],
            rows=rows,
            right_aligned=[False] * len(labels) + [True] * (1 + len(sums)),
            whole=[False] * len(labels) + [True] * (1 + len(sums)),
        )

    def print_preview(self) -> None:
        if self.summary is None:
            self.run()
        from app.ui.listview.print_preview import preview

        preview(self, self.print_table())
