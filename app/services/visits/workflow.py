"""客户回访 (SPEC "Visit workflow"): 查询客户资料库 → 明确回访对象 (visit_targets) →
《客户回访计划》 (create_plan/create_plans/update_plan) → 预约拜访时间 (appoint) →
准备回访资料 (preparation) → 实施回访, 《客户回访记录表》 (add_record/update_record) →
《客户回访报告》 (create_report/update_report/submit_report) → 主管领导审阅 (review_report,
处理意见) → 文员归档 (archive_report). Reads (details, steps, the customer's chain) live in
visit_details.py and are re-exported here: import everything from this module.

Who may do what (checked here, tested in tests/services/test_visits.py):
  plan, visit, record, report  SALES_REP, MANAGER, SALES_ADMIN, ADMIN — for customers they
                               look after (edit_scope: a rep the own, a manager the team's;
                               not via a read-only grant; not in the pool); CLERK, CHAIRMAN never
  change/cancel a plan         its owner, or SALES_ADMIN/ADMIN; appoint: also its visitors
  record                       a visitor of the plan (or its owner); only one's own record
  report                       its author, only draft/returned
  review                       only the reviewer appointed at submit (reviewer_choices)
  archive                      CLERK or SALES_ADMIN, approved reports only

Deviations from /tmp/w/visits-api.md (additions only; every name and field is as written):
  - RecordDetail.report_status is the status key ("draft", …, "" when in no report);
    RecordDetail.report_status_label gives the Chinese label.
  - Step.status may also be "已取消" (every step after 制订计划 of a cancelled plan).
  - ChainRow.report_id: when a plan's records are in several reports (two visitors each
    reporting), the least advanced one (what the chain still waits for).
  - A visitor fills at most one record per plan (a second one is refused: edit the first).
  - appoint refuses a date before today ("预约时间不能早于今天。"); a date before
    planned_from moves planned_from back (as a later one extends planned_to).
  - update_plan cannot change the customer (cancel and plan again).
  - Planning (create_plan(s), ad-hoc add_record, visit_targets) uses visibility.edit_scope,
    i.e. the API's "a rep: own customers": a customer seen only through a read-only 查阅授权
    is not planned for (its record would move another rep's follow-up clock).
  - visit_scope.record_scope also shows a visitor every record of the plan (co-visitors'
    records) and a reviewer the records of the report under review.
  - Constants for the UI: OPEN_PLAN, LOCKED_REPORT, PLAN_STATUS, REPORT_STATUS, STEP_NAMES, REPORT_AFTER_DAYS.
  - Extra reads for the dialogs: visitor_choices(uow) -> [(user id, name)] (active users of
    a planning role) and reportable_records(uow) -> [RecordDetail] (the actor's own records
    in no report, newest first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm.attributes import flag_modified

from app.models import (
    CodeItem,
    CodeTable,
    Customer,
    FollowUp,
    Role,
    User,
    VisitPlan,
    VisitPlanVisitor,
    VisitRecord,
    VisitReport,
)
from app.models.visit import PLAN_STATUS, REPORT_STATUS
from app.services.access import roles
from app.services.access.visibility import edit_scope
from app.services.admin import code_tables
from app.services.core import clock, settings
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, Actor, UnitOfWork
from app.services.customers.followups import refresh_last_follow_up
from app.services.visits.details import (
    LOCKED_REPORT,
    OPEN_PLAN,
    REPORT_AFTER_DAYS,
    STEP_NAMES,
    ChainRow,
    PlanDetail,
    Preparation,
    RecordDetail,
    ReportDetail,
    Step,
    customer_visits,
    logged_in,
    plan_detail,
    plan_visitors,
    preparation,
    record_detail,
    record_details,
    report_detail,
    today,
    visible_plan,
    visible_record,
    visible_report,
)

__all__ = [
    "LOCKED_REPORT", "OPEN_PLAN", "PLAN_STATUS",
    "REPORT_AFTER_DAYS", "REPORT_STATUS", "STEP_NAMES", "ChainRow", "PlanDetail", "PlanForm",
    "Preparation", "RecordDetail", "RecordForm", "ReportDetail", "Step", "add_record", "appoint",
    "archive_report", "cancel_plan", "create_plan", "create_plans", "create_report",
    "customer_visits", "plan_detail", "preparation", "record_detail", "report_detail",
    "reportable_records", "review_report", "reviewer_choices", "submit_report", "update_plan",
    "update_record", "update_report", "visit_targets", "visitor_choices",
]  # fmt: skip

AD_HOC_PURPOSE = "临时回访"
# 回访方式 → 跟进方式 by name; names not listed map to the same name, else to 其他.
FOLLOW_METHOD_BY_VISIT_METHOD = {"走访": "拜访", "上门": "拜访"}
FUTURE_SLACK = timedelta(minutes=5)  # desktop clocks differ a little


@dataclass(frozen=True)
class PlanForm:
    customer_id: int
    planned_from: date
    planned_to: date
    purpose: str = ""
    content: str = ""
    method_id: int | None = None
    visitor_ids: tuple[int, ...] = ()
    remarks: str = ""


@dataclass(frozen=True)
class RecordForm:
    visited_at: datetime
    place: str = ""
    people_met: str = ""
    needs: str = ""
    service_opinion: str = ""
    satisfaction: int | None = None
    problems: str = ""
    actions: str = ""
    next_visit_date: date | None = None


# --- checks ------------------------------------------------------------------------------


def _planner(uow: UnitOfWork) -> Actor:
    actor = logged_in(uow)
    if actor.role not in roles.CAN_PLAN_VISITS:
        raise PermissionDenied("只有销售人员、销售主管或销售内勤可以安排和实施客户回访。")
    return actor


def _text(value, field: str, label: str, limit: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(f"请填写{label}。", field=field)
    if len(text) > limit:
        raise ValidationError(f"{label}不能超过 {limit} 字。", field=field)
    return text


def _day(value, field: str, label: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise ValidationError(f"请填写{label}。", field=field)
    return value


def _check_version(row, expected_version: int) -> None:
    if row.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)


def _plan_customer(uow: UnitOfWork, customer_id) -> Customer:
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


def _check_plan(uow: UnitOfWork, form: PlanForm, owner_id: int, previous_method=None):
    start = _day(form.planned_from, "planned_from", "计划回访开始日期")
    end = _day(form.planned_to, "planned_to", "计划回访结束日期")
    if end < start:
        raise ValidationError("计划结束日期不能早于开始日期。", field="planned_to")
    values = {
        "planned_from": start,
        "planned_to": end,
        "purpose": _text(form.purpose, "purpose", "回访目的", 1000, required=True),
        "content": _text(form.content, "content", "回访内容", 4000),
        "remarks": _text(form.remarks, "remarks", "备注", 2000),
        "method_id": code_tables.check_item(
            uow, "visit_method", form.method_id, field="method_id", label="回访方式",
            previous_id=previous_method,
        ),
    }  # fmt: skip
    try:
        wanted = {int(i) for i in form.visitor_ids or ()} | {owner_id}
    except (TypeError, ValueError):
        raise ValidationError("所选回访人员无效。", field="visitor_ids") from None
    users = uow.session.scalars(select(User).where(User.id.in_(wanted))).all()
    if len(users) != len(wanted):
        raise ValidationError("所选回访人员不存在，请重新选择。", field="visitor_ids")
    for u in users:
        if not u.is_active or u.role not in roles.CAN_PLAN_VISITS:
            raise ValidationError(
                f"“{u.full_name}”不能作为回访人员（已停用或不是销售岗位）。", field="visitor_ids"
            )
    return values, wanted


def _plan_for_change(
    uow: UnitOfWork, plan_id: int, expected_version: int, *, visitors_too: bool = False
) -> VisitPlan:
    actor = _planner(uow)
    plan = visible_plan(uow, plan_id)
    allowed = actor.role in roles.MANAGES_ALL_VISIT_PLANS or plan.owner_id == actor.id
    if not allowed and visitors_too:
        allowed = actor.id in plan_visitors(uow, [plan.id])[plan.id]
    if not allowed:
        raise PermissionDenied("只有回访计划的负责人可以修改该计划。")
    _check_version(plan, expected_version)
    return plan


def _set_visitors(uow: UnitOfWork, plan: VisitPlan, wanted: set[int]) -> bool:
    have = set(plan_visitors(uow, [plan.id])[plan.id])
    if have == wanted:
        return False
    if have - wanted:
        uow.session.execute(
            delete(VisitPlanVisitor).where(
                VisitPlanVisitor.plan_id == plan.id, VisitPlanVisitor.user_id.in_(have - wanted)
            )
        )
    for uid in sorted(wanted - have):
        uow.session.add(VisitPlanVisitor(plan_id=plan.id, user_id=uid))
    return True


# --- plans -------------------------------------------------------------------------------


def visit_targets(
    uow: UnitOfWork,
    *,
    grade_code: str | None = None,
    not_visited_since: date | None = None,
    owner_id: int | None = None,
) -> list[tuple[int, str]]:
    """明确回访对象: owned customers the actor may plan for (pool excluded), e.g. every A-class
    customer without a visit record since the 1st of this month."""
    actor = logged_in(uow)
    with uow:
        q = select(Customer.id, Customer.name).where(
            edit_scope(actor), Customer.is_in_pool.is_(False), Customer.owner_id.is_not(None)
        )
        if grade_code:
            grades = (
                select(CodeItem.id)
                .join(CodeTable, CodeItem.table_id == CodeTable.id)
                .where(CodeTable.key == "grade", CodeItem.code == grade_code)
            )
            q = q.where(Customer.grade_id.in_(grades))
        if owner_id is not None:
            q = q.where(Customer.owner_id == owner_id)
        if not_visited_since is not None:
            since = datetime.combine(_day(not_visited_since, "since", "日期"), time())
            visited = select(VisitRecord.id).where(
                VisitRecord.customer_id == Customer.id, VisitRecord.visited_at >= since
            )
            q = q.where(~visited.exists())
        q = q.order_by(Customer.name_pinyin, Customer.id)
        return [tuple(r) for r in uow.session.execute(q)]


def visitor_choices(uow: UnitOfWork) -> list[tuple[int, str]]:
    """回访人员 a plan may name: every active user of a planning role, by name."""
    logged_in(uow)
    with uow:
        q = (
            select(User.id, User.full_name)
            .where(User.is_active.is_(True), User.role.in_(roles.CAN_PLAN_VISITS))
            .order_by(User.full_name, User.id)
        )
        return [tuple(r) for r in uow.session.execute(q)]


def _insert_plan(uow, actor: Actor, customer: Customer, values: dict, visitors: set[int], **kw):
    kw.setdefault("status", "planned")
    plan = VisitPlan(customer_id=customer.id, owner_id=actor.id, **values, **kw)
    uow.session.add(plan)
    uow.flush()
    for uid in sorted(visitors):
        uow.session.add(VisitPlanVisitor(plan_id=plan.id, user_id=uid))
    return plan


def create_plan(uow: UnitOfWork, form: PlanForm) -> int:
    """制订《客户回访计划》: status 计划, the actor is the owner and always a visitor."""
    actor = _planner(uow)
    with uow:
        customer = _plan_customer(uow, form.customer_id)
        values, visitors = _check_plan(uow, form, actor.id)
        plan = _insert_plan(uow, actor, customer, values, visitors)
        uow.commit()
        return plan.id


def create_plans(uow: UnitOfWork, customer_ids: list[int], form: PlanForm) -> list[int]:
    """One plan per customer with the same dates, purpose and visitors (form.customer_id is
    ignored). All or nothing: one customer out of scope refuses the whole batch."""
    actor = _planner(uow)
    ids = list(dict.fromkeys(customer_ids or []))
    if not ids:
        raise ValidationError("请选择要回访的客户。", field="customer_id")
    with uow:
        customers = [_plan_customer(uow, cid) for cid in ids]
        values, visitors = _check_plan(uow, form, actor.id)
        plans = [_insert_plan(uow, actor, c, values, visitors) for c in customers]
        uow.commit()
        return [p.id for p in plans]


def update_plan(uow: UnitOfWork, plan_id: int, form: PlanForm, expected_version: int) -> None:
    with uow:
        plan = _plan_for_change(uow, plan_id, expected_version)
        if plan.status not in OPEN_PLAN:
            raise ValidationError("只有“计划”或“已预约”状态的回访计划可以修改。")
        if form.customer_id != plan.customer_id:
            raise ValidationError("回访计划的客户不能修改，请取消后重新制订。", field="customer_id")
        values, visitors = _check_plan(uow, form, plan.owner_id, previous_method=plan.method_id)
        visitors_changed = _set_visitors(uow, plan, visitors)  # before: it may autoflush
        for key, value in values.items():
            setattr(plan, key, value)
        if visitors_changed:
            flag_modified(plan, "remarks")  # a new version, so a stale copy conflicts
        uow.commit()


def appoint(
    uow: UnitOfWork, plan_id: int, at: datetime, place: str, note: str, expected_version: int
) -> None:
    """预约拜访时间. A time outside the planned range is the customer's choice: the range
    is widened to include it."""
    if not isinstance(at, datetime):
        raise ValidationError("请填写预约拜访的日期和时间。", field="at")
    place = _text(place, "place", "预约地点", 200)
    note = _text(note, "note", "预约说明", 2000)
    with uow:
        plan = _plan_for_change(uow, plan_id, expected_version, visitors_too=True)
        if plan.status not in OPEN_PLAN:
            raise ValidationError("只有“计划”或“已预约”状态的回访计划可以预约。")
        if at.date() < today():
            raise ValidationError("预约时间不能早于今天。", field="at")
        plan.appointment_at, plan.appointment_place, plan.appointment_note = at, place, note
        plan.planned_to = max(plan.planned_to, at.date())
        plan.planned_from = min(plan.planned_from, at.date())
        plan.status = "appointed"
        uow.commit()


def cancel_plan(uow: UnitOfWork, plan_id: int, reason: str, expected_version: int) -> None:
    reason = _text(reason, "reason", "取消原因", 200, required=True)
    with uow:
        plan = _plan_for_change(uow, plan_id, expected_version)
        if plan.status not in OPEN_PLAN:
            raise ValidationError("只有尚未回访的计划可以取消。")
        plan.status, plan.cancel_reason = "cancelled", reason
        uow.commit()


# --- records -----------------------------------------------------------------------------


def _check_record(form: RecordForm, customer: Customer) -> dict:
    at = form.visited_at
    if not isinstance(at, datetime):
        raise ValidationError("请填写回访时间。", field="visited_at")
    if at > clock.now() + FUTURE_SLACK:
        raise ValidationError("回访时间不能晚于现在。", field="visited_at")
    if at.date() < customer.registered_on:
        raise ValidationError(
            f"回访时间不能早于客户登记日期（{customer.registered_on:%Y-%m-%d}）。",
            field="visited_at",
        )
    values = {
        "visited_at": at,
        "place": _text(form.place, "place", "回访地点", 200),
        "people_met": _text(form.people_met, "people_met", "接待人", 200),
        "needs": _text(form.needs, "needs", "客户需求", 4000),
        "service_opinion": _text(form.service_opinion, "service_opinion", "售后服务意见", 4000),
        "problems": _text(form.problems, "problems", "存在问题", 4000),
        "actions": _text(form.actions, "actions", "约定事项", 4000),
    }
    if not (values["needs"] or values["service_opinion"] or values["problems"]):
        raise ValidationError("请至少填写客户需求、售后服务意见或存在问题中的一项。", field="needs")
    score = form.satisfaction
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5
    ):
        raise ValidationError("满意度应为 1 到 5。", field="satisfaction")
    values["satisfaction"] = score
    if form.next_visit_date is not None:
        nxt = _day(form.next_visit_date, "next_visit_date", "下次回访日期")
        if nxt < at.date():
            raise ValidationError("下次回访日期不能早于本次回访。", field="next_visit_date")
        values["next_visit_date"] = nxt
    else:
        values["next_visit_date"] = None
    return values


def _follow_method(uow: UnitOfWork, visit_method_id: int | None) -> int | None:
    if not visit_method_id:
        return None
    name = uow.session.scalar(select(CodeItem.name).where(CodeItem.id == visit_method_id))
    name = FOLLOW_METHOD_BY_VISIT_METHOD.get(name, name)
    return code_tables.resolve(uow, "follow_method", name) or code_tables.resolve(
        uow, "follow_method", "其他"
    )


def _follow_up_values(values: dict) -> dict:
    parts = ["客户回访"]
    for label, key in (("需求", "needs"), ("售后意见", "service_opinion"),
                       ("问题", "problems"), ("约定", "actions")):  # fmt: skip
        if values[key]:
            parts.append(f"{label}：{values[key]}")
    if values["satisfaction"]:
        parts.append(f"满意度 {values['satisfaction']} 分")
    return {
        "at": values["visited_at"],
        "content": "；".join(parts)[:4000],
        "next_step": "下次回访" if values["next_visit_date"] else "",
        "next_date": values["next_visit_date"],
    }


def add_record(
    uow: UnitOfWork, plan_id: int | None, form: RecordForm, customer_id: int | None = None
) -> int:
    """《客户回访记录表》. Without a plan an ad-hoc one (临时回访, already 已完成) is made for
    customer_id. The record is also a follow-up of the customer (最近跟进, pool clock)."""
    actor = _planner(uow)
    with uow:
        s = uow.session
        if plan_id is None:
            if customer_id is None:
                raise ValidationError("请选择回访客户。", field="customer_id")
            customer = _plan_customer(uow, customer_id)
            values = _check_record(form, customer)
            day = values["visited_at"].date()
            plan = _insert_plan(
                uow, actor, customer,
                {"planned_from": day, "planned_to": day, "purpose": AD_HOC_PURPOSE},
                {actor.id}, ad_hoc=True, status="done",
            )  # fmt: skip
        else:
            plan = visible_plan(uow, plan_id)
            if customer_id is not None and customer_id != plan.customer_id:
                raise ValidationError("回访记录的客户与回访计划不一致。", field="customer_id")
            if plan.status == "cancelled":
                raise ValidationError("该回访计划已取消，不能填写回访记录。")
            if actor.id != plan.owner_id and actor.id not in plan_visitors(uow, [plan.id])[plan.id]:
                raise PermissionDenied("您不是该回访计划的回访人员，不能填写回访记录。")
            mine = s.scalar(
                select(VisitRecord.id).where(
                    VisitRecord.plan_id == plan.id, VisitRecord.visitor_id == actor.id
                )
            )
            if mine is not None:
                raise ValidationError("您已填写过该计划的回访记录，请修改原记录。")
            customer = s.get(Customer, plan.customer_id)
            if customer is None:
                raise NotFound("该客户已被删除，不能填写回访记录。")
            values = _check_record(form, customer)
        follow_up = FollowUp(
            customer_id=customer.id,
            by_id=actor.id,
            method_id=_follow_method(uow, plan.method_id),
            **_follow_up_values(values),
        )
        s.add(follow_up)
        uow.flush()
        record = VisitRecord(
            plan_id=plan.id,
            customer_id=customer.id,
            visitor_id=actor.id,
            follow_up_id=follow_up.id,
            **values,
        )
        s.add(record)
        if plan.status != "done":
            plan.status = "done"
        uow.flush()
        refresh_last_follow_up(uow, customer.id)
        uow.commit()
        return record.id


def update_record(uow: UnitOfWork, record_id: int, form: RecordForm, expected_version: int):
    actor = _planner(uow)
    with uow:
        s = uow.session
        record = visible_record(uow, record_id)
        if record.visitor_id != actor.id:
            raise PermissionDenied("只能修改您本人填写的回访记录。")
        if record.report_id is not None:
            status = s.scalar(select(VisitReport.status).where(VisitReport.id == record.report_id))
            if status in LOCKED_REPORT:
                raise ValidationError("该记录所在的回访报告已提交审阅，不能再修改。")
        _check_version(record, expected_version)
        customer = s.get(Customer, record.customer_id)
        if customer is None:
            raise NotFound("该客户已被删除。")
        values = _check_record(form, customer)
        for key, value in values.items():
            setattr(record, key, value)
        follow_up = s.get(FollowUp, record.follow_up_id) if record.follow_up_id else None
        if follow_up is not None:
            for key, value in _follow_up_values(values).items():
                setattr(follow_up, key, value)
        uow.flush()
        refresh_last_follow_up(uow, customer.id)
        uow.commit()


# --- reports -----------------------------------------------------------------------------


def reportable_records(uow: UnitOfWork, limit: int = 300) -> list[RecordDetail]:
    """The actor's own records in no report yet, newest first (what a new report offers)."""
    actor = logged_in(uow)
    with uow:
        q = (
            select(VisitRecord)
            .where(VisitRecord.visitor_id == actor.id, VisitRecord.report_id.is_(None))
            .order_by(VisitRecord.visited_at.desc(), VisitRecord.id.desc())
            .limit(limit)
        )
        return record_details(uow, list(uow.session.scalars(q)))


def _report_fields(title, conclusions, suggestions) -> dict:
    return {
        "title": _text(title, "title", "报告标题", 200, required=True),
        "conclusions": _text(conclusions, "conclusions", "主要结论", 4000, required=True),
        "suggestions": _text(suggestions, "suggestions", "改进建议", 4000),
    }


def _claim_records(uow: UnitOfWork, actor: Actor, record_ids, report_id: int | None):
    try:
        ids = list(dict.fromkeys(int(i) for i in record_ids or ()))
    except (TypeError, ValueError):
        raise ValidationError("所选回访记录无效。", field="record_ids") from None
    if not ids:
        raise ValidationError("回访报告至少要包含一条回访记录。", field="record_ids")
    records = uow.session.scalars(select(VisitRecord).where(VisitRecord.id.in_(ids))).all()
    if len(records) != len(ids) or any(r.visitor_id != actor.id for r in records):
        raise ValidationError("所选回访记录不存在，或不是您本人填写的。", field="record_ids")
    names = dict(
        uow.session.execute(
            select(Customer.id, Customer.name).where(
                Customer.id.in_({r.customer_id for r in records})
            )
        ).all()
    )
    for r in records:
        if r.report_id is not None and r.report_id != report_id:
            label = f"{names.get(r.customer_id, '')} {r.visited_at:%Y-%m-%d}"
            raise ValidationError(f"记录“{label}”已编入其他报告。", field="record_ids")
    return records


def create_report(
    uow: UnitOfWork, title: str, record_ids: list[int], conclusions: str, suggestions: str = ""
) -> int:
    """整理《客户回访报告》 (草稿) from the author's own records."""
    actor = _planner(uow)
    with uow:
        fields = _report_fields(title, conclusions, suggestions)
        records = _claim_records(uow, actor, record_ids, None)
        report = VisitReport(author_id=actor.id, status="draft", **fields)
        uow.session.add(report)
        uow.flush()
        for r in records:
            r.report_id = report.id
        uow.commit()
        return report.id


def _own_report(uow: UnitOfWork, report_id: int, expected_version: int) -> VisitReport:
    actor = _planner(uow)
    report = visible_report(uow, report_id)
    if report.author_id != actor.id:
        raise PermissionDenied("只有报告的撰写人可以修改或提交该报告。")
    if report.status not in ("draft", "returned"):
        raise ValidationError("报告已提交审阅，不能修改或重复提交。")
    _check_version(report, expected_version)
    return report


def update_report(
    uow: UnitOfWork,
    report_id: int,
    title: str,
    record_ids: list[int],
    conclusions: str,
    suggestions: str,
    expected_version: int,
) -> None:
    with uow:
        report = _own_report(uow, report_id, expected_version)
        fields = _report_fields(title, conclusions, suggestions)
        records = _claim_records(uow, uow.actor, record_ids, report.id)
        keep = {r.id for r in records}
        for old in uow.session.scalars(
            select(VisitRecord).where(VisitRecord.report_id == report.id)
        ):
            if old.id not in keep:
                old.report_id = None
        for r in records:
            r.report_id = report.id
        for key, value in fields.items():
            setattr(report, key, value)
        flag_modified(report, "title")  # the record set counts as an edit of the report
        uow.commit()


def _reviewers(uow: UnitOfWork, author: User) -> list[tuple[int, str]]:
    who = [User.role == Role.CHAIRMAN]
    if author.team_id is not None:
        who.append(and_(User.role == Role.MANAGER, User.team_id == author.team_id))
    q = select(User.id, User.full_name, User.role).where(
        User.is_active.is_(True), User.id != author.id, or_(*who)
    )
    rows = sorted(uow.session.execute(q), key=lambda r: (r[2] != Role.MANAGER, r[1], r[0]))
    return [(uid, name) for uid, name, _role in rows]


def reviewer_choices(uow: UnitOfWork, author_id: int | None = None) -> list[tuple[int, str]]:
    """主管领导 for a report: the active managers of the author's team (other than the
    author) first, then every active chairman."""
    actor = logged_in(uow)
    with uow:
        author = uow.session.get(User, author_id or actor.id)
        if author is None:
            raise NotFound("该用户不存在。")
        return _reviewers(uow, author)


def submit_report(uow: UnitOfWork, report_id: int, reviewer_id: int, expected_version: int):
    with uow:
        report = _own_report(uow, report_id, expected_version)
        author = uow.session.get(User, report.author_id)
        if reviewer_id not in {uid for uid, _ in _reviewers(uow, author)}:
            raise ValidationError("请选择本组主管或董事长作为审阅人。", field="reviewer_id")
        has_records = uow.session.scalar(
            select(VisitRecord.id).where(VisitRecord.report_id == report.id).limit(1)
        )
        if has_records is None:
            raise ValidationError("回访报告至少要包含一条回访记录。", field="record_ids")
        days = settings.get(uow, "visits.review_days")  # before any change: one UPDATE
        report.status, report.reviewer_id = "submitted", reviewer_id
        report.submitted_at = clock.now()
        report.review_due = today() + timedelta(days=days)
        report.archive_due = None
        uow.commit()


def review_report(
    uow: UnitOfWork, report_id: int, approve: bool, comments: str, expected_version: int
) -> None:
    """主管领导审阅: 处理意见 is required; approve → 待归档, otherwise back to the author."""
    actor = logged_in(uow)
    with uow:
        report = visible_report(uow, report_id)
        if report.reviewer_id != actor.id:
            raise PermissionDenied("您不是该报告的审阅人，不能审阅。")
        if report.status != "submitted":
            raise ValidationError("该报告不在待审阅状态，不能审阅。")
        _check_version(report, expected_version)
        comments = _text(comments, "comments", "处理意见", 4000, required=True)
        days = settings.get(uow, "visits.archive_days")  # before any change: one UPDATE
        report.review_comments, report.reviewed_at = comments, clock.now()
        if approve:
            report.status = "approved"
            report.archive_due = today() + timedelta(days=days)
        else:
            report.status = "returned"
        uow.commit()


def archive_report(
    uow: UnitOfWork, report_id: int, category_id: int, note: str, expected_version: int
) -> None:
    """文员归档 by 回访归档类别."""
    actor = logged_in(uow)
    if actor.role not in roles.CAN_ARCHIVE_VISITS:
        raise PermissionDenied("只有文员或销售内勤可以归档回访资料。")
    note = _text(note, "note", "归档说明", 200)
    with uow:
        report = visible_report(uow, report_id)
        if report.status != "approved":
            raise ValidationError("只有审阅通过的回访报告才能归档。")
        _check_version(report, expected_version)
        if not category_id:
            raise ValidationError("请选择归档类别。", field="category_id")
        category = code_tables.check_item(
            uow, "visit_archive", category_id, field="category_id", label="归档类别"
        )
        report.archive_category_id, report.archive_note = category, note
        report.archived_by_id, report.archived_at = actor.id, clock.now()
        report.status = "archived"
        uow.commit()
