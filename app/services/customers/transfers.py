"""转让申请 (市场部客户资源管理制度 二.2: 如确有需要更换服务人员时，当事人双方应事先向市场总监提出申请，
由市场总监实施调换). The giving rep asks (customers, receiving rep, reason); the receiving
rep agrees (同意) or declines (拒绝); only a request both parties made can the 市场总监
carry out (执行: the ownership move, history kind 转让) or reject (驳回).

Who sees a request: its two parties, the 市场总监, and SEES_ALL_TRANSFER_REQUESTS.

UI entry points: request_transfer, transfer_detail, agree_transfer, decline_transfer,
execute_transfer, reject_transfer, transfer_targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from app.models import Customer, TransferRequest, TransferRequestCustomer, User
from app.services.access import roles
from app.services.access.director import is_market_director
from app.services.core import clock
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import Actor, UnitOfWork
from app.services.customers._internal import move_owner

OPEN = ("requested", "agreed")
STATUS_LABELS = {"requested": "待接收方同意", "agreed": "待市场总监执行", "done": "已执行",
                 "declined": "接收方已拒绝", "rejected": "已驳回"}  # fmt: skip
HISTORY_KIND = "转让"


def _reason(text: str, label: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"请填写{label}。", field=field)
    if len(text) > 500:
        raise ValidationError(f"{label}不能超过 500 字。", field=field)
    return text


def request_transfer(uow: UnitOfWork, customer_ids, to_user_id: int, reason: str) -> int:
    """转让申请 by the giving rep: only customers the rep owns, to an active rep or manager.
    Returns the request's id."""
    actor = uow.actor
    if actor is None or actor.role not in roles.CAN_REQUEST_TRANSFERS:
        raise PermissionDenied("只有销售人员或销售主管可以申请转让本人名下的客户。")
    ids = list(dict.fromkeys(customer_ids or []))
    if not ids:
        raise ValidationError("请选择要转让的客户。", field="customer_ids")
    if to_user_id == actor.id:
        raise ValidationError("不能转让给本人，请选择接收的销售人员。", field="to_user_id")
    reason = _reason(reason, "转让原因", "reason")
    with uow:
        target = uow.session.get(User, to_user_id)
        if target is None or not target.is_active or target.role not in roles.CAN_OWN_CUSTOMERS:
            raise ValidationError("请选择一位在职的销售人员作为接收方。", field="to_user_id")
        own = uow.session.scalars(
            select(Customer).where(
                Customer.id.in_(ids),
                Customer.owner_id == actor.id,
                Customer.is_in_pool.is_(False),
            )
        ).all()
        if len(own) != len(ids):
            raise ValidationError("只能申请转让本人名下的客户（公海客户和他人的客户不能转让）。")
        busy = uow.session.scalar(
            select(Customer.name)
            .join(TransferRequestCustomer, TransferRequestCustomer.customer_id == Customer.id)
            .join(TransferRequest, TransferRequest.id == TransferRequestCustomer.request_id)
            .where(Customer.id.in_(ids), TransferRequest.status.in_(OPEN))
            .limit(1)
        )
        if busy is not None:
            raise ValidationError(f"客户“{busy}”已有待处理的转让申请。")
        r = TransferRequest(from_user_id=actor.id, to_user_id=to_user_id, reason=reason,
                            status="requested", note="")  # fmt: skip
        uow.session.add(r)
        uow.session.flush()
        uow.session.add_all(TransferRequestCustomer(request_id=r.id, customer_id=c) for c in ids)
        rid = r.id
        uow.commit()
        return rid


@dataclass(frozen=True)
class TransferRow:
    id: int
    status: str
    from_user_id: int
    to_user_id: int
    from_name: str
    to_name: str
    reason: str
    customers: tuple[str, ...]
    created_at: datetime
    agreed_at: datetime | None
    decider_name: str
    note: str
    version: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def transfer_scope(actor: Actor, director: bool):
    """The requests the actor may see: a party's own; every one for the 市场总监
    (`director`, access.director.is_market_director) and SEES_ALL_TRANSFER_REQUESTS."""
    if director or actor.role in roles.SEES_ALL_TRANSFER_REQUESTS:
        return TransferRequest.id.is_not(None)
    return or_(TransferRequest.from_user_id == actor.id, TransferRequest.to_user_id == actor.id)


def transfer_detail(uow: UnitOfWork, transfer_id: int) -> TransferRow:
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        r = _visible(uow, transfer_id)
        names = dict(
            uow.session.execute(
                select(User.id, User.full_name).where(
                    User.id.in_([r.from_user_id, r.to_user_id, r.decided_by_id or 0])
                )
            ).all()
        )
        customers = uow.session.scalars(
            select(Customer.name)
            .join(TransferRequestCustomer, TransferRequestCustomer.customer_id == Customer.id)
            .where(TransferRequestCustomer.request_id == r.id)
            .order_by(Customer.name_pinyin)
            .execution_options(include_deleted=True)
        ).all()
        return TransferRow(r.id, r.status, r.from_user_id, r.to_user_id,
                           names.get(r.from_user_id, ""), names.get(r.to_user_id, ""), r.reason,
                           tuple(customers), r.created_at, r.agreed_at,
                           names.get(r.decided_by_id, ""), r.note, r.version)  # fmt: skip


def _visible(uow: UnitOfWork, transfer_id: int) -> TransferRequest:
    r = uow.session.scalar(
        select(TransferRequest).where(
            TransferRequest.id == transfer_id,
            transfer_scope(uow.actor, is_market_director(uow, uow.actor)),
        )
    )
    if r is None:
        raise NotFound("没有这条转让申请，或您无权查看。")
    return r


def _receivers_request(uow: UnitOfWork, transfer_id: int) -> TransferRequest:
    r = _visible(uow, transfer_id)
    if r.to_user_id != uow.actor.id:
        raise PermissionDenied("只有接收客户的一方可以同意或拒绝转让申请。")
    if r.status == "agreed":
        raise ValidationError("您已同意该转让申请，正等待市场总监执行，无需再次处理。")
    if r.status != "requested":
        raise ValidationError(f"该转让申请已处理（{STATUS_LABELS[r.status]}）。")
    return r


def agree_transfer(uow: UnitOfWork, transfer_id: int) -> None:
    """同意: the receiving rep joins the request; it goes to the 市场总监."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        r = _receivers_request(uow, transfer_id)
        r.status, r.agreed_at = "agreed", clock.now()
        uow.commit()


def decline_transfer(uow: UnitOfWork, transfer_id: int, note: str) -> None:
    """拒绝: the receiving rep does not want the customers; nothing moves."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    note = _reason(note, "拒绝理由", "note")
    with uow:
        r = _receivers_request(uow, transfer_id)
        r.status, r.note = "declined", note
        r.decided_by_id, r.decided_at = uow.actor.id, clock.now()
        uow.commit()


def _directors_request(uow: UnitOfWork, transfer_id: int) -> TransferRequest:
    if not is_market_director(uow, uow.actor):
        raise PermissionDenied("只有市场总监可以执行或驳回转让申请。")
    r = _visible(uow, transfer_id)
    if r.status == "requested":
        raise ValidationError(
            "接收方尚未同意：转让须由当事人双方申请，接收方同意后市场总监才能执行。"
        )
    if r.status != "agreed":
        raise ValidationError(f"该转让申请已处理（{STATUS_LABELS[r.status]}）。")
    return r


def execute_transfer(uow: UnitOfWork, transfer_id: int) -> int:
    """执行: every customer of the request to the receiving rep, with history 转让 and
    its open work (ownership move). All or nothing. Returns how many moved."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        r = _directors_request(uow, transfer_id)
        receiver = uow.session.get(User, r.to_user_id)
        if not receiver.is_active or receiver.role not in roles.CAN_OWN_CUSTOMERS:
            raise ValidationError("接收方已不是在职的销售人员，不能执行；请驳回该申请。")
        customers = uow.session.scalars(
            select(Customer)
            .join(TransferRequestCustomer, TransferRequestCustomer.customer_id == Customer.id)
            .where(TransferRequestCustomer.request_id == r.id)
            .order_by(Customer.id)
        ).all()
        for c in customers:
            if c.owner_id != r.from_user_id or c.is_in_pool:
                raise ValidationError(f"客户“{c.name}”已不归申请人所有，不能执行；请驳回该申请。")
        if not customers:
            raise ValidationError("申请中的客户已不存在，不能执行；请驳回该申请。")
        now = clock.now()
        for c in customers:
            move_owner(uow, c, r.to_user_id, f"转让申请：{r.reason}"[:500], now, HISTORY_KIND)
        r.status, r.decided_by_id, r.decided_at = "done", uow.actor.id, now
        uow.commit()
        return len(customers)


def reject_transfer(uow: UnitOfWork, transfer_id: int, note: str) -> None:
    """驳回 by the 市场总监: nothing moves; the note tells both parties why."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    note = _reason(note, "驳回理由", "note")
    with uow:
        r = _directors_request(uow, transfer_id)
        r.status, r.note = "rejected", note
        r.decided_by_id, r.decided_at = uow.actor.id, clock.now()
        uow.commit()


def transfer_targets(uow: UnitOfWork) -> list[tuple[int, str]]:
    """接收方 drop-down: every active rep and manager but the actor."""
    if uow.actor is None or uow.actor.role not in roles.CAN_REQUEST_TRANSFERS:
        raise PermissionDenied("只有销售人员或销售主管可以申请转让本人名下的客户。")
    with uow:
        return list(
            uow.session.execute(
                select(User.id, User.full_name)
                .where(
                    User.role.in_(roles.CAN_OWN_CUSTOMERS),
                    User.is_active.is_(True),
                    User.id != uow.actor.id,
                )
                .order_by(User.name_pinyin)
            ).tuples()
        )


def can_execute(uow: UnitOfWork) -> bool:
    """Whether the actor is the 市场总监 (the UI shows 执行/驳回 only then)."""
    with uow:
        return uow.actor is not None and is_market_director(uow, uow.actor)
