"""Who visits by class (市场部客户资源管理制度 二.3.1): the monthly compliance check.

    A 类  公司领导 (the chairman, or a user named in maint.leaders)  1–2 times a month
    B 类  市场部经理 (销售主管)                                      1–2 times a month
    C 类  市场部专员 (销售人员; a manager who owns a C customer is its 专员)  2–4 times

Only a visit by someone of the right person for the class counts toward the minimum: a
rep's visit to an A customer is a visit all the same, but it is "done by others", and the
A customer still lacks its leader's visit. A visit is
  - a live follow-up of method 拜访 (by its author), and
  - a 《客户回访记录表》 whose follow-up is a 拜访, for each other visitor of its plan who
    wrote no record of their own (a leader who went along with the rep), once per plan.
Counts are correlated SQL subqueries over a month given by bind parameters (the month a
list shows, or this month for the reminders).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import DateTime, and_, bindparam, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from app.models import Customer, FollowUp, User, VisitPlanVisitor, VisitRecord
from app.services.access import roles
from app.services.core import clock, settings
from app.services.core.uow import Actor, UnitOfWork
from app.services.policy.maintenance import (
    BY,
    VISIT_METHOD,
    Grade,
    Method,
    MethodTable,
    month_bounds,
    required_expr,
)

VISITOR = BY  # who must visit, per class (what the list and the reminders say)

Visitor = aliased(User, name="cmp_visitor")
CoVisit = aliased(FollowUp, name="cmp_covisit_fu")
OwnRecord = aliased(VisitRecord, name="cmp_own_record")


class Month:
    """The month a compliance query counts: bind parameters read it when the query runs,
    so one list source serves every month the page selects."""

    def __init__(self, first: Callable[[], date] | None = None):
        self._first = first or (lambda: clock.now().date())
        self.start = bindparam("cmp_start", type_=DateTime, callable_=lambda: self.bounds()[0])
        self.end = bindparam("cmp_end", type_=DateTime, callable_=lambda: self.bounds()[1])

    def bounds(self) -> tuple[datetime, datetime]:
        return month_bounds(self._first())


def leaders_named(user=Visitor):
    """SQL: the user is named in maint.leaders (stored "a,b"; LIKE with its wildcards
    escaped, since user names may contain "_")."""
    # "!" as the escape character: no backslash quoting differences between databases.
    escaped = func.replace(
        func.replace(func.replace(user.username, "!", "!!"), "%", "!%"), "_", "!_"
    )
    names = literal(",").concat(settings.sql_text("maint.leaders")).concat(",")
    return names.like(literal("%,").concat(escaped).concat(",%"), escape="!")


def right_person(grade_code, owner_id, user=Visitor):
    """SQL: `user` is of the role that must visit a customer of `grade_code`."""
    return or_(
        and_(grade_code == "A", or_(user.role.in_(roles.VISITS_A_CUSTOMERS), leaders_named(user))),
        and_(grade_code == "B", user.role.in_(roles.VISITS_B_CUSTOMERS)),
        and_(grade_code == "C", or_(user.role.in_(roles.VISITS_C_CUSTOMERS), user.id == owner_id)),
    )


def _is_visit(follow_up):
    table, code = VISIT_METHOD
    method = select(Method.id).join(MethodTable, MethodTable.id == Method.table_id)
    return follow_up.method_id.in_(method.where(MethodTable.key == table, Method.code == code))


def _follow_up_visits(month: Month, right: bool | None):
    """Correlated count of the customer's 拜访 follow-ups this month (by the right person,
    by others, or all)."""
    q = (
        select(func.count(FollowUp.id))
        .join(Visitor, Visitor.id == FollowUp.by_id)
        .where(FollowUp.customer_id == Customer.id, FollowUp.deleted_at.is_(None),
               FollowUp.at >= month.start, FollowUp.at < month.end, _is_visit(FollowUp))
    )  # fmt: skip
    return _who(q, right).correlate(Customer, Grade).scalar_subquery()


def _co_visits(month: Month, right: bool | None):
    """Correlated count of visitors who went on a plan whose 拜访 record another visitor
    wrote and who wrote none themselves; a plan counts once, through its first record."""
    first = (
        select(func.min(OwnRecord.id))
        .where(OwnRecord.plan_id == VisitRecord.plan_id, OwnRecord.deleted_at.is_(None))
        .scalar_subquery()
    )
    own = exists().where(
        OwnRecord.plan_id == VisitRecord.plan_id,
        OwnRecord.visitor_id == VisitPlanVisitor.user_id,
        OwnRecord.deleted_at.is_(None),
    )
    q = (
        select(func.count())
        .select_from(VisitRecord)
        .join(VisitPlanVisitor, VisitPlanVisitor.plan_id == VisitRecord.plan_id)
        .join(CoVisit, CoVisit.id == VisitRecord.follow_up_id)
        .join(Visitor, Visitor.id == VisitPlanVisitor.user_id)
        .where(VisitRecord.customer_id == Customer.id, VisitRecord.deleted_at.is_(None),
               VisitRecord.id == first, CoVisit.deleted_at.is_(None), _is_visit(CoVisit),
               VisitRecord.visited_at >= month.start, VisitRecord.visited_at < month.end,
               VisitPlanVisitor.user_id != VisitRecord.visitor_id, ~own)
    )  # fmt: skip
    return _who(q, right).correlate(Customer, Grade).scalar_subquery()


def _who(q, right: bool | None):
    if right is None:
        return q
    test = right_person(Grade.code, Customer.owner_id)
    return q.where(test if right else ~test)


def visits_expr(month: Month, right: bool | None = True):
    """This month's visits of the outer query's customer (joined to Grade)."""
    return _follow_up_visits(month, right) + _co_visits(month, right)


def shortfall_expr(month: Month):
    required, done = required_expr(), visits_expr(month, True)
    return case((required > done, required - done), else_=0)


STATUS_LABELS = {"short": "未达标", "ok": "已达标", "none": "无要求"}


def status_expr(month: Month):
    required, done = required_expr(), visits_expr(month, True)
    return case((required == 0, "none"), (done < required, "short"), else_="ok")


def visitor_expr():
    return case(*((Grade.code == g, literal(v)) for g, v in VISITOR.items()), else_=literal(""))


# --- who answers for a customer's shortfall (the reminders) -------------------------


def is_leader(uow: UnitOfWork, actor: Actor) -> bool:
    """Inside an open uow: the chairman, or a user named in maint.leaders."""
    if actor.role in roles.VISITS_A_CUSTOMERS:
        return True
    return actor.username in settings.director_names(settings.get(uow, "maint.leaders"))


def responsible_for(uow: UnitOfWork, actor: Actor):
    """SQL: the customers (joined to Grade) whose shortfall this actor answers for, or None:
    A → the company leaders; B → the managers of the owner's team (or the owning manager);
    C → the owner."""
    grade = Grade.code
    parts = [and_(grade == "C", Customer.owner_id == actor.id)]
    if is_leader(uow, actor):
        parts.append(grade == "A")
    if actor.role in roles.VISITS_B_CUSTOMERS:
        team = [Customer.owner_id == actor.id]
        if actor.team_id is not None:
            team.append(Customer.owner_id.in_(select(User.id).where(User.team_id == actor.team_id)))
        parts.append(and_(grade == "B", or_(*team)))
    if actor.role not in roles.CAN_OWN_CUSTOMERS and len(parts) == 1:
        return None  # owns no customers, answers for none
    return or_(*parts)
