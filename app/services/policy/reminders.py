"""Reminders from the customer policy engine: follow-ups due, customers about to return to
the pool (or, with auto-return off, due for the manager to reclaim), development
deadlines at 30 and 7 days (规则 3, 4). The after-delivery follow-ups (规则 6) are stored
work-plan items (customers._internal.schedule_delivery_tasks) and remind through work_reminders."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from app.models import Customer, FollowUp, Role, User
from app.services.access import roles
from app.services.access.visibility import customer_scope
from app.services.core import clock, settings
from app.services.policy.compliance import Month, responsible_for, visits_expr
from app.services.policy.maintenance import (
    Grade,
    Owner,
    frequencies,
    month_bounds,
    reminder_due,
)
from app.services.pool.rules import due_for_pool
from app.services.reminders.engine import Reminder, Severity, Target, provider

DEADLINE_WARNINGS = (30, 7)


def _day(d) -> datetime:
    return datetime.combine(d, time(9, 0))


@provider("follow_up_due", "待跟进")
def follow_ups_due(uow):
    today = clock.now().date()
    q = (
        select(FollowUp.at, FollowUp.customer_id, FollowUp.next_date, FollowUp.next_step,
               Customer.name)
        .join(Customer, FollowUp.customer_id == Customer.id)
        .where(FollowUp.by_id == uow.actor.id, FollowUp.next_date.is_not(None),
               FollowUp.next_date <= today + timedelta(days=1),
               customer_scope(uow.actor))
    )  # fmt: skip
    latest = {}
    for at, cid, next_date, step, name in uow.session.execute(q):
        latest.setdefault(cid, (at, next_date, step, name))
        if latest[cid][1] < next_date:
            latest[cid] = (at, next_date, step, name)
    # A later follow-up of the same customer, on or after the planned day, answers it
    # (not the follow-up that planned it: "next: today" must still remind). The latest
    # follow-up of each customer says whether any did: one query, not one per customer.
    ids, last = list(latest), {}
    for start in range(0, len(ids), 500):
        last.update(uow.session.execute(
            select(FollowUp.customer_id, func.max(FollowUp.at))
            .where(FollowUp.customer_id.in_(ids[start : start + 500]))
            .group_by(FollowUp.customer_id)
        ).tuples().all())  # fmt: skip
    for cid, (planned_at, next_date, step, name) in latest.items():
        answered = last.get(cid)
        if answered and answered > planned_at and answered >= _day(next_date) - timedelta(hours=9):
            continue
        sev = Severity.URGENT if next_date < today else Severity.WARNING
        yield Reminder(
            "follow_up_due",
            f"跟进客户“{name}”" + (f"：{step}" if step else ""),
            _day(next_date),
            sev,
            Target("customer", cid),
        )


@provider("pool_return", "即将回收公海")
def pool_returns(uow):
    warn = settings.get(uow, "pool.warn_days")
    auto = settings.get(uow, "pool.auto_return")
    now = clock.now()
    # Only what this user is told about: the own customers soon due, and — when the
    # manager reclaims by hand — the overdue ones of the team (all for the admin).
    candidates = due_for_pool(uow, within_days=warn, mine=True)
    role = uow.actor.role
    team = None
    if not auto and role in roles.REMINDED_TO_RECLAIM:
        candidates += [c for c in due_for_pool(uow) if c.owner_id != uow.actor.id]
    if role == Role.MANAGER:
        team = set(uow.session.scalars(select(User.id).where(User.team_id == uow.actor.team_id)))
    for c in candidates:
        overdue = c.returns_on <= now
        if c.owner_id == uow.actor.id and not (overdue and auto):
            days = max(0, (c.returns_on.date() - now.date()).days)
            title = (
                f"客户“{c.name}”已超过 {c.idle_limit_days} 天无销售动作，将被回收"
                if overdue
                else f"客户“{c.name}”{days} 天后将回收公海，请及时跟进（跟进、回访、成交均可）"
            )
            yield Reminder("pool_return", title, c.returns_on,
                           Severity.URGENT if days <= 2 else Severity.WARNING,
                           Target("customer", c.customer_id))  # fmt: skip
        elif overdue and not auto and (role == Role.ADMIN or (team and c.owner_id in team)):
            yield Reminder(
                "pool_return",
                f"客户“{c.name}”（{c.owner_name}）超期无销售动作，请回收公海",
                c.returns_on,
                Severity.WARNING,
                Target("customer", c.customer_id),
            )


@provider("dev_deadline", "开发期限")
def development_deadlines(uow):
    today = clock.now().date()
    q = select(Customer.id, Customer.name, Customer.dev_deadline).where(
        Customer.owner_id == uow.actor.id,
        Customer.developed_on.is_(None),
        Customer.dev_deadline.is_not(None),
        Customer.dev_deadline <= today + timedelta(days=max(DEADLINE_WARNINGS)),
    )
    for cid, name, deadline in uow.session.execute(q):
        days = (deadline - today).days
        if days < 0:
            title, sev = (
                f"客户“{name}”开发期限已于 {deadline:%Y-%m-%d} 到期，待评审",
                Severity.URGENT,
            )
        elif days <= min(DEADLINE_WARNINGS):
            title, sev = f"客户“{name}”开发期限还剩 {days} 天", Severity.URGENT
        else:
            title, sev = f"客户“{name}”开发期限还剩 {days} 天", Severity.WARNING
        yield Reminder("dev_deadline", title, _day(deadline), sev, Target("customer", cid))


@provider("review", "评审")
def open_reviews(uow):
    """Open 评审: the owner may file a statement; managers decide; the chairman watches."""
    from app.models import CustomerReview
    from app.services.policy.reviews import visible_reviews

    q = visible_reviews(
        uow.actor,
        select(CustomerReview.id, CustomerReview.customer_id, CustomerReview.owner_id,
               CustomerReview.opened_at, CustomerReview.statement, Customer.name)
        .join(Customer, Customer.id == CustomerReview.customer_id)
        .where(CustomerReview.status == "open"),
    )  # fmt: skip
    for rid, _cid, owner_id, opened_at, statement, name in uow.session.execute(q):
        if owner_id == uow.actor.id:
            if statement:
                continue
            title = f"客户“{name}”开发期限已过，进入评审：可提交陈述"
        else:
            title = f"客户“{name}”待评审"
        yield Reminder("review", title, opened_at, Severity.WARNING, Target("review", rid))


@provider("maintenance", "客户维护")
def maintenance_reminders(uow):
    """二.3.1: a customer below its monthly minimum of visits by the right person (a rep's
    visit to an A customer does not make up for its leader's), to whoever answers for it."""
    today = clock.now().date()
    where = responsible_for(uow, uow.actor)
    if where is None:
        return
    month = Month()
    done, others = visits_expr(month, True), visits_expr(month, False)
    q = (
        select(Customer.id, Customer.name, Grade.code, done, others, Owner.full_name)
        .outerjoin(Grade, Customer.grade_id == Grade.id)
        .outerjoin(Owner, Customer.owner_id == Owner.id)
        .where(Customer.owner_id.is_not(None), customer_scope(uow.actor), where)
    )
    month_end = month_bounds(today)[1] - timedelta(days=1)
    due = datetime.combine(month_end, time(17, 0))
    freq = frequencies(uow)
    for cid, name, grade, visits, other, owner in uow.session.execute(q):
        f = freq.get(grade)
        if f is None or visits >= f.minimum or not reminder_due(today, visits):
            continue
        who = "" if grade == "C" else f"（{owner}）"
        title = (
            f"{grade} 类客户“{name}”{who}本月由{f.by}拜访 {visits} 次，"
            f"标准 {f.label}，还差 {f.minimum - visits} 次"
        )
        if other:
            title += f"（其他人员拜访 {other} 次不计入）"
        sev = Severity.URGENT if visits == 0 else Severity.WARNING
        yield Reminder("maintenance", title, due, sev, Target("customer", cid))


@provider("class_sheet", "客户等级分类表")
def class_sheet_steps(uow):
    """《客户等级分类表》 (暂行办法 一.3): each step reminds whoever must act — the filler
    when a period's sheet is due (the last `class.sheet_warn_days` days) and not submitted,
    or was sent back; the managers when one is 已提交; the 结算经理 when 已审核."""
    from app.models import ClassSheet
    from app.services.access import roles
    from app.services.policy._internal import settlement_managers, sheet_fillers
    from app.services.policy.class_sheets import period_bounds, regular_period

    me, today = uow.actor, clock.now().date()
    steps = []  # (status, title) the actor acts on
    if me.id in sheet_fillers(uow) and me.role in roles.CAN_FILL_CLASS_SHEETS:
        warn = timedelta(days=settings.get(uow, "class.sheet_warn_days"))
        for period in (regular_period(uow), "yearly"):
            start, end, title = period_bounds(today, period)
            exists = select(ClassSheet.id).where(
                ClassSheet.period == period, ClassSheet.period_start == start
            )
            if today >= end - warn and uow.session.scalar(exists) is None:
                yield Reminder("class_sheet", f"请建立并填写{title}客户等级分类表，{end:%m月%d日}前提交",
                               _day(end), Severity.WARNING, Target("class_sheet", 0))  # fmt: skip
        steps.append(("filling", "{t}客户等级分类表尚未提交，请填写后提交部门经理"))
    if me.role in roles.CAN_REVIEW_CLASS_SHEETS:
        steps.append(("submitted", "{t}客户等级分类表已提交，待审核"))
    if me.id in settlement_managers(uow) and me.role in roles.CAN_CHECK_CLASS_SHEETS:
        steps.append(("approved", "{t}客户等级分类表已审核，待复核备案"))
    for status, text in steps:
        q = select(ClassSheet).where(ClassSheet.status == status)
        for s in uow.session.scalars(q.order_by(ClassSheet.period_end)):
            returned = status == "filling" and s.returned_at is not None
            if status == "filling" and not returned and today < s.period_end - warn:
                continue  # being filled, not yet due
            title = text.format(t=s.title) + (f"（已退回：{s.return_reason}）" if returned else "")
            sev = Severity.URGENT if today > s.period_end else Severity.WARNING
            yield Reminder(
                "class_sheet", title, _day(s.period_end), sev, Target("class_sheet", s.id)
            )
