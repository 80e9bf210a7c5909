"""Reminders from 工作计划: the assignee's plans due soon or overdue, every pending 催办
(urged and not updated since), and, for a manager, the team's overdue plans."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.models import Role, User, WorkPlan
from app.services.core import clock, settings
from app.services.reminders.engine import Reminder, Severity, Target, provider


def _day(d) -> datetime:
    return datetime.combine(d, time(9, 0))


def _open(q):
    return q.where(WorkPlan.status == "open")


@provider("work_plan_urged", "工作催办")
def urged_plans(uow):
    q = _open(
        select(WorkPlan.id, WorkPlan.title, WorkPlan.urged_at, WorkPlan.urge_note, User.full_name)
        .outerjoin(User, User.id == WorkPlan.urged_by_id)
        .where(WorkPlan.assignee_id == uow.actor.id, WorkPlan.urged_at.is_not(None))
    )
    for pid, title, urged_at, note, by in uow.session.execute(q):
        detail = f"{by or ''}催办" + (f"：{note}" if note else "")
        yield Reminder("work_plan_urged", f"【催办】{title}", urged_at, Severity.URGENT,
                       Target("work_plan", pid), detail)  # fmt: skip


@provider("work_plan_due", "工作计划到期")
def due_plans(uow):
    today = clock.now().date()
    horizon = today + timedelta(days=settings.get(uow, "work.remind_days"))
    q = _open(
        select(WorkPlan.id, WorkPlan.title, WorkPlan.due_date, WorkPlan.progress).where(
            WorkPlan.assignee_id == uow.actor.id,
            WorkPlan.due_date <= horizon,
            WorkPlan.urged_at.is_(None),  # an urged plan is already listed as 【催办】
        )
    )
    for pid, title, due, progress in uow.session.execute(q):
        if due < today:
            text = f"工作计划“{title}”已逾期 {(today - due).days} 天（进度 {progress}%）"
            sev = Severity.URGENT
        elif due == today:
            text, sev = f"工作计划“{title}”今天到期（进度 {progress}%）", Severity.WARNING
        else:
            days = (due - today).days
            text, sev = f"工作计划“{title}”{days} 天后到期（进度 {progress}%）", Severity.WARNING
        yield Reminder("work_plan_due", text, _day(due), sev, Target("work_plan", pid))


@provider("work_plan_team_overdue", "组员计划逾期")
def team_overdue(uow):
    actor = uow.actor
    if actor.role != Role.MANAGER or actor.team_id is None:
        return
    today = clock.now().date()
    q = _open(
        select(WorkPlan.id, WorkPlan.title, WorkPlan.due_date, WorkPlan.progress, User.full_name)
        .join(User, User.id == WorkPlan.assignee_id)
        .where(User.team_id == actor.team_id, User.id != actor.id, WorkPlan.due_date < today)
    )
    for pid, title, due, progress, name in uow.session.execute(q):
        yield Reminder(
            "work_plan_team_overdue",
            f"{name}的工作计划“{title}”已逾期 {(today - due).days} 天（进度 {progress}%）",
            _day(due),
            Severity.WARNING,
            Target("work_plan", pid),
        )
