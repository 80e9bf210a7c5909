"""跟进记录 and 成交记录 across customers, as ListSources for the shared list component.

One row per follow-up / deal, joined to its customer. Every read is scoped with
visibility.customer_scope on the joined customer, as the address book is: a sales rep
sees the follow-ups and deals of the customers he may see, never another rep's. A
manager reads who followed up whom and how often (group by 跟进人 × 跟进方式), the
chairman the deals of the month, and both print or export them. Soft-deleted rows and
customers are hidden by the session's soft-delete filter.

The rows are follow-ups / deals; a screen opens the customer's card for a row with
customer_of(), which applies the same scope.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import case, select
from sqlalchemy.orm import aliased

from app.models import CodeItem, Customer, Deal, FollowUp, User
from app.services.access.visibility import customer_of_record, customer_scope
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.customers._internal import ATTRIBUTION_LABELS, DEPT
from app.services.customers.grants import log_output_of_records
from app.services.customers.list_columns import customer_column
from app.services.lists.spec import Column, ListSource
from app.services.search.pinyin import search_clause

Method = aliased(CodeItem, name="follow_method")
By = aliased(User, name="follow_by")
Salesperson = aliased(User, name="deal_salesperson")
Owner = aliased(User, name="customer_owner")

# the lists' entity names (open_entity) and their models, for customer_of
_ENTITIES = {"follow_up": FollowUp, "deal": Deal}


def _scoped(uow: UnitOfWork, model):
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    return (
        select(model.id)
        .select_from(model)
        .join(Customer, Customer.id == model.customer_id)
        .outerjoin(Owner, Owner.id == Customer.owner_id)
        .where(customer_scope(uow.actor))
    )


def _customer_columns() -> list[Column]:
    return [
        customer_column(220, groupable=True),
        Column("customer_number", "客户编号", Customer.number, width=120, visible=False),
        Column("owner", "归属销售", Owner.full_name, width=80, groupable=True,
               sort_expr=Owner.name_pinyin),
    ]  # fmt: skip


def _search(*own_text):
    def search(text: str):
        # The customer (name, full pinyin, initials) as people look a record up by the
        # company; the record's own text too.
        return search_clause(
            text,
            text_columns=(Customer.name, Customer.number, *own_text),
            pinyin_columns=(Customer.name_pinyin, Customer.name_initials),
        )

    return search


def follow_ups_source() -> ListSource:
    def base(uow: UnitOfWork):
        return (
            _scoped(uow, FollowUp)
            .outerjoin(Method, Method.id == FollowUp.method_id)
            .join(By, By.id == FollowUp.by_id)
        )

    customer, number, owner = _customer_columns()
    return ListSource(
        key="follow_ups",
        title="跟进记录",
        id_expr=FollowUp.id,
        base=base,
        columns=[
            Column("at", "跟进时间", FollowUp.at, kind="datetime", width=125),
            customer,
            Column(
                "method",
                "跟进方式",
                Method.name,
                width=70,
                groupable=True,
                filterable=True,
                sort_expr=Method.sort_order,
            ),
            Column("content", "跟进内容", FollowUp.content, width=300, sortable=False),
            Column("next_step", "下一步", FollowUp.next_step, width=160),
            Column("next_date", "下次跟进", FollowUp.next_date, kind="date", width=95),
            Column(
                "by",
                "跟进人",
                By.full_name,
                width=80,
                groupable=True,
                filterable=True,
                sort_expr=By.name_pinyin,
            ),
            owner,
            number,
            Column(
                "created_at",
                "录入时间",
                FollowUp.created_at,
                kind="datetime",
                width=125,
                visible=False,
            ),
        ],  # fmt: skip
        search=_search(FollowUp.content, FollowUp.next_step),
        search_hint="客户名称、拼音、首字母、客户编号或跟进内容",
        default_sort=[("at", True)],
        default_date_key="at",
        open_entity="follow_up",
        on_output=partial(log_output_of_records, FollowUp),
    )


def credited_to():
    """业绩计入: the salesperson for 归销售员, 部门 for 归部门 (4.4.3, 二.2, 二.4)."""
    return case((Deal.attribution == DEPT, "部门"), else_=Salesperson.full_name)


def deals_source() -> ListSource:
    def base(uow: UnitOfWork):
        return _scoped(uow, Deal).outerjoin(Salesperson, Salesperson.id == Deal.salesperson_id)

    customer, number, owner = _customer_columns()
    return ListSource(
        key="deals",
        title="成交记录",
        id_expr=Deal.id,
        base=base,
        columns=[
            Column("deal_date", "成交日期", Deal.deal_date, kind="date", width=95),
            customer,
            Column("product", "产品", Deal.product, width=160, groupable=True),
            Column("quantity", "数量", Deal.quantity, kind="number", width=80),
            Column("amount", "金额（元）", Deal.amount, kind="money", width=110),
            # Not a group: a sum by salesperson would credit them the department's
            # deals; 业绩计入 is the figure per rep (归部门 deals under 部门).
            Column(
                "salesperson",
                "销售员",
                Salesperson.full_name,
                width=80,
                filterable=True,
                sort_expr=Salesperson.name_pinyin,
            ),
            Column(
                "credited", "业绩计入", credited_to(), width=80, groupable=True, filterable=True
            ),
            Column(
                "attribution",
                "业绩归属",
                Deal.attribution,
                labels=ATTRIBUTION_LABELS,
                width=70,
                groupable=True,
                filterable=True,
            ),
            Column(
                "attribution_reason", "归属原因", Deal.attribution_reason, width=200, groupable=True
            ),
            Column(
                "delivered",
                "已交付",
                Deal.delivered,
                kind="bool",
                width=60,
                groupable=True,
                filterable=True,
            ),
            Column("delivered_on", "交付日期", Deal.delivered_on, kind="date", width=95),
            owner,
            number,
            Column("remarks", "备注", Deal.remarks, width=160, sortable=False, visible=False),
        ],  # fmt: skip
        search=_search(Deal.product, Deal.remarks),
        search_hint="客户名称、拼音、首字母、客户编号或产品",
        default_sort=[("deal_date", True)],
        default_date_key="deal_date",
        open_entity="deal",
        on_output=partial(log_output_of_records, Deal),
    )


def customer_of(uow: UnitOfWork, entity: str, record_id: int) -> int:
    """The customer a follow-up or deal belongs to, if the actor may see that customer."""
    return customer_of_record(
        uow, _ENTITIES[entity], record_id, "该记录不存在，或您无权查看其客户。"
    )
