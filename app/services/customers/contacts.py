"""Contacts (联系人): many per customer, exactly one primary while any exist; and the
通讯录 (address book) over all contacts of customers the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.models import Contact, Customer
from app.services.access._internal import editable_customer, editable_record, visible_customer
from app.services.access.visibility import customer_scope
from app.services.admin import code_tables
from app.services.core import clock
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.customers.card import ContactRow, contact_row
from app.services.customers.forms import ContactForm
from app.services.customers.validation import contact_columns
from app.services.search.pinyin import search_clause


def _editable_customer(uow: UnitOfWork, customer_id: int) -> Customer:
    return editable_customer(uow, customer_id, "您无权修改该客户的联系人。")


def _load(uow: UnitOfWork, contact_id: int, expected_version: int | None) -> Contact:
    return editable_record(uow, Contact, contact_id, expected_version,
                           "联系人不存在或已被删除。", "您无权修改该客户的联系人。")  # fmt: skip


def _others(uow: UnitOfWork, customer_id: int, contact_id: int | None):
    q = select(Contact).where(Contact.customer_id == customer_id)
    if contact_id is not None:
        q = q.where(Contact.id != contact_id)
    return list(uow.session.scalars(q.order_by(Contact.id)))


def _clear_primary(uow: UnitOfWork, customer_id: int, except_id: int | None) -> None:
    for other in _others(uow, customer_id, except_id):
        if other.is_primary:
            other.is_primary = False


def list_contacts(uow: UnitOfWork, customer_id: int) -> list[ContactRow]:
    with uow:
        visible_customer(uow, customer_id)
        rows = list(
            uow.session.scalars(
                select(Contact)
                .where(Contact.customer_id == customer_id)
                .order_by(Contact.is_primary.desc(), Contact.id)
            )
        )
        labels = code_tables.item_labels(uow, [k.position_id for k in rows])
        return [contact_row(k, labels) for k in rows]


def add_contact(uow: UnitOfWork, customer_id: int, form: ContactForm) -> int:
    """The first contact of a customer becomes its primary contact."""
    with uow:
        _editable_customer(uow, customer_id)
        cols = contact_columns(uow, form, None)
        others = _others(uow, customer_id, None)
        if not others:
            cols["is_primary"] = True
        if cols["is_primary"]:
            _clear_primary(uow, customer_id, None)
        k = Contact(customer_id=customer_id, **cols)
        uow.session.add(k)
        uow.commit()
        return k.id


def update_contact(uow: UnitOfWork, contact_id: int, expected_version: int, form: ContactForm):
    with uow:
        k = _load(uow, contact_id, expected_version)
        cols = contact_columns(uow, form, k)
        if not cols["is_primary"] and k.is_primary:
            cols["is_primary"] = True  # move the flag with set_primary, not by unticking
        if cols["is_primary"] and not k.is_primary:
            _clear_primary(uow, k.customer_id, k.id)
        for name, value in cols.items():
            if getattr(k, name) != value:
                setattr(k, name, value)
        uow.commit()


def set_primary(uow: UnitOfWork, contact_id: int) -> None:
    with uow:
        k = _load(uow, contact_id, None)
        if not k.is_primary:
            _clear_primary(uow, k.customer_id, k.id)
            uow.session.flush()
            k.is_primary = True
        uow.commit()


def delete_contact(uow: UnitOfWork, contact_id: int) -> None:
    """Soft delete; if it was the primary contact, the oldest remaining one takes over."""
    with uow:
        k = _load(uow, contact_id, None)
        k.deleted_at = clock.now()
        if k.is_primary:
            k.is_primary = False
            rest = _others(uow, k.customer_id, k.id)
            if rest:
                rest[0].is_primary = True
        uow.commit()


@dataclass(frozen=True)
class AddressBookRow:
    contact_id: int
    name: str
    gender: str
    position: str
    mobile: str
    phone: str
    email: str
    wechat: str
    qq: str
    birthday: date | None
    is_primary: bool
    customer_id: int
    customer_name: str
    customer_number: str


def address_book(
    uow: UnitOfWork, text: str = "", *, limit: int = 500, offset: int = 0
) -> list[AddressBookRow]:
    """通讯录: contacts of the customers the actor may see, by name pinyin order of entry.
    `text` matches contact or customer name (Chinese, pinyin, initials) and phone digits."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        q = (
            select(Contact, Customer.name, Customer.number)
            .join(Customer, Customer.id == Contact.customer_id)
            .where(customer_scope(uow.actor))
        )
        if text and text.strip():
            q = q.where(
                search_clause(
                    text,
                    text_columns=(Contact.name, Customer.name, Contact.email),
                    pinyin_columns=(
                        Contact.name_pinyin,
                        Contact.name_initials,
                        Customer.name_pinyin,
                        Customer.name_initials,
                    ),
                    digit_columns=(Contact.phone_digits,),
                )
            )
        limit, offset = max(0, min(int(limit), 5000)), max(0, int(offset))
        q = q.order_by(Contact.name_pinyin, Contact.id).limit(limit).offset(offset)
        rows = uow.session.execute(q).all()
        labels = code_tables.item_labels(uow, [k.position_id for k, _, _ in rows])
        return [
            AddressBookRow(
                k.id, k.name, k.gender, labels.get(k.position_id, ""), k.mobile, k.phone,
                k.email, k.wechat, k.qq, k.birthday, k.is_primary, k.customer_id, cname, cnum,
            )
            for k, cname, cnum in rows
        ]  # fmt: skip
