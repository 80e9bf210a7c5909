"""A customer's class A/B/C/D by its deals (规则 5, 客户资源暂行管理办法): the last three
years' deal totals against the thresholds in 系统设置, lowered one class each by a poor
financial status or a poor credit level. The policy package proposes and confirms
classes with it; a merge recomputes the kept customer's class with it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.services.core import settings
from app.services.core.uow import UnitOfWork

GRADES = ("A", "B", "C", "D")
POOR_FINANCE = ("较差",)
POOR_CREDIT = ("差", "较差", "D", "C")


@dataclass(frozen=True)
class Proposal:
    customer_id: int
    name: str
    current: str  # "" when unclassified
    proposed: str
    total_3y: Decimal
    reason: str

    @property
    def changes(self) -> bool:
        return self.current != self.proposed


def classify(
    total: Decimal, thresholds: dict[str, int], finance: str, credit: str
) -> tuple[str, str]:
    """(grade, reason) for one customer; pure, so the rule is tested on its own.

    客户资源(暂行)管理办法 一.2.3: C is the class of ordinary and new customers, so below
    the B standard a customer is C; D means a serious credit problem and is only ever
    set by a person with a reason (set_class_d), never by this rule."""
    grade = next((g for g in ("A", "B") if total >= thresholds[g]), "C")
    reasons = [f"近三年成交额 {total:,.2f} 元" + (
        f"，达到 {grade} 类标准 {thresholds[grade]:,} 元" if grade != "C"
        else "，为一般或新增客户（C 类）")]  # fmt: skip
    for bad, why in ((finance in POOR_FINANCE, f"财务状况{finance}"),
                     (credit.strip() in POOR_CREDIT, f"信用等级{credit.strip()}")):  # fmt: skip
        if bad and grade in ("A", "B"):
            grade = GRADES[GRADES.index(grade) + 1]
            reasons.append(f"{why}，降为 {grade} 类")
    return grade, "；".join(reasons)


def class_thresholds(uow: UnitOfWork) -> dict[str, int]:
    with uow:
        return {g: settings.get(uow, f"class.threshold_{g}") for g in ("A", "B")}
