"""重新计算客户分类: classification.propose's proposals, each with a checkbox;
确认所选 applies the checked ones through classification.confirm."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.core.errors import ServiceError
from app.services.policy import classification
from app.services.policy.classification import Proposal
from app.ui.common.dialog_fit import FittedDialog
from app.ui.common.style import ERROR_COLOR, HINT_COLOR, message_label, set_message
from app.ui.context import AppContext

HEADERS = ("确认", "客户名称", "现类别", "建议类别", "近三年成交额(元)", "分类依据")
CHECK_COL = 0


class RecomputeDialog(FittedDialog):
    def __init__(self, ctx: AppContext, proposals: list[Proposal], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("重新计算客户分类")
        self.ctx, self.proposals = ctx, proposals
        self.confirmed = 0
        self.resize(880, 460)
        column = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setStyleSheet(f"color:{HINT_COLOR}")
        self.summary.setWordWrap(True)
        column.addWidget(self.summary)
        self.table = QTableWidget(len(proposals), len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.checks: list[QCheckBox] = []
        for row, p in enumerate(proposals):
            self._fill(row, p)
        hh = self.table.horizontalHeader()
        for col, width in enumerate((44, 220, 60, 70, 130)):
            self.table.setColumnWidth(col, width)
        hh.setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        column.addWidget(self.table, 1)
        self.error = message_label(ERROR_COLOR)
        column.addWidget(self.error)
        bottom = QHBoxLayout()
        self.all_button = QPushButton("全选")
        self.all_button.clicked.connect(lambda: self.set_all(True))
        self.none_button = QPushButton("全不选")
        self.none_button.clicked.connect(lambda: self.set_all(False))
        bottom.addWidget(self.all_button)
        bottom.addWidget(self.none_button)
        bottom.addStretch(1)
        self.buttons = QDialogButtonBox()
        self.confirm_button = self.buttons.addButton(
            "确认所选", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button = self.buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        bottom.addWidget(self.buttons)
        column.addLayout(bottom)
        self._update()

    def _fill(self, row: int, p: Proposal) -> None:
        box = QCheckBox()
        box.setChecked(True)
        box.toggled.connect(lambda _on: self._update())
        holder = QWidget()
        lay = QHBoxLayout(holder)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(box)
        self.table.setCellWidget(row, CHECK_COL, holder)
        self.checks.append(box)
        values = (p.name, p.current or "未分类", p.proposed, f"{p.total_3y:,.2f}", p.reason)
        for col, text in enumerate(values, start=1):
            item = QTableWidgetItem(text)
            if col in (2, 3):
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            elif col == 4:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col == 5:
                item.setToolTip(text)
            self.table.setItem(row, col, item)

    def set_all(self, on: bool) -> None:
        for box in self.checks:
            box.setChecked(on)

    def selected(self) -> list[Proposal]:
        return [p for p, box in zip(self.proposals, self.checks, strict=True) if box.isChecked()]

    def _update(self) -> None:
        chosen = len(self.selected())
        if not self.proposals:
            text = "重新计算完毕：所有客户的类别都与计算结果一致，无需调整。"
        else:
            text = (
                f"按近三年成交额、财务状况和信用等级重新计算，共有 {len(self.proposals)} "
                f"个客户的类别需要调整，已选 {chosen} 个。确认后写入类别、分类依据和分类日期。"
            )
        self.summary.setText(text)
        self.confirm_button.setEnabled(chosen > 0)

    def accept(self) -> None:
        set_message(self.error, "")
        try:
            self.confirmed = classification.confirm(self.ctx.write_uow(), self.selected())
        except ServiceError as err:
            set_message(self.error, str(err))
            return
        super().accept()
