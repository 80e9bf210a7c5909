"""合并客户 (issue 20): two records of one customer become one, keeping every history.

The user picks the record that stays and, field by field, which value to keep. Every
row that belongs to the other record (contacts, follow-ups, deals, visits, complaints,
samples, attachments, grants, work-plan items, ownership history, duplicate keys …:
whatever table has a customer_id) moves to the kept one; the other record goes to the
recycle bin with a pointer to the kept one (merged_into_id). The kept record's class,
idle clock (最近销售动作) and development window are recomputed from the merged
history. One transaction: all of it or nothing. What moved is recorded (CustomerMerge),
so the admin can undo a merge within 30 days while neither record changed since.

Who: the sales admin, a manager within the team, the admin. Two customers owned by
different reps need a manager's (or the admin's) decision on the owner; the
performance attribution of past deals stays with the deals (their salesperson).

UI entry points: merge_preview(uow, kept_id, removed_id) -> MergePreview,
merge(uow, kept_id, removed_id, choices, versions, proposal_id=None) -> int,
undo_merge(uow, merge_id) -> None, resolve_merged(uow, customer_id) -> int."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Date, DateTime, Numeric, delete, func, or_, select, update

from app.models import (
    Contact,
    Customer,
    CustomerKey,
    CustomerMerge,
    Deal,
    DuplicatePair,
    MergeProposal,
    OwnershipChange,
    VisitPlan,
    WorkPlan,
)
from app.models.base import Base
from app.models.customer import CUSTOMER_FIELD_LABELS
from app.services.access import roles
from app.services.access.visibility import edit_scope
from app.services.admin import code_tables
from app.services.core import clock
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork
from app.services.customers._internal import (
    hand_over,
    refresh_last_follow_up,
    user_names,
    write_keys,
)
from app.services.customers.classes import class_thresholds, classify
from app.services.customers.duplicates import DuplicateFound, find_duplicates, keys_of
from app.services.customers.forms import EDITABLE, form_values
from app.services.customers.validation import (
    CODE_FIELDS,
    derived_columns,
    is_personal,
    validate_customer,
)

UNDO_DAYS = 30
OWNER = "owner"  # the choice of whose owner (and pool state) the merged record keeps
KEPT, REMOVED = "kept", "removed"
# Rows of these tables name what they move; they do not move themselves.
_NOT_MOVED = {"customer_merges", "merge_proposals", "duplicate_pairs", "duplicate_dismissals"}
_SNAPSHOT_SKIP = {"id", "version", "updated_at", "updated_by_id"}
# What a merge moves, in words (the preview's 将转移的记录).
MOVED_LABELS = {
    "contacts": "联系人", "follow_ups": "跟进记录", "deals": "成交记录",
    "visit_plans": "回访计划", "visit_records": "回访记录", "complaints": "投诉/反馈",
    "sample_requests": "寄样申请", "customer_attachments": "附件", "access_grants": "查阅授权",
    "work_plans": "工作计划", "ownership_changes": "归属变更记录",
    "customer_reviews": "客户评审", "change_requests": "信息变更申请",
    "grant_views": "授权查阅记录",
}  # fmt: skip


def customer_tables():
    """(table, its customer_id column) of every table whose rows belong to a customer."""
    for table in Base.metadata.sorted_tables:
        col = table.c.get("customer_id")
        if table.name in _NOT_MOVED or col is None:
            continue
        if any(fk.column.table.name == "customers" for fk in col.foreign_keys):
            yield table, col


@dataclass(frozen=True)
class Side:
    id: int
    number: str
    name: str
    owner_id: int | None
    owner_name: str
    in_pool: bool
    registered_on: date
    updated_at: datetime
    version: int


@dataclass(frozen=True)
class FieldChoice:
    """One field whose values differ: both as shown, and the proposed choice."""

    name: str
    label: str
    kept_text: str
    removed_text: str
    default: str  # KEPT | REMOVED


@dataclass(frozen=True)
class MergePreview:
    kept: Side
    removed: Side
    fields: list[FieldChoice]
    owners_differ: bool  # then OWNER must be chosen, by a manager or the admin
    may_decide_owner: bool
    moves: list[tuple[str, int]]  # (what, how many) of the removed record's rows


def merge_preview(uow: UnitOfWork, kept_id: int, removed_id: int) -> MergePreview:
    """What merging `removed_id` into `kept_id` would do; nothing changes."""
    with uow:
        kept, removed = _pair(uow, kept_id, removed_id, lock=False)
        names = user_names(uow, [kept.owner_id, removed.owner_id])
        kv, rv = form_values(kept), form_values(removed)
        labels = code_tables.item_labels(
            uow, [v for n in CODE_FIELDS for v in (kv.get(n), rv.get(n))]
        )
        fields = [
            FieldChoice(
                name,
                CUSTOMER_FIELD_LABELS.get(name, name),
                _shown(name, kv[name], labels),
                _shown(name, rv[name], labels),
                _default(name, kv[name], rv[name], kept, removed),
            )
            for name in EDITABLE
            if kv[name] != rv[name]
        ]
        moves = []
        for table, col in customer_tables():
            q = select(func.count()).select_from(table).where(col == removed.id)
            if "deleted_at" in table.c:
                q = q.where(table.c.deleted_at.is_(None))
            n = uow.session.scalar(q)
            if n and table.name in MOVED_LABELS:
                moves.append((MOVED_LABELS[table.name], n))
        return MergePreview(
            _side(kept, names),
            _side(removed, names),
            fields,
            _owners_differ(kept, removed),
            uow.actor.role in roles.DECIDES_MERGED_OWNER,
            moves,
        )


def merge(
    uow: UnitOfWork,
    kept_id: int,
    removed_id: int,
    choices: dict[str, str],
    versions: tuple[int, int],
    proposal_id: int | None = None,
) -> int:
    """Merge `removed_id` into `kept_id`. `choices` maps a field (or OWNER) to KEPT or
    REMOVED (a field not named takes the preview's default); `versions` are both records'
    versions as the user saw them: an edit since refuses the merge. Returns the merge id."""
    with uow:
        kept, removed = _pair(uow, kept_id, removed_id, lock=True)
        if (kept.version, removed.version) != tuple(versions):
            raise ConflictError(CONFLICT_MESSAGE)
        owner_side = _owner_side(uow, kept, removed, choices)
        kept_before, removed_before = snapshot(kept), snapshot(removed)
        s, now = uow.session, clock.now()
        changed = {"contacts.is_primary": _one_primary(uow, kept.id, removed.id)}
        moved = _move_rows(uow, removed.id, kept.id)
        old_owner = kept.owner_id
        _write_fields(uow, kept, removed, choices)
        if owner_side is removed:
            kept.owner_id, kept.owner_since = removed.owner_id, removed.owner_since
            kept.is_in_pool, kept.is_protected = removed.is_in_pool, removed.is_protected
        kept.developed_on = _earliest(d for d in (kept.developed_on, removed.developed_on) if d)
        kept.dev_deadline = max(
            (d for d in (kept.dev_deadline, removed.dev_deadline) if d), default=None
        )
        kept.verified_at = _earliest(d for d in (kept.verified_at, removed.verified_at) if d)
        kept.financial_status = kept.financial_status or removed.financial_status
        changed["handed_over"] = _hand_over(uow, kept, old_owner, removed.owner_id, now)
        changed["added_keys"] = _complete_keys(uow, kept)
        removed.deleted_at, removed.merged_into_id = now, kept.id
        s.flush()
        refresh_last_follow_up(uow, kept.id)
        _reclass(uow, kept, removed_before)
        s.execute(
            delete(DuplicatePair).where(
                or_(DuplicatePair.a_id == removed.id, DuplicatePair.b_id == removed.id)
            )
        )
        _close_proposals(uow, kept.id, removed.id, proposal_id, now)
        s.flush()
        record = CustomerMerge(
            kept_id=kept.id, removed_id=removed.id, at=now, by_id=uow.actor.id,
            moved=moved, changed=changed, kept_before=kept_before,
            removed_before=removed_before, kept_version=kept.version,
            removed_version=removed.version,
        )  # fmt: skip
        s.add(record)
        s.flush()
        merge_id = record.id
        uow.commit()
        return merge_id


def undo_merge(uow: UnitOfWork, merge_id: int) -> None:
    """撤销合并 (the admin, within 30 days, while neither record changed since): the moved
    rows go back, the removed record returns, the kept one gets its values back."""
    if uow.actor is None or uow.actor.role not in roles.CAN_UNDO_MERGES:
        raise PermissionDenied("只有系统管理员可以撤销合并。")
    with uow:
        s = uow.session
        m = s.get(CustomerMerge, merge_id)
        if m is None:
            raise NotFound("没有这条合并记录。")
        if m.undone_at is not None:
            raise ValidationError("这次合并已经撤销过了。")
        if clock.now() - m.at > timedelta(days=UNDO_DAYS):
            raise ValidationError(f"合并已超过 {UNDO_DAYS} 天，不能撤销。")
        kept, removed = (_locked(uow, i) for i in (m.kept_id, m.removed_id))
        if (kept.version, removed.version) != (m.kept_version, m.removed_version):
            raise ValidationError("合并后客户资料已有改动，不能撤销合并。")
        for name, ids in m.moved.items():
            table = Base.metadata.tables[name]
            for start in range(0, len(ids), 500):
                s.execute(
                    update(table)
                    .where(table.c.id.in_(ids[start : start + 500]))
                    .values(customer_id=m.removed_id)
                )
        added = m.changed.get("added_keys") or []
        if added:
            s.execute(delete(CustomerKey).where(CustomerKey.id.in_(added)))
        primary = m.changed.get("contacts.is_primary") or []
        if primary:
            s.execute(update(Contact).where(Contact.id.in_(primary)).values(is_primary=True))
        _undo_hand_over(uow, m.changed.get("handed_over") or {})
        if kept.owner_id != m.kept_before.get("owner_id"):
            s.add(OwnershipChange(customer_id=kept.id, from_user_id=kept.owner_id,
                                  to_user_id=m.kept_before.get("owner_id"), kind="撤销合并",
                                  reason=f"撤销与客户 {removed.number} 的合并",
                                  at=clock.now(), by_id=uow.actor.id))  # fmt: skip
        restore(kept, m.kept_before)
        restore(removed, m.removed_before)
        m.undone_at, m.undone_by_id = clock.now(), uow.actor.id
        uow.commit()


def resolve_merged(uow: UnitOfWork, customer_id: int) -> int:
    """The customer an old link leads to: itself, or the record it was merged into (a
    chain of merges followed to its end)."""
    with uow:
        seen = set()
        while customer_id not in seen:
            seen.add(customer_id)
            target = uow.session.scalar(
                select(Customer.merged_into_id)
                .where(Customer.id == customer_id)
                .execution_options(include_deleted=True)
            )
            if target is None:
                return customer_id
            customer_id = target
        return customer_id


# --- checks ---------------------------------------------------------------------------


def _pair(uow: UnitOfWork, kept_id: int, removed_id: int, *, lock: bool):
    actor = uow.actor
    if actor is None or actor.role not in roles.CAN_MERGE_CUSTOMERS:
        raise PermissionDenied("只有销售内勤、销售主管或系统管理员可以合并客户。")
    if kept_id == removed_id:
        raise ValidationError("不能将客户与自身合并，请选择两位不同的客户。")
    out = []
    for cid in sorted((kept_id, removed_id)):  # lock in id order: no deadlock
        q = select(Customer).where(Customer.id == cid).execution_options(include_deleted=True)
        if lock:
            q = q.with_for_update().execution_options(populate_existing=True)
        c = uow.session.scalar(q)
        mine = uow.session.scalar(
            select(Customer.id)
            .where(Customer.id == cid, edit_scope(actor))
            .execution_options(include_deleted=True)
        )
        if c is None or mine is None:
            raise NotFound("客户不存在，或不在您的管理范围内，不能合并。")
        if c.merged_into_id is not None:
            raise ValidationError(f"客户 {c.number} 已被合并到其他客户，不能再合并。")
        if c.deleted_at is not None:
            raise ValidationError(f"客户 {c.number} 在回收站中，不能合并。请先恢复该客户。")
        out.append(c)
    by_id = {c.id: c for c in out}
    return by_id[kept_id], by_id[removed_id]


def _locked(uow: UnitOfWork, cid: int) -> Customer:
    return uow.session.scalar(
        select(Customer)
        .where(Customer.id == cid)
        .with_for_update()
        .execution_options(include_deleted=True, populate_existing=True)
    )


def _owners_differ(kept: Customer, removed: Customer) -> bool:
    owners = {c.owner_id for c in (kept, removed) if c.owner_id and not c.is_in_pool}
    return len(owners) > 1


def _owner_side(uow: UnitOfWork, kept: Customer, removed: Customer, choices: dict) -> Customer:
    """Whose owner the merged record keeps. Owners that differ need the choice, made by a
    manager or the admin; otherwise the owned record's owner (a pool record has none)."""
    if _owners_differ(kept, removed):
        if uow.actor.role not in roles.DECIDES_MERGED_OWNER:
            raise PermissionDenied("两位客户归属不同的销售人员，须由销售主管或系统管理员决定归属。")
        choice = choices.get(OWNER)
        if choice not in (KEPT, REMOVED):
            raise ValidationError("两位客户归属不同的销售人员，请选择合并后的归属销售。",
                                  field=OWNER)  # fmt: skip
        return kept if choice == KEPT else removed
    if kept.is_in_pool or kept.owner_id is None:
        return removed
    return kept


# --- the merge's steps ----------------------------------------------------------------


def _default(name: str, kv, rv, kept: Customer, removed: Customer) -> str:
    """The proposed value: the non-empty one; of two, the earlier 登记日期 and 首次接触时间,
    else the more recently updated record's."""
    if _empty(rv):
        return KEPT
    if _empty(kv):
        return REMOVED
    if name in ("registered_on", "first_contact_at"):
        return KEPT if kv <= rv else REMOVED
    return REMOVED if removed.updated_at > kept.updated_at else KEPT


def _empty(value) -> bool:
    return value is None or value == "" or value == {}


def _write_fields(uow: UnitOfWork, kept: Customer, removed: Customer, choices: dict) -> None:
    kv, rv = form_values(kept), form_values(removed)
    values = {
        name: rv[name] if choices.get(name, _default(name, kv[name], rv[name], kept, removed))
        == REMOVED else kv[name]
        for name in EDITABLE
    }  # fmt: skip
    cols = validate_customer(uow, values, kept)
    kept.capital_amount, kept.capital_unit, kept.capital_text = (
        cols["capital_amount"], cols["capital_unit"], cols["capital_text"],
    )  # fmt: skip
    for name in EDITABLE:
        if name != "capital" and getattr(kept, name) != cols[name]:
            setattr(kept, name, cols[name])
    for name, value in derived_columns(cols).items():
        setattr(kept, name, value)


def _one_primary(uow: UnitOfWork, kept_id: int, removed_id: int) -> list[int]:
    """The kept record's primary contact stays the one; the other's stop being primary."""
    s = uow.session
    has = s.scalar(
        select(Contact.id).where(Contact.customer_id == kept_id, Contact.is_primary.is_(True))
    )
    if has is None:
        return []
    ids = list(
        s.scalars(
            select(Contact.id)
            .where(Contact.customer_id == removed_id, Contact.is_primary.is_(True))
            .execution_options(include_deleted=True)
        )
    )
    if ids:
        s.execute(update(Contact).where(Contact.id.in_(ids)).values(is_primary=False))
    return ids


def _move_rows(uow: UnitOfWork, from_id: int, to_id: int) -> dict[str, list[int]]:
    """Every row of the removed record to the kept one; {table: ids} of what moved."""
    s = uow.session
    s.flush()
    moved = {}
    for table, col in customer_tables():
        ids = list(s.scalars(select(table.c.id).where(col == from_id)))
        if ids:
            s.execute(update(table).where(col == from_id).values(customer_id=to_id))
            moved[table.name] = ids
    s.expire_all()  # ORM objects loaded before see where their rows are now
    return moved


def _hand_over(uow: UnitOfWork, kept: Customer, kept_owner, removed_owner, now) -> dict:
    """The open plans and tasks of whichever owner did not stay follow the customer to the
    one who did (as a transfer would); their previous owners are kept for an undo."""
    s = uow.session
    before = {
        "plans": {str(i): o for i, o in s.execute(
            select(VisitPlan.id, VisitPlan.owner_id).where(VisitPlan.customer_id == kept.id))},
        "tasks": {str(i): a for i, a in s.execute(
            select(WorkPlan.id, WorkPlan.assignee_id).where(WorkPlan.customer_id == kept.id))},
    }  # fmt: skip
    owner = kept.owner_id
    for previous in {kept_owner, removed_owner} - {owner, None}:
        if owner is not None:
            hand_over(uow, kept.id, previous, owner)
    if owner != kept_owner:
        s.add(OwnershipChange(customer_id=kept.id, from_user_id=kept_owner, to_user_id=owner,
                              kind="合并", reason="合并客户时选定的归属销售", at=now,
                              by_id=uow.actor.id))  # fmt: skip
    return before


def _undo_hand_over(uow: UnitOfWork, before: dict) -> None:
    s = uow.session
    for pid, owner in (before.get("plans") or {}).items():
        s.execute(update(VisitPlan).where(VisitPlan.id == int(pid)).values(owner_id=owner))
    for tid, assignee in (before.get("tasks") or {}).items():
        s.execute(update(WorkPlan).where(WorkPlan.id == int(tid)).values(assignee_id=assignee))


def _complete_keys(uow: UnitOfWork, kept: Customer) -> list[int]:
    """The merged values' duplicate keys: both records' keys are the kept one's now; a key
    neither had (a field combination new to both) is added if no third customer has it."""
    s = uow.session
    have = {(k, v) for k, v in s.execute(
        select(CustomerKey.kind, CustomerKey.value).where(CustomerKey.customer_id == kept.id))}  # fmt: skip
    cols = {name: getattr(kept, name) for name in ("name", "phone", "fax", "principal_mobile",
                                                    "email", "website")}  # fmt: skip
    missing = [k for k in keys_of(cols, is_personal(uow, kept.type_id)) if k not in have]
    if not missing:
        return []
    hits = find_duplicates(uow, missing, exclude_id=kept.id)
    if hits:
        raise DuplicateFound(hits)
    write_keys(uow, kept.id, missing, set())
    s.flush()
    return list(s.scalars(select(CustomerKey.id).where(
        CustomerKey.customer_id == kept.id,
        CustomerKey.kind.in_({k for k, _ in missing}),
        CustomerKey.value.in_({v for _, v in missing}))))  # fmt: skip


def _reclass(uow: UnitOfWork, kept: Customer, removed_before: dict) -> None:
    """The class from the merged deals (规则 5); a D set by a person on either stays."""
    d = code_tables.find_item(uow, "grade", "D")
    if kept.grade_id == d:
        return
    if removed_before.get("grade_id") == d:
        kept.grade_id = d
        kept.class_reason = f"合并前客户 {removed_before['number']} 为 D 类：" + (
            removed_before.get("class_reason") or ""
        )
        kept.class_reason = kept.class_reason[:300]
        return
    since = clock.now().date() - timedelta(days=3 * 365)
    total = uow.session.scalar(
        select(func.coalesce(func.sum(Deal.amount), 0)).where(
            Deal.customer_id == kept.id, Deal.deal_date >= since
        )
    )
    grade, reason = classify(Decimal(str(total)), class_thresholds(uow),
                             kept.financial_status or "", kept.credit_level or "")  # fmt: skip
    grade_id = code_tables.find_item(uow, "grade", grade)
    if kept.grade_id != grade_id or not kept.class_reason:
        kept.grade_id, kept.class_reason = grade_id, f"合并后重新评定：{reason}"[:300]
        kept.classified_on = clock.now().date()
    first_deal = uow.session.scalar(
        select(func.min(Deal.deal_date)).where(Deal.customer_id == kept.id)
    )
    if first_deal is not None and (kept.developed_on is None or first_deal < kept.developed_on):
        kept.developed_on = first_deal


def _close_proposals(uow: UnitOfWork, kept_id, removed_id, proposal_id, now) -> None:
    """The proposal acted on, and any other open one about the same two, are done."""
    pair = (kept_id, removed_id)
    q = select(MergeProposal).where(
        MergeProposal.status == "pending",
        or_(
            MergeProposal.id == proposal_id,
            MergeProposal.kept_id.in_(pair) & MergeProposal.removed_id.in_(pair),
        ),
    )
    for p in uow.session.scalars(q):
        p.status, p.decided_by_id, p.decided_at = "merged", uow.actor.id, now


def _earliest(values):
    return min(values, default=None)


# --- a record's values, kept for the undo ----------------------------------------------


def snapshot(c: Customer) -> dict:
    """Every column of a customer as JSON-friendly values."""
    out = {}
    for col in Customer.__table__.columns:
        if col.key in _SNAPSHOT_SKIP:
            continue
        value = getattr(c, col.key)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[col.key] = value
    return out


def restore(c: Customer, values: dict) -> None:
    """Put a snapshot's values back (bookkeeping columns are the ORM's)."""
    for col in Customer.__table__.columns:
        if col.key not in values:
            continue
        value = values[col.key]
        if value is not None:
            if isinstance(col.type, DateTime):
                value = datetime.fromisoformat(value)
            elif isinstance(col.type, Date):
                value = date.fromisoformat(value)
            elif isinstance(col.type, Numeric):
                value = Decimal(value)
        if getattr(c, col.key) != value:
            setattr(c, col.key, value)


def _shown(name: str, value, labels: dict) -> str:
    if value is None:
        return ""
    if name in CODE_FIELDS:
        return labels.get(value, "")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items() if v not in (None, ""))
    return str(value)


def _side(c: Customer, names: dict) -> Side:
    return Side(c.id, c.number, c.name, c.owner_id, names.get(c.owner_id, ""),
                c.is_in_pool, c.registered_on, c.updated_at, c.version)  # fmt: skip
