"""日程 (calendar): one user's dated items over a date range, from the records that carry
dates — work plans (due date), visit plans the user goes on (the appointment, else the
planned end date), the user's own follow-ups' next dates, and the user's daily notes.

Whose calendar: one's own; a manager may also open a team member's (without that
member's private notes). Everyone else only their own. Each event names the record it
drills through to (Target).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time

from sqlalchemy import and_, func, or_, select

from app.models import (
    Customer,
    DailyNote,
    FollowUp,
    Role,
    User,
    VisitPlan,
    VisitPlanVisitor,
    WorkPlan,
)
from app.services.access.visibility import customer_scope
from app.services.core.date_ranges import day_after
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import Actor, UnitOfWork
from app.services.reminders.engine import Target
from app.services.visits.scope import plan_scope as visit_plan_scope
from app.services.work.plans import plan_scope as work_plan_scope

WORK_PLAN = "工作计划"
VISIT_PLAN = "回访计划"
APPOINTMENT = "预约拜访"
FOLLOW_UP = "跟进"
NOTE = "记事"
KINDS = (WORK_PLAN, VISIT_PLAN, APPOINTMENT, FOLLOW_UP, NOTE)
MAX_DAYS = 400


@dataclass(frozen=True)
class CalendarEvent:
    date: date
    time: time | None
    kind: str  # one of KINDS
    title: str
    target: Target
    done: bool = False  # completed (shown dimmed)
    detail: str = ""

    @property
    def sort_key(self):
        return (self.date, self.time is not None, self.time or time(), KINDS.index(self.kind),
                self.target.record_id)  # fmt: skip


@dataclass(frozen=True)
class CalendarOwner:
    id: int
    name: str


def viewable_users(uow: UnitOfWork) -> list[CalendarOwner]:
    """Whose calendar the actor may open: self first; a manager also the team members."""
    actor = uow.actor
    if actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        own = CalendarOwner(actor.id, actor.full_name)
        if actor.role != Role.MANAGER or actor.team_id is None:
            return [own]
        rows = uow.session.execute(
            select(User.id, User.full_name)
            .where(User.team_id == actor.team_id, User.id != actor.id, User.is_active.is_(True))
            .order_by(User.full_name)
        )
        return [own] + [CalendarOwner(uid, name) for uid, name in rows]


def _check_user(uow: UnitOfWork, actor: Actor, user_id: int | None) -> int:
    if user_id is None or user_id == actor.id:
        return actor.id
    user = uow.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise NotFound("该用户不存在。")
    if actor.role == Role.MANAGER and actor.team_id is not None and user.team_id == actor.team_id:
        return user.id
    raise PermissionDenied("您只能查看自己的日程；销售主管可以查看本组成员的日程。")


def events(
    uow: UnitOfWork, start: date, end: date, user_id: int | None = None
) -> list[CalendarEvent]:
    """The user's events from start to end (inclusive), by date and time."""
    actor = uow.actor
    if actor is None:
        raise PermissionDenied("请先登录。")
    _check_range(start, end)
    with uow:
        uid = _check_user(uow, actor, user_id)
        found = _work_plans(uow, actor, uid, start, end)
        found += _visit_plans(uow, actor, uid, start, end)
        found += _follow_ups(uow, actor, uid, start, end)
        if uid == actor.id:
            found += _notes(uow, uid, start, end)
    return sorted(found, key=lambda e: e.sort_key)


def _check_range(start: date, end: date) -> None:
    if start is None or end is None:
        raise ValidationError("请指定日程的起止日期。")
    if end < start:
        raise ValidationError("结束日期不能早于开始日期。")
    if (end - start).days > MAX_DAYS:
        raise ValidationError(f"一次最多查看 {MAX_DAYS} 天的日程。")


def team_events(uow: UnitOfWork, start: date, end: date) -> list[CalendarEvent]:
    """A manager's 全组 view: every team member's plans, visits and follow-ups (not their
    private notes), each title led by whose it is."""
    actor = uow.actor
    if actor is None or actor.role != Role.MANAGER or actor.team_id is None:
        raise PermissionDenied("只有销售主管可以查看全组日程。")
    _check_range(start, end)
    with uow:
        members = uow.session.execute(
            select(User.id, User.full_name)
            .where(User.team_id == actor.team_id, User.is_active.is_(True))
            .order_by(User.full_name)
        ).all()
        found = []
        for uid, name in members:
            mine = (
                _work_plans(uow, actor, uid, start, end)
                + _visit_plans(uow, actor, uid, start, end)
                + _follow_ups(uow, actor, uid, start, end)
            )
            found += [replace(e, title=f"{name}：{e.title}") for e in mine]
    return sorted(found, key=lambda e: e.sort_key)


def _work_plans(uow, actor, uid, start, end) -> list[CalendarEvent]:
    q = select(WorkPlan.id, WorkPlan.due_date, WorkPlan.title, WorkPlan.status,
               WorkPlan.progress, WorkPlan.urged_at).where(
        WorkPlan.assignee_id == uid, WorkPlan.status != "cancelled",
        WorkPlan.due_date >= start, WorkPlan.due_date <= end, work_plan_scope(actor),
    )  # fmt: skip
    out = []
    for pid, due, title, status, progress, urged_at in uow.session.execute(q):
        done = status == "done"
        mark = "（已完成）" if done else ("【催办】" if urged_at else "")
        detail = f"进度 {progress}%"
        out.append(CalendarEvent(due, None, WORK_PLAN, f"{mark}{title}" if not done else
                                 f"{title}{mark}", Target("work_plan", pid), done, detail))  # fmt: skip
    return out


def _visit_plans(uow, actor, uid, start, end) -> list[CalendarEvent]:
    lo = datetime.combine(start, time())
    hi = day_after(end)
    goes = select(VisitPlanVisitor.plan_id).where(VisitPlanVisitor.user_id == uid)
    q = (
        select(VisitPlan.id, VisitPlan.planned_to, VisitPlan.appointment_at, VisitPlan.status,
               VisitPlan.purpose, VisitPlan.appointment_place, Customer.name)
        .join(Customer, Customer.id == VisitPlan.customer_id)
        .where(
            VisitPlan.id.in_(goes), VisitPlan.status != "cancelled", visit_plan_scope(actor),
            or_(
                and_(VisitPlan.appointment_at.is_not(None), VisitPlan.appointment_at >= lo,
                     VisitPlan.appointment_at < hi),
                and_(VisitPlan.appointment_at.is_(None), VisitPlan.planned_to >= start,
                     VisitPlan.planned_to <= end),
            ),
        )
    )  # fmt: skip
    out = []
    for pid, planned_to, appt, status, purpose, place, customer in uow.session.execute(q):
        done = status == "done"
        what = f"回访“{customer}”" + (f"：{purpose}" if purpose else "")
        if appt is not None:
            detail = f"地点：{place}" if place else ""
            out.append(CalendarEvent(appt.date(), appt.time(), APPOINTMENT, what,
                                     Target("visit_plan", pid), done, detail))  # fmt: skip
        else:
            out.append(CalendarEvent(planned_to, None, VISIT_PLAN, what,
                                     Target("visit_plan", pid), done))  # fmt: skip
    return out


def _follow_ups(uow, actor, uid, start, end) -> list[CalendarEvent]:
    q = (
        select(FollowUp.customer_id, FollowUp.next_date, func.max(FollowUp.next_step),
               Customer.name)
        .join(Customer, Customer.id == FollowUp.customer_id)
        .where(FollowUp.by_id == uid, FollowUp.next_date >= start, FollowUp.next_date <= end,
               customer_scope(actor))
        .group_by(FollowUp.customer_id, FollowUp.next_date, Customer.name)
    )  # fmt: skip
    return [
        CalendarEvent(day, None, FOLLOW_UP, f"跟进“{name}”" + (f"：{step}" if step else ""),
                      Target("customer", cid))
        for cid, day, step, name in uow.session.execute(q)
    ]  # fmt: skip


def _notes(uow, uid, start, end) -> list[CalendarEvent]:
    q = select(DailyNote.id, DailyNote.note_date, DailyNote.title).where(
        DailyNote.owner_id == uid, DailyNote.note_date >= start, DailyNote.note_date <= end
    )
    return [
        CalendarEvent(day, None, NOTE, title, Target("daily_note", nid))
        for nid, day, title in uow.session.execute(q)
    ]
