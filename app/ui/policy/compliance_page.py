"""维护达标 (二.3.1): for a chosen month, each customer's visits by the person its class
calls for (A 公司领导, B 市场部经理, C 市场部专员) against the minimum, visits by others
beside them, the shortfall and who answers for it; 客户维护表… opens the selected
customer's form."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QLabel

from app.services.core import clock
from app.services.policy.compliance_lists import compliance_source
from app.services.policy.maintenance import Frequency
from app.ui.context import AppContext
from app.ui.policy.maintenance_page import VisitsTablePage


def rule_text(freq: dict[str, Frequency]) -> str:
    parts = [f"{g} 类由{f.by}拜访 {f.label}" for g, f in freq.items()]
    return (
        "维护标准（市场部客户资源管理制度 二.3）："
        + "；".join(parts)
        + "。只有应拜访人的拜访（跟进方式为“拜访”的跟进记录、同行的回访人员）计入达标。"
    )


class CompliancePage(VisitsTablePage):
    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        today = clock.now().date()
        month = QDateEdit(QDate(today.year, today.month, 1))
        month.setDisplayFormat("yyyy 年 MM 月")
        month.setCalendarPopup(True)
        # The source reads the month when its query runs: one list, any month.
        source = compliance_source(lambda: date(month.date().year(), month.date().month(), 1))
        super().__init__(ctx, source, rule_text, company, parent, (QLabel("月份："), month))
        self.month = month
        self.month.dateChanged.connect(lambda _d: self.list.reload())

    def set_month(self, first: date) -> None:
        self.month.setDate(QDate(first.year, first.month, 1))
