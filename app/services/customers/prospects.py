"""开发三步 (客户资源管理制度 三.2.1): with a prospect, the rep first exchanges cards and
introduces himself, gives product samples and presents the company. The three steps are
ticked on the card; a prospect whose steps are not all done some days after its
registration (系统设置 → customers.prospect_days) is a reminder for its owner
(customers.reminders). Once the customer is developed (first deal) they no longer matter.

UI entry points: prospect_steps(uow, customer_id) -> list[StepState],
set_prospect_step(uow, customer_id, step, done) -> None."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from app.models import ProspectStep
from app.models.customer import PROSPECT_STEPS
from app.services.access._internal import editable_customer, visible_customer
from app.services.core import clock
from app.services.core.errors import ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers._internal import user_names


@dataclass(frozen=True)
class StepState:
    step: str
    label: str
    done_at: datetime | None
    by_name: str


def prospect_steps(uow: UnitOfWork, customer_id: int) -> list[StepState]:
    """The three steps of a customer the actor may see, in order, done or not."""
    with uow:
        visible_customer(uow, customer_id)
        rows = uow.session.execute(
            select(ProspectStep.step, ProspectStep.done_at, ProspectStep.by_id)
            .where(ProspectStep.customer_id == customer_id)
            .order_by(ProspectStep.done_at)
        ).all()
        done = {}
        for step, at, by in rows:
            done.setdefault(step, (at, by))  # the first time it was done
        names = user_names(uow, [by for _at, by in done.values()])
        return [
            StepState(step, label, done.get(step, (None, None))[0],
                      names.get(done.get(step, (None, None))[1], ""))
            for step, label in PROSPECT_STEPS.items()
        ]  # fmt: skip


def set_prospect_step(uow: UnitOfWork, customer_id: int, step: str, done: bool) -> None:
    """Tick or untick one step. Whoever may change the customer may (not a viewer under
    a 查阅授权). The customer record itself does not change, so an open card's unsaved
    edits stay valid."""
    if step not in PROSPECT_STEPS:
        raise ValidationError("未知的开发步骤。")
    with uow:
        editable_customer(uow, customer_id, "您只能查看该客户，不能记录开发步骤。")
        existing = uow.session.scalar(
            select(ProspectStep.id).where(
                ProspectStep.customer_id == customer_id, ProspectStep.step == step
            )
        )
        if done and existing is None:
            uow.session.add(ProspectStep(customer_id=customer_id, step=step,
                                         done_at=clock.now(), by_id=uow.actor.id))  # fmt: skip
        elif not done and existing is not None:
            uow.session.execute(
                delete(ProspectStep).where(
                    ProspectStep.customer_id == customer_id, ProspectStep.step == step
                )
            )
        uow.commit()
