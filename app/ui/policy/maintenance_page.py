"""拜访次数统计 (规则 6): each customer's class, the visits required this month and all
visits done (follow-ups of method 拜访, whoever made them), with the shortfall. Whether the
right person visited is 维护达标's (compliance_page); 客户维护表… opens the selected
customer's form."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.core.errors import ServiceError
from app.services.policy.maintenance import Frequency, maintenance_source, read_frequencies
from app.ui.common.style import HINT_COLOR
from app.ui.context import AppContext
from app.ui.listview import ListView


def standard_text(freq: dict[str, Frequency]) -> str:
    parts = [f"{g} 类由{f.by}拜访 {f.label}" for g, f in freq.items()]
    return (
        "维护标准："
        + "；".join(parts)
        + "。本表统计跟进方式为“拜访”的全部跟进记录，不论由谁拜访；按人员核对见“维护达标”。"
    )


class VisitsTablePage(QWidget):
    """A 客户政策 list of customers and their visits: the 维护标准 beside it (`legend` puts
    the frequencies into words), 客户维护表… for the selected customer, and `lead` widgets
    (a month chooser) first in the bar."""

    open_customer = Signal(int)
    open_sheet = Signal(int)

    def __init__(self, ctx: AppContext, source, legend, company: str = "", parent=None,
                 lead: tuple[QWidget, ...] = ()):  # fmt: skip
        super().__init__(parent)
        self.ctx, self._legend_text = ctx, legend
        self.list = ListView(ctx, source, company)
        self.list.open_record.connect(lambda _e, cid: self.open_customer.emit(cid))
        self.sheet_button = QPushButton("客户维护表…")
        self.sheet_button.setToolTip("所选客户的《客户维护表》：售后回访与抽查")
        self.sheet_button.clicked.connect(self.show_sheet)
        self.legend = QLabel()
        self.legend.setStyleSheet(f"color:{HINT_COLOR}")
        self.legend.setWordWrap(True)
        self.legend.setMinimumWidth(120)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 6, 6, 0)
        for widget in (*lead, self.sheet_button):
            bar.addWidget(widget)
        bar.addWidget(self.legend, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        column.addWidget(self.list, 1)
        self._show_standard()

    def show_sheet(self) -> None:
        ids = self.list.selected_ids()
        if ids:
            self.open_sheet.emit(ids[0])

    def _show_standard(self) -> None:
        # The numbers are settings the admin may change while this page is open.
        try:
            self.legend.setText(self._legend_text(read_frequencies(self.ctx.read_uow())))
        except ServiceError as err:
            self.legend.setText(f"维护标准读取失败：{err}")

    def reload(self) -> None:
        self._show_standard()
        self.list.reload()


class MaintenancePage(VisitsTablePage):
    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(ctx, maintenance_source(), standard_text, company, parent)
