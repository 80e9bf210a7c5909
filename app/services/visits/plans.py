"""客户回访, planning: 明确回访对象 (visit_targets) → 《客户回访计划》 (create_plan,
create_plans, update_plan, cancel_plan) → 预约拜访时间 (appoint)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import delete, select
from sqlalchemy.orm.attributes import flag_modified

from app.models import CodeItem, CodeTable, Customer, User, VisitPlan, VisitPlanVisitor, VisitRecord
from app.services.access import roles
from app.services.access.visibility import edit_scope
from app.services.admin import code_tables
from app.services.core.errors import PermissionDenied, ValidationError
from app.services.core.fields import day, text
from app.services.core.uow import UnitOfWork, logged_in
from app.services.visits._internal import (
    OPEN_PLAN,
    PlanDetail,
    insert_plan,
    plan_customer,
    plan_details,
    plan_visitors,
    today,
    visible_plan,
)
from app.services.visits.checks import check_version, planner


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


def _check_plan(uow: UnitOfWork, form: PlanForm, owner_id: int, previous_method=None):
    start = day(form.planned_from, "planned_from", "计划回访开始日期")
    end = day(form.planned_to, "planned_to", "计划回访结束日期")
    if end < start:
        raise ValidationError("计划结束日期不能早于开始日期。", field="planned_to")
    values = {
        "planned_from": start,
        "planned_to": end,
        "purpose": text(form.purpose, "purpose", "回访目的", 1000, required=True),
        "content": text(form.content, "content", "回访内容", 4000),
        "remarks": text(form.remarks, "remarks", "备注", 2000),
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
    actor = planner(uow)
    plan = visible_plan(uow, plan_id)
    allowed = actor.role in roles.MANAGES_ALL_VISIT_PLANS or plan.owner_id == actor.id
    if not allowed and visitors_too:
        allowed = actor.id in plan_visitors(uow, [plan.id])[plan.id]
    if not allowed:
        raise PermissionDenied("只有回访计划的负责人可以修改该计划。")
    check_version(plan, expected_version)
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
            since = datetime.combine(day(not_visited_since, "since", "日期"), time())
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


def create_plan(uow: UnitOfWork, form: PlanForm) -> int:
    """制订《客户回访计划》: status 计划, the actor is the owner and always a visitor."""
    actor = planner(uow)
    with uow:
        customer = plan_customer(uow, form.customer_id)
        values, visitors = _check_plan(uow, form, actor.id)
        plan = insert_plan(uow, actor, customer, values, visitors)
        uow.commit()
        return plan.id


def create_plans(uow: UnitOfWork, customer_ids: list[int], form: PlanForm) -> list[int]:
    """One plan per customer with the same dates, purpose and visitors (form.customer_id is
    ignored). All or nothing: one customer out of scope refuses the whole batch."""
    actor = planner(uow)
    ids = list(dict.fromkeys(customer_ids or []))
    if not ids:
        raise ValidationError("请选择要回访的客户。", field="customer_id")
    with uow:
        customers = [plan_customer(uow, cid) for cid in ids]
        values, visitors = _check_plan(uow, form, actor.id)
        plans = [insert_plan(uow, actor, c, values, visitors) for c in customers]
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
    place = text(place, "place", "预约地点", 200)
    note = text(note, "note", "预约说明", 2000)
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
    reason = text(reason, "reason", "取消原因", 200, required=True)
    with uow:
        plan = _plan_for_change(uow, plan_id, expected_version)
        if plan.status not in OPEN_PLAN:
            raise ValidationError("只有尚未回访的计划可以取消。")
        plan.status, plan.cancel_reason = "cancelled", reason
        uow.commit()


def plan_detail(uow: UnitOfWork, plan_id: int) -> PlanDetail:
    logged_in(uow)
    with uow:
        return plan_details(uow, [visible_plan(uow, plan_id)])[0]
