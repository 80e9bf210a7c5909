"""转让申请 as a list (shared list component): a rep sees the requests they are party to
(either side), the 市场总监 and SEES_ALL_TRANSFER_REQUESTS every one."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.models import TransferRequest, TransferRequestCustomer
from app.models import User as UserModel
from app.services.access.director import is_market_director
from app.services.core.uow import UnitOfWork, logged_in
from app.services.customers.transfers import STATUS_LABELS, transfer_scope
from app.services.lists.spec import Column, ListSource, text_search

_From = aliased(UserModel, name="transfer_from")
_To = aliased(UserModel, name="transfer_to")
_Decider = aliased(UserModel, name="transfer_decider")


def _customer_count():
    return (
        select(func.count(TransferRequestCustomer.id))
        .where(TransferRequestCustomer.request_id == TransferRequest.id)
        .scalar_subquery()
    )


def transfer_requests_source() -> ListSource:
    def base(uow: UnitOfWork):
        me = logged_in(uow)
        return (
            select(TransferRequest.id)
            .select_from(TransferRequest)
            .join(_From, _From.id == TransferRequest.from_user_id)
            .join(_To, _To.id == TransferRequest.to_user_id)
            .outerjoin(_Decider, _Decider.id == TransferRequest.decided_by_id)
            .where(transfer_scope(me, is_market_director(uow, me)))
        )

    return ListSource(
        key="transfer_requests",
        title="转让申请",
        id_expr=TransferRequest.id,
        base=base,
        columns=[
            Column(
                "created_at", "申请时间", TransferRequest.created_at, kind="datetime", width=130
            ),
            Column(
                "from_user",
                "转出方",
                _From.full_name,
                sort_expr=_From.name_pinyin,
                groupable=True,
                filterable=True,
                width=80,
            ),
            Column(
                "to_user",
                "接收方",
                _To.full_name,
                sort_expr=_To.name_pinyin,
                groupable=True,
                filterable=True,
                width=80,
            ),
            Column("customers", "客户数", _customer_count(), kind="int", width=60, summable=False),
            Column("reason", "转让原因", TransferRequest.reason, width=200),
            Column(
                "status",
                "状态",
                TransferRequest.status,
                labels=STATUS_LABELS,
                groupable=True,
                filterable=True,
                width=110,
            ),
            Column(
                "agreed_at", "接收方同意时间", TransferRequest.agreed_at, kind="datetime", width=130
            ),
            Column("decider", "处理人", _Decider.full_name, width=80),
            Column(
                "decided_at", "处理时间", TransferRequest.decided_at, kind="datetime", width=130
            ),
            Column("note", "处理意见", TransferRequest.note, width=160),
        ],  # fmt: skip
        search=text_search(_From.full_name, _To.full_name, TransferRequest.reason),
        search_hint="转出方、接收方或原因",
        default_sort=[("created_at", True)],
        default_date_key="created_at",
    )
