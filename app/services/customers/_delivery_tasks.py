"""规则 6 after a delivery: follow-up tasks at +1 week, +1 month, +1 quarter and +1 year.

They are stored as 工作计划 items of kind 交付后回访 (code table work_plan_kind), assigned
to the customer's owner: they show in the owner's work plans, calendar and reminders
like any other item, a manager can 催办 them, and a follow-up logged on the customer
near or after a task's date completes it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models import Customer, Deal, WorkPlan
from app.services.admin import code_tables
from app.services.core import clock
from app.services.core.uow import UnitOfWork

STEPS = [(7, "交付后一周回访"), (30, "交付后一月回访"), (91, "交付后一季度回访"),
         (365, "交付后一年回访")]  # fmt: skip
KIND = ("work_plan_kind", "6")  # 交付后回访
ANSWER_DAYS = 3  # a follow-up up to this many days before a task's date answers it


def schedule(uow: UnitOfWork, deal: Deal, customer: Customer) -> list[WorkPlan]:
    """Inside a writing unit of work, when a deal becomes delivered."""
    assignee = customer.owner_id or deal.salesperson_id
    if assignee is None or deal.delivered_on is None:
        return []  # a pool customer: nobody to visit it
    kind_id = code_tables.find_item(uow, *KIND)
    plans = []
    for days, label in STEPS:
        due = deal.delivered_on + timedelta(days=days)
        plan = WorkPlan(
            period="day",
            period_start=due,
            period_end=due,
            kind_id=kind_id,
            title=f"{label}：{customer.name}（{deal.product}）",
            target=f"{deal.delivered_on:%Y-%m-%d} 交付的“{deal.product}”：回访了解使用情况和售后意见。",
            assignee_id=assignee,
            assigned_by_id=uow.actor.id,
            customer_id=customer.id,
            due_date=due,
        )
        uow.session.add(plan)
        plans.append(plan)
    return plans


def answer(uow: UnitOfWork, customer_id: int, at) -> int:
    """Inside a writing unit of work, after a follow-up at `at`: complete the customer's
    open delivery tasks due up to ANSWER_DAYS after it. Returns how many."""
    kind_id = code_tables.find_item(uow, *KIND)
    if kind_id is None:
        return 0
    q = select(WorkPlan).where(
        WorkPlan.customer_id == customer_id,
        WorkPlan.kind_id == kind_id,
        WorkPlan.status == "open",
        WorkPlan.due_date <= at.date() + timedelta(days=ANSWER_DAYS),
    )
    done = 0
    for plan in uow.session.scalars(q):
        plan.status, plan.progress, plan.completed_at = "done", 100, clock.now()
        plan.progress_note = f"已于 {at:%Y-%m-%d %H:%M} 跟进客户。"
        plan.urged_at = None
        done += 1
    return done
