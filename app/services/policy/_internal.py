"""Policy helpers that work inside a unit of work someone else opened.

apply_classes is the one path by which a confirmed class reaches a customer: the manager's
batch confirmation (classification.confirm) and the filed 《客户等级分类表》
(class_sheets.check_sheet) both go through it, so D stays a person's decision in both."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.models import Customer, Role, User
from app.services.admin import code_tables
from app.services.core import clock, settings
from app.services.core.uow import UnitOfWork
from app.services.customers.classes import GRADES


@dataclass(frozen=True)
class ClassDecision:
    grade: str
    reason: str
    by_person: bool = False  # a person set or lifted D, with a reason (一.2.3)


def apply_classes(uow: UnitOfWork, wanted: dict[int, ClassDecision], scope) -> set[int]:
    """Give each customer (id -> decision) within `scope` its class and reason; returns the
    ids changed. A customer who is D now keeps D unless the decision is a person's."""
    today = clock.now().date()
    grade_ids = {g: code_tables.find_item(uow, "grade", g) for g in GRADES}
    done = set()
    for c in uow.session.scalars(select(Customer).where(Customer.id.in_(list(wanted)), scope)):
        d = wanted[c.id]
        if c.grade_id == grade_ids["D"] and not d.by_person:
            continue  # set D by hand since the proposal was made: a person's decision
        c.grade_id = grade_ids[d.grade]
        c.class_reason, c.classified_on = d.reason[:300], today
        done.add(c.id)
    return done


def _named_users(uow: UnitOfWork, key: str) -> list[int]:
    names = settings.director_names(str(settings.get(uow, key)))
    if not names:
        return []
    q = select(User.id).where(User.username.in_(names), User.is_active.is_(True))
    return list(uow.session.scalars(q))


def sheet_fillers(uow: UnitOfWork) -> list[int]:
    """Who fills 《客户等级分类表》: the users named in 系统设置, else every active 销售内勤."""
    named = _named_users(uow, "class.sheet_fillers")
    if named or settings.get(uow, "class.sheet_fillers").strip():
        return named
    q = select(User.id).where(User.role == Role.SALES_ADMIN, User.is_active.is_(True))
    return list(uow.session.scalars(q))


def settlement_managers(uow: UnitOfWork) -> list[int]:
    """结算经理: the users named in 系统设置 (the roles have no such role)."""
    return _named_users(uow, "class.settlement_managers")
