"""开发三步 on the customer card (三.2.1): 交换名片并自我介绍, 提供产品样品, 介绍公司情况 as
three check boxes, ticked as the rep does them; who ticked each and when is its tooltip.
Shown until the customer is developed (its first deal)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QMessageBox, QWidget

from app.services.core.errors import ServiceError
from app.services.customers import prospects
from app.ui.common.style import HINT_COLOR
from app.ui.context import AppContext


class ProspectStepsBar(QWidget):
    def __init__(self, ctx: AppContext, customer_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.customer_id = ctx, customer_id
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel("开发三步：")
        label.setStyleSheet(f"color:{HINT_COLOR}")
        row.addWidget(label)
        self.boxes: dict[str, QCheckBox] = {}
        for state in prospects.prospect_steps(ctx.read_uow(), customer_id):
            box = QCheckBox(state.label)
            box.toggled.connect(lambda on, step=state.step: self._toggled(step, on))
            self.boxes[state.step] = box
            row.addWidget(box)
        row.addStretch(1)

    def load(self, editable: bool, developed: bool) -> None:
        self.setVisible(not developed)
        if developed:
            return
        try:
            states = prospects.prospect_steps(self.ctx.read_uow(), self.customer_id)
        except ServiceError:
            self.setVisible(False)
            return
        for s in states:
            box = self.boxes[s.step]
            box.blockSignals(True)
            box.setChecked(s.done_at is not None)
            box.blockSignals(False)
            box.setEnabled(editable)
            box.setToolTip(f"{s.by_name} 于 {s.done_at:%Y-%m-%d %H:%M} 完成" if s.done_at
                           else "完成后勾选")  # fmt: skip

    def _toggled(self, step: str, on: bool) -> None:
        try:
            prospects.set_prospect_step(self.ctx.write_uow(), self.customer_id, step, on)
        except ServiceError as err:
            QMessageBox.warning(self, "开发三步", str(err))
        self.load(True, False)
