"""The address book (通讯录) as a ListSource for the shared list component.

One row per contact, joined to its customer. Every read is scoped with
visibility.customer_scope on the joined customer, so a sales rep's address book,
search, export and print never hold a contact of another rep's customer (unless an
approved 查阅授权 covers that customer). Soft-deleted contacts and customers are
hidden by the session's soft-delete filter.

The row id is the contact id, so open_entity is "contact"; a screen that wants to open
the customer card resolves it with customer_of_contact(), which applies the same scope.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.models import CodeItem, Contact, Customer
from app.services.access.visibility import customer_of_record, customer_scope
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.customers.grants import log_output_of_records
from app.services.customers.list_columns import customer_column
from app.services.lists.spec import Column, ListSource
from app.services.search.pinyin import search_clause

Position = aliased(CodeItem, name="contact_position")


def _base(uow: UnitOfWork):
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    return (
        select(Contact.id)
        .select_from(Contact)
        .join(Customer, Customer.id == Contact.customer_id)
        .outerjoin(Position, Position.id == Contact.position_id)
        .where(customer_scope(uow.actor))
    )


def _search(text: str):
    # Contact name (text, full pinyin, initials) and phone digits first; the customer's
    # name too, because people look a contact up by the company as often as by name.
    return search_clause(
        text,
        text_columns=(Contact.name, Contact.email, Contact.wechat, Contact.qq, Customer.name),
        pinyin_columns=(
            Contact.name_pinyin,
            Contact.name_initials,
            Customer.name_pinyin,
            Customer.name_initials,
        ),
        digit_columns=(Contact.phone_digits,),
    )


def _columns() -> list[Column]:
    return [
        Column("name", "姓名", Contact.name, width=80, sort_expr=Contact.name_pinyin),
        customer_column(220, groupable=True),
        Column("gender", "性别", Contact.gender, width=50, groupable=True, filterable=True,
               visible=False),
        Column("position", "职位", Position.name, width=90, groupable=True, filterable=True,
               sort_expr=Position.sort_order),
        Column("mobile", "手机", Contact.mobile, width=115),
        Column("phone", "电话", Contact.phone, width=120),
        Column("email", "邮箱", Contact.email, width=160),
        Column("wechat", "微信", Contact.wechat, width=100),
        Column("qq", "QQ", Contact.qq, width=90),
        Column("birthday", "生日", Contact.birthday, kind="date", width=95),
        Column("is_primary", "主要联系人", Contact.is_primary, kind="bool", width=80,
               groupable=True, filterable=True),
        Column("customer_number", "客户编号", Customer.number, width=120, visible=False),
        Column("hobbies", "爱好", Contact.hobbies, width=120, visible=False),
        Column("created_at", "录入时间", Contact.created_at, kind="datetime", width=125,
               visible=False),
    ]  # fmt: skip


def contacts_source() -> ListSource:
    return ListSource(
        key="contacts",
        title="通讯录",
        id_expr=Contact.id,
        base=_base,
        columns=_columns(),
        search=_search,
        search_hint="姓名、拼音、首字母、电话或客户名称",
        default_sort=[("name", False)],
        default_date_key="created_at",
        open_entity="contact",
        on_output=partial(log_output_of_records, Contact),
    )


def customer_of_contact(uow: UnitOfWork, contact_id: int) -> int:
    """The customer a contact belongs to, if the actor may see that customer."""
    return customer_of_record(uow, Contact, contact_id, "该联系人不存在，或您无权查看其客户。")
