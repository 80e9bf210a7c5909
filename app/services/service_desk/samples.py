"""寄样申请 (规则 7, 4.4.2): samples and materials go out only through the sales admin.

A rep (or a manager / the sales admin) files a request for a customer the requester sees;
ONLY the sales admin records the dispatch (date, courier, tracking number); the
requester may cancel while it is not yet dispatched.

    待寄出 (requested) → 已寄出 (dispatched) | 已取消 (cancelled)

Who sees what (sample_scope): the sales admin, chairman, admin and clerk all requests;
a manager the team's (customers of the team, requesters in the team); a rep the own
requests and those of customers the rep sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import false, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from app.models import Contact, Customer, Role, SampleRequest, User
from app.models.service_desk import SAMPLE_STATUS
from app.services.access import roles
from app.services.access._internal import acting_customer
from app.services.access.visibility import customer_scope
from app.services.core import clock
from app.services.core._internal import load_row, record_number
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.fields import text
from app.services.core.uow import Actor, UnitOfWork, logged_in
from app.services.customers._internal import refresh_sales_action

DISPATCH_ROLE = Role.SALES_ADMIN
DISPATCH_ONLY_MESSAGE = "只有销售内勤可以登记寄出。"


@dataclass
class SampleForm:
    customer_id: int | None = None
    items: str = ""  # 样品/资料名称
    quantity: str = ""
    recipient: str = ""
    phone: str = ""
    address: str = ""
    needed_by: date | None = None
    reason: str = ""


@dataclass
class DispatchForm:
    dispatched_on: date | None = None  # default: today
    courier: str = ""
    tracking_no: str = ""
    note: str = ""


@dataclass(frozen=True)
class SampleDetail:
    id: int
    customer_id: int
    customer_name: str
    customer_number: str
    requested_by_id: int
    requested_by: str
    requested_at: datetime
    items: str
    quantity: str
    recipient: str
    phone: str
    address: str
    needed_by: date | None
    reason: str
    status: str
    dispatched_on: date | None
    courier: str
    tracking_no: str
    dispatched_by: str
    dispatch_note: str
    version: int
    can_edit: bool = False
    can_dispatch: bool = False
    can_cancel: bool = False
    number: str = ""  # 编号 (numbers.* in 系统设置)

    @property
    def status_label(self) -> str:
        return SAMPLE_STATUS.get(self.status, self.status)


# --- visibility --------------------------------------------------------------------


def sample_scope(actor: Actor | None) -> ColumnElement[bool]:
    """The read filter; the query must join Customer on SampleRequest.customer_id.

    A request is seen through its customer, as the customer is now: the rep who filed it
    stops seeing it when the customer passes to another team (issue 12.1)."""
    if actor is None:
        return false()
    if actor.role in roles.SEES_ALL_CUSTOMERS:
        return true()
    if actor.role in roles.CAN_OWN_CUSTOMERS:
        return customer_scope(actor)
    return false()


def _load(uow: UnitOfWork, request_id: int, expected_version: int | None) -> SampleRequest:
    stmt = (
        select(SampleRequest)
        .join(Customer, Customer.id == SampleRequest.customer_id)
        .where(SampleRequest.id == request_id, sample_scope(uow.actor))
    )
    return load_row(uow, stmt, expected_version, "该寄样申请不存在，或您无权查看。")


def _check(form: SampleForm) -> dict:
    today = clock.now().date()
    items = text(form.items, "items", "样品/资料名称", 1000, required=True)
    quantity = text(form.quantity, "quantity", "数量", 60)
    recipient = text(form.recipient, "recipient", "收件人", 60, required=True)
    phone = text(form.phone, "phone", "收件人电话", 40, required=True)
    if not any(ch.isdigit() for ch in phone):
        raise ValidationError("收件人电话须包含号码。", field="phone")
    address = text(form.address, "address", "收件地址", 300, required=True)
    if form.needed_by is not None and form.needed_by < today:
        raise ValidationError("需寄达日期不能早于今天。", field="needed_by")
    reason = text(form.reason, "reason", "寄样事由", 2000)
    return {
        "items": items,
        "quantity": quantity,
        "recipient": recipient,
        "phone": phone,
        "address": address,
        "needed_by": form.needed_by,
        "reason": reason,
    }


# --- commands ----------------------------------------------------------------------


def defaults_for(uow: UnitOfWork, customer_id: int) -> SampleForm:
    """A new request's recipient, phone and address from the customer's primary contact
    (or the first contact, or the principal) and the customer's address."""
    actor = logged_in(uow)
    with uow:
        c = uow.session.scalar(
            select(Customer).where(Customer.id == customer_id, customer_scope(actor))
        )
        if c is None:
            raise NotFound("客户不存在，或您无权查看该客户。")
        contact = uow.session.scalars(
            select(Contact)
            .where(Contact.customer_id == c.id)
            .order_by(Contact.is_primary.desc(), Contact.id)
            .limit(1)
        ).first()
        if contact is not None:
            recipient, phone = contact.name, contact.mobile or contact.phone
        else:
            recipient, phone = c.principal, c.principal_mobile or c.phone
        return SampleForm(
            customer_id=c.id,
            recipient=recipient or c.person_name,
            phone=phone or c.phone,
            address=c.address or c.location,
        )


def file_request(uow: UnitOfWork, form: SampleForm) -> int:
    """寄样申请. Returns the new id."""
    actor = logged_in(uow)
    if actor.role not in roles.CAN_FILE_SAMPLES:
        raise PermissionDenied("只有销售人员、销售主管或销售内勤可以提交寄样申请。")
    with uow:
        if not form.customer_id:
            raise ValidationError("请选择客户。", field="customer_id")
        customer = acting_customer(uow, form.customer_id, "提交寄样申请")
        r = SampleRequest(
            number=record_number(uow, SampleRequest, "sample", clock.now().date()),
            customer_id=customer.id,
            requested_by_id=actor.id,
            requested_at=clock.now(),
            **_check(form),
        )
        uow.session.add(r)
        refresh_sales_action(uow, customer.id)  # a sample sent keeps the customer (二.3)
        uow.commit()
        return r.id


def _pending(r: SampleRequest) -> None:
    if r.status == "dispatched":
        raise ValidationError("该申请的样品已寄出，不能再修改或取消。")
    if r.status == "cancelled":
        raise ValidationError("该申请已取消。")


def update_request(uow: UnitOfWork, request_id: int, expected_version: int, form: SampleForm):
    """The requester corrects a request not yet dispatched (the customer stays)."""
    logged_in(uow)
    with uow:
        r = _load(uow, request_id, expected_version)
        _pending(r)
        if r.requested_by_id != uow.actor.id:
            raise PermissionDenied("只有申请人可以修改寄样申请。")
        for key, value in _check(form).items():
            setattr(r, key, value)
        uow.commit()


def record_dispatch(uow: UnitOfWork, request_id: int, expected_version: int, form: DispatchForm):
    """登记寄出: ONLY the sales admin (规则 7)."""
    actor = logged_in(uow)
    if actor.role != DISPATCH_ROLE:
        raise PermissionDenied(DISPATCH_ONLY_MESSAGE)
    today = clock.now().date()
    courier = text(form.courier, "courier", "快递公司", 40, required=True)
    tracking = text(form.tracking_no, "tracking_no", "快递单号", 60, required=True)
    if not all(ch.isalnum() or ch in "-_ " for ch in tracking):
        raise ValidationError("快递单号只能包含字母、数字和连字符。", field="tracking_no")
    note = text(form.note, "note", "寄出备注", 200)
    on = form.dispatched_on or today
    if on > today:
        raise ValidationError("寄出日期不能晚于今天。", field="dispatched_on")
    with uow:
        r = _load(uow, request_id, expected_version)
        _pending(r)
        if on < r.requested_at.date():
            raise ValidationError(
                f"寄出日期不能早于申请日期（{r.requested_at:%Y-%m-%d}）。", field="dispatched_on"
            )
        r.status, r.dispatched_on, r.courier, r.tracking_no = "dispatched", on, courier, tracking
        r.dispatched_by_id, r.dispatch_note = actor.id, note
        uow.commit()


def cancel_request(
    uow: UnitOfWork, request_id: int, expected_version: int | None, reason: str = ""
):
    """取消申请: the requester, while not dispatched. The reason is kept as the note."""
    logged_in(uow)
    reason = text(reason, "reason", "取消原因", 200)
    with uow:
        _cancel_in(uow, request_id, expected_version, reason)
        uow.commit()


def _cancel_in(uow: UnitOfWork, request_id: int, expected_version, reason: str) -> None:
    r = _load(uow, request_id, expected_version)
    _pending(r)
    if r.requested_by_id != uow.actor.id:
        raise PermissionDenied("只有申请人可以取消寄样申请。")
    r.status = "cancelled"
    r.dispatch_note = f"取消：{reason}" if reason else "申请人已取消"
    refresh_sales_action(uow, r.customer_id)


# --- reads -------------------------------------------------------------------------

_Requester = aliased(User, name="sample_requester")
_Dispatcher = aliased(User, name="sample_dispatcher")


def sample_detail(uow: UnitOfWork, request_id: int) -> SampleDetail:
    actor = logged_in(uow)
    with uow:
        q = (
            select(SampleRequest, Customer.name, Customer.number, _Requester.full_name,
                   _Dispatcher.full_name)
            .join(Customer, Customer.id == SampleRequest.customer_id)
            .join(_Requester, _Requester.id == SampleRequest.requested_by_id)
            .outerjoin(_Dispatcher, _Dispatcher.id == SampleRequest.dispatched_by_id)
            .where(SampleRequest.id == request_id, sample_scope(actor))
        )  # fmt: skip
        found = uow.session.execute(q).first()
        if found is None:
            raise NotFound("该寄样申请不存在，或您无权查看。")
        r, name, number, requester, dispatcher = found
        pending = r.status == "requested"
        mine = r.requested_by_id == actor.id
        return SampleDetail(
            r.id, r.customer_id, name, number or "", r.requested_by_id, requester or "",
            r.requested_at, r.items, r.quantity, r.recipient, r.phone, r.address, r.needed_by,
            r.reason, r.status, r.dispatched_on, r.courier, r.tracking_no, dispatcher or "",
            r.dispatch_note, r.version,
            can_edit=pending and mine,
            can_dispatch=pending and actor.role == DISPATCH_ROLE,
            can_cancel=pending and mine,
            number=r.number,
        )  # fmt: skip


def may_file(actor: Actor | None) -> bool:
    return actor is not None and actor.role in roles.CAN_FILE_SAMPLES
