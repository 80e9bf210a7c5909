"""客户维护表 (规则 6): each customer's class, the visits required this month and those
done (follow-ups of method 拜访), with the shortfall. Reminders come from the same rule."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.services.core.errors import ServiceError
from app.services.policy.maintenance import Frequency, maintenance_source, read_frequencies
from app.ui.common.style import HINT_COLOR
from app.ui.context import AppContext
from app.ui.listview import ListView


def standard_text(freq: dict[str, Frequency]) -> str:
    parts = [f"{g} 类由{f.by}拜访 {f.label}" for g, f in freq.items()]
    return "维护标准：" + "；".join(parts) + "。本月已拜访按跟进方式为“拜访”的跟进记录计算。"


class MaintenancePage(QWidget):
    open_customer = Signal(int)

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.list = ListView(ctx, maintenance_source(), company)
        self.list.open_record.connect(lambda _e, cid: self.open_customer.emit(cid))
        self.legend = QLabel()
        self.legend.setStyleSheet(f"color:{HINT_COLOR}; padding: 6px 6px 0 6px")
        self.legend.setWordWrap(True)
        self.legend.setMinimumWidth(120)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.legend)
        column.addWidget(self.list, 1)
        self._show_standard()

    def _show_standard(self) -> None:
        # The numbers are settings the admin may change while this page is open.
        try:
            self.legend.setText(standard_text(read_frequencies(self.ctx.read_uow())))
        except ServiceError as err:
            self.legend.setText(f"维护标准读取失败：{err}")

    def reload(self) -> None:
        self._show_standard()
        self.list.reload()
