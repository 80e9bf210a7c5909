"""The customer card (客户档案): a customer's values, labels, contacts and ownership history,
as the actor may see them.

UI entry point: get_customer(uow, customer_id) -> CustomerCard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from app.models import ChangeRequest, Contact, OwnershipChange
from app.models.customer import SALES_ACTIONS
from app.services.access._internal import visible_customer
from app.services.access.visibility import grant_for
from app.services.admin import code_tables, extra_fields
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.customers._internal import can_edit, log_view, user_names
from app.services.customers.forms import CODE_FIELDS, CustomerForm, form_values
from app.services.customers.merging import resolve_merged
from app.services.customers.validation import is_personal


@dataclass(frozen=True)
class ContactRow:
    id: int
    customer_id: int
    name: str
    gender: str
    birthday: date | None
    position_id: int | None
    position: str
    mobile: str
    phone: str
    email: str
    wechat: str
    qq: str
    hobbies: str
    remarks: str
    is_primary: bool
    version: int


def contact_row(c: Contact, labels: dict[int, str]) -> ContactRow:
    return ContactRow(
        c.id, c.customer_id, c.name, c.gender, c.birthday, c.position_id,
        labels.get(c.position_id, ""), c.mobile, c.phone, c.email, c.wechat, c.qq, c.hobbies,
        c.remarks, c.is_primary, c.version,
    )  # fmt: skip


@dataclass(frozen=True)
class OwnershipRow:
    at: datetime
    kind: str
    from_name: str
    to_name: str
    reason: str
    by_name: str


@dataclass(frozen=True)
class CustomerCard:
    id: int
    number: str
    version: int
    form: CustomerForm  # current values, ready for an edit dialog
    labels: dict[str, str]  # code field → entry name ("source_id": "展会"), inactive ones too
    capital_amount: Decimal | None
    capital_unit: str
    owner_id: int | None
    owner_name: str
    owner_since: datetime | None
    registered_by_name: str
    registered_at: datetime
    late_registration: bool
    dev_deadline: date | None
    developed_on: date | None  # 开发成功: the first deal within the window
    last_follow_up_at: datetime | None
    last_sales_action: str  # 最近销售动作: "2026-03-05 成交", or ""
    is_in_pool: bool
    is_deleted: bool
    is_personal: bool
    contacts: list[ContactRow]
    ownership: list[OwnershipRow]
    extra_display: list[tuple[str, str, object]]
    can_edit: bool
    via_grant: bool
    pending_change_requests: int


def get_customer(uow: UnitOfWork, customer_id: int) -> CustomerCard:
    """The customer card (客户档案). Scoped; a view under a 查阅授权 is logged. The id of
    a record merged into another opens the one it was merged into (an old link)."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        c = visible_customer(uow, resolve_merged(uow, customer_id))
        grant_id = grant_for(uow.session, uow.actor, c)
        if grant_id is not None:
            log_view(uow, grant_id, c.id, "view")
        contacts = list(
            uow.session.scalars(
                select(Contact)
                .where(Contact.customer_id == c.id)
                .order_by(Contact.is_primary.desc(), Contact.id)
            )
        )
        history = list(
            uow.session.scalars(
                select(OwnershipChange)
                .where(OwnershipChange.customer_id == c.id)
                .order_by(OwnershipChange.at, OwnershipChange.id)
            )
        )
        code_ids = [getattr(c, f) for f in CODE_FIELDS] + [k.position_id for k in contacts]
        labels_by_id = code_tables.item_labels(uow, code_ids)
        names = user_names(
            uow,
            [c.owner_id, c.registered_by_id]
            + [h.from_user_id for h in history]
            + [h.to_user_id for h in history]
            + [h.by_id for h in history],
        )
        pending = uow.session.scalar(
            select(ChangeRequest.id)
            .where(ChangeRequest.customer_id == c.id, ChangeRequest.status == "pending")
            .with_only_columns(ChangeRequest.id)
            .limit(1)
        )
        values = form_values(c)
        card = CustomerCard(
            id=c.id,
            number=c.number,
            version=c.version,
            form=CustomerForm(**values, owner_id=c.owner_id),
            labels={f: labels_by_id.get(getattr(c, f), "") for f in CODE_FIELDS},
            capital_amount=c.capital_amount,
            capital_unit=c.capital_unit,
            owner_id=c.owner_id,
            owner_name=names.get(c.owner_id, ""),
            owner_since=c.owner_since,
            registered_by_name=names.get(c.registered_by_id, ""),
            registered_at=c.created_at,
            late_registration=c.late_registration,
            dev_deadline=c.dev_deadline,
            developed_on=c.developed_on,
            last_follow_up_at=c.last_follow_up_at,
            last_sales_action=(
                f"{c.last_sales_action_at:%Y-%m-%d} "
                f"{SALES_ACTIONS.get(c.last_sales_action_kind, '')}"
                if c.last_sales_action_at
                else ""
            ),
            is_in_pool=c.is_in_pool,
            is_deleted=c.deleted_at is not None,
            is_personal=is_personal(uow, c.type_id),
            contacts=[contact_row(k, labels_by_id) for k in contacts],
            ownership=[
                OwnershipRow(
                    h.at,
                    h.kind,
                    names.get(h.from_user_id, ""),
                    names.get(h.to_user_id, ""),
                    h.reason,
                    names.get(h.by_id, ""),
                )
                for h in history
            ],  # fmt: skip
            extra_display=extra_fields.display_values(uow, c.extra),
            can_edit=can_edit(uow, c.id),
            via_grant=grant_id is not None,
            pending_change_requests=1 if pending else 0,
        )
        if grant_id is not None:
            uow.commit()
        return card
