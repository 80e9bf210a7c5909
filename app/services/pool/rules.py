"""The public pool (公海, 规则 4): reclaim after silence, claim, return, protect.
Transfers and assignments (归属变更) are customers.ownership; the idle clock is
customers.idle_clock.

A customer whose last follow-up (or, if none, the day it came to its owner) is older
than its class's idle limit returns to the pool. The sweep is idempotent and safe to
run from several desktops at once: each move is a conditional UPDATE (still owned by
the same owner, not in the pool), and only the desktop whose UPDATE matched writes the
history row. Claims are conditional the same way, so of two reps claiming one pool
customer at the same moment exactly one wins.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, insert, select, true, update

from app.models import CodeItem, Customer, OwnershipChange, Role, User
from app.services.access import roles
from app.services.access.director import is_market_director
from app.services.access.visibility import customer_scope, edit_scope, pool_scope
from app.services.core import clock, settings
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers.idle_clock import (
    finish_due_recompute,
    last_activity,
    pool_due_value,
    refresh_pool_due,
)

LOSS_KINDS = ("回收", "转移", "评审调整")


@dataclass(frozen=True)
class PoolCandidate:
    customer_id: int
    name: str
    owner_id: int
    owner_name: str
    grade: str
    last_activity: datetime
    idle_limit_days: int
    returns_on: datetime


def due_for_pool(
    uow: UnitOfWork, within_days: int = 0, *, mine: bool = False
) -> list[PoolCandidate]:
    """Owned, unprotected customers the actor may see (`mine`: the actor owns) whose idle
    limit ends within `within_days` from now (0: already due), soonest first."""
    with uow:
        where = customer_scope(uow.actor)
        if mine:
            where = and_(where, Customer.owner_id == uow.actor.id)
        return _due(uow, within_days, where)


def _due(uow: UnitOfWork, within_days: int, where) -> list[PoolCandidate]:
    """Every rep's due customers when `where` is true(): the sweep is the company's job,
    run by whichever desk logs in, so it is not limited to that user's customers. An
    index range over the stored due date (idle_clock keeps it)."""
    within_days = max(0, min(int(within_days), 3650))
    horizon = clock.now() + timedelta(days=within_days)
    q = (
        select(Customer.id, Customer.name, Customer.owner_id, User.full_name, CodeItem.code,
               last_activity(), Customer.pool_due_at)
        .join(User, Customer.owner_id == User.id)
        .outerjoin(CodeItem, Customer.grade_id == CodeItem.id)
        .where(Customer.pool_due_at <= horizon, Customer.owner_id.is_not(None),
               Customer.is_in_pool.is_(False), Customer.is_protected.is_(False), where)
        .order_by(Customer.pool_due_at, Customer.id)
    )  # fmt: skip
    return [
        PoolCandidate(cid, name, owner_id, owner_name, grade or "", last,
                      round((due - last).total_seconds() / 86400), due)
        for cid, name, owner_id, owner_name, grade, last, due in uow.session.execute(q)
    ]  # fmt: skip


@dataclass(frozen=True)
class SweepResult:
    moved: list[int]  # customers returned to the pool by this run
    reminded: list[int]  # due customers left with their owner (auto-return is off)
    dry_run: bool

    @property
    def message(self) -> str:
        if self.dry_run:
            return f"预演：将有 {len(self.moved)} 个客户回收公海。"
        text = f"已将 {len(self.moved)} 个超期无销售动作的客户回收公海。"
        if self.reminded:
            text += f"另有 {len(self.reminded)} 个客户已超期，待主管回收。"
        return text


# The sweep moves customers in short transactions, pausing between them: another desk's
# save waits for one batch at most (SQLite's writer polls the lock at least every 100 ms,
# so the pause lets it in), and a crash loses no finished batch. The first batch has
# SWEEP_BATCH customers; later ones as many as the last took to fill SWEEP_BATCH_S on this
# machine and database (0: always SWEEP_BATCH).
SWEEP_BATCH = 400
SWEEP_BATCH_S = 0.15
SWEEP_PAUSE_S = 0.1


def sweep(uow: UnitOfWork, *, dry_run: bool = False, progress=None, cancelled=None) -> SweepResult:
    """Return every due customer to the pool (or, with auto-return off, leave them for the
    manager's reminder). Runs in the background after login and hourly; any user's session
    may run it. Idempotent and resumable: each batch re-checks its customers under lock,
    so a customer followed up meanwhile stays, and a second desk's sweep skips what the
    first moved. `progress(done, total)` reports after each batch; `cancelled()` stops
    between batches (what is done stays done). It never holds a transaction of `uow`
    itself: the read is read-only and each batch writes in a transaction of its own."""
    if not dry_run:
        # After a limit change the stored dates follow the old limits until recomputed.
        finish_due_recompute(uow, cancelled=cancelled)
    # Read in a read-only transaction: finding a hundred thousand due customers must not
    # hold the write lock.
    with uow.separate(write=False) as reader:
        due = list(reader.session.scalars(
            select(Customer.id)
            .where(Customer.pool_due_at <= clock.now(), Customer.owner_id.is_not(None),
                   Customer.is_in_pool.is_(False), Customer.is_protected.is_(False))
            .order_by(Customer.pool_due_at, Customer.id)
        ))  # fmt: skip
        auto = settings.get(reader, "pool.auto_return")
    if dry_run:
        return SweepResult(due, [], True)
    if not auto:
        return SweepResult([], due, False)
    moved: list[int] = []
    start, size = 0, SWEEP_BATCH
    while start < len(due):
        if cancelled is not None and cancelled():
            break
        if start:
            time.sleep(SWEEP_PAUSE_S)
        chunk = due[start : start + size]
        began = time.perf_counter()
        with uow.separate(write=True) as batch:
            moved += _move_batch(batch, chunk)
            batch.commit()
        start += len(chunk)
        if SWEEP_BATCH_S:
            took = max(time.perf_counter() - began, 0.001)
            size = max(50, min(5000, int(len(chunk) * SWEEP_BATCH_S / took)))
        if progress is not None:
            progress(start, len(due))
    return SweepResult(moved, [], False)


def _move_batch(uow: UnitOfWork, ids: list[int]) -> list[int]:
    """Inside the batch's transaction: the customers of `ids` still due now (locked, so a
    follow-up saved meanwhile on another desk wins or waits) go to the pool, each with its
    history row."""
    now = clock.now()
    # The stored date and, should a limit change's recompute still be under way on another
    # desk, the date under the current limits.
    still_due = (
        Customer.id.in_(ids), Customer.pool_due_at <= now, pool_due_value() <= now,
        Customer.owner_id.is_not(None),
        Customer.is_in_pool.is_(False), Customer.is_protected.is_(False),
    )  # fmt: skip
    rows = uow.session.execute(
        select(Customer.id, Customer.owner_id, last_activity(), Customer.pool_due_at)
        .where(*still_due)
        .with_for_update()
    ).all()
    if not rows:
        return []
    table = Customer.__table__
    uow.session.execute(
        update(table)
        .where(table.c.id.in_([r[0] for r in rows]), table.c.owner_id.is_not(None),
               table.c.is_in_pool.is_(False))
        .values(owner_id=None, is_in_pool=True, owner_since=now, updated_at=now,
                pool_due_at=None, version=table.c.version + 1)
    )  # fmt: skip
    by = uow.actor.id if uow.actor else None
    # One multi-row INSERT: the history table is the record of these moves (as the
    # customers' own UPDATE above, it writes no audit line per row).
    uow.session.execute(insert(OwnershipChange.__table__), [
        {"customer_id": cid, "from_user_id": owner_id, "to_user_id": None, "kind": "回收",
         "at": now, "by_id": by,
         "reason": f"超过 {round((due - last).total_seconds() / 86400)} 天无销售动作"
                   f"（最近 {last:%Y-%m-%d}），自动回收公海"}
        for cid, owner_id, last, due in rows
    ])  # fmt: skip
    return [r[0] for r in rows]


def _move_to_pool(uow: UnitOfWork, customer_id: int, owner_id: int, now) -> bool:
    table = Customer.__table__
    result = uow.session.execute(
        update(table)
        .where(table.c.id == customer_id, table.c.owner_id == owner_id,
               table.c.is_in_pool.is_(False), table.c.deleted_at.is_(None))
        .values(owner_id=None, is_in_pool=True, owner_since=now, updated_at=now,
                pool_due_at=None, version=table.c.version + 1)
    )  # fmt: skip
    return result.rowcount == 1


def return_to_pool(uow: UnitOfWork, customer_ids, reason: str) -> int:
    """A manager (own team) or the admin returns customers to the pool by hand (回收)."""
    if uow.actor is None or uow.actor.role not in roles.CAN_RETURN_TO_POOL:
        raise PermissionDenied("只有销售主管、销售内勤或系统管理员可以回收客户。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写回收原因。", field="reason")
    with uow:
        now, done = clock.now(), 0
        rows = uow.session.execute(
            select(Customer.id, Customer.owner_id, User.team_id)
            .join(User, Customer.owner_id == User.id)
            .where(Customer.id.in_(list(customer_ids)))
        ).all()
        anywhere = is_market_director(uow, uow.actor)
        for cid, owner_id, team_id in rows:
            if uow.actor.role == Role.MANAGER and team_id != uow.actor.team_id and not anywhere:
                continue
            if _move_to_pool(uow, cid, owner_id, now):
                uow.session.add(
                    OwnershipChange(
                        customer_id=cid,
                        from_user_id=owner_id,
                        kind="回收",
                        reason=reason,
                        at=now,
                        by_id=uow.actor.id,
                    )
                )
                done += 1
        uow.commit()
        return done


def claim(uow: UnitOfWork, customer_id: int) -> None:
    """领取: a sales rep (or manager) takes a pool customer, within the cap and cool-down."""
    actor = uow.actor
    if actor is None or actor.role not in roles.CAN_CLAIM_FROM_POOL:
        raise PermissionDenied("只有销售人员可以从公海领取客户。")
    with uow:
        c = uow.session.scalar(
            select(Customer).where(Customer.id == customer_id, pool_scope(actor))
        )
        if c is None:
            raise NotFound("该客户不在公海中，可能已被其他人领取。")
        # The cap is a fact the database keeps: the claimant's own user row is locked
        # first (FOR UPDATE; SQLite's write transaction is already exclusive), so two
        # claims by one rep from two desks count one after the other.
        uow.session.execute(select(User.id).where(User.id == actor.id).with_for_update())
        cap = settings.get(uow, "pool.claim_cap")
        owned = uow.session.scalar(
            select(func.count()).select_from(Customer).where(Customer.owner_id == actor.id)
        )
        if owned >= cap:
            raise ValidationError(f"您已拥有 {owned} 个客户，达到领取上限 {cap} 个，不能再领取。")
        cooldown = settings.get(uow, "pool.cooldown_days")
        now = clock.now()
        lost = uow.session.scalar(
            select(func.max(OwnershipChange.at)).where(
                OwnershipChange.customer_id == customer_id,
                OwnershipChange.from_user_id == actor.id,
                OwnershipChange.kind.in_(LOSS_KINDS),
            )
        )
        if lost is not None and lost > now - timedelta(days=cooldown):
            until = lost + timedelta(days=cooldown)
            raise ValidationError(
                f"该客户于 {lost:%Y-%m-%d} 从您名下回收，{cooldown} 天内不能再次领取"
                f"（{until:%Y-%m-%d} 后可领取）。"
            )
        table = Customer.__table__
        result = uow.session.execute(
            update(table)
            .where(table.c.id == customer_id, table.c.is_in_pool.is_(True),
                   table.c.owner_id.is_(None))
            .values(owner_id=actor.id, is_in_pool=False, owner_since=now, updated_at=now,
                    version=table.c.version + 1)
        )  # fmt: skip
        if result.rowcount != 1:
            raise ValidationError("该客户刚刚已被其他人领取。")
        refresh_pool_due(uow.session, [customer_id])  # the new owner's clock starts now
        uow.session.add(
            OwnershipChange(
                customer_id=customer_id,
                to_user_id=actor.id,
                kind="领取",
                reason="从公海领取",
                at=now,
                by_id=actor.id,
            )
        )
        uow.commit()


def set_protected(uow: UnitOfWork, customer_id: int, protected: bool) -> None:
    """保护: managers and the admin exempt a customer from the automatic return."""
    if uow.actor is None or uow.actor.role not in roles.CAN_PROTECT_CUSTOMERS:
        raise PermissionDenied("只有销售主管、销售内勤或系统管理员可以设置客户保护。")
    with uow:
        # A manager protects the team's customers only (edit_scope); the sales admin and
        # the admin any customer.
        scope = true() if is_market_director(uow, uow.actor) else edit_scope(uow.actor)
        c = uow.session.scalar(select(Customer).where(Customer.id == customer_id, scope))
        if c is None:
            raise NotFound("客户不存在，或您无权设置该客户的保护。")
        c.is_protected = protected
        uow.commit()
