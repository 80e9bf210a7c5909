"""客户回访, visiting: 实施回访 and its 《客户回访记录表》 (add_record, update_record).
A record is also a follow-up of the customer (最近跟进, the pool clock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.models import CodeItem, Customer, FollowUp, VisitRecord, VisitReport
from app.services.admin import code_tables
from app.services.core import clock
from app.services.core._internal import record_number
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.fields import day, text
from app.services.core.uow import UnitOfWork, logged_in
from app.services.customers._internal import refresh_last_follow_up
from app.services.visits._internal import (
    LOCKED_REPORT,
    RecordDetail,
    plan_visitors,
    record_details,
    visible_plan,
    visible_record,
)
from app.services.visits.checks import check_version, planner
from app.services.visits.plans import insert_plan, plan_customer

AD_HOC_PURPOSE = "临时回访"
# 回访方式 → 跟进方式 by name; names not listed map to the same name, else to 其他.
FOLLOW_METHOD_BY_VISIT_METHOD = {"走访": "拜访", "上门": "拜访"}
FUTURE_SLACK = timedelta(minutes=5)  # desktop clocks differ a little


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
        "place": text(form.place, "place", "回访地点", 200),
        "people_met": text(form.people_met, "people_met", "接待人", 200),
        "needs": text(form.needs, "needs", "客户需求", 4000),
        "service_opinion": text(form.service_opinion, "service_opinion", "售后服务意见", 4000),
        "problems": text(form.problems, "problems", "存在问题", 4000),
        "actions": text(form.actions, "actions", "约定事项", 4000),
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
        nxt = day(form.next_visit_date, "next_visit_date", "下次回访日期")
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
    actor = planner(uow)
    with uow:
        s = uow.session
        if plan_id is None:
            if customer_id is None:
                raise ValidationError("请选择回访客户。", field="customer_id")
            customer = plan_customer(uow, customer_id)
            values = _check_record(form, customer)
            day = values["visited_at"].date()
            plan = insert_plan(
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
            number=record_number(uow, VisitRecord, "visit_record", clock.now().date()),
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
    actor = planner(uow)
    with uow:
        s = uow.session
        record = visible_record(uow, record_id)
        if record.visitor_id != actor.id:
            raise PermissionDenied("只能修改您本人填写的回访记录。")
        if record.report_id is not None:
            status = s.scalar(select(VisitReport.status).where(VisitReport.id == record.report_id))
            if status in LOCKED_REPORT:
                raise ValidationError("该记录所在的回访报告已提交审阅，不能再修改。")
        check_version(record, expected_version)
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


def record_detail(uow: UnitOfWork, record_id: int) -> RecordDetail:
    logged_in(uow)
    with uow:
        return record_details(uow, [visible_record(uow, record_id)])[0]
