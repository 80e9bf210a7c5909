"""《客户分类表》 (规则 5) as a ListSource: each customer's current class with its reason.

Scoped by visibility.customer_scope, pool customers left out (they have no owner to
maintain them, and classification.propose skips them too). 近三年成交额 is a correlated
sum of the customer's deals dated in the last three years (the same window as
classification.propose), so the list shows the figure the class was computed from.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, bindparam, func, select
from sqlalchemy.orm import aliased

from app.models import CodeItem, Customer, Deal, User
from app.services.access.visibility import customer_scope
from app.services.core import clock
from app.services.core.uow import UnitOfWork
from app.services.customers.list_columns import customer_base
from app.services.customers.search import CUSTOMER_SEARCH_HINT, customer_search
from app.services.lists.spec import Column, ListSource

Grade = aliased(CodeItem, name="class_grade")
Owner = aliased(User, name="class_owner")


def three_years_ago() -> date:
    return clock.now().date() - timedelta(days=3 * 365)


def total_3y():
    """近三年成交额: evaluated at query time (the window moves with the clock)."""
    since = bindparam("class_since", type_=Date, callable_=three_years_ago)
    return (
        select(func.coalesce(func.sum(Deal.amount), 0))
        .where(Deal.customer_id == Customer.id, Deal.deal_date >= since,
               Deal.deleted_at.is_(None))
        .correlate(Customer)
        .scalar_subquery()
    )  # fmt: skip


def _base(uow: UnitOfWork):
    return customer_base(
        uow,
        [(Grade, Customer.grade_id == Grade.id), (Owner, Customer.owner_id == Owner.id)],
        customer_scope,
        Customer.is_in_pool.is_(False),
    )


def _columns() -> list[Column]:
    return [
        Column("number", "客户编号", Customer.number, width=120),
        Column("name", "客户名称", Customer.name, width=220, sort_expr=Customer.name_pinyin),
        Column("owner", "归属销售", Owner.full_name, groupable=True, filterable=True, width=80),
        Column("grade", "类别", Grade.name, groupable=True, filterable=True, width=50,
               sort_expr=Grade.sort_order),
        Column("total_3y", "近三年成交额(元)", total_3y(), kind="money", width=130),
        Column("financial_status", "财务状况", Customer.financial_status, groupable=True,
               filterable=True, width=80),
        Column("credit_level", "信用等级", Customer.credit_level, groupable=True,
               filterable=True, width=70),
        Column("class_reason", "分类依据", Customer.class_reason, width=300),
        Column("classified_on", "分类日期", Customer.classified_on, kind="date", width=95),
    ]  # fmt: skip


def classification_source() -> ListSource:
    return ListSource(
        key="classification",
        title="客户分类表",
        id_expr=Customer.id,
        base=_base,
        columns=_columns(),
        search=customer_search,
        search_hint=CUSTOMER_SEARCH_HINT,
        default_sort=[("grade", False), ("total_3y", True)],
        default_date_key="classified_on",
        open_entity="customer",
    )
