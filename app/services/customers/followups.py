"""Follow-ups (跟进记录) and deals (成交记录, the ledger) of a customer.

A follow-up moves the customer's 最近跟进时间, which is what the public-pool sweep
looks at. The first deal inside the development window marks the customer 开发成功
and credits the owner (规则 3). Reads and writes are scoped like every customer read:
a rep sees and writes only the ledger of own customers (4.2.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from app.models import CodeItem, Customer, Deal, FollowUp, User
from app.services.access._internal import editable_customer, editable_record, visible_customer
from app.services.admin import code_tables
from app.services.core import clock
from app.services.core.errors import ConflictError, NotFound, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork
from app.services.customers._internal import (
    ATTRIBUTION_LABELS,
    answer_delivery_tasks,
    attribute_deal,
    refresh_last_follow_up,
    refresh_sales_action,
    schedule_delivery_tasks,
)


@dataclass
class FollowUpForm:
    at: datetime | None = None  # default: now
    method_id: int | None = None  # 跟进方式 code item
    content: str = ""
    next_step: str = ""
    next_date: date | None = None


@dataclass(frozen=True)
class FollowUpRow:
    id: int
    customer_id: int
    at: datetime
    method: str
    content: str
    next_step: str
    next_date: date | None
    by_name: str
    version: int


@dataclass
class DealForm:
    deal_date: date | None = None  # default: today
    product: str = ""
    quantity: str | Decimal | None = None
    amount: str | Decimal | None = None
    delivered: bool = False
    delivered_on: date | None = None
    remarks: str = ""


@dataclass(frozen=True)
class DealRow:
    id: int
    customer_id: int
    deal_date: date
    product: str
    quantity: Decimal | None
    amount: Decimal
    salesperson: str
    delivered: bool
    delivered_on: date | None
    version: int
    attribution: str = ""  # 归销售员 / 归部门
    attribution_reason: str = ""


def _visible_customer(uow: UnitOfWork, customer_id: int) -> Customer:
    return visible_customer(uow, customer_id)


FOLLOW_UP_DENIED = "您只能为自己负责的客户记录跟进和成交。"


def _editable_customer(uow: UnitOfWork, customer_id: int) -> Customer:
    return editable_customer(uow, customer_id, FOLLOW_UP_DENIED)


def _registered_at(c: Customer) -> datetime:
    return datetime.combine(c.registered_on, datetime.min.time())


def _check_follow_up(uow: UnitOfWork, c: Customer, form: FollowUpForm, previous=None) -> dict:
    now = clock.now()
    at = form.at or now
    if at > now + timedelta(minutes=5):
        raise ValidationError("跟进时间不能晚于现在。", field="at")
    first = min(filter(None, [_registered_at(c), c.first_contact_at]))
    if at < first:
        raise ValidationError(
            f"跟进时间不能早于客户的登记/首次接触时间（{first:%Y-%m-%d}）。", field="at"
        )
    content = (form.content or "").strip()
    if not content:
        raise ValidationError("请填写跟进内容。", field="content")
    if len(content) > 4000:
        raise ValidationError("跟进内容不能超过 4000 字。", field="content")
    next_step = (form.next_step or "").strip()
    if len(next_step) > 200:
        raise ValidationError("下一步计划不能超过 200 字。", field="next_step")
    if form.next_date is not None and form.next_date < at.date():
        raise ValidationError("下次跟进日期不能早于本次跟进。", field="next_date")
    method = code_tables.check_item(
        uow,
        "follow_method",
        form.method_id,
        field="method_id",
        label="跟进方式",
        previous_id=previous,
    )
    return {
        "at": at,
        "method_id": method,
        "content": content,
        "next_step": next_step,
        "next_date": form.next_date,
    }


def add_follow_up(uow: UnitOfWork, customer_id: int, form: FollowUpForm) -> int:
    with uow:
        c = _editable_customer(uow, customer_id)
        values = _check_follow_up(uow, c, form)
        f = FollowUp(customer_id=c.id, by_id=uow.actor.id, **values)
        uow.session.add(f)
        uow.flush()
        refresh_last_follow_up(uow, c.id)
        answer_delivery_tasks(uow, c.id, f.at, f.id)
        uow.commit()
        return f.id


def _own_follow_up(uow: UnitOfWork, follow_up_id: int, expected_version: int | None) -> FollowUp:
    return editable_record(uow, FollowUp, follow_up_id, expected_version,
                           "该跟进记录不存在或已被删除。", FOLLOW_UP_DENIED)  # fmt: skip


def update_follow_up(
    uow: UnitOfWork, follow_up_id: int, expected_version: int, form: FollowUpForm
) -> None:
    with uow:
        f = _own_follow_up(uow, follow_up_id, expected_version)
        c = uow.session.get(Customer, f.customer_id)
        for key, value in _check_follow_up(uow, c, form, previous=f.method_id).items():
            setattr(f, key, value)
        uow.flush()
        refresh_last_follow_up(uow, f.customer_id)
        uow.commit()


def delete_follow_up(uow: UnitOfWork, follow_up_id: int, expected_version: int) -> None:
    with uow:
        f = _own_follow_up(uow, follow_up_id, expected_version)
        f.deleted_at = clock.now()
        uow.flush()
        refresh_last_follow_up(uow, f.customer_id)
        uow.commit()


def list_follow_ups(uow: UnitOfWork, customer_id: int) -> list[FollowUpRow]:
    with uow:
        _visible_customer(uow, customer_id)
        q = (
            select(FollowUp, CodeItem.name, User.full_name)
            .outerjoin(CodeItem, FollowUp.method_id == CodeItem.id)
            .join(User, FollowUp.by_id == User.id)
            .where(FollowUp.customer_id == customer_id)
            .order_by(FollowUp.at.desc(), FollowUp.id.desc())
        )
        return [
            FollowUpRow(f.id, f.customer_id, f.at, method or "", f.content, f.next_step,
                        f.next_date, by, f.version)
            for f, method, by in uow.session.execute(q)
        ]  # fmt: skip


# --- deals ----------------------------------------------------------------------------


def _money(text, field: str, label: str, required: bool, digits: int = 12) -> Decimal | None:
    """A non-negative number with at most `digits` digits before the point (the column's
    precision less its scale: amount Numeric(14, 2) → 12, quantity Numeric(14, 3) → 11)."""
    if text in (None, ""):
        if required:
            raise ValidationError(f"请填写{label}。", field=field)
        return None
    try:
        value = Decimal(str(text).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise ValidationError(f"{label}必须是数字。", field=field) from None
    if not value.is_finite():
        raise ValidationError(f"{label}必须是数字。", field=field)
    if value < 0:
        raise ValidationError(f"{label}不能为负数。", field=field)
    if value >= Decimal(10) ** digits:
        raise ValidationError(f"{label}过大（最多 {digits} 位整数），请检查。", field=field)
    return value


def _check_deal(c: Customer, form: DealForm) -> dict:
    today = clock.now().date()
    deal_date = form.deal_date or today
    if deal_date > today:
        raise ValidationError("成交日期不能晚于今天。", field="deal_date")
    if deal_date < c.registered_on:
        raise ValidationError(
            f"成交日期不能早于客户登记日期（{c.registered_on:%Y-%m-%d}）。", field="deal_date"
        )
    product = (form.product or "").strip()
    if not product:
        raise ValidationError("请填写成交产品。", field="product")
    if len(product) > 100:
        raise ValidationError("产品名称不能超过 100 字。", field="product")
    amount = _money(form.amount, "amount", "成交金额", required=True)
    quantity = _money(form.quantity, "quantity", "数量", required=False, digits=11)
    if form.delivered and form.delivered_on and form.delivered_on < deal_date:
        raise ValidationError("交付日期不能早于成交日期。", field="delivered_on")
    delivered_on = (form.delivered_on or today) if form.delivered else None
    return {
        "deal_date": deal_date,
        "product": product,
        "amount": amount,
        "quantity": quantity,
        "delivered": bool(form.delivered),
        "delivered_on": delivered_on,
        "remarks": (form.remarks or "").strip(),
    }


PROSPECT, COOPERATING = "1", "2"  # coop_status codes: 待开发考察, 正常合作


def add_deal(uow: UnitOfWork, customer_id: int, form: DealForm) -> int:
    """Record a deal. The first one within the development window marks 开发成功."""
    with uow:
        c = _editable_customer(uow, customer_id)
        values = _check_deal(c, form)
        d = Deal(customer_id=c.id, salesperson_id=c.owner_id or uow.actor.id, **values)
        uow.session.add(d)
        if c.developed_on is None and (
            c.dev_deadline is None or values["deal_date"] <= c.dev_deadline
        ):
            c.developed_on = values["deal_date"]
        attribute_deal(uow, d, c)  # 业绩归属, once 开发成功 is known
        # A customer that buys is no longer 待开发考察: it is 正常合作 (a stopped or
        # ended cooperation is the office's own decision and stays).
        prospect = code_tables.find_item(uow, "coop_status", PROSPECT)
        if c.coop_status_id is None or c.coop_status_id == prospect:
            c.coop_status_id = code_tables.find_item(uow, "coop_status", COOPERATING)
        if d.delivered:
            schedule_delivery_tasks(uow, d, c)
        refresh_sales_action(uow, c.id)
        uow.commit()
        return d.id


def mark_delivered(uow: UnitOfWork, deal_id: int, expected_version: int, on: date | None = None):
    with uow:
        d = uow.session.get(Deal, deal_id)
        if d is None:
            raise NotFound("该成交记录不存在或已被删除。")
        c = _editable_customer(uow, d.customer_id)
        if d.version != expected_version:
            raise ConflictError(CONFLICT_MESSAGE)
        if d.delivered:
            raise ValidationError("该成交已标记交付。", field="delivered_on")
        on = on or clock.now().date()
        if on < d.deal_date:
            raise ValidationError("交付日期不能早于成交日期。", field="delivered_on")
        d.delivered, d.delivered_on = True, on
        schedule_delivery_tasks(uow, d, c)
        uow.commit()


def list_deals(uow: UnitOfWork, customer_id: int) -> list[DealRow]:
    """The ledger (帐页) of one customer: only for those who may see the customer."""
    with uow:
        _visible_customer(uow, customer_id)
        q = (
            select(Deal, User.full_name)
            .outerjoin(User, Deal.salesperson_id == User.id)
            .where(Deal.customer_id == customer_id)
            .order_by(Deal.deal_date.desc(), Deal.id.desc())
        )
        return [
            DealRow(d.id, d.customer_id, d.deal_date, d.product, d.quantity, d.amount,
                    name or "", d.delivered, d.delivered_on, d.version,
                    ATTRIBUTION_LABELS.get(d.attribution, ""), d.attribution_reason)
            for d, name in uow.session.execute(q)
        ]  # fmt: skip
