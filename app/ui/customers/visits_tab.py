"""The card's 回访 tab: the customer's whole visit chain — each 回访计划 with its status,
its 回访记录 and the 回访报告 they are in, and the selected plan's steps (步骤, 负责人,
期限, 状态) — with 新建回访计划 for those who may plan."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.access import roles
from app.services.core.errors import ServiceError
from app.services.visits import workflow as visits
from app.services.visits.workflow import ChainRow
from app.ui.common.messages import show_service_error
from app.ui.common.style import ERROR_COLOR, HINT_COLOR
from app.ui.context import AppContext
from app.ui.customers.record_table import record_table
from app.ui.visits.print_forms import day, minute, plan_period, satisfaction_text

TREE_COLUMNS = [
    ("计划 / 记录", 200),
    ("状态", 90),
    ("负责人 / 回访人员", 140),
    ("方式 / 满意度", 100),
    ("目的 / 客户需求", 260),
    ("回访报告", 80),
]
STEP_COLUMNS = [("步骤", 90), ("负责人", 140), ("期限", 100), ("状态", 80), ("完成时间", 130)]
LATE = ("已逾期", "已退回")
ID_ROLE = Qt.ItemDataRole.UserRole


def _short(text: str, n: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


class VisitsTab(QWidget):
    changed = Signal()  # a plan was created from the card

    def __init__(
        self,
        ctx: AppContext,
        customer_id: int,
        customer_name: str,
        can_plan: bool,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx, self.customer_id, self.customer_name = ctx, customer_id, customer_name
        self.chain: list[ChainRow] = []
        self.new_button = QPushButton("新建回访计划…")
        self.new_button.clicked.connect(lambda _c=False: self.new_plan())
        self.new_button.setVisible(can_plan and ctx.actor.role in roles.CAN_PLAN_VISITS)
        refresh = QPushButton("刷新")
        refresh.clicked.connect(lambda _c=False: self.reload())
        self.summary = QLabel()
        self.summary.setStyleSheet(f"color:{HINT_COLOR}")
        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addWidget(refresh)
        bar.addStretch()
        bar.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(TREE_COLUMNS))
        self.tree.setHeaderLabels([c[0] for c in TREE_COLUMNS])
        for i, (_label, width) in enumerate(TREE_COLUMNS):
            self.tree.setColumnWidth(i, width)
        self.tree.header().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.currentItemChanged.connect(lambda *_a: self._show_steps())
        self.steps_label = QLabel("流程进度")
        self.steps = record_table([c[0] for c in STEP_COLUMNS], [c[1] for c in STEP_COLUMNS])
        lower = QWidget()
        lower_column = QVBoxLayout(lower)
        lower_column.setContentsMargins(0, 0, 0, 0)
        lower_column.addWidget(self.steps_label)
        lower_column.addWidget(self.steps)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(lower)
        splitter.setSizes([300, 230])
        column = QVBoxLayout(self)
        column.addLayout(bar)
        column.addWidget(splitter, 1)
        self.reload()

    def reload(self) -> None:
        try:
            self.chain = visits.customer_visits(self.ctx.read_uow(), self.customer_id)
        except ServiceError as err:
            show_service_error(self, err, "回访")
            self.chain = []
        self.tree.clear()
        for row in self.chain:
            self.tree.addTopLevelItem(self._plan_item(row))
        self.tree.expandAll()
        done = sum(1 for r in self.chain if r.plan.status == "done")
        self.summary.setText(f"共 {len(self.chain)} 项回访计划，已完成 {done} 项")
        if self.chain:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        self._show_steps()

    def _plan_item(self, row: ChainRow) -> QTreeWidgetItem:
        p = row.plan
        status = p.status_label + ("（逾期）" if p.is_overdue else "")
        title = plan_period(p) + ("  临时回访" if p.ad_hoc else "")
        item = QTreeWidgetItem(
            [
                title,
                status,
                p.owner_name,
                p.method_name,
                _short(p.purpose),
                row.report_status_label or ("—" if not row.records else "未编入报告"),
            ]
        )
        item.setData(0, ID_ROLE, p.id)
        item.setToolTip(4, p.purpose)
        if p.is_overdue:
            item.setForeground(1, QBrush(QColor(ERROR_COLOR)))
        for r in row.records:
            child = QTreeWidgetItem(
                [
                    f"回访 {minute(r.visited_at)}",
                    "已回访",
                    r.visitor_name,
                    satisfaction_text(r.satisfaction),
                    _short(r.needs or r.service_opinion or r.problems),
                    r.report_status_label,
                ]
            )
            child.setData(0, ID_ROLE, p.id)
            child.setToolTip(4, "\n".join(x for x in (r.needs, r.service_opinion, r.problems) if x))
            item.addChild(child)
        return item

    def current_row(self) -> ChainRow | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        plan_id = item.data(0, ID_ROLE)
        return next((r for r in self.chain if r.plan.id == plan_id), None)

    def _show_steps(self) -> None:
        row = self.current_row()
        steps = row.steps if row else ()
        if row is not None:
            self.steps_label.setText(f"流程进度 — {plan_period(row.plan)} {row.plan.purpose}")
        else:
            self.steps_label.setText("流程进度")
        self.steps.setRowCount(len(steps))
        for r, s in enumerate(steps):
            values = (s.name, s.owner_name, day(s.due), s.status, minute(s.done_at))
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 3 and s.status in LATE:
                    item.setForeground(QBrush(QColor(ERROR_COLOR)))
                self.steps.setItem(r, c, item)

    def new_plan(self) -> bool:
        from app.ui.visits.dialogs import PlanDialog

        try:
            dialog = PlanDialog(
                self.ctx, None, self, customer=(self.customer_id, self.customer_name)
            )
        except ServiceError as err:
            show_service_error(self, err, "回访")
            return False
        if not self.exec_dialog(dialog):
            return False
        self.reload()
        self.changed.emit()
        return True

    def exec_dialog(self, dialog) -> bool:
        """Modal; tests replace this to fill the widgets and accept."""
        return bool(dialog.exec())
