"""Classification A/B/C/D (规则 5, 客户资源暂行管理办法): by the last three years' deal
totals (thresholds in settings), lowered one class each by a poor financial status or a
poor credit level. A recompute only proposes; a manager confirms the changes (batch).
Every class carries its reason, shown in 《客户分类表》."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.models import CodeItem, Customer, Deal
from app.services.access import roles
from app.services.access.visibility import customer_scope, edit_scope
from app.services.admin import code_tables
from app.services.core import clock
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers.classes import Proposal, class_thresholds, classify
from app.services.policy._internal import ClassDecision, apply_classes


def propose(uow: UnitOfWork, *, only_changes: bool = True) -> list[Proposal]:
    """Recompute every visible customer's class; nothing is saved."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    since = clock.now().date() - timedelta(days=3 * 365)
    with uow:
        thresholds = class_thresholds(uow)
        totals = (
            select(Deal.customer_id, func.sum(Deal.amount).label("total"))
            .where(Deal.deal_date >= since)
            .group_by(Deal.customer_id)
            .subquery()
        )
        q = (
            select(Customer.id, Customer.name, CodeItem.code, Customer.financial_status,
                   Customer.credit_level, func.coalesce(totals.c.total, 0))
            .outerjoin(CodeItem, Customer.grade_id == CodeItem.id)
            .outerjoin(totals, totals.c.customer_id == Customer.id)
            .where(customer_scope(uow.actor), Customer.is_in_pool.is_(False))
            .order_by(Customer.id)
        )  # fmt: skip
        out = []
        for cid, name, current, finance, credit, total in uow.session.execute(q):
            if current == "D":
                continue  # a person's decision (set_class_d): a recompute leaves it
            grade, reason = classify(Decimal(str(total)), thresholds, finance or "", credit or "")
            p = Proposal(cid, name, current or "", grade, Decimal(str(total)), reason)
            if p.changes or not only_changes:
                out.append(p)
        return out


def set_class_d(uow: UnitOfWork, customer_id: int, reason: str) -> None:
    """D类: a customer with a serious credit problem (一.2.3) — a person's decision, with the
    reason kept as the class reason (and in the audit log). Only those who confirm
    classes may; the customer must be in their reach."""
    with uow:
        _set_by_hand(uow, customer_id, "D", reason, "定为 D 类")


def clear_class_d(uow: UnitOfWork, customer_id: int, reason: str) -> None:
    """Lift D: back to C (the next recompute classes it by its sales)."""
    with uow:
        _set_by_hand(uow, customer_id, "C", reason, "撤销 D 类")


def _set_by_hand(uow: UnitOfWork, customer_id: int, grade: str, reason: str, what: str):
    if uow.actor is None or uow.actor.role not in roles.CAN_CONFIRM_CLASSIFICATION:
        raise PermissionDenied(f"只有销售主管、销售内勤或系统管理员可以{what}。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(f"请填写{what}的理由。", field="reason")
    if len(reason) > 280:
        raise ValidationError("理由不能超过 280 字。", field="reason")
    with uow:
        c = uow.session.scalar(
            select(Customer).where(Customer.id == customer_id, edit_scope(uow.actor))
        )
        if c is None:
            raise NotFound("客户不存在，或不在您的管理范围内。")
        d = code_tables.find_item(uow, "grade", "D")
        if (c.grade_id == d) == (grade == "D"):
            raise ValidationError("该客户已是 D 类。" if grade == "D" else "该客户不是 D 类。")
        c.grade_id = code_tables.find_item(uow, "grade", grade)
        c.class_reason, c.classified_on = f"{what}：{reason}"[:300], clock.now().date()
        uow.commit()


def confirm(uow: UnitOfWork, proposals: list[Proposal]) -> int:
    """A manager (own team) or the admin / sales admin applies proposed classes."""
    if uow.actor is None or uow.actor.role not in roles.CAN_CONFIRM_CLASSIFICATION:
        raise PermissionDenied("只有销售主管、销售内勤或系统管理员可以确认客户分类。")
    with uow:
        wanted = {p.customer_id: ClassDecision(p.proposed, p.reason) for p in proposals}
        done = apply_classes(uow, wanted, edit_scope(uow.actor))
        uow.commit()
        return len(done)
