"""客户分类表 (规则 5): the shared list of each customer's class with its reason and date,
and 重新计算… — classification.propose, then the manager confirms the chosen changes."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from app.services.access import roles
from app.services.core.errors import ServiceError
from app.services.lists import query as list_query
from app.services.policy import classification
from app.services.policy.classification_lists import classification_source
from app.ui.common.messages import show_service_error
from app.ui.common.style import HINT_COLOR
from app.ui.context import AppContext
from app.ui.listview import ListView
from app.ui.policy.class_d_dialog import ClassDDialog
from app.ui.policy.recompute_dialog import RecomputeDialog

TITLE = "客户分类表"


class ClassificationPage(QWidget):
    changed = Signal()  # classes were confirmed
    open_customer = Signal(int)

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.list = ListView(ctx, classification_source(), company)
        self.list.open_record.connect(lambda _e, cid: self.open_customer.emit(cid))
        self.recompute_button = QPushButton("重新计算…")
        self.recompute_button.setToolTip("按近三年成交额、财务状况和信用等级重新计算类别")
        self.recompute_button.clicked.connect(self.recompute)
        may = ctx.actor.role in roles.CAN_CONFIRM_CLASSIFICATION
        self.recompute_button.setVisible(may)
        self.d_button = QPushButton("定为 D 类…")
        self.d_button.setToolTip("所选客户信誉有重大问题：由人决定，须填写理由")
        self.d_button.clicked.connect(lambda: self.mark_d(lift=False))
        self.lift_button = QPushButton("撤销 D 类…")
        self.lift_button.clicked.connect(lambda: self.mark_d(lift=True))
        for b in (self.d_button, self.lift_button):
            b.setVisible(may)
        hint = QLabel(
            "A/B 类按近三年成交额确定（财务状况或信用等级较差时降一类），其余为 C 类（一般或新增"
            "客户）；D 类由人定、须写理由。双击打开客户档案。"
        )
        hint.setStyleSheet(f"color:{HINT_COLOR}")
        hint.setWordWrap(True)  # a long hint must not set the window's minimum width
        hint.setMinimumWidth(120)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 6, 6, 0)
        bar.addWidget(hint, 1)
        bar.addWidget(self.recompute_button)
        bar.addWidget(self.d_button)
        bar.addWidget(self.lift_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        column.addWidget(self.list, 1)

    def reload(self) -> None:
        self.list.reload()

    def mark_d(self, lift: bool) -> ClassDDialog | None:
        ids = self.list.selected_ids()
        if len(ids) != 1:
            QMessageBox.information(self, TITLE, "请先在列表中选择一个客户。")
            return None
        [row] = list_query.fetch_rows(self.ctx.read_uow(), self.list.source, ids, ["name"])
        dialog = ClassDDialog(self.ctx, ids[0], row[1] if row else "", lift, self)
        if dialog.exec() == dialog.DialogCode.Accepted:
            self.reload()
            self.changed.emit()
        return dialog

    def recompute(self) -> RecomputeDialog | None:
        try:
            proposals = classification.propose(self.ctx.read_uow())
        except ServiceError as err:
            show_service_error(self, err, TITLE)
            return None
        dialog = RecomputeDialog(self.ctx, proposals, self)
        if dialog.exec() == dialog.DialogCode.Accepted:
            QMessageBox.information(self, TITLE, f"已确认 {dialog.confirmed} 个客户的分类。")
            self.reload()
            self.changed.emit()
        return dialog
