"""回收预演: which customers the sweep returns to the pool next, with owner and date."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.services.core import clock
from app.services.core.errors import ServiceError
from app.services.pool.lists import UpcomingReturn, upcoming_returns
from app.ui.common.dialog_fit import FittedDialog
from app.ui.common.style import ERROR_COLOR, HINT_COLOR, message_label, set_message
from app.ui.context import AppContext

DEFAULT_DAYS = 7


def _status(row: UpcomingReturn) -> str:
    if row.overdue:
        return "已超期，下次回收即移入公海"
    days = (row.returns_on.date() - clock.now().date()).days
    return "今天到期" if days <= 0 else f"还剩 {days} 天"


COLUMNS = [  # label, width, value
    ("客户编号", 115, lambda r: r.number),
    ("客户名称", 210, lambda r: r.name),
    ("等级", 45, lambda r: r.grade or "—"),
    ("归属销售", 75, lambda r: r.owner_name),
    ("最近销售动作/归属", 130, lambda r: f"{r.last_activity:%Y-%m-%d}"),
    ("回收天数", 80, lambda r: f"{r.idle_limit_days} 天"),
    ("回收日期", 95, lambda r: f"{r.returns_on:%Y-%m-%d}"),
    ("状态", 180, _status),
]


class ReturnsPreviewDialog(FittedDialog):
    def __init__(self, ctx: AppContext, parent=None, within_days: int = DEFAULT_DAYS):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[UpcomingReturn] = []
        self.setWindowTitle("公海回收预演")
        self.resize(960, 480)
        intro = message_label(
            HINT_COLOR,
            "超过规定天数没有任何销售动作（跟进、回访、成交、寄样、处理投诉）的客户将被回收公海（保护客户除外）。"
            "此处只预演，不会移动任何客户；及时跟进即可避免回收。",
            hidden=False,
        )
        self.days = QSpinBox()
        self.days.setRange(0, 365)
        self.days.setSuffix(" 天")
        self.days.setValue(within_days)
        self.days.valueChanged.connect(lambda _v: self.reload())
        top = QHBoxLayout()
        top.addWidget(QLabel("显示今后"))
        top.addWidget(self.days)
        top.addWidget(QLabel("内将被回收的客户（含已超期）"))
        top.addStretch()
        self.summary = QLabel()
        top.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([c[0] for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, (_label, width, _value) in enumerate(COLUMNS):
            self.table.setColumnWidth(i, width)
        self.error = message_label(ERROR_COLOR)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addWidget(self.error)
        column.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        set_message(self.error, "")
        try:
            self.rows = upcoming_returns(self.ctx.read_uow(), self.days.value())
        except ServiceError as err:
            self.rows = []
            set_message(self.error, str(err))
        self.table.setRowCount(len(self.rows))
        red = QColor(ERROR_COLOR)
        for r, row in enumerate(self.rows):
            for c, (_label, _width, value) in enumerate(COLUMNS):
                item = QTableWidgetItem(value(row))
                if row.overdue and c == len(COLUMNS) - 1:
                    item.setForeground(red)
                if c in (2, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)
        overdue = sum(r.overdue for r in self.rows)
        self.summary.setText(
            f"共 {len(self.rows)} 个客户，其中已超期 {overdue} 个"
            if self.rows
            else "没有将被回收的客户"
        )
