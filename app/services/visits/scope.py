"""Who sees which visit plans, records and reports (客户回访). Every visit read goes here.

A visit is seen through its customer, as the customer is now (issue 12.1): when a
customer passes to another team, its visits leave the old team's sight with it (open
plans follow the customer to the new owner: customers.ownership).

plans           → every plan of a customer the actor may see (customer_scope: a rep own
                  customers, a manager the team's, sales admin/chairman/admin/clerk all);
                  and a plan the actor is named on as a visitor (a co-visitor from
                  another team). The old owner leaves the visitors of the customer's plans
                  when it changes hands.
records         → every record of a customer the actor may see; the records of a plan the
                  actor is named on; the records of a report the actor was appointed to
                  review (a visitor from another team).
reports         → the author and the appointed reviewer (主管领导), a manager the team's
                  reports — while the actor may see every customer in the report (the
                  appointed reviewer always) every record in it; sales admin, chairman, admin and clerk all.
"""

from __future__ import annotations

from sqlalchemy import and_, false, not_, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from app.models import Role, User, VisitPlan, VisitPlanVisitor, VisitRecord, VisitReport
from app.services.access import roles
from app.services.access.visibility import customer_scope, ids_within
from app.services.core.uow import Actor

OPEN_PLAN = ("planned", "appointed")  # a plan that still waits for its visit


def _visiting(actor: Actor):
    """Plans the actor is named on as a visitor."""
    return select(VisitPlanVisitor.plan_id).where(VisitPlanVisitor.user_id == actor.id)


def plan_scope(actor: Actor | None) -> ColumnElement[bool]:
    if actor is None:
        return false()
    if actor.role in roles.SEES_ALL_CUSTOMERS:
        return true()
    return or_(
        ids_within(customer_scope(actor), VisitPlan.customer_id),
        VisitPlan.id.in_(_visiting(actor)),
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
    return or_(
        ids_within(customer_scope(actor), VisitRecord.customer_id),
        VisitRecord.plan_id.in_(_visiting(actor)),
        VisitRecord.report_id.in_(reviewing),
    )


def report_scope(actor: Actor | None) -> ColumnElement[bool]:
    if actor is None:
        return false()
    if actor.role in roles.SEES_ALL_CUSTOMERS:
        return true()
    own = VisitReport.author_id == actor.id
    if actor.role == Role.MANAGER and actor.team_id is not None:
        team = select(User.id).where(User.team_id == actor.team_id)
        own = or_(own, VisitReport.author_id.in_(team))
    # A record the actor may no longer see (its customer left) hides the whole report.
    # NOT EXISTS, correlated, not NOT IN: PostgreSQL cannot turn a NOT IN over a nullable
    # column into an anti-join, and compared every report with every record (minutes).
    foreign = (
        select(VisitRecord.id)
        .where(VisitRecord.report_id == VisitReport.id, not_(record_scope(actor)))
        .exists()
    )
    return or_(VisitReport.reviewer_id == actor.id, and_(own, ~foreign))
