"""Reminders from the customer archive: change requests and 合并申请 waiting for the
sales admin (规则 9), registrations to check, and 查阅授权 requests waiting for the chairman. Registered on import
(app.services.reminders.registry imports this module)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.models import (
    AccessGrant,
    ChangeRequest,
    Customer,
    MergeProposal,
    ProspectStep,
    Role,
    TransferRequest,
    User,
)
from app.models.customer import PROSPECT_STEPS
from app.services.access import roles
from app.services.access.director import is_market_director
from app.services.core import clock, settings
from app.services.customers.merge_proposals import in_reach
from app.services.customers.registration import VERIFY_WITHIN_DAYS
from app.services.reminders.engine import Reminder, Severity, Target, provider


@provider("customer_change_request", "客户信息变更待审批")
def pending_change_requests(uow):
    if uow.actor.role not in roles.CAN_APPROVE_CHANGE_REQUESTS:
        return
    q = (
        select(ChangeRequest.id, ChangeRequest.customer_id, ChangeRequest.created_at,
               Customer.name, User.full_name)
        .join(Customer, Customer.id == ChangeRequest.customer_id)
        .join(User, User.id == ChangeRequest.requester_id)
        .where(ChangeRequest.status == "pending")
    )  # fmt: skip
    for rid, _cid, at, cname, rname in uow.session.execute(q):
        yield Reminder(
            "customer_change_request",
            f"{rname} 申请修改客户“{cname}”的信息",
            at,
            Severity.WARNING,
            Target("change_request", rid),
        )


@provider("merge_proposal", "合并申请待处理")
def pending_merge_proposals(uow):
    """A rep's 合并申请 waits for the sales admin (a manager: the team's; the admin)."""
    if uow.actor.role not in roles.CAN_MERGE_CUSTOMERS:
        return
    kept, removed = aliased(Customer), aliased(Customer)
    q = (
        select(MergeProposal.id, MergeProposal.created_at, kept.name, removed.name,
               User.full_name)
        .join(kept, kept.id == MergeProposal.kept_id)
        .join(removed, removed.id == MergeProposal.removed_id)
        .join(User, User.id == MergeProposal.requester_id)
        .where(MergeProposal.status == "pending", in_reach(uow.actor))
    )  # fmt: skip
    for pid, at, kept_name, removed_name, rname in uow.session.execute(q):
        yield Reminder(
            "merge_proposal",
            f"{rname} 申请把客户“{removed_name}”并入“{kept_name}”",
            at,
            Severity.WARNING,
            Target("merge_proposal", pid),
        )


@provider("prospect_steps", "开发三步未完成")
def unfinished_prospect_steps(uow):
    """三.2.1: a prospect the actor owns, registered longer ago than the setting allows,
    not developed yet, whose 交换名片 / 样品 / 公司介绍 are not all done."""
    if uow.actor.role not in roles.CAN_OWN_CUSTOMERS:
        return
    days = settings.get(uow, "customers.prospect_days")
    due = clock.now().date() - timedelta(days=days)
    q = (
        select(Customer.id, Customer.name, Customer.registered_on)
        .where(Customer.owner_id == uow.actor.id, Customer.is_in_pool.is_(False),
               Customer.developed_on.is_(None), Customer.registered_on <= due)
        .order_by(Customer.registered_on)
        .limit(500)
    )  # fmt: skip
    customers = uow.session.execute(q).all()
    if not customers:
        return
    done: dict[int, set[str]] = {}
    for cid, step in uow.session.execute(
        select(ProspectStep.customer_id, ProspectStep.step).where(
            ProspectStep.customer_id.in_([c.id for c in customers])
        )
    ):
        done.setdefault(cid, set()).add(step)
    for cid, name, registered_on in customers:
        missing = [label for step, label in PROSPECT_STEPS.items() if step not in done.get(cid, ())]
        if missing:
            yield Reminder(
                "prospect_steps",
                f"客户“{name}”的开发三步未完成：{'、'.join(missing)}",
                datetime.combine(registered_on + timedelta(days=days), time()),
                Severity.WARNING,
                Target("customer", cid),
                detail=f"登记后 {days} 天内应完成；在客户档案中勾选已完成的步骤。",
            )


@provider("registration_check", "新登记待核对")
def registrations_to_verify(uow):
    """4.3.2: the sales admin checks each registration; after a week unchecked, a reminder."""
    if uow.actor.role not in roles.CAN_VERIFY_REGISTRATIONS:
        return
    late = clock.now() - timedelta(days=VERIFY_WITHIN_DAYS)
    q = (
        select(Customer.id, Customer.name, Customer.created_at, User.full_name)
        .outerjoin(User, User.id == Customer.registered_by_id)
        .where(Customer.verified_at.is_(None), Customer.created_at <= late)
        .order_by(Customer.created_at)
        .limit(200)
    )
    for cid, name, at, by in uow.session.execute(q):
        yield Reminder(
            "registration_check",
            f"客户“{name}”登记已超过 {VERIFY_WITHIN_DAYS} 天，尚未核对",
            at + timedelta(days=VERIFY_WITHIN_DAYS),
            Severity.WARNING,
            Target("customer", cid),
            detail=f"登记人：{by or '—'}；在客户列表中选中后用“批量操作 → 核对登记”。",
        )


@provider("access_grant", "查阅授权待审批")
def pending_grants(uow):
    if uow.actor.role != Role.CHAIRMAN:
        return
    q = (
        select(AccessGrant.id, AccessGrant.created_at, User.full_name, AccessGrant.reason)
        .join(User, User.id == AccessGrant.requester_id)
        .where(AccessGrant.status == "pending")
    )
    for gid, at, rname, reason in uow.session.execute(q):
        yield Reminder(
            "access_grant",
            f"{rname} 申请查阅授权",
            at,
            Severity.WARNING,
            Target("access_grant", gid),
            detail=reason,
        )


@provider("transfer_to_agree", "转让申请待同意")
def transfers_to_agree(uow):
    """二.2: a 转让申请 waits for the receiving rep's 同意 or 拒绝."""
    q = (
        select(TransferRequest.id, TransferRequest.created_at, User.full_name,
               TransferRequest.reason)
        .join(User, User.id == TransferRequest.from_user_id)
        .where(TransferRequest.status == "requested", TransferRequest.to_user_id == uow.actor.id)
    )  # fmt: skip
    for rid, at, giver, reason in uow.session.execute(q):
        yield Reminder(
            "transfer_to_agree",
            f"{giver} 申请把客户转让给您，请同意或拒绝",
            at,
            Severity.WARNING,
            Target("transfer_request", rid),
            detail=reason,
        )


@provider("transfer_to_execute", "转让申请待执行")
def transfers_to_execute(uow):
    """二.2: a request both parties made waits for the 市场总监's 执行 or 驳回."""
    if not is_market_director(uow, uow.actor):
        return
    giver, receiver = aliased(User), aliased(User)
    q = (
        select(TransferRequest.id, TransferRequest.agreed_at, giver.full_name,
               receiver.full_name, TransferRequest.reason)
        .join(giver, giver.id == TransferRequest.from_user_id)
        .join(receiver, receiver.id == TransferRequest.to_user_id)
        .where(TransferRequest.status == "agreed")
    )  # fmt: skip
    for rid, at, from_name, to_name, reason in uow.session.execute(q):
        yield Reminder(
            "transfer_to_execute",
            f"{from_name} 与 {to_name} 申请转让客户，双方已同意，请执行或驳回",
            at,
            Severity.WARNING,
            Target("transfer_request", rid),
            detail=reason,
        )
