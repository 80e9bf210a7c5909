"""Reminders of the 客户回访 workflow: each late or coming step to the person who owns it.

  visit_due          visitors: an open plan due within visits.remind_days (紧急 when late)
  visit_appointment  visitors: an appointment today or tomorrow
  visit_report_todo  authors: a record not in any report 3 days after the visit, a
                     returned report, a draft left unsubmitted for 3 days
  visit_review       the appointed reviewer: a submitted report (紧急 after review_due)
  visit_archive      the clerk and the sales admin: an approved report (紧急 after archive_due)

Targets: "visit_plan" (plan id) and "visit_report" (report id).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.models import Customer, User, VisitPlan, VisitPlanVisitor, VisitRecord, VisitReport
from app.services.access import roles
from app.services.core import clock, settings
from app.services.reminders.engine import Reminder, Severity, Target, provider
from app.services.visits._internal import OPEN_PLAN, REPORT_AFTER_DAYS

KINDS = {
    "visit_due": "客户回访",
    "visit_appointment": "预约拜访",
    "visit_report_todo": "整理回访报告",
    "visit_review": "审阅回访报告",
    "visit_archive": "回访资料归档",
}


def _day(d: date) -> datetime:
    return datetime.combine(d, time(9, 0))


def _mine(uow):
    return select(VisitPlanVisitor.plan_id).where(VisitPlanVisitor.user_id == uow.actor.id)


@provider("visit_due", KINDS["visit_due"])
def visits_due(uow):
    today = clock.now().date()
    horizon = today + timedelta(days=settings.get(uow, "visits.remind_days"))
    q = (
        select(VisitPlan.id, VisitPlan.planned_to, Customer.name)
        .join(Customer, Customer.id == VisitPlan.customer_id)
        .where(
            VisitPlan.id.in_(_mine(uow)),
            VisitPlan.status.in_(OPEN_PLAN),
            VisitPlan.ad_hoc.is_(False),
            VisitPlan.planned_to <= horizon,
            ~select(VisitRecord.id).where(VisitRecord.plan_id == VisitPlan.id).exists(),
        )
    )
    for pid, due, name in uow.session.execute(q):
        yield Reminder(
            "visit_due",
            f"回访客户“{name}”：计划 {due:%m-%d} 前完成",
            _day(due),
            Severity.URGENT if due < today else Severity.WARNING,
            Target("visit_plan", pid),
        )


@provider("visit_appointment", KINDS["visit_appointment"])
def appointments(uow):
    today = clock.now().date()
    start = datetime.combine(today, time())
    q = (
        select(VisitPlan.id, VisitPlan.appointment_at, VisitPlan.appointment_place, Customer.name)
        .join(Customer, Customer.id == VisitPlan.customer_id)
        .where(
            VisitPlan.id.in_(_mine(uow)),
            VisitPlan.status == "appointed",
            VisitPlan.appointment_at >= start,
            VisitPlan.appointment_at < start + timedelta(days=2),
        )
    )
    for pid, at, place, name in uow.session.execute(q):
        when = "今天" if at.date() == today else "明天"
        yield Reminder(
            "visit_appointment",
            f"{when} {at:%H:%M} 拜访客户“{name}”" + (f"（{place}）" if place else ""),
            at,
            Severity.WARNING if at.date() == today else Severity.INFO,
            Target("visit_plan", pid),
        )


@provider("visit_report_todo", KINDS["visit_report_todo"])
def reports_to_write(uow):
    now = clock.now()
    wait = timedelta(days=REPORT_AFTER_DAYS)
    actor = uow.actor.id
    q = (
        select(VisitRecord.plan_id, VisitRecord.visited_at, Customer.name)
        .join(Customer, Customer.id == VisitRecord.customer_id)
        .where(
            VisitRecord.visitor_id == actor,
            VisitRecord.report_id.is_(None),
            VisitRecord.visited_at <= now - wait,
        )
    )
    for pid, at, name in uow.session.execute(q):
        yield Reminder(
            "visit_report_todo",
            f"整理回访报告：客户“{name}”（{at:%m-%d} 回访）",
            at + wait,
            Severity.WARNING,
            Target("visit_plan", pid),
        )
    q = select(VisitReport).where(
        VisitReport.author_id == actor, VisitReport.status.in_(("returned", "draft"))
    )
    for report in uow.session.scalars(q):
        if report.status == "returned":
            yield Reminder(
                "visit_report_todo",
                f"回访报告“{report.title}”已退回，请按处理意见修改后重新提交",
                report.reviewed_at or now,
                Severity.WARNING,
                Target("visit_report", report.id),
            )
        elif report.created_at <= now - wait:
            yield Reminder(
                "visit_report_todo",
                f"回访报告“{report.title}”尚未提交审阅",
                report.created_at + wait,
                Severity.WARNING,
                Target("visit_report", report.id),
            )


@provider("visit_review", KINDS["visit_review"])
def reports_to_review(uow):
    today = clock.now().date()
    q = (
        select(VisitReport.id, VisitReport.title, VisitReport.review_due, User.full_name)
        .join(User, User.id == VisitReport.author_id)
        .where(VisitReport.reviewer_id == uow.actor.id, VisitReport.status == "submitted")
    )
    for rid, title, due, author in uow.session.execute(q):
        due = due or today
        yield Reminder(
            "visit_review",
            f"审阅回访报告“{title}”（{author}）",
            _day(due),
            Severity.URGENT if today > due else Severity.WARNING,
            Target("visit_report", rid),
        )


@provider("visit_archive", KINDS["visit_archive"])
def reports_to_archive(uow):
    if uow.actor.role not in roles.CAN_ARCHIVE_VISITS:
        return
    today = clock.now().date()
    q = (
        select(VisitReport.id, VisitReport.title, VisitReport.archive_due, User.full_name)
        .join(User, User.id == VisitReport.author_id)
        .where(VisitReport.status == "approved")
    )
    for rid, title, due, author in uow.session.execute(q):
        due = due or today
        yield Reminder(
            "visit_archive",
            f"归档回访报告“{title}”（{author}）",
            _day(due),
            Severity.URGENT if today > due else Severity.WARNING,
            Target("visit_report", rid),
        )


PROVIDERS = (visits_due, appointments, reports_to_write, reports_to_review, reports_to_archive)


def visit_reminders(uow) -> list[Reminder]:
    """Only this workflow's reminders for uow.actor (the 回访 screens' own to-do panel)."""
    with uow:
        items = [item for fn in PROVIDERS for item in fn(uow)]
    return sorted(items, key=lambda r: (r.due, -r.severity))
