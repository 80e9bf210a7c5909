"""客户回访: what the screens read — plan, record and report details, the step chain
(制订计划 → 预约 → 实施回访 → 整理报告 → 主管审阅 → 归档) and 准备回访资料.

Import these names from app.services.visits.workflow (the one import point of the workflow);
this module holds the read side so that visits.py stays about the writes.
Every read goes through app.services.visits.scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.models import (
    CodeItem,
    Complaint,
    Contact,
    Customer,
    Deal,
    FollowUp,
    User,
    VisitPlan,
    VisitPlanVisitor,
    VisitRecord,
    VisitReport,
)
from app.models.service_desk import COMPLAINT_KIND, COMPLAINT_STATUS
from app.models.visit import PLAN_STATUS, REPORT_STATUS
from app.services.access.visibility import customer_scope
from app.services.admin import code_tables
from app.services.core import clock
from app.services.core.errors import NotFound, PermissionDenied
from app.services.core.uow import Actor, UnitOfWork
from app.services.visits.scope import plan_scope, record_scope, report_scope

OPEN_PLAN = ("planned", "appointed")  # a plan that still waits for its visit
LOCKED_REPORT = ("submitted", "approved", "archived")  # records inside may not change
REPORT_AFTER_DAYS = 3  # 整理报告 is due this many days after the visit
STEP_NAMES = ("制订计划", "预约", "实施回访", "整理报告", "主管审阅", "归档")
HISTORY_LIMIT = 20


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


@dataclass(frozen=True)
class ChainRow:
    plan: PlanDetail
    records: tuple[RecordDetail, ...]
    report_id: int | None
    report_status_label: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Preparation:
    plan: PlanDetail
    profile: list[tuple[str, str]]
    history: list[tuple[str, str, str]]
    traits: list[str]
    checklist: list[str]


# --- small helpers ---------------------------------------------------------------------


def logged_in(uow: UnitOfWork) -> Actor:
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    return uow.actor


def today() -> date:
    return clock.now().date()


def user_names(uow: UnitOfWork, ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    q = select(User.id, User.full_name).where(User.id.in_(ids))
    return dict(uow.session.execute(q).tuples().all())


def visible_plan(uow: UnitOfWork, plan_id: int) -> VisitPlan:
    plan = uow.session.scalar(
        select(VisitPlan).where(VisitPlan.id == plan_id, plan_scope(uow.actor))
    )
    if plan is None:
        raise NotFound("该回访计划不存在，或您无权查看。")
    return plan


def visible_record(uow: UnitOfWork, record_id: int) -> VisitRecord:
    rec = uow.session.scalar(
        select(VisitRecord).where(VisitRecord.id == record_id, record_scope(uow.actor))
    )
    if rec is None:
        raise NotFound("该回访记录不存在，或您无权查看。")
    return rec


def visible_report(uow: UnitOfWork, report_id: int) -> VisitReport:
    report = uow.session.scalar(
        select(VisitReport).where(VisitReport.id == report_id, report_scope(uow.actor))
    )
    if report is None:
        raise NotFound("该回访报告不存在，或您无权查看。")
    return report


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
                p.status in OPEN_PLAN and p.planned_to < now_day,
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
        )  # fmt: skip
        for r in records
    ]


def plan_detail(uow: UnitOfWork, plan_id: int) -> PlanDetail:
    logged_in(uow)
    with uow:
        return plan_details(uow, [visible_plan(uow, plan_id)])[0]


def record_detail(uow: UnitOfWork, record_id: int) -> RecordDetail:
    logged_in(uow)
    with uow:
        return record_details(uow, [visible_record(uow, record_id)])[0]


def _report_records(uow: UnitOfWork, report_id: int) -> list[VisitRecord]:
    q = (
        select(VisitRecord)
        .where(VisitRecord.report_id == report_id)
        .order_by(VisitRecord.visited_at, VisitRecord.id)
    )
    return list(uow.session.scalars(q))


def report_detail(uow: UnitOfWork, report_id: int) -> ReportDetail:
    logged_in(uow)
    with uow:
        r = visible_report(uow, report_id)
        records = _report_records(uow, r.id)
        plan_ids = {rec.plan_id for rec in records}
        plans = list(uow.session.scalars(select(VisitPlan).where(VisitPlan.id.in_(plan_ids))))
        names = user_names(uow, [r.author_id, r.reviewer_id, r.archived_by_id])
        category = code_tables.item_labels(uow, [r.archive_category_id])
        return ReportDetail(
            r.id, r.title, r.author_id, names.get(r.author_id, ""), r.conclusions,
            r.suggestions, r.status, REPORT_STATUS.get(r.status, r.status), r.submitted_at,
            r.reviewer_id, names.get(r.reviewer_id, ""), r.review_due, r.review_comments,
            r.reviewed_at, r.archive_due, r.archive_category_id,
            category.get(r.archive_category_id, ""), r.archive_note,
            names.get(r.archived_by_id, ""), r.archived_at,
            tuple(record_details(uow, records)), tuple(steps(uow, plans, records, [r])),
            r.version,
        )  # fmt: skip


# --- the step chain ----------------------------------------------------------------------


def _latest(values) -> datetime | None:
    values = [v for v in values if v is not None]
    return max(values) if values else None


def _join(names: Iterable[str]) -> str:
    return "、".join(dict.fromkeys(n for n in names if n))


def steps(
    uow: UnitOfWork,
    plans: list[VisitPlan],
    records: list[VisitRecord],
    reports: list[VisitReport],
) -> list[Step]:
    """Inside a unit of work: the six steps of the chain over some plans, their records
    and the reports those records are in. The first unfinished step is 进行中 (已逾期
    after its due date); the steps after it are 未开始."""
    now_day = today()
    visitors = plan_visitors(uow, [p.id for p in plans])
    people = {p.owner_id for p in plans} | {u for v in visitors.values() for u in v}
    people |= {r.visitor_id for r in records}
    for rep in reports:
        people |= {rep.author_id, rep.reviewer_id, rep.archived_by_id}
    names = user_names(uow, people)
    owners = _join(names.get(p.owner_id, "") for p in plans)
    cancelled = bool(plans) and all(p.status == "cancelled" for p in plans)
    by_report = {rep.id: rep for rep in reports}
    statuses = [by_report[r.report_id].status if r.report_id in by_report else "" for r in records]
    visit_due = max((p.planned_to for p in plans), default=None)
    last_visit = _latest(r.visited_at for r in records)
    report_due = last_visit.date() + timedelta(days=REPORT_AFTER_DAYS) if last_visit else None

    specs = [
        # name, owner, due, done, done_at, special status
        ("制订计划", owners, None, bool(plans),
         min((p.created_at for p in plans), default=None), None),
        ("预约", owners, min((p.planned_to for p in plans), default=None),
         bool(plans) and all(p.appointment_at or p.ad_hoc or p.status == "done" for p in plans),
         _latest(p.appointment_at for p in plans), None),
        ("实施回访", _join(names.get(u, "") for p in plans for u in visitors[p.id])
         or _join(names.get(r.visitor_id, "") for r in records), visit_due,
         bool(records) and all(p.status == "done" for p in plans), last_visit, None),
        ("整理报告", _join(names.get(r.visitor_id, "") for r in records), report_due,
         bool(records) and all(s in LOCKED_REPORT for s in statuses),
         _latest(rep.submitted_at for rep in reports), None),
        ("主管审阅", _join(names.get(rep.reviewer_id, "") for rep in reports),
         max((rep.review_due for rep in reports if rep.review_due), default=None),
         bool(records) and all(s in ("approved", "archived") for s in statuses),
         _latest(rep.reviewed_at for rep in reports),
         "已退回" if any(rep.status == "returned" for rep in reports) else None),
        ("归档", _join(names.get(rep.archived_by_id, "") for rep in reports) or "文员",
         max((rep.archive_due for rep in reports if rep.archive_due), default=None),
         bool(records) and all(s == "archived" for s in statuses),
         _latest(rep.archived_at for rep in reports), None),
    ]  # fmt: skip
    out, reached = [], True
    for i, (name, owner, due, done, done_at, special) in enumerate(specs):
        if cancelled and i > 0:
            status = "已取消"
        elif special:
            status = special
        elif done:
            status = "已完成"
        elif not reached:
            status = "未开始"
        else:
            status = "已逾期" if due is not None and now_day > due else "进行中"
        out.append(Step(name, owner, due, status, done_at if done or special else None))
        reached = reached and done
    return out


def customer_visits(uow: UnitOfWork, customer_id: int) -> list[ChainRow]:
    """The whole chain of every visit plan of one customer (the customer card's tab),
    newest plan first."""
    actor = logged_in(uow)
    with uow:
        visible = uow.session.scalar(
            select(Customer.id).where(Customer.id == customer_id, customer_scope(actor))
        )
        plans = list(
            uow.session.scalars(
                select(VisitPlan)
                .where(VisitPlan.customer_id == customer_id, plan_scope(actor))
                .order_by(VisitPlan.planned_from.desc(), VisitPlan.id.desc())
            )
        )
        if visible is None and not plans:
            raise NotFound("客户不存在，或您无权查看该客户。")
        details = plan_details(uow, plans)
        records_by_plan: dict[int, list[VisitRecord]] = {p.id: [] for p in plans}
        all_records = list(
            uow.session.scalars(
                select(VisitRecord)
                .where(VisitRecord.plan_id.in_(list(records_by_plan)))
                .order_by(VisitRecord.visited_at, VisitRecord.id)
            )
        )
        for rec in all_records:
            records_by_plan[rec.plan_id].append(rec)
        report_ids = {r.report_id for r in all_records if r.report_id}
        reports = {
            rep.id: rep
            for rep in uow.session.scalars(
                select(VisitReport).where(VisitReport.id.in_(report_ids))
            )
        }
        rank = {"draft": 0, "returned": 0, "submitted": 1, "approved": 2, "archived": 3}
        out = []
        for plan, detail in zip(plans, details, strict=True):
            recs = records_by_plan[plan.id]
            mine = sorted(
                {reports[r.report_id] for r in recs if r.report_id},
                key=lambda rep: (rank.get(rep.status, 0), rep.id),
            )
            # The least advanced report stands for the chain (it is what still waits).
            report = mine[0] if mine else None
            out.append(
                ChainRow(
                    detail,
                    tuple(record_details(uow, recs)),
                    report.id if report else None,
                    REPORT_STATUS.get(report.status, "") if report else "",
                    tuple(steps(uow, [plan], recs, mine)),
                )
            )
        return out


# --- 准备回访资料 ------------------------------------------------------------------------


def _short(text: str, n: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _record_summary(r: VisitRecord) -> str:
    parts = []
    for label, value in (("需求", r.needs), ("意见", r.service_opinion), ("问题", r.problems)):
        if value:
            parts.append(f"{label}：{value}")
    if r.satisfaction:
        parts.append(f"满意度 {r.satisfaction}")
    return "；".join(parts)


def preparation(uow: UnitOfWork, plan_id: int) -> Preparation:
    """准备回访资料: the customer's profile, service history and traits, and what to
    bring — the printable sheet a visitor takes along."""
    logged_in(uow)
    with uow:
        plan = visible_plan(uow, plan_id)
        detail = plan_details(uow, [plan])[0]
        s = uow.session
        c = s.get(Customer, plan.customer_id)
        if c is None:
            raise NotFound("该客户已被删除。")
        labels = code_tables.item_labels(
            uow, [c.type_id, c.industry_id, c.grade_id, c.coop_status_id, c.region_id]
        )
        contact = s.scalar(
            select(Contact)
            .where(Contact.customer_id == c.id)
            .order_by(Contact.is_primary.desc(), Contact.id)
            .limit(1)
        )
        if contact is not None:
            main_contact = " ".join(filter(None, [contact.name, contact.mobile or contact.phone]))
        else:
            main_contact = " ".join(filter(None, [c.principal, c.principal_mobile]))
        owner = user_names(uow, [c.owner_id]).get(c.owner_id, "")
        last = f"{c.last_follow_up_at:%Y-%m-%d}" if c.last_follow_up_at else "无"
        profile = [
            ("客户编号", c.number or ""), ("客户名称", c.name),
            ("地址", c.address or c.location), ("电话", c.phone),
            ("主要联系人", main_contact), ("行业", labels.get(c.industry_id, "")),
            ("客户类型", labels.get(c.type_id, "")), ("地区", labels.get(c.region_id, "")),
            ("等级", labels.get(c.grade_id, "")), ("合作状态", labels.get(c.coop_status_id, "")),
            ("归属销售", owner), ("最后跟进", last), ("需求意向", c.demand),
        ]  # fmt: skip

        events: list[tuple[datetime, str, str]] = []
        records = list(
            s.scalars(
                select(VisitRecord)
                .where(VisitRecord.customer_id == c.id)
                .order_by(VisitRecord.visited_at.desc())
                .limit(HISTORY_LIMIT)
            )
        )
        events += [(r.visited_at, "回访", _short(_record_summary(r))) for r in records]
        from_visits = select(VisitRecord.follow_up_id).where(
            VisitRecord.customer_id == c.id, VisitRecord.follow_up_id.is_not(None)
        )
        fus = s.execute(
            select(FollowUp.at, FollowUp.content, CodeItem.name)
            .outerjoin(CodeItem, FollowUp.method_id == CodeItem.id)
            .where(FollowUp.customer_id == c.id, FollowUp.id.not_in(from_visits))
            .order_by(FollowUp.at.desc())
            .limit(HISTORY_LIMIT)
        )
        events += [
            (at, "跟进", _short(f"{method}：{content}" if method else content))
            for at, content, method in fus
        ]
        deals = list(
            s.scalars(
                select(Deal)
                .where(Deal.customer_id == c.id)
                .order_by(Deal.deal_date.desc())
                .limit(HISTORY_LIMIT)
            )
        )
        events += [
            (datetime.combine(d.deal_date, time()), "成交",
             _short(f"{d.product} {d.amount:,.2f} 元" + ("（已交付）" if d.delivered else "")))
            for d in deals
        ]  # fmt: skip
        complaints = list(
            s.scalars(
                select(Complaint)
                .where(Complaint.customer_id == c.id)
                .order_by(Complaint.received_at.desc())
                .limit(HISTORY_LIMIT)
            )
        )
        events += [
            (x.received_at, "投诉" if x.kind == "complaint" else COMPLAINT_KIND.get(x.kind, "反馈"),
             _short(f"{x.customer_words}（{COMPLAINT_STATUS.get(x.status, x.status)}）"))
            for x in complaints
        ]  # fmt: skip
        events.sort(key=lambda e: e[0], reverse=True)
        history = [(f"{at:%Y-%m-%d}", kind, text) for at, kind, text in events[:HISTORY_LIMIT]]

        open_complaints = [x for x in complaints if x.status != "closed"]
        scores = [r.satisfaction for r in records if r.satisfaction][:3]
        traits = []
        if c.remarks.strip():
            traits.append(f"备注：{_short(c.remarks, 200)}")
        if c.class_reason.strip():
            traits.append(f"分级理由：{_short(c.class_reason, 200)}")
        if c.hobbies.strip():
            traits.append(f"负责人爱好：{c.hobbies}")
        if scores:
            traits.append("近期满意度：" + "、".join(f"{n} 分" for n in scores) + "（最近在前）")
        traits.append(f"未结投诉 {len(open_complaints)} 件" if open_complaints else "无未结投诉")
        if c.developed_on is None:
            traits.append("尚未成交")

        checklist = ["核对客户基本资料（地址、电话、联系人）"]
        if plan.purpose:
            checklist.append(f"明确回访目的：{_short(plan.purpose, 80)}")
        if deals:
            checklist.append("带上近期成交明细")
        if open_complaints:
            checklist.append(f"了解未结投诉（{len(open_complaints)} 件）的处理进度")
        if records:
            checklist.append("回顾上次回访记录和约定事项")
        if plan.appointment_at:
            checklist.append(
                f"确认预约：{plan.appointment_at:%Y-%m-%d %H:%M} {plan.appointment_place}".strip()
            )
        elif plan.status in OPEN_PLAN:
            checklist.append("预约拜访时间")
        checklist.append("准备《客户回访记录表》和满意度调查（1–5 分）")
        return Preparation(detail, profile, history, traits, checklist)
