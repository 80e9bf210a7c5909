"""准备回访资料: the printable sheet a visitor takes along — the customer's profile,
service history and traits, and what to bring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select

from app.models import CodeItem, Complaint, Contact, Customer, Deal, FollowUp, VisitRecord
from app.models.service_desk import COMPLAINT_KIND, COMPLAINT_STATUS
from app.services.admin import code_tables
from app.services.core.errors import NotFound
from app.services.core.uow import UnitOfWork, logged_in
from app.services.visits._internal import (
    OPEN_PLAN,
    PlanDetail,
    plan_details,
    user_names,
    visible_plan,
)

HISTORY_LIMIT = 20


@dataclass(frozen=True)
class Preparation:
    plan: PlanDetail
    profile: list[tuple[str, str]]
    history: list[tuple[str, str, str]]
    traits: list[str]
    checklist: list[str]


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
