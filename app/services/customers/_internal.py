"""Steps of the customers package that work inside a unit of work the caller opened and
commits: writing a registration or an edit with its duplicate keys, the follow-up clock,
the grant log, handing a customer's open work over to a new owner, the 交付后回访 tasks.
The other service packages may call them from their own units of work (visits, policy);
the UI never does."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select

from app.models import (
    AccessGrant,
    AfterSalesContact,
    Complaint,
    Contact,
    Customer,
    CustomerKey,
    Deal,
    FollowUp,
    GrantView,
    OwnershipChange,
    SampleRequest,
    User,
    VisitPlan,
    VisitPlanVisitor,
    VisitRecord,
    WorkPlan,
)
from app.services.access import roles
from app.services.access.visibility import active_grants, edit_scope, own_scope
from app.services.admin import code_tables
from app.services.core import clock, settings
from app.services.core._internal import next_number
from app.services.core.uow import UnitOfWork
from app.services.customers.duplicates import DuplicateFound, DuplicateHit, find_duplicates, keys_of
from app.services.customers.forms import EDITABLE, form_values
from app.services.customers.validation import derived_columns, is_personal, validate_customer


def user_names(uow: UnitOfWork, ids) -> dict[int, str]:
    """Full names by user id, deleted users too (the history still names them)."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    q = (
        select(User.id, User.full_name)
        .where(User.id.in_(ids))
        .execution_options(include_deleted=True)
    )
    return dict(uow.session.execute(q).tuples().all())


def can_edit(uow: UnitOfWork, customer_id: int) -> bool:
    """Whether the actor may change the customer (edit_scope)."""
    return (
        uow.session.scalar(
            select(Customer.id).where(Customer.id == customer_id, edit_scope(uow.actor))
        )
        is not None
    )


def write_keys(uow: UnitOfWork, customer_id: int, keys, overridden: set) -> None:
    """A customer's keys; `overridden` ones were let through by a 公司特别指派."""
    for kind, value in keys:
        uow.session.add(
            CustomerKey(
                customer_id=customer_id,
                kind=kind,
                value=value,
                overridden=(kind, value) in overridden,
            )
        )


def refresh_last_follow_up(uow: UnitOfWork, customer_id: int) -> None:
    """Inside an open unit of work: the customer's last_follow_up_at after a follow-up is
    added, edited or removed (the pool's idle clock reads it)."""
    latest = uow.session.scalar(
        select(func.max(FollowUp.at)).where(FollowUp.customer_id == customer_id)
    )
    c = uow.session.get(Customer, customer_id)
    if c.last_follow_up_at != latest:
        c.last_follow_up_at = latest
    refresh_sales_action(uow, customer_id)


def _sales_actions(customer_id: int):
    """(kind, SELECT of the latest time) for each kind of sales action (SALES_ACTIONS)."""
    deal_at = func.max(Deal.deal_date)
    return [
        ("follow_up", select(func.max(FollowUp.at)).where(FollowUp.customer_id == customer_id)),
        ("visit", select(func.max(VisitRecord.visited_at))
                  .where(VisitRecord.customer_id == customer_id)),
        ("deal", select(deal_at).where(Deal.customer_id == customer_id)),
        ("sample", select(func.max(SampleRequest.requested_at))
                   .where(SampleRequest.customer_id == customer_id,
                          SampleRequest.status != "cancelled")),
        ("complaint", select(func.max(Complaint.resolved_at))
                      .where(Complaint.customer_id == customer_id)),
    ]  # fmt: skip


def refresh_sales_action(uow: UnitOfWork, customer_id: int) -> None:
    """The customer's 最近销售动作 after any sales action is added, changed or removed:
    the idle clock (规则 4, 二.3) starts from it. Flushes first, so the change is seen."""
    uow.session.flush()
    latest: tuple[datetime, str] | None = None
    for kind, stmt in _sales_actions(customer_id):
        at = uow.session.scalar(stmt)
        if at is None:
            continue
        if not isinstance(at, datetime):  # a deal's date
            at = datetime.combine(at, time())
        if latest is None or at > latest[0]:
            latest = (at, kind)
    c = uow.session.get(Customer, customer_id)
    at, kind = latest if latest is not None else (None, None)
    if (c.last_sales_action_at, c.last_sales_action_kind) != (at, kind):
        c.last_sales_action_at, c.last_sales_action_kind = at, kind


def log_view(uow: UnitOfWork, grant_id: int, customer_id: int, action: str = "view") -> None:
    """Inside a writing unit of work: record one view under a grant."""
    uow.session.add(
        GrantView(
            grant_id=grant_id,
            user_id=uow.actor.id,
            customer_id=customer_id,
            action=action,
            at=clock.now(),
        )
    )


def log_output(uow: UnitOfWork, customer_ids, action: str) -> int:
    """Inside a writing unit of work: customers printed or exported by the actor that the
    actor sees only through a 查阅授权 — one GrantView each. Returns how many."""
    actor = uow.actor
    if actor is None or actor.role not in roles.CAN_REQUEST_GRANTS:
        return 0  # other roles see by role, not by grant
    grants = uow.session.execute(
        active_grants(actor).with_only_columns(
            AccessGrant.id, AccessGrant.customer_id, AccessGrant.book_owner_id
        )
    ).all()
    if not grants:
        return 0
    by_customer = {cid: gid for gid, cid, _b in grants if cid is not None}
    by_book = {owner: gid for gid, _c, owner in grants if owner is not None}
    now, logged = clock.now(), 0
    ids = list(customer_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = uow.session.execute(
            select(Customer.id, Customer.owner_id).where(Customer.id.in_(chunk), ~own_scope(actor))
        ).all()
        for cid, owner_id in rows:
            grant_id = by_customer.get(cid) or by_book.get(owner_id)
            if grant_id is not None:
                uow.session.add(GrantView(grant_id=grant_id, user_id=actor.id,
                                          customer_id=cid, action=action, at=now))  # fmt: skip
                logged += 1
    return logged


OPEN_VISIT = ("planned", "appointed")


def hand_over(uow: UnitOfWork, customer_id: int, from_user_id: int, to_user_id: int) -> None:
    """Inside a writing unit of work: the old owner's open plans and tasks for the
    customer pass to the new owner (they follow the customer, issue 12.1)."""
    s = uow.session
    plans = s.scalars(select(VisitPlan).where(VisitPlan.customer_id == customer_id)).all()
    for plan in plans:
        is_open = plan.status in OPEN_VISIT
        if is_open and plan.owner_id == from_user_id:
            plan.owner_id = to_user_id
        visitors = {v.user_id: v for v in s.scalars(
            select(VisitPlanVisitor).where(VisitPlanVisitor.plan_id == plan.id))}  # fmt: skip
        if from_user_id in visitors:
            s.delete(visitors[from_user_id])
            if is_open and to_user_id not in visitors:
                s.add(VisitPlanVisitor(plan_id=plan.id, user_id=to_user_id))
    for task in s.scalars(
        select(WorkPlan).where(WorkPlan.customer_id == customer_id,
                               WorkPlan.assignee_id == from_user_id, WorkPlan.status == "open")
    ):  # fmt: skip
        task.assignee_id = to_user_id


@dataclass(frozen=True)
class RegisterResult:
    customer_id: int
    number: str
    late_registration: bool
    overridden: bool


def move_owner(
    uow: UnitOfWork, c: Customer, to_user_id: int, reason: str, now, kind: str | None = None
) -> None:
    """One customer to a new owner: its history line (分配 from the pool, 转移 by a
    manager, 转让 on a request of both reps), and its open work follows it."""
    kind = kind or ("分配" if c.is_in_pool or c.owner_id is None else "转移")
    uow.session.add(OwnershipChange(customer_id=c.id, from_user_id=c.owner_id,
                                    to_user_id=to_user_id, kind=kind, reason=reason,
                                    at=now, by_id=uow.actor.id))  # fmt: skip
    if c.owner_id is not None:
        hand_over(uow, c.id, c.owner_id, to_user_id)
    c.owner_id, c.owner_since, c.is_in_pool = to_user_id, now, False


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


@dataclass
class PreparedRegistration:
    """One validated registration, not yet written (see prepare_registration)."""

    owner_id: int
    cols: dict
    contact_rows: list[dict]
    keys: list[tuple[str, str]]  # duplicate-check keys (规则 1)


def insert_registration(
    uow: UnitOfWork,
    p: PreparedRegistration,
    hits: list[DuplicateHit] = (),
    override_reason: str = "",
) -> RegisterResult:
    """Inside an open writing unit of work: number, customer row, keys, pinyin, 归属变更
    “登记” and contacts, flushed but not committed (the caller commits once)."""
    actor = uow.actor
    cols = p.cols
    if cols.get("grade_id") is None:  # a new customer is class C (一.2.3: 一般或新增客户)
        cols = {**cols, "grade_id": code_tables.find_item(uow, "grade", "C")}
    now = clock.now()
    hours = settings.get(uow, "customers.late_registration_hours")
    late = bool(
        cols["first_contact_at"] and now - cols["first_contact_at"] > timedelta(hours=hours)
    )
    months = settings.get(uow, "customers.development_months")
    number = next_number(
        uow,
        "customer",
        settings.get(uow, "customers.number_pattern"),
        cols["registered_on"],
        lambda n: (
            uow.session.scalar(
                select(Customer.id)
                .where(Customer.number == n)
                .execution_options(include_deleted=True)
            )
            is not None
        ),
    )
    c = Customer(
        number=number,
        owner_id=p.owner_id,
        owner_since=now,
        registered_by_id=actor.id,
        late_registration=late,
        dev_deadline=_add_months(cols["registered_on"], months),
        is_in_pool=False,
        **cols,
        **derived_columns(cols),
    )
    uow.session.add(c)
    uow.session.flush()
    write_keys(uow, c.id, p.keys, {(h.kind, h.value) for h in hits})
    reason = "登记" if not hits else f"公司特别指派：{override_reason}"
    uow.session.add(
        OwnershipChange(
            customer_id=c.id, from_user_id=None, to_user_id=p.owner_id, kind="登记",
            reason=reason[:500], at=now, by_id=actor.id,
        )
    )  # fmt: skip
    _add_contacts(uow, c.id, [dict(r) for r in p.contact_rows])
    uow.session.flush()
    return RegisterResult(c.id, number, late, bool(hits))


def _add_contacts(uow: UnitOfWork, customer_id: int, rows: list[dict]) -> None:
    if rows and not any(r["is_primary"] for r in rows):
        rows[0]["is_primary"] = True
    primary_seen = False
    for r in rows:
        if r["is_primary"] and primary_seen:
            r["is_primary"] = False
        primary_seen = primary_seen or r["is_primary"]
        uow.session.add(Contact(customer_id=customer_id, **r))


def changed_fields(before: dict, after_cols: dict, current: Customer) -> list[str]:
    changed = []
    for name in EDITABLE:
        if name == "capital":
            if (current.capital_text or "") != after_cols["capital_text"]:
                changed.append(name)
        elif name == "extra":
            if dict(current.extra or {}) != after_cols["extra"]:
                changed.append(name)
        elif before.get(name) != after_cols.get(name):
            changed.append(name)
    return changed


def check_duplicates(uow: UnitOfWork, c: Customer, cols: dict):
    """DuplicateFound when the edited values would make the customer another's double
    (keys a 公司特别指派 let through once stay allowed). Returns (keys, old keys, kept)."""
    keys = keys_of(cols, is_personal(uow, cols["type_id"]))
    old = list(uow.session.scalars(select(CustomerKey).where(CustomerKey.customer_id == c.id)))
    kept_overrides = {(k.kind, k.value) for k in old if k.overridden}
    hits = [
        h
        for h in find_duplicates(uow, keys, exclude_id=c.id)
        if (h.kind, h.value) not in kept_overrides
    ]
    if hits:
        raise DuplicateFound(hits)
    return keys, old, kept_overrides


def apply_changes(uow: UnitOfWork, c: Customer, changes: dict) -> list[str]:
    """Validate the merged values, write changed columns, refresh keys. Returns fields."""
    before = form_values(c)
    merged = {**before, **changes}
    cols = validate_customer(uow, merged, c)
    changed = changed_fields(before, cols, c)
    if not changed:
        return []
    keys, old, kept_overrides = check_duplicates(uow, c, cols)
    for name in EDITABLE:
        if name == "capital":
            c.capital_amount, c.capital_unit, c.capital_text = (
                cols["capital_amount"], cols["capital_unit"], cols["capital_text"],
            )  # fmt: skip
        elif name in changed:
            setattr(c, name, cols[name])
    for k, v in derived_columns(cols).items():
        setattr(c, k, v)
    if {(k.kind, k.value) for k in old} != set(keys) or any(
        k.overridden != ((k.kind, k.value) in kept_overrides) for k in old
    ):
        uow.session.execute(delete(CustomerKey).where(CustomerKey.customer_id == c.id))
        uow.session.flush()
        write_keys(uow, c.id, keys, kept_overrides)
    return changed


@dataclass(frozen=True)
class CustomerRow:
    id: int
    number: str
    name: str
    short_name: str
    type_label: str
    grade_label: str
    coop_status_label: str
    region_label: str
    phone: str
    principal: str
    owner_id: int | None
    owner_name: str
    registered_on: date
    last_follow_up_at: datetime | None
    is_in_pool: bool
    late_registration: bool
    version: int


def rows_of(uow: UnitOfWork, customers: list[Customer]) -> list[CustomerRow]:
    """CustomerRows of loaded customers, in their order (labels and owners in two reads)."""
    with uow:
        labels = code_tables.item_labels(
            uow,
            [x for c in customers for x in (c.type_id, c.grade_id, c.coop_status_id, c.region_id)],
        )
        names = user_names(uow, [c.owner_id for c in customers])
        return [
            CustomerRow(
                c.id, c.number, c.name, c.short_name, labels.get(c.type_id, ""),
                labels.get(c.grade_id, ""), labels.get(c.coop_status_id, ""),
                labels.get(c.region_id, ""), c.phone, c.principal, c.owner_id,
                names.get(c.owner_id, ""), c.registered_on, c.last_follow_up_at, c.is_in_pool,
                c.late_registration, c.version,
            )
            for c in customers
        ]  # fmt: skip


# --- 交付后回访 (规则 6) ------------------------------------------------------------------

DELIVERY_STEPS = [(7, "交付后一周回访"), (30, "交付后一月回访"), (91, "交付后一季度回访"),
         (365, "交付后一年回访")]  # fmt: skip
DELIVERY_KIND = ("work_plan_kind", "6")  # 交付后回访
DELIVERY_ANSWER_DAYS = 3  # a follow-up up to this many days before a task's date answers it


def schedule_delivery_tasks(uow: UnitOfWork, deal: Deal, customer: Customer) -> list[WorkPlan]:
    """规则 6, inside a writing unit of work when a deal becomes delivered: 交付后回访
    work-plan items for the customer's owner at +1 week, +1 month, +1 quarter, +1 year
    (a follow-up near or after a task's date completes it: answer_delivery_tasks)."""
    assignee = customer.owner_id or deal.salesperson_id
    if assignee is None or deal.delivered_on is None:
        return []  # a pool customer: nobody to visit it
    kind_id = code_tables.find_item(uow, *DELIVERY_KIND)
    plans = []
    for days, label in DELIVERY_STEPS:
        due = deal.delivered_on + timedelta(days=days)
        plan = WorkPlan(
            period="day",
            period_start=due,
            period_end=due,
            kind_id=kind_id,
            title=f"{label}：{customer.name}（{deal.product}）",
            target=f"{deal.delivered_on:%Y-%m-%d} 交付的“{deal.product}”：回访了解使用情况和售后意见。",
            assignee_id=assignee,
            assigned_by_id=uow.actor.id,
            customer_id=customer.id,
            due_date=due,
        )
        uow.session.add(plan)
        plans.append(plan)
    uow.flush()
    # The 《客户维护表》 row of each contact: the deal and step its item belongs to.
    for (days, _label), plan in zip(DELIVERY_STEPS, plans, strict=True):
        uow.session.add(AfterSalesContact(customer_id=customer.id, deal_id=deal.id,
                                          work_plan_id=plan.id, step_days=days))  # fmt: skip
    return plans


def answer_delivery_tasks(
    uow: UnitOfWork, customer_id: int, at, follow_up_id: int | None = None
) -> int:
    """Inside a writing unit of work, after a follow-up at `at`: complete the customer's
    open delivery tasks due up to DELIVERY_ANSWER_DAYS after it, and note the follow-up
    on their 《客户维护表》 rows (what was done, by whom). Returns how many."""
    kind_id = code_tables.find_item(uow, *DELIVERY_KIND)
    if kind_id is None:
        return 0
    q = select(WorkPlan).where(
        WorkPlan.customer_id == customer_id,
        WorkPlan.kind_id == kind_id,
        WorkPlan.status == "open",
        WorkPlan.due_date <= at.date() + timedelta(days=DELIVERY_ANSWER_DAYS),
    )
    done = 0
    for plan in uow.session.scalars(q):
        plan.status, plan.progress, plan.completed_at = "done", 100, clock.now()
        plan.progress_note = f"已于 {at:%Y-%m-%d %H:%M} 跟进客户。"
        plan.urged_at = None
        done += 1
        if follow_up_id is not None:
            contact = uow.session.scalar(
                select(AfterSalesContact).where(AfterSalesContact.work_plan_id == plan.id)
            )
            if contact is not None:
                contact.follow_up_id = follow_up_id
    return done


# --- 业绩归属 of deals (4.4.3, 二.2, 二.4) ------------------------------------------------

REP, DEPT = "rep", "dept"
ATTRIBUTION_LABELS = {REP: "归销售员", DEPT: "归部门"}
NOT_VERIFIED = "客户未报销售内勤核对（二.4）"
SWAPPED = "客户未经市场总监批准调换（二.2）"
NOT_DEVELOPED = "开发期限内未开发成功（4.4.3）"
DEVELOPED = "开发期内开发成功（4.4.3）"


def attribution(uow: UnitOfWork, c: Customer) -> tuple[str, str]:
    """The 业绩归属 of a deal of `c` recorded now, and why: the department's when the
    customer was never reported to the sales admin (still 待核对), when its owner got it by
    a 转移 nobody with the director's approval made, or when it was not developed within its
    window; otherwise the rep's."""
    if c.verified_at is None:
        return DEPT, NOT_VERIFIED
    last = uow.session.execute(
        select(OwnershipChange.kind, User.role)
        .outerjoin(User, User.id == OwnershipChange.by_id)
        .where(OwnershipChange.customer_id == c.id)
        .order_by(OwnershipChange.at.desc(), OwnershipChange.id.desc())
        .limit(1)
    ).first()
    if (
        last is not None
        and last.kind == "转移"
        and last.role not in roles.MOVES_WITH_DIRECTORS_APPROVAL
    ):
        return DEPT, SWAPPED
    if c.developed_on is None:
        return DEPT, NOT_DEVELOPED
    return REP, DEVELOPED


def attribute_deal(uow: UnitOfWork, deal: Deal, c: Customer) -> None:
    deal.attribution, deal.attribution_reason = attribution(uow, c)


def reattribute_reported(uow: UnitOfWork, c: Customer) -> int:
    """核对 late: the deals that were the department's only because the customer was not
    reported yet are decided again (a swap or a missed window still counts)."""
    deals = uow.session.scalars(
        select(Deal).where(Deal.customer_id == c.id, Deal.attribution_reason == NOT_VERIFIED)
    ).all()
    for d in deals:
        attribute_deal(uow, d, c)
    return len(deals)
