"""客户反馈/投诉: received (channel, time, the customer's own words), assigned to a handler,
handled (notes, resolution), and closed with the customer's confirmation.

    已受理 (received) → 处理中 (handling, a handler is assigned) → 已解决 (resolved)
    → 已关闭 (closed, customer_confirmation recorded); 重新打开 goes back to 处理中.

Who may do what:
  register      anyone who sees the customer (customer_scope), except the chairman
  assign        MANAGER (handlers of the own team, complaints the manager sees),
                SALES_ADMIN, ADMIN
  notes/resolve the handler
  close         the handler, the handler's team manager, SALES_ADMIN
  reopen        SALES_ADMIN, MANAGER (of a complaint the manager sees), with a reason
  edit          the receiver, the handler, or whoever may assign — never once closed
Who sees what (complaint_scope): a rep the complaints of visible customers and those
assigned to him; a manager the team's (customers of the team, handlers in the team);
SALES_ADMIN, CHAIRMAN, ADMIN and CLERK all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import false, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from app.models import CodeItem, Complaint, Customer, Role, User
from app.models.service_desk import COMPLAINT_KIND, COMPLAINT_STATUS, SEVERITY
from app.services.access import roles
from app.services.access._internal import acting_customer
from app.services.access.visibility import customer_scope
from app.services.admin import code_tables
from app.services.core import clock, settings
from app.services.core._internal import load_row, record_number
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.fields import text
from app.services.core.uow import Actor, UnitOfWork, logged_in
from app.services.customers._internal import refresh_sales_action

OPEN_STATUSES = ("received", "handling")  # still to be handled: count toward deadlines
DUE_SETTING = {s: f"complaints.due_days_{s}" for s in SEVERITY}
MAX_TEXT = 4000


@dataclass
class ComplaintForm:
    customer_id: int | None = None
    kind: str = "complaint"  # COMPLAINT_KIND
    channel_id: int | None = None  # 反馈渠道 code item; its name is stored
    received_at: datetime | None = None  # default: now
    contact_name: str = ""
    customer_words: str = ""  # 客户原话
    category_id: int | None = None  # 投诉类别
    severity: str = "normal"
    due_date: date | None = None  # default: received + days for the severity
    handler_id: int | None = None  # optional; only for those who may assign


@dataclass(frozen=True)
class ComplaintDetail:
    id: int
    customer_id: int
    customer_name: str
    customer_number: str
    owner_name: str
    kind: str
    channel: str
    received_at: datetime
    received_by: str
    received_by_id: int | None
    contact_name: str
    customer_words: str
    category_id: int | None
    category: str
    severity: str
    handler_id: int | None
    handler_name: str
    due_date: date | None
    status: str
    handling_notes: str
    resolution: str
    resolved_at: datetime | None
    customer_confirmation: str
    closed_at: datetime | None
    closed_by: str
    version: int
    # what the reading actor may do now (the service checks again on every call)
    can_edit: bool = False
    can_assign: bool = False
    can_note: bool = False
    can_resolve: bool = False
    can_close: bool = False
    can_reopen: bool = False
    number: str = ""  # 编号 (numbers.* in 系统设置)

    @property
    def kind_label(self) -> str:
        return COMPLAINT_KIND.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return COMPLAINT_STATUS.get(self.status, self.status)

    @property
    def severity_label(self) -> str:
        return SEVERITY.get(self.severity, self.severity)

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in OPEN_STATUSES
            and self.due_date is not None
            and self.due_date < clock.now().date()
        )


# --- visibility --------------------------------------------------------------------


def _team(actor: Actor):
    return select(User.id).where(User.team_id == actor.team_id).scalar_subquery()


def complaint_scope(actor: Actor | None) -> ColumnElement[bool]:
    """The read filter; the query must join Customer on Complaint.customer_id."""
    if actor is None:
        return false()
    if actor.role in roles.SEES_ALL_CUSTOMERS:
        return true()
    mine = Complaint.handler_id == actor.id
    if actor.role == Role.MANAGER and actor.team_id is not None:
        return or_(customer_scope(actor), mine, Complaint.handler_id.in_(_team(actor)))
    if actor.role in roles.CAN_OWN_CUSTOMERS:
        return or_(customer_scope(actor), mine)
    return false()


def _load(uow: UnitOfWork, complaint_id: int, expected_version: int | None) -> Complaint:
    stmt = (
        select(Complaint)
        .join(Customer, Customer.id == Complaint.customer_id)
        .where(Complaint.id == complaint_id, complaint_scope(uow.actor))
    )
    return load_row(uow, stmt, expected_version, "该投诉/反馈不存在，或您无权查看。")


def _not_closed(c: Complaint) -> None:
    if c.status == "closed":
        raise ValidationError("该投诉已关闭，不能再修改。如需继续处理，请先重新打开。")


def _handler_team(uow: UnitOfWork, c: Complaint) -> int | None:
    if c.handler_id is None:
        return None
    return uow.session.scalar(select(User.team_id).where(User.id == c.handler_id))


# --- permission predicates (inside a unit of work) ----------------------------------


def _may_assign(uow: UnitOfWork, c: Complaint) -> bool:
    return uow.actor.role in roles.CAN_ASSIGN_COMPLAINTS and c.status in OPEN_STATUSES


def _may_edit(uow: UnitOfWork, c: Complaint) -> bool:
    a = uow.actor
    return c.status != "closed" and (
        a.role in roles.CAN_ASSIGN_COMPLAINTS or a.id in (c.received_by_id, c.handler_id)
    )


def _may_close(uow: UnitOfWork, c: Complaint) -> bool:
    a = uow.actor
    if c.status != "resolved":
        return False
    if a.id == c.handler_id or a.role == Role.SALES_ADMIN:
        return True
    return a.role == Role.MANAGER and a.team_id is not None and _handler_team(uow, c) == a.team_id


def _may_reopen(uow: UnitOfWork, c: Complaint) -> bool:
    return uow.actor.role in roles.CAN_REOPEN_COMPLAINTS and c.status in ("resolved", "closed")


# --- input checks ------------------------------------------------------------------


def default_due_date(uow: UnitOfWork, severity: str, received: date) -> date:
    """Inside a unit of work: the 处理期限 a severity gives (settings complaints.due_days_*)."""
    return received + timedelta(
        days=settings.get(uow, DUE_SETTING.get(severity, DUE_SETTING["normal"]))
    )


def _channel_name(uow: UnitOfWork, channel_id, previous: str = "") -> str:
    if channel_id in (None, "", 0):
        raise ValidationError("请选择反馈渠道。", field="channel_id")
    previous_id = code_tables.resolve(uow, "feedback_channel", previous) if previous else None
    item_id = code_tables.check_item(
        uow, "feedback_channel", channel_id, field="channel_id", label="反馈渠道",
        previous_id=previous_id,
    )  # fmt: skip
    return uow.session.get(CodeItem, item_id).name


def _check(uow: UnitOfWork, form: ComplaintForm, previous: Complaint | None) -> dict:
    now = clock.now()
    if form.kind not in COMPLAINT_KIND:
        raise ValidationError("请选择类型：投诉或反馈。", field="kind")
    channel = _channel_name(uow, form.channel_id, previous.channel if previous else "")
    received_at = form.received_at or (previous.received_at if previous else now)
    if received_at > now + timedelta(minutes=5):
        raise ValidationError("受理时间不能晚于现在。", field="received_at")
    if received_at < now - timedelta(days=366):
        raise ValidationError("受理时间不能早于一年前，请检查。", field="received_at")
    words = text(form.customer_words, "customer_words", "客户原话", MAX_TEXT, required=True)
    contact = text(form.contact_name, "contact_name", "反映人", 60)
    category = code_tables.check_item(
        uow, "complaint_type", form.category_id, field="category_id", label="投诉类别",
        previous_id=previous.category_id if previous else None,
    )  # fmt: skip
    if form.kind == "complaint" and category is None:
        raise ValidationError("请选择投诉类别。", field="category_id")
    if form.severity not in SEVERITY:
        raise ValidationError("请选择严重程度：一般、较重或严重。", field="severity")
    due = form.due_date or default_due_date(uow, form.severity, received_at.date())
    if due < received_at.date():
        raise ValidationError("处理期限不能早于受理日期。", field="due_date")
    return {
        "kind": form.kind,
        "channel": channel,
        "received_at": received_at,
        "contact_name": contact,
        "customer_words": words,
        "category_id": category,
        "severity": form.severity,
        "due_date": due,
    }


def _check_handler(uow: UnitOfWork, handler_id) -> User:
    """The acting user may make `handler_id` the handler (roles and team)."""
    actor = uow.actor
    if actor.role not in roles.CAN_ASSIGN_COMPLAINTS:
        raise PermissionDenied("只有销售主管、销售内勤或系统管理员可以指派处理人。")
    try:
        user = uow.session.get(User, int(handler_id)) if handler_id else None
    except (TypeError, ValueError):
        user = None
    if user is None or not user.is_active or user.role not in roles.CAN_HANDLE_COMPLAINTS:
        raise ValidationError("请选择一位在职的处理人。", field="handler_id")
    if actor.role == Role.MANAGER and (actor.team_id is None or user.team_id != actor.team_id):
        raise PermissionDenied("销售主管只能指派本团队的人员处理。")
    return user


# --- commands ----------------------------------------------------------------------


def register_complaint(uow: UnitOfWork, form: ComplaintForm) -> int:
    """登记投诉/反馈. Returns the new id."""
    actor = logged_in(uow)
    if actor.role == Role.CHAIRMAN:
        raise PermissionDenied("董事长不登记投诉/反馈，请交销售内勤登记。")
    with uow:
        if not form.customer_id:
            raise ValidationError("请选择客户。", field="customer_id")
        customer = acting_customer(uow, form.customer_id, "登记投诉/反馈")
        values = _check(uow, form, None)
        handler = _check_handler(uow, form.handler_id) if form.handler_id else None
        number = record_number(uow, Complaint, "complaint", clock.now().date())
        c = Complaint(customer_id=customer.id, received_by_id=actor.id, number=number, **values)
        if handler is not None:
            c.handler_id, c.status = handler.id, "handling"
        uow.session.add(c)
        uow.flush()
        uow.commit()
        return c.id


def update_complaint(
    uow: UnitOfWork, complaint_id: int, expected_version: int, form: ComplaintForm
) -> None:
    """Correct what was registered (the customer stays). Not once closed."""
    logged_in(uow)
    with uow:
        c = _load(uow, complaint_id, expected_version)
        _not_closed(c)
        if not _may_edit(uow, c):
            raise PermissionDenied("只有受理人、处理人、销售主管或销售内勤可以修改该投诉。")
        for key, value in _check(uow, form, c).items():
            setattr(c, key, value)
        uow.commit()


def assign_handler(
    uow: UnitOfWork,
    complaint_id: int,
    expected_version: int | None,
    handler_id: int,
    due_date: date | None = None,
) -> None:
    """指派/改派处理人 (已受理 → 处理中). expected_version None: the batch form."""
    logged_in(uow)
    with uow:
        _assign_in(uow, complaint_id, expected_version, handler_id, due_date)
        uow.commit()


def _assign_in(uow, complaint_id, expected_version, handler_id, due_date=None) -> None:
    c = _load(uow, complaint_id, expected_version)
    _not_closed(c)
    user = _check_handler(uow, handler_id)
    if c.status == "resolved":
        raise ValidationError("该投诉已解决，不能再指派处理人。")
    if c.handler_id == user.id:
        raise ValidationError(f"该投诉的处理人已是{user.full_name}。", field="handler_id")
    if due_date is not None:
        if due_date < c.received_at.date():
            raise ValidationError("处理期限不能早于受理日期。", field="due_date")
        c.due_date = due_date
    previous = uow.session.get(User, c.handler_id) if c.handler_id else None
    if previous is not None:
        _append_note(uow, c, f"处理人由{previous.full_name}改为{user.full_name}")
    c.handler_id, c.status = user.id, "handling"


def _append_note(uow: UnitOfWork, c: Complaint, note: str) -> None:
    stamp = f"【{clock.now():%Y-%m-%d %H:%M} {uow.actor.full_name}】"
    line = f"{stamp}{note}"
    c.handling_notes = f"{c.handling_notes}\n{line}" if c.handling_notes else line


def _handler_only(uow: UnitOfWork, c: Complaint, what: str) -> None:
    if c.handler_id != uow.actor.id:
        raise PermissionDenied(f"只有该投诉的处理人可以{what}。")


def add_note(uow: UnitOfWork, complaint_id: int, expected_version: int, note: str) -> None:
    """处理记录: the handler appends a dated line."""
    logged_in(uow)
    note = text(note, "note", "处理记录", 2000, required=True)
    with uow:
        c = _load(uow, complaint_id, expected_version)
        _not_closed(c)
        _handler_only(uow, c, "填写处理记录")
        if len(c.handling_notes) + len(note) > 20000:
            raise ValidationError("处理记录已过长，请精简后再写。", field="note")
        _append_note(uow, c, note)
        uow.commit()


def resolve(uow: UnitOfWork, complaint_id: int, expected_version: int, resolution: str) -> None:
    """处理结果 (处理中 → 已解决)."""
    logged_in(uow)
    resolution = text(resolution, "resolution", "处理结果", MAX_TEXT, required=True)
    with uow:
        c = _load(uow, complaint_id, expected_version)
        _not_closed(c)
        _handler_only(uow, c, "填写处理结果")
        if c.status != "handling":
            raise ValidationError("只有处理中的投诉可以登记处理结果。")
        c.resolution, c.resolved_at, c.status = resolution, clock.now(), "resolved"
        refresh_sales_action(uow, c.customer_id)  # a complaint handled keeps the customer
        uow.commit()


def close(uow: UnitOfWork, complaint_id: int, expected_version: int, confirmation: str) -> None:
    """客户确认并关闭 (已解决 → 已关闭)."""
    logged_in(uow)
    confirmation = text(confirmation, "confirmation", "客户确认意见", MAX_TEXT, required=True)
    with uow:
        c = _load(uow, complaint_id, expected_version)
        _not_closed(c)
        if c.status != "resolved":
            raise ValidationError("投诉须先登记处理结果（已解决），才能由客户确认关闭。")
        if not _may_close(uow, c):
            raise PermissionDenied("只有处理人、处理人的主管或销售内勤可以关闭投诉。")
        c.customer_confirmation, c.status = confirmation, "closed"
        c.closed_at, c.closed_by_id = clock.now(), uow.actor.id
        uow.commit()


def reopen(uow: UnitOfWork, complaint_id: int, expected_version: int, reason: str) -> None:
    """重新打开 (已解决/已关闭 → 处理中), with a reason; the old result goes to the notes."""
    actor = logged_in(uow)
    if actor.role not in roles.CAN_REOPEN_COMPLAINTS:
        raise PermissionDenied("只有销售内勤或销售主管可以重新打开投诉。")
    reason = text(reason, "reason", "重新打开的原因", 1000, required=True)
    with uow:
        c = _load(uow, complaint_id, expected_version)
        if c.status not in ("resolved", "closed"):
            raise ValidationError("只有已解决或已关闭的投诉可以重新打开。")
        note = f"重新打开：{reason}（原处理结果：{c.resolution}"
        if c.customer_confirmation:
            note += f"；原客户确认：{c.customer_confirmation}"
        _append_note(uow, c, note + "）")
        c.status, c.resolution, c.resolved_at = "handling", "", None
        refresh_sales_action(uow, c.customer_id)
        c.customer_confirmation, c.closed_at, c.closed_by_id = "", None, None
        today = clock.now().date()
        if c.due_date is None or c.due_date < today:
            c.due_date = default_due_date(uow, c.severity, today)
        uow.commit()


# --- reads -------------------------------------------------------------------------

_Receiver = aliased(User, name="complaint_receiver")
_Handler = aliased(User, name="complaint_handler")
_Closer = aliased(User, name="complaint_closer")
_Owner = aliased(User, name="complaint_owner")


def complaint_detail(uow: UnitOfWork, complaint_id: int) -> ComplaintDetail:
    """One complaint the actor may see, with what the actor may do with it now."""
    logged_in(uow)
    with uow:
        q = (
            select(Complaint, Customer.name, Customer.number, _Owner.full_name,
                   _Receiver.full_name, _Handler.full_name, _Closer.full_name, CodeItem.name)
            .join(Customer, Customer.id == Complaint.customer_id)
            .outerjoin(_Owner, _Owner.id == Customer.owner_id)
            .outerjoin(_Receiver, _Receiver.id == Complaint.received_by_id)
            .outerjoin(_Handler, _Handler.id == Complaint.handler_id)
            .outerjoin(_Closer, _Closer.id == Complaint.closed_by_id)
            .outerjoin(CodeItem, CodeItem.id == Complaint.category_id)
            .where(Complaint.id == complaint_id, complaint_scope(uow.actor))
        )  # fmt: skip
        found = uow.session.execute(q).first()
        if found is None:
            raise NotFound("该投诉/反馈不存在，或您无权查看。")
        c, name, number, owner, receiver, handler, closer, category = found
        open_ = c.status != "closed"
        return ComplaintDetail(
            c.id, c.customer_id, name, number or "", owner or "", c.kind, c.channel,
            c.received_at, receiver or "", c.received_by_id, c.contact_name, c.customer_words,
            c.category_id, category or "", c.severity, c.handler_id, handler or "", c.due_date,
            c.status, c.handling_notes, c.resolution, c.resolved_at, c.customer_confirmation,
            c.closed_at, closer or "", c.version,
            can_edit=_may_edit(uow, c),
            can_assign=_may_assign(uow, c),
            can_note=open_ and c.handler_id == uow.actor.id,
            can_resolve=c.status == "handling" and c.handler_id == uow.actor.id,
            can_close=_may_close(uow, c),
            can_reopen=_may_reopen(uow, c),
            number=c.number,
        )  # fmt: skip


def may_register(actor: Actor | None) -> bool:
    return actor is not None and actor.role != Role.CHAIRMAN


def handler_choices(uow: UnitOfWork) -> list[tuple[int, str]]:
    """Whom the actor may assign: a manager the own team, SALES_ADMIN/ADMIN any handler."""
    actor = logged_in(uow)
    if actor.role not in roles.CAN_ASSIGN_COMPLAINTS:
        return []
    with uow:
        q = select(User.id, User.full_name).where(
            User.is_active.is_(True), User.role.in_(roles.CAN_HANDLE_COMPLAINTS)
        )
        if actor.role == Role.MANAGER:
            if actor.team_id is None:
                return []
            q = q.where(User.team_id == actor.team_id)
        return [tuple(r) for r in uow.session.execute(q.order_by(User.full_name))]


def form_of(d: ComplaintDetail, uow: UnitOfWork) -> ComplaintForm:
    """The edit form filled from a detail (the channel name back to its code item)."""
    with uow:
        channel_id = code_tables.resolve(uow, "feedback_channel", d.channel)
    return ComplaintForm(
        d.customer_id, d.kind, channel_id, d.received_at, d.contact_name, d.customer_words,
        d.category_id, d.severity, d.due_date, d.handler_id,
    )  # fmt: skip
