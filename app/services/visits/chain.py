"""客户回访's step chain (制订计划 → 预约 → 实施回访 → 整理报告 → 主管审阅 → 归档) and the
reads that show it: a report's detail and every visit of one customer (the card's tab)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.models import Customer, VisitPlan, VisitRecord, VisitReport
from app.models.visit import REPORT_STATUS
from app.services.access.visibility import customer_scope
from app.services.admin import code_tables
from app.services.core.errors import NotFound
from app.services.core.uow import UnitOfWork, logged_in
from app.services.visits._internal import (
    LOCKED_REPORT,
    REPORT_AFTER_DAYS,
    PlanDetail,
    RecordDetail,
    ReportDetail,
    Step,
    plan_details,
    plan_visitors,
    record_details,
    today,
    user_names,
    visible_report,
)
from app.services.visits.scope import plan_scope


@dataclass(frozen=True)
class ChainRow:
    plan: PlanDetail
    records: tuple[RecordDetail, ...]
    report_id: int | None
    report_status_label: str
    steps: tuple[Step, ...]


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
            tuple(record_details(uow, records)), tuple(_steps(uow, plans, records, [r])),
            r.version, number=r.number,
        )  # fmt: skip


# --- the step chain ----------------------------------------------------------------------


def _latest(values) -> datetime | None:
    values = [v for v in values if v is not None]
    return max(values) if values else None


def _join(names: Iterable[str]) -> str:
    return "、".join(dict.fromkeys(n for n in names if n))


def _steps(
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
                    tuple(_steps(uow, [plan], recs, mine)),
                )
            )
        return out
