"""客户回访 lists for the shared ListView: 回访计划, 回访记录, 回访报告.

Scopes are exactly app.services.visits.scope (plan_scope / record_scope / report_scope),
so a rep's list, search, summary, export and print only ever hold the rep's own
customers' visits plus the plans the rep is a visitor on. Batch actions go through
app.services.visits.workflow one row at a time (each row's permission is checked there; a
refused row is skipped with its reason).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from app.models import (
    CodeItem,
    Customer,
    User,
    VisitPlan,
    VisitPlanVisitor,
    VisitRecord,
    VisitReport,
)
from app.models.visit import PLAN_STATUS, REPORT_STATUS
from app.services.access import roles
from app.services.admin import code_tables
from app.services.core import clock
from app.services.core.errors import PermissionDenied, ServiceError
from app.services.core.uow import UnitOfWork, logged_in
from app.services.customers.list_columns import customer_column
from app.services.customers.search import CUSTOMER_SEARCH_HINT, customer_search
from app.services.lists.spec import BatchAction, BatchResult, Column, ListSource, text_search
from app.services.visits import workflow as visits
from app.services.visits.scope import plan_scope, record_scope, report_scope

_Owner = aliased(User, name="visit_plan_owner")
_Method = aliased(CodeItem, name="visit_plan_method")
_Visitor = aliased(User, name="visit_record_visitor")
_RecordReport = aliased(VisitReport, name="visit_record_report")
_Author = aliased(User, name="visit_report_author")
_Reviewer = aliased(User, name="visit_report_reviewer")
_Archiver = aliased(User, name="visit_report_archiver")
_Category = aliased(CodeItem, name="visit_report_category")
_Member = aliased(User, name="visit_plan_member")

NO_REPORT = "未编入报告"
CANCEL_REASONS = ["客户暂停合作", "客户另有安排", "计划调整", "人员变动", "其他"]


def _today() -> date:
    return clock.now().date()


def _customer_or(*exprs):
    """The customer search (name, pinyin, initials, phone, contact) or the given columns."""
    more = text_search(*exprs)

    def where(text: str):
        return or_(customer_search(text), more(text))

    return where


def _run_each(uow: UnitOfWork, ids, call) -> BatchResult:
    """Each row in its own transaction through the service: a refusal skips that row."""
    done, skipped = 0, []
    for i in ids:
        try:
            call(uow, i)
            done += 1
        except ServiceError as exc:
            skipped.append((i, str(exc)))
    return BatchResult(done, skipped)


# --- 回访计划 ----------------------------------------------------------------------------


def _plans_base(uow: UnitOfWork):
    actor = logged_in(uow)
    return (
        select(VisitPlan.id)
        .select_from(VisitPlan)
        .join(Customer, Customer.id == VisitPlan.customer_id)
        .outerjoin(_Owner, _Owner.id == VisitPlan.owner_id)
        .outerjoin(_Method, _Method.id == VisitPlan.method_id)
        .where(plan_scope(actor))
    )


def _visitor_names():
    return (
        select(func.aggregate_strings(_Member.full_name, "、"))
        .select_from(VisitPlanVisitor)
        .join(_Member, _Member.id == VisitPlanVisitor.user_id)
        .where(VisitPlanVisitor.plan_id == VisitPlan.id)
        .correlate(VisitPlan)
        .scalar_subquery()
    )


def _overdue():
    # The date is bound when the query runs (a list stays open for hours; tests move
    # app.services.core.clock).
    now_day = bindparam(None, callable_=_today, type_=Date(), unique=True)
    late = and_(VisitPlan.status.in_(visits.OPEN_PLAN), VisitPlan.planned_to < now_day)
    return case((late, True), else_=False)


def _plan_columns() -> list[Column]:
    return [
        Column("number", "编号", VisitPlan.number, width=125),
        customer_column(220),
        Column("customer_number", "客户编号", Customer.number, width=120, visible=False),
        Column("owner", "负责人", _Owner.full_name, groupable=True, filterable=True, width=80),
        Column("visitors", "回访人员", _visitor_names(), width=120),
        Column("planned_from", "计划开始", VisitPlan.planned_from, kind="date", width=95),
        Column("planned_to", "计划完成", VisitPlan.planned_to, kind="date", width=95),
        Column("method", "回访方式", _Method.name, groupable=True, filterable=True, width=70,
               sort_expr=_Method.sort_order),
        Column("purpose", "回访目的", VisitPlan.purpose, width=200),
        Column("content", "回访内容", VisitPlan.content, width=200, visible=False),
        Column("status", "状态", VisitPlan.status, labels=PLAN_STATUS, groupable=True,
               filterable=True, width=70),
        Column("appointment_at", "预约时间", VisitPlan.appointment_at, kind="datetime",
               width=125),
        Column("appointment_place", "预约地点", VisitPlan.appointment_place, width=120,
               visible=False),
        Column("ad_hoc", "临时回访", VisitPlan.ad_hoc, kind="bool", groupable=True,
               filterable=True, width=70),
        Column("overdue", "逾期", _overdue(), kind="bool", groupable=True, filterable=True,
               width=50),
        Column("cancel_reason", "取消原因", VisitPlan.cancel_reason, width=120, visible=False),
        Column("created_at", "制订时间", VisitPlan.created_at, kind="datetime", width=125,
               visible=False),
    ]  # fmt: skip


def _cancel(uow: UnitOfWork, ids, reason: str = "批量取消", **_params) -> BatchResult:
    def one(row_uow: UnitOfWork, plan_id: int) -> None:
        version = visits.plan_detail(row_uow, plan_id).version
        visits.cancel_plan(row_uow, plan_id, reason, version)

    return _run_each(uow, ids, one)


def _cancel_reasons(_uow: UnitOfWork) -> list[tuple[str, str]]:
    return [(r, r) for r in CANCEL_REASONS]


def visit_plans_source() -> ListSource:
    return ListSource(
        key="visit_plans",
        title="客户回访计划",
        id_expr=VisitPlan.id,
        base=_plans_base,
        columns=_plan_columns(),
        search=_customer_or(_Owner.full_name, VisitPlan.purpose, VisitPlan.number),
        search_hint=CUSTOMER_SEARCH_HINT + "、负责人或回访目的",
        default_sort=[("planned_from", True)],
        default_date_key="planned_from",
        open_entity="visit_plan",
        batch_actions=[
            BatchAction(
                "cancel",
                "取消计划…",
                _cancel,
                destructive=True,
                param=("reason", "取消原因：", _cancel_reasons),
            )
        ],
    )


# --- 回访记录 ----------------------------------------------------------------------------


def _records_base(uow: UnitOfWork):
    actor = logged_in(uow)
    return (
        select(VisitRecord.id)
        .select_from(VisitRecord)
        .join(Customer, Customer.id == VisitRecord.customer_id)
        .outerjoin(_Visitor, _Visitor.id == VisitRecord.visitor_id)
        .outerjoin(_RecordReport, _RecordReport.id == VisitRecord.report_id)
        .where(record_scope(actor))
    )


def _record_columns() -> list[Column]:
    report_labels = {"": NO_REPORT, **REPORT_STATUS}
    return [
        Column("number", "编号", VisitRecord.number, width=125),
        customer_column(220),
        Column("visitor", "回访人", _Visitor.full_name, groupable=True, filterable=True,
               width=80),
        Column("visited_at", "回访时间", VisitRecord.visited_at, kind="datetime", width=125),
        Column("place", "地点", VisitRecord.place, width=120),
        Column("people_met", "接待人", VisitRecord.people_met, width=80, visible=False),
        Column("satisfaction", "满意度", VisitRecord.satisfaction, kind="int", groupable=True,
               filterable=True, width=60),
        Column("needs", "客户需求", VisitRecord.needs, width=200),
        Column("service_opinion", "售后服务意见", VisitRecord.service_opinion, width=200,
               visible=False),
        Column("problems", "存在问题", VisitRecord.problems, width=200),
        Column("actions", "约定事项", VisitRecord.actions, width=160, visible=False),
        Column("next_visit_date", "下次回访", VisitRecord.next_visit_date, kind="date",
               width=95),
        Column("report_status", "报告状态", func.coalesce(_RecordReport.status, ""),
               labels=report_labels, groupable=True, filterable=True, width=80),
    ]  # fmt: skip


def visit_records_source() -> ListSource:
    return ListSource(
        key="visit_records",
        title="客户回访记录",
        id_expr=VisitRecord.id,
        base=_records_base,
        columns=_record_columns(),
        search=_customer_or(
            _Visitor.full_name,
            VisitRecord.needs,
            VisitRecord.problems,
            VisitRecord.service_opinion,
            VisitRecord.number,
        ),  # fmt: skip
        search_hint=CUSTOMER_SEARCH_HINT + "、回访人或记录内容",
        default_sort=[("visited_at", True)],
        default_date_key="visited_at",
        open_entity="visit_record",
    )


# --- 回访报告 ----------------------------------------------------------------------------


def _reports_base(uow: UnitOfWork):
    actor = logged_in(uow)
    return (
        select(VisitReport.id)
        .select_from(VisitReport)
        .outerjoin(_Author, _Author.id == VisitReport.author_id)
        .outerjoin(_Reviewer, _Reviewer.id == VisitReport.reviewer_id)
        .outerjoin(_Archiver, _Archiver.id == VisitReport.archived_by_id)
        .outerjoin(_Category, _Category.id == VisitReport.archive_category_id)
        .where(report_scope(actor))
    )


def _record_count():
    return (
        select(func.count(VisitRecord.id))
        .where(VisitRecord.report_id == VisitReport.id, VisitRecord.deleted_at.is_(None))
        .correlate(VisitReport)
        .scalar_subquery()
    )


def _report_columns() -> list[Column]:
    return [
        Column("number", "编号", VisitReport.number, width=125),
        Column("title", "报告标题", VisitReport.title, width=200),
        Column("author", "撰写人", _Author.full_name, groupable=True, filterable=True, width=80),
        Column("status", "状态", VisitReport.status, labels=REPORT_STATUS, groupable=True,
               filterable=True, width=70),
        Column("submitted_at", "提交时间", VisitReport.submitted_at, kind="datetime",
               width=125),
        Column("reviewer", "审阅人", _Reviewer.full_name, groupable=True, filterable=True,
               width=80),
        Column("review_due", "审阅期限", VisitReport.review_due, kind="date", width=95),
        Column("reviewed_at", "审阅时间", VisitReport.reviewed_at, kind="datetime", width=125,
               visible=False),
        Column("review_comments", "处理意见", VisitReport.review_comments, width=200,
               visible=False),
        Column("archive_due", "归档期限", VisitReport.archive_due, kind="date", width=95,
               visible=False),
        Column("archive_category", "归档类别", _Category.name, groupable=True, filterable=True,
               width=80, sort_expr=_Category.sort_order),
        Column("archived_at", "归档时间", VisitReport.archived_at, kind="datetime", width=125),
        Column("archiver", "归档人", _Archiver.full_name, groupable=True, width=70,
               visible=False),
        Column("record_count", "记录数", _record_count(), kind="int", width=60),
        Column("conclusions", "主要结论", VisitReport.conclusions, width=200, visible=False),
    ]  # fmt: skip


def _archive_categories(uow: UnitOfWork) -> list[tuple[int, str]]:
    with uow:
        return [(i.id, i.name) for i in code_tables.items_in(uow, "visit_archive",
                                                              include_inactive=False)]  # fmt: skip


def _archive(uow: UnitOfWork, ids, category_id: int | None = None, **_params) -> BatchResult:
    if uow.actor is None or uow.actor.role not in roles.CAN_ARCHIVE_VISITS:
        raise PermissionDenied("只有文员或销售内勤可以归档回访资料。")

    def one(row_uow: UnitOfWork, report_id: int) -> None:
        version = visits.report_detail(row_uow, report_id).version
        visits.archive_report(row_uow, report_id, category_id, "", version)

    return _run_each(uow, ids, one)


def visit_reports_source() -> ListSource:
    return ListSource(
        key="visit_reports",
        title="客户回访报告",
        id_expr=VisitReport.id,
        base=_reports_base,
        columns=_report_columns(),
        search=text_search(
            VisitReport.title, _Author.full_name, VisitReport.conclusions, VisitReport.number
        ),  # fmt: skip
        search_hint="报告标题、撰写人或主要结论",
        default_sort=[("submitted_at", True)],
        default_date_key="submitted_at",
        open_entity="visit_report",
        batch_actions=[
            BatchAction(
                "archive",
                "归档…",
                _archive,
                param=("category_id", "归档类别：", _archive_categories),
            )
        ],
    )
