"""客户服务 lists for the shared ListView: complaints/feedback and sample requests, plus the
customer chooser of their dialogs.

Scopes are exactly complaints.complaint_scope and samples.sample_scope; every change goes
through app.services.service_desk.complaints / app.services.service_desk.samples (which check roles and states);
the batch 指派处理人 calls complaints per row and reports what it skipped and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, Date, and_, bindparam, case, select
from sqlalchemy.orm import aliased

from app.models import CodeItem, Complaint, Customer, SampleRequest, User
from app.models.service_desk import COMPLAINT_KIND, COMPLAINT_STATUS, SAMPLE_STATUS, SEVERITY
from app.services.access import roles
from app.services.access.visibility import customer_scope
from app.services.core import clock
from app.services.core.errors import PermissionDenied, ServiceError
from app.services.core.uow import Actor, UnitOfWork, logged_in
from app.services.customers.list_columns import customer_column
from app.services.customers.search import customer_search
from app.services.lists.spec import BatchAction, BatchResult, Column, ListSource, text_search
from app.services.search.pinyin import PinyinKeys, matches
from app.services.service_desk import complaints, samples

_Receiver = aliased(User, name="sd_receiver")
_Handler = aliased(User, name="sd_handler")
_Owner = aliased(User, name="sd_owner")
_Category = aliased(CodeItem, name="sd_category")
_Requester = aliased(User, name="sd_requester")
_Dispatcher = aliased(User, name="sd_dispatcher")


def _today():
    # Bound when the query runs, not when the list is built (lists stay open for hours).
    return bindparam(None, callable_=lambda: clock.now().date(), type_=Date(), unique=True)


def overdue_expr():
    """True for an open complaint whose 处理期限 has passed (SQL, per query)."""
    return case(
        (
            and_(
                Complaint.status.in_(complaints.OPEN_STATUSES),
                Complaint.due_date.is_not(None),
                Complaint.due_date < _today(),
            ),
            True,
        ),
        else_=False,
    ).cast(Boolean)


# --- complaints ------------------------------------------------------------------------


def _complaints_base(uow: UnitOfWork):
    actor = logged_in(uow)
    return (
        select(Complaint.id)
        .select_from(Complaint)
        .join(Customer, Customer.id == Complaint.customer_id)
        .outerjoin(_Owner, _Owner.id == Customer.owner_id)
        .outerjoin(_Receiver, _Receiver.id == Complaint.received_by_id)
        .outerjoin(_Handler, _Handler.id == Complaint.handler_id)
        .outerjoin(_Category, _Category.id == Complaint.category_id)
        .where(complaints.complaint_scope(actor))
    )


def _complaint_columns() -> list[Column]:
    return [
        Column("number", "编号", Complaint.number, width=125),
        customer_column(200),
        Column("kind", "类型", Complaint.kind, labels=COMPLAINT_KIND, groupable=True,
               filterable=True, width=50),
        Column("channel", "渠道", Complaint.channel, groupable=True, filterable=True, width=70),
        Column("received_at", "受理时间", Complaint.received_at, kind="datetime", width=125),
        Column("contact_name", "反映人", Complaint.contact_name, width=70, visible=False),
        Column("words", "客户原话", Complaint.customer_words, width=220),
        Column("category", "投诉类别", _Category.name, groupable=True, filterable=True,
               width=80, sort_expr=_Category.sort_order),
        Column("severity", "严重程度", Complaint.severity, labels=SEVERITY, groupable=True,
               filterable=True, width=70),
        Column("handler", "处理人", _Handler.full_name, groupable=True, filterable=True,
               width=70),
        Column("due_date", "处理期限", Complaint.due_date, kind="date", width=95),
        Column("status", "状态", Complaint.status, labels=COMPLAINT_STATUS, groupable=True,
               filterable=True, width=70),
        Column("overdue", "超期", overdue_expr(), kind="bool", groupable=True,
               filterable=True, width=50),
        Column("resolution", "处理结果", Complaint.resolution, width=200),
        Column("owner", "归属销售", _Owner.full_name, groupable=True, filterable=True,
               width=70, visible=False),
        Column("receiver", "受理人", _Receiver.full_name, groupable=True, width=70,
               visible=False),
        Column("resolved_at", "解决时间", Complaint.resolved_at, kind="datetime", width=125,
               visible=False),
        Column("confirmation", "客户确认", Complaint.customer_confirmation, width=160,
               visible=False),
        Column("closed_at", "关闭时间", Complaint.closed_at, kind="datetime", width=125,
               visible=False),
    ]  # fmt: skip


def _handler_param(uow: UnitOfWork):
    return complaints.handler_choices(uow)


def _batch_assign(uow: UnitOfWork, ids, handler: int, **_params) -> BatchResult:
    """批量指派处理人: each complaint checked by complaints (role, team, status)."""
    actor = logged_in(uow)
    if actor.role not in roles.CAN_ASSIGN_COMPLAINTS:
        raise PermissionDenied("只有销售主管、销售内勤或系统管理员可以指派处理人。")
    done, skipped = 0, []
    with uow:
        complaints._check_handler(uow, handler)  # a wrong handler stops the whole batch
        for cid in ids:
            try:
                with uow.session.begin_nested():
                    complaints._assign_in(uow, cid, None, handler)
                done += 1
            except ServiceError as err:
                skipped.append((cid, err.message))
        uow.commit()
    return BatchResult(done, skipped)


def complaints_source(actor: Actor | None = None) -> ListSource:
    """客户投诉/反馈. The page starts without filters; 超期 and 状态 filter from the menu."""
    batch = []
    if actor is None or actor.role in roles.CAN_ASSIGN_COMPLAINTS:
        batch.append(
            BatchAction("assign", "指派处理人", _batch_assign,
                        param=("handler", "处理人：", _handler_param))
        )  # fmt: skip
    return ListSource(
        key="complaints",
        title="客户投诉/反馈",
        id_expr=Complaint.id,
        base=_complaints_base,
        columns=_complaint_columns(),
        search=text_search(
            Customer.name,
            Complaint.customer_words,
            Complaint.contact_name,
            _Handler.full_name,
            Complaint.resolution,
            Complaint.number,
        ),  # fmt: skip
        search_hint="客户名称、客户原话、反映人、处理人或处理结果",
        default_sort=[("received_at", True)],
        default_date_key="received_at",
        open_entity="complaint",
        batch_actions=batch,
    )


# --- sample requests -----------------------------------------------------------------


def _samples_base(uow: UnitOfWork):
    actor = logged_in(uow)
    return (
        select(SampleRequest.id)
        .select_from(SampleRequest)
        .join(Customer, Customer.id == SampleRequest.customer_id)
        .join(_Requester, _Requester.id == SampleRequest.requested_by_id)
        .outerjoin(_Dispatcher, _Dispatcher.id == SampleRequest.dispatched_by_id)
        .where(samples.sample_scope(actor))
    )


def _sample_columns() -> list[Column]:
    return [
        Column("number", "编号", SampleRequest.number, width=125),
        customer_column(200),
        Column("requester", "申请人", _Requester.full_name, groupable=True, filterable=True,
               width=70),
        Column("requested_at", "申请时间", SampleRequest.requested_at, kind="datetime",
               width=125),
        Column("items", "样品/资料", SampleRequest.items, width=180),
        Column("quantity", "数量", SampleRequest.quantity, width=60),
        Column("recipient", "收件人", SampleRequest.recipient, width=70),
        Column("phone", "收件电话", SampleRequest.phone, width=110, visible=False),
        Column("address", "收件地址", SampleRequest.address, width=200, visible=False),
        Column("needed_by", "需寄达", SampleRequest.needed_by, kind="date", width=95),
        Column("status", "状态", SampleRequest.status, labels=SAMPLE_STATUS, groupable=True,
               filterable=True, width=60),
        Column("dispatched_on", "寄出日期", SampleRequest.dispatched_on, kind="date", width=95),
        Column("courier", "快递公司", SampleRequest.courier, groupable=True, filterable=True,
               width=80),
        Column("tracking_no", "快递单号", SampleRequest.tracking_no, width=130),
        Column("dispatcher", "寄出人", _Dispatcher.full_name, width=70, visible=False),
        Column("reason", "事由", SampleRequest.reason, width=160, visible=False),
    ]  # fmt: skip


def _batch_cancel(uow: UnitOfWork, ids, **_params) -> BatchResult:
    """批量取消 the actor's own pending requests; others are skipped with the reason."""
    logged_in(uow)
    done, skipped = 0, []
    with uow:
        for rid in ids:
            try:
                with uow.session.begin_nested():
                    samples._cancel_in(uow, rid, None, "")
                done += 1
            except ServiceError as err:
                skipped.append((rid, err.message))
        uow.commit()
    return BatchResult(done, skipped)


def samples_source(actor: Actor | None = None) -> ListSource:
    batch = []
    if actor is None or samples.may_file(actor):
        batch.append(BatchAction("cancel", "取消申请", _batch_cancel, destructive=True))
    return ListSource(
        key="sample_requests",
        title="寄样申请",
        id_expr=SampleRequest.id,
        base=_samples_base,
        columns=_sample_columns(),
        search=text_search(
            Customer.name,
            SampleRequest.items,
            SampleRequest.recipient,
            SampleRequest.tracking_no,
            _Requester.full_name,
            SampleRequest.number,
        ),  # fmt: skip
        search_hint="客户名称、样品、收件人、快递单号或申请人",
        default_sort=[("requested_at", True)],
        default_date_key="requested_at",
        open_entity="sample_request",
        batch_actions=batch,
    )


# --- the customer chooser --------------------------------------------------------------


@dataclass(frozen=True)
class CustomerChoice:
    id: int
    label: str  # 名称（编号）
    keys: PinyinKeys

    def matches(self, text: str) -> bool:
        """Type-ahead: name, number, full pinyin or initials."""
        return matches(text, self.label, self.keys)


CHOICE_LIMIT = 500


def customer_choices(
    uow: UnitOfWork, text: str = "", limit: int = CHOICE_LIMIT, include_id: int | None = None
) -> list[CustomerChoice]:
    """Customers the actor sees, for a drop-down: the most recently followed first; with
    text, those matching it (name, pinyin, initials, phone, contact). `include_id` is
    always in the list when visible (the record's current customer)."""
    actor = logged_in(uow)
    with uow:
        base = select(
            Customer.id, Customer.name, Customer.number, Customer.name_pinyin,
            Customer.name_initials,
        ).where(customer_scope(actor))  # fmt: skip
        q = base
        if text and text.strip():
            q = q.where(customer_search(text.strip()))
        q = q.order_by(Customer.last_follow_up_at.desc().nulls_last(), Customer.id.desc()).limit(
            max(1, min(int(limit), 5000))
        )
        rows = list(uow.session.execute(q))
        if include_id and include_id not in {r[0] for r in rows}:
            current = base.where(Customer.id == include_id)
            rows += list(uow.session.execute(current))
    return [
        CustomerChoice(cid, f"{name}（{number}）" if number else name, PinyinKeys(py, ini))
        for cid, name, number, py, ini in rows
    ]
