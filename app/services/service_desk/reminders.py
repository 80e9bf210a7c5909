"""Reminders of the 客户服务 desk: complaints due or overdue, unassigned complaints, sample
requests waiting for dispatch, and "样品已寄出" notices for the requester.

complaint (Target "complaint"):
  the handler        — an open complaint due within 1 day, or overdue (URGENT when overdue)
  the handler's team manager — overdue ones of the team's handlers
  SALES_ADMIN        — overdue ones without a handler, or whose handler has no team manager
  unassigned         — SALES_ADMIN, and the MANAGER of the customer's owner's team
sample_request (Target "sample_request"):
  SALES_ADMIN        — pending requests (URGENT after samples.dispatch_days or past needed_by)
  the requester      — "样品已寄出…" for 3 days after the dispatch
One reminder per record and user (the most severe reason wins).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from app.models import Complaint, Customer, Role, SampleRequest, User
from app.services.core import clock, settings
from app.services.reminders.engine import Reminder, Severity, Target, provider
from app.services.service_desk.complaints import OPEN_STATUSES

SAMPLE_NOTICE_DAYS = 3
DUE_SOON_DAYS = 1


def _day(d) -> datetime:
    return datetime.combine(d, time(9, 0))


def _complaint_title(kind_word: str, name: str, words: str) -> str:
    words = words.replace("\n", " ")
    short = words[:20] + ("…" if len(words) > 20 else "")
    return f"{kind_word}客户“{name}”：{short}"


@provider("complaint", "客户投诉")
def complaint_reminders(uow):
    actor = uow.actor
    today = clock.now().date()
    handler = aliased(User, name="rem_handler")
    owner = aliased(User, name="rem_owner")
    q = (
        select(Complaint.id, Complaint.kind, Complaint.customer_words, Complaint.due_date,
               Complaint.handler_id, Complaint.received_at, Customer.name, handler.full_name,
               handler.team_id, owner.team_id)
        .join(Customer, Customer.id == Complaint.customer_id)
        .outerjoin(handler, handler.id == Complaint.handler_id)
        .outerjoin(owner, owner.id == Customer.owner_id)
        .where(Complaint.status.in_(OPEN_STATUSES))
    )  # fmt: skip
    overdue = and_(Complaint.due_date.is_not(None), Complaint.due_date < today)
    # A handler is reminded from the moment the complaint is theirs, not only near its
    # deadline (it is urgent once late, a warning when due soon, a note before that).
    mine = Complaint.handler_id == actor.id
    conds = [mine]
    managed_teams: set[int] = set()
    if actor.role == Role.MANAGER and actor.team_id is not None:
        conds.append(and_(overdue, handler.team_id == actor.team_id))
        conds.append(and_(Complaint.handler_id.is_(None), owner.team_id == actor.team_id))
    if actor.role == Role.SALES_ADMIN:
        managed_teams = set(
            uow.session.scalars(
                select(User.team_id).where(
                    User.role == Role.MANAGER, User.is_active.is_(True), User.team_id.is_not(None)
                )
            )
        )
        conds.append(Complaint.handler_id.is_(None))
        conds.append(overdue)  # narrowed below to handlers without a team manager
    found: dict[int, Reminder] = {}
    for row in uow.session.execute(q.where(or_(*conds))):
        cid, kind, words, due, handler_id, received_at, name, hname, hteam, oteam = row
        late = due is not None and due < today
        word = "投诉" if kind == "complaint" else "反馈"
        due_at = _day(due) if due else received_at
        if handler_id == actor.id:
            if late:
                when = f"已超期 {(today - due).days} 天"
            else:
                when = f"处理期限 {due:%Y-%m-%d}" if due else "未定处理期限"
            soon = due is None or due <= today + timedelta(days=DUE_SOON_DAYS)
            severity = Severity.URGENT if late else Severity.WARNING if soon else Severity.INFO
            item = Reminder("complaint", _complaint_title(f"处理{word}（{when}）", name, words),
                            due_at, severity, Target("complaint", cid))  # fmt: skip
        elif handler_id is None:
            item = Reminder("complaint", _complaint_title(f"{word}待指派处理人", name, words),
                            due_at, Severity.URGENT if late else Severity.WARNING,
                            Target("complaint", cid))  # fmt: skip
        elif late and (
            (actor.role == Role.MANAGER and hteam == actor.team_id)
            or (actor.role == Role.SALES_ADMIN and hteam not in managed_teams)
        ):
            item = Reminder("complaint",
                            _complaint_title(f"{word}超期未处理（处理人：{hname}）", name, words),
                            due_at, Severity.URGENT, Target("complaint", cid))  # fmt: skip
        else:
            continue
        if cid not in found or found[cid].severity < item.severity:
            found[cid] = item
    yield from found.values()


@provider("sample_request", "寄样申请")
def sample_reminders(uow):
    actor = uow.actor
    now = clock.now()
    today = now.date()
    if actor.role == Role.SALES_ADMIN:
        days = settings.get(uow, "samples.dispatch_days")
        requester = aliased(User, name="rem_requester")
        q = (
            select(SampleRequest.id, SampleRequest.requested_at, SampleRequest.needed_by,
                   SampleRequest.items, Customer.name, requester.full_name)
            .join(Customer, Customer.id == SampleRequest.customer_id)
            .join(requester, requester.id == SampleRequest.requested_by_id)
            .where(SampleRequest.status == "requested")
        )  # fmt: skip
        for rid, requested_at, needed_by, items, name, who in uow.session.execute(q):
            deadline = requested_at + timedelta(days=days)
            late = deadline < now or (needed_by is not None and needed_by < today)
            due = min(deadline, _day(needed_by)) if needed_by else deadline
            items = items.replace("\n", " ")
            yield Reminder(
                "sample_request",
                f"寄样申请待寄出：客户“{name}”（{items[:20]}），申请人{who}",
                due,
                Severity.URGENT if late else Severity.WARNING,
                Target("sample_request", rid),
            )
    q = (
        select(SampleRequest.id, SampleRequest.dispatched_on, SampleRequest.courier,
               SampleRequest.tracking_no, Customer.name)
        .join(Customer, Customer.id == SampleRequest.customer_id)
        .where(SampleRequest.requested_by_id == actor.id,
               SampleRequest.status == "dispatched",
               SampleRequest.dispatched_on >= today - timedelta(days=SAMPLE_NOTICE_DAYS))
    )  # fmt: skip
    for rid, on, courier, tracking, name in uow.session.execute(q):
        yield Reminder(
            "sample_request",
            f"样品已寄出：客户“{name}”，{on:%m-%d} {courier} {tracking}",
            _day(on),
            Severity.INFO,
            Target("sample_request", rid),
        )
