"""Who sees which visit plans, records and reports (客户回访). Every visit read goes here.

plans, records  → the visitors themselves, plus every plan/record of a customer the
                  actor may see (customer_scope): a rep sees the visits of own
                  customers, a manager the team's, sales admin/chairman/admin/clerk all;
                  and the records of a report the actor was appointed to review.
reports         → the author and the appointed reviewer (主管领导); a manager the
                  reports of the team; sales admin, chairman, admin and the clerk (who
                  archives them) all.
"""

from __future__ import annotations

from sqlalchemy import false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from app.models import Customer, Role, User, VisitPlan, VisitPlanVisitor, VisitRecord, VisitReport
from app.services.access import roles
from app.services.access.visibility import customer_scope
from app.services.core.uow import Actor


def _visible_customers(actor: Actor):
    return select(Customer.id).where(customer_scope(actor))


def plan_scope(actor: Actor | None) -> ColumnElement[bool]:
    if actor is None:
        return false()
    if actor.role in roles.SEES_ALL_CUSTOMERS:
        return true()
    mine = select(VisitPlanVisitor.plan_id).where(VisitPlanVisitor.user_id == actor.id)
    return or_(
        VisitPlan.owner_id == actor.id,
        VisitPlan.id.in_(mine),
        VisitPlan.customer_id.in_(_visible_customers(actor)),
    )


def record_scope(actor: Actor | None) -> ColumnElement[bool]:
    if actor is None:
        return false()
    if actor.role in roles.SEES_ALL_CUSTOMERS:
        return true()
    # The appointed reviewer reads the records of a report even when the visitor's
    # customer is outside the reviewer's scope (a visitor from another team).
    reviewing = select(VisitReport.id).where(VisitReport.reviewer_id == actor.id)
    # A visitor named on a plan reads every record of that plan (the co-visitors' too).
    visiting = select(VisitPlanVisitor.plan_id).where(VisitPlanVisitor.user_id == actor.id)
    return or_(
        VisitRecord.visitor_id == actor.id,
        VisitRecord.plan_id.in_(visiting),
        VisitRecord.customer_id.in_(_visible_customers(actor)),
        VisitRecord.report_id.in_(reviewing),
    )


def report_scope(actor: Actor | None) -> ColumnElement[bool]:
    if actor is None:
        return false()
    if actor.role in roles.SEES_ALL_CUSTOMERS:
        return true()
    own = or_(VisitReport.author_id == actor.id, VisitReport.reviewer_id == actor.id)
    if actor.role == Role.MANAGER and actor.team_id is not None:
        team = select(User.id).where(User.team_id == actor.team_id)
        return or_(own, VisitReport.author_id.in_(team))
    return own
