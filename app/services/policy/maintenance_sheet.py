"""《客户维护表》 (附表三, 二.3.2.2): "对所有销售出去的产品，建立客户档案，由专人负责。提供定期
售后服务：产品送达1周、1月、1季度、1年。填写《客户维护表》，由市场部经理不定期抽查。"

Per customer: for every delivered deal, the four after-sales contacts — due date, done
date, by whom, what was done and the customer's feedback — read from the 交付后回访
work-plan items (customers._internal.schedule_delivery_tasks) and their rows in
after_sales_contacts (the follow-up that answered each, the feedback); below them the
市场部经理's spot checks (抽查: who, when, 合格/不合格, remark).

Who sees it: whoever sees the customer by role (a rep only own customers, not through a
查阅授权). The feedback is written by whoever may edit the customer; a spot check only by a
manager (access.roles.CAN_SPOT_CHECK_MAINTENANCE) of the customer's team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.models import AfterSalesContact, CodeItem, Customer, Deal, FollowUp, User, WorkPlan
from app.models.maintenance import SPOT_CHECK_VERDICTS, MaintenanceCheck
from app.services.access import roles
from app.services.access._internal import editable_customer
from app.services.access.visibility import edit_scope, own_scope
from app.services.admin import code_tables
from app.services.core import clock
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.fields import text
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork, logged_in

SHEET_TITLE = "客户维护表"
STEP_LABELS = {7: "交付后一周", 30: "交付后一月", 91: "交付后一季度", 365: "交付后一年"}
NOT_SHOWN = "该客户不存在，或您无权查看其客户维护表。"
VERDICTS = SPOT_CHECK_VERDICTS

Assignee = aliased(User, name="sheet_assignee")
DoneBy = aliased(User, name="sheet_done_by")
Method = aliased(CodeItem, name="sheet_method")


@dataclass(frozen=True)
class ContactRow:
    id: int  # after_sales_contacts.id
    deal_id: int
    product: str
    delivered_on: date
    step: str  # 交付后一周 …
    due_date: date
    status: str  # 已完成 / 待回访 / 已逾期 / 未到期
    done_at: datetime | None
    done_by: str  # who made the contact (or the person responsible, while open)
    responsible: str
    method: str
    what: str  # what was done
    feedback: str  # the customer's feedback
    version: int


@dataclass(frozen=True)
class SpotCheckRow:
    id: int
    checked_at: datetime
    checked_by: str
    verdict: str  # 合格 / 不合格
    remark: str


@dataclass(frozen=True)
class MaintenanceSheet:
    customer_id: int
    customer_number: str
    customer_name: str
    grade: str
    owner_name: str
    principal: str
    phone: str
    contacts: list[ContactRow]
    checks: list[SpotCheckRow]
    may_edit: bool  # may write the feedback
    may_check: bool  # may record a spot check
    printed_at: datetime


@dataclass
class SpotCheckForm:
    verdict: str  # "pass" / "fail" (VERDICTS)
    remark: str = ""


def _customer(uow: UnitOfWork, customer_id: int) -> Customer:
    """The customer if the actor sees it by role (not through a read-only grant)."""
    actor = logged_in(uow)
    c = uow.session.scalar(select(Customer).where(Customer.id == customer_id, own_scope(actor)))
    if c is None:
        raise NotFound(NOT_SHOWN)
    return c


def _status(plan_status: str, due: date, today: date) -> str:
    if plan_status == "done":
        return "已完成"
    if plan_status == "cancelled":
        return "已取消"
    if due < today:
        return "已逾期"
    return "待回访" if (due - today).days <= 7 else "未到期"


def _contacts(uow: UnitOfWork, customer_id: int) -> list[ContactRow]:
    q = (
        select(AfterSalesContact, Deal.product, Deal.delivered_on, WorkPlan.due_date,
               WorkPlan.status, WorkPlan.completed_at, WorkPlan.progress_note,
               Assignee.full_name, FollowUp.at, FollowUp.content, DoneBy.full_name, Method.name)
        .join(Deal, Deal.id == AfterSalesContact.deal_id)
        .join(WorkPlan, WorkPlan.id == AfterSalesContact.work_plan_id)
        .outerjoin(Assignee, Assignee.id == WorkPlan.assignee_id)
        .outerjoin(FollowUp, (FollowUp.id == AfterSalesContact.follow_up_id)
                   & FollowUp.deleted_at.is_(None))
        .outerjoin(DoneBy, DoneBy.id == FollowUp.by_id)
        .outerjoin(Method, Method.id == FollowUp.method_id)
        .where(AfterSalesContact.customer_id == customer_id, Deal.deleted_at.is_(None),
               WorkPlan.deleted_at.is_(None))
        .order_by(Deal.delivered_on, Deal.id, AfterSalesContact.step_days)
    )  # fmt: skip
    today = clock.now().date()
    rows = []
    for (a, product, delivered_on, due, plan_status, completed_at, note, responsible, fu_at,
         fu_content, done_by, method) in uow.session.execute(q):  # fmt: skip
        done = plan_status == "done"
        rows.append(
            ContactRow(
                a.id, a.deal_id, product, delivered_on,
                STEP_LABELS.get(a.step_days, f"交付后 {a.step_days} 天"), due,
                _status(plan_status, due, today),
                fu_at or (completed_at if done else None),
                done_by or (responsible or "" if done else ""),
                responsible or "", method or "",
                fu_content or (note if done else ""), a.feedback, a.version,
            )
        )  # fmt: skip
    return rows


def _checks(uow: UnitOfWork, customer_id: int) -> list[SpotCheckRow]:
    q = (
        select(MaintenanceCheck, User.full_name)
        .join(User, User.id == MaintenanceCheck.checked_by_id)
        .where(MaintenanceCheck.customer_id == customer_id)
        .order_by(MaintenanceCheck.checked_at, MaintenanceCheck.id)
    )
    return [
        SpotCheckRow(m.id, m.checked_at, name, VERDICTS.get(m.verdict, m.verdict), m.remark)
        for m, name in uow.session.execute(q)
    ]


def maintenance_sheet(uow: UnitOfWork, customer_id: int) -> MaintenanceSheet:
    """The customer's 《客户维护表》: its delivered products' after-sales contacts and the
    spot checks, for the screen, the printed form and the export."""
    with uow:
        c = _customer(uow, customer_id)
        actor = uow.actor
        labels = code_tables.item_labels(uow, [c.grade_id])
        owner = uow.session.get(User, c.owner_id) if c.owner_id else None
        editable = select(Customer.id).where(Customer.id == c.id, edit_scope(actor))
        may_edit = uow.session.scalar(editable) is not None
        return MaintenanceSheet(
            c.id, c.number, c.name, labels.get(c.grade_id, ""),
            owner.full_name if owner else "（公海）", c.principal or "", c.phone or "",
            _contacts(uow, c.id), _checks(uow, c.id), may_edit,
            actor.role in roles.CAN_SPOT_CHECK_MAINTENANCE, clock.now(),
        )  # fmt: skip


def record_feedback(
    uow: UnitOfWork, after_sales_id: int, expected_version: int, feedback: str
) -> None:
    """The customer's feedback on one after-sales contact (客户反馈), by whoever may edit
    the customer."""
    with uow:
        row = uow.session.get(AfterSalesContact, after_sales_id)
        if row is None:
            raise NotFound("该售后回访记录不存在。")
        _customer(uow, row.customer_id)
        editable_customer(uow, row.customer_id, "您只能查看该客户的维护表，不能填写客户反馈。")
        if row.version != expected_version:
            raise ConflictError(CONFLICT_MESSAGE)
        row.feedback = text(feedback, "feedback", "客户反馈", 2000, required=True)
        uow.commit()


def record_spot_check(uow: UnitOfWork, customer_id: int, form: SpotCheckForm) -> int:
    """抽查: a 市场部经理 checks the customer's 维护表 — now, by the actor, 合格/不合格."""
    with uow:
        actor = logged_in(uow)
        if actor.role not in roles.CAN_SPOT_CHECK_MAINTENANCE:
            raise PermissionDenied("只有市场部经理（销售主管）可以抽查客户维护表。")
        c = _customer(uow, customer_id)
        if form.verdict not in VERDICTS:
            raise ValidationError("请选择抽查结论：合格或不合格。", field="verdict")
        remark = text(form.remark, "remark", "抽查意见", 500, required=form.verdict == "fail")
        check = MaintenanceCheck(customer_id=c.id, checked_by_id=actor.id,
                                 checked_at=clock.now(), verdict=form.verdict, remark=remark)  # fmt: skip
        uow.session.add(check)
        uow.commit()
        return check.id
