"""维护达标 (二.3.1): for a chosen month, each customer's visits by the person its class
calls for (A 公司领导, B 市场部经理, C 市场部专员) against the minimum, visits by others
beside them, the shortfall and who answers for it; 客户维护表… opens the selected
customer's form."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.core import clock
from app.services.core.errors import ServiceError
from app.services.policy.compliance_lists import compliance_source
from app.services.policy.maintenance import Frequency, read_frequencies
from app.ui.common.style import HINT_COLOR
from app.ui.context import AppContext
from app.ui.listview import ListView


def rule_text(freq: dict[str, Frequency]) -> str:
    parts = [f"{g} 类由{f.by}拜访 {f.label}" for g, f in freq.items()]
    return (
        "维护标准（市场部客户资源管理制度 二.3）："
        + "；".join(parts)
        + "。只有应拜访人的拜访（跟进方式为“拜访”的跟进记录、同行的回访人员）计入达标。"
    )


class CompliancePage(QWidget):
    open_customer = Signal(int)
    open_sheet = Signal(int)

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        today = clock.now().date()
        self.month = QDateEdit(QDate(today.year, today.month, 1))
        self.month.setDisplayFormat("yyyy 年 MM 月")
        self.month.setCalendarPopup(True)
        self.month.dateChanged.connect(lambda _d: self.list.reload())
        # The source reads the month when its query runs: one list, any month.
        self.list = ListView(ctx, compliance_source(self.first_day), company)
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
        bar.addWidget(QLabel("月份："))
        bar.addWidget(self.month)
        bar.addWidget(self.sheet_button)
        bar.addWidget(self.legend, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        column.addWidget(self.list, 1)
        self._show_rule()

    def first_day(self) -> date:
        d = self.month.date()
        return date(d.year(), d.month(), 1)

    def set_month(self, first: date) -> None:
        self.month.setDate(QDate(first.year, first.month, 1))

    def show_sheet(self) -> None:
        ids = self.list.selected_ids()
        if ids:
            self.open_sheet.emit(ids[0])

    def _show_rule(self) -> None:
        try:
            self.legend.setText(rule_text(read_frequencies(self.ctx.read_uow())))
        except ServiceError as err:
            self.legend.setText(f"维护标准读取失败：{err}")

    def reload(self) -> None:
        self._show_rule()
        self.list.reload()
