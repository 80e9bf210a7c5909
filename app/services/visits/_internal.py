"""客户回访: the detail types and constants the screens read (re-exported by
visits.workflow, the workflow's one import point), and the look-ups every step shares
inside the unit of work it opened: visible_plan/record/report, plan_visitors,
plan_details/record_details, user_names, plan_customer, insert_plan.
Every read goes through app.services.visits.scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.models import Customer, User, VisitPlan, VisitPlanVisitor, VisitRecord, VisitReport
from app.models.visit import PLAN_STATUS, REPORT_STATUS
from app.services.access.visibility import edit_scope
from app.services.admin import code_tables
from app.services.core import clock
from app.services.core._internal import record_number
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import Actor, UnitOfWork
from app.services.visits.scope import OPEN_PLAN, plan_scope, record_scope, report_scope

LOCKED_REPORT = ("submitted", "approved", "archived")  # records inside may not change
REPORT_AFTER_DAYS = 3  # 整理报告 is due this many days after the visit
STEP_NAMES = ("制订计划", "预约", "实施回访", "整理报告", "主管审阅", "归档")


@dataclass(frozen=True)
class PlanDetail:
    id: int
    customer_id: int
    customer_name: str
    customer_number: str
    owner_id: int
    owner_name: str
    visitor_names: tuple[str, ...]
    visitor_ids: tuple[int, ...]
    planned_from: date
    planned_to: date
    purpose: str
    content: str
    method_id: int | None
    method_name: str
    status: str
    status_label: str
    appointment_at: datetime | None
    appointment_place: str
    appointment_note: str
    ad_hoc: bool
    cancel_reason: str
    remarks: str
    record_ids: tuple[int, ...]
    version: int
    is_overdue: bool
    number: str = ""  # 编号 (numbers.* in 系统设置)


@dataclass(frozen=True)
class RecordDetail:
    id: int
    plan_id: int
    customer_id: int
    customer_name: str
    visitor_id: int
    visitor_name: str
    visited_at: datetime
    place: str
    people_met: str
    needs: str
    service_opinion: str
    satisfaction: int | None
    problems: str
    actions: str
    next_visit_date: date | None
    report_id: int | None
    report_status: str  # the report's status key ("draft", …) or "" when in no report
    version: int
    number: str = ""  # 编号 (numbers.* in 系统设置)

    @property
    def report_status_label(self) -> str:
        return REPORT_STATUS.get(self.report_status, "未编入报告")


@dataclass(frozen=True)
class Step:
    name: str
    owner_name: str
    due: date | None
    status: str
    done_at: datetime | None


@dataclass(frozen=True)
class ReportDetail:
    id: int
    title: str
    author_id: int
    author_name: str
    conclusions: str
    suggestions: str
    status: str
    status_label: str
    submitted_at: datetime | None
    reviewer_id: int | None
    reviewer_name: str
    review_due: date | None
    review_comments: str
    reviewed_at: datetime | None
    archive_due: date | None
    archive_category_id: int | None
    archive_category_name: str
    archive_note: str
    archived_by_name: str
    archived_at: datetime | None
    records: tuple[RecordDetail, ...]
    steps: tuple[Step, ...]
    version: int
    number: str = ""  # 编号 (numbers.* in 系统设置)


# --- small helpers ---------------------------------------------------------------------


def today() -> date:
    return clock.now().date()


def user_names(uow: UnitOfWork, ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    q = select(User.id, User.full_name).where(User.id.in_(ids))
    return dict(uow.session.execute(q).tuples().all())


def _visible(uow: UnitOfWork, model, scope, record_id: int, what: str):
    row = uow.session.scalar(select(model).where(model.id == record_id, scope(uow.actor)))
    if row is None:
        raise NotFound(f"该{what}不存在，或您无权查看。")
    return row


def visible_plan(uow: UnitOfWork, plan_id: int) -> VisitPlan:
    return _visible(uow, VisitPlan, plan_scope, plan_id, "回访计划")


def visible_record(uow: UnitOfWork, record_id: int) -> VisitRecord:
    return _visible(uow, VisitRecord, record_scope, record_id, "回访记录")


def visible_report(uow: UnitOfWork, report_id: int) -> VisitReport:
    return _visible(uow, VisitReport, report_scope, report_id, "回访报告")


def plan_visitors(uow: UnitOfWork, plan_ids: Iterable[int]) -> dict[int, list[int]]:
    plan_ids = list(plan_ids)
    out: dict[int, list[int]] = {pid: [] for pid in plan_ids}
    if not plan_ids:
        return out
    q = select(VisitPlanVisitor.plan_id, VisitPlanVisitor.user_id).where(
        VisitPlanVisitor.plan_id.in_(plan_ids)
    )
    for pid, uid in uow.session.execute(q):
        out[pid].append(uid)
    return out


def _customers(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    ids = set(ids)
    if not ids:
        return {}
    q = select(Customer.id, Customer.name, Customer.number).where(Customer.id.in_(ids))
    return {cid: (name, number or "") for cid, name, number in uow.session.execute(q)}


# --- details -----------------------------------------------------------------------------


def plan_details(uow: UnitOfWork, plans: list[VisitPlan]) -> list[PlanDetail]:
    """Inside a unit of work: PlanDetail for already-scoped plans (few queries for many)."""
    if not plans:
        return []
    ids = [p.id for p in plans]
    customers = _customers(uow, {p.customer_id for p in plans})
    visitors = plan_visitors(uow, ids)
    names = user_names(uow, {p.owner_id for p in plans} | {u for v in visitors.values() for u in v})
    methods = code_tables.item_labels(uow, {p.method_id for p in plans})
    records: dict[int, list[int]] = {pid: [] for pid in ids}
    q = (
        select(VisitRecord.id, VisitRecord.plan_id)
        .where(VisitRecord.plan_id.in_(ids))
        .order_by(VisitRecord.visited_at, VisitRecord.id)
    )
    for rid, pid in uow.session.execute(q):
        records[pid].append(rid)
    now_day = today()
    out = []
    for p in plans:
        vis = sorted(visitors[p.id], key=lambda u, p=p: (u != p.owner_id, names.get(u, ""), u))
        name, number = customers.get(p.customer_id, ("", ""))
        out.append(
            PlanDetail(
                p.id, p.customer_id, name, number, p.owner_id, names.get(p.owner_id, ""),
                tuple(names.get(u, "") for u in vis), tuple(vis), p.planned_from, p.planned_to,
                p.purpose, p.content, p.method_id, methods.get(p.method_id, ""), p.status,
                PLAN_STATUS.get(p.status, p.status), p.appointment_at, p.appointment_place,
                p.appointment_note, p.ad_hoc, p.cancel_reason, p.remarks,
                tuple(records[p.id]), p.version,
                p.status in OPEN_PLAN and p.planned_to < now_day, number=p.number,
            )
        )  # fmt: skip
    return out


def record_details(uow: UnitOfWork, records: list[VisitRecord]) -> list[RecordDetail]:
    if not records:
        return []
    customers = _customers(uow, {r.customer_id for r in records})
    names = user_names(uow, {r.visitor_id for r in records})
    report_ids = {r.report_id for r in records if r.report_id}
    statuses = {}
    if report_ids:
        q = select(VisitReport.id, VisitReport.status).where(VisitReport.id.in_(report_ids))
        statuses = dict(uow.session.execute(q).tuples().all())
    return [
        RecordDetail(
            r.id,
            r.plan_id,
            r.customer_id,
            customers.get(r.customer_id, ("", ""))[0],
            r.visitor_id,
            names.get(r.visitor_id, ""),
            r.visited_at,
            r.place,
            r.people_met,
            r.needs,
            r.service_opinion,
            r.satisfaction,
            r.problems,
            r.actions,
            r.next_visit_date,
            r.report_id,
            statuses.get(r.report_id, ""),
            r.version,
            number=r.number,
        )  # fmt: skip
        for r in records
    ]


def plan_customer(uow: UnitOfWork, customer_id) -> Customer:
    """A customer the actor may plan a visit for: one the actor looks after (edit_scope: a
    rep the own customers, a manager the team's; not those seen through a read-only
    查阅授权, whose follow-up clock belongs to another rep), not in the pool."""
    c = uow.session.scalar(
        select(Customer).where(Customer.id == customer_id, edit_scope(uow.actor))
    )
    if c is None:
        raise PermissionDenied("您无权为该客户安排回访（客户不存在或不在您的客户范围内）。")
    if c.is_in_pool or c.owner_id is None:
        raise ValidationError(f"客户“{c.name}”在公海中，请先领取再安排回访。", field="customer_id")
    return c


def insert_plan(uow, actor: Actor, customer: Customer, values: dict, visitors: set[int], **kw):
    kw.setdefault("status", "planned")
    number = record_number(uow, VisitPlan, "visit_plan", clock.now().date())
    plan = VisitPlan(customer_id=customer.id, owner_id=actor.id, number=number, **values, **kw)
    uow.session.add(plan)
    uow.flush()
    for uid in sorted(visitors):
        uow.session.add(VisitPlanVisitor(plan_id=plan.id, user_id=uid))
    return plan
