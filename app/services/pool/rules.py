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

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, true, update

from app.models import CodeItem, Customer, OwnershipChange, Role, User
from app.services.access import roles
from app.services.access.director import is_market_director
from app.services.access.visibility import customer_scope, edit_scope, pool_scope
from app.services.core import clock, settings
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers.idle_clock import GRADES, idle_limits, last_activity

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


def due_for_pool(uow: UnitOfWork, within_days: int = 0) -> list[PoolCandidate]:
    """Owned, unprotected customers the actor may see whose idle
    limit ends within `within_days` from now (0: already due), soonest first."""
    with uow:
        return _due(uow, within_days, customer_scope(uow.actor))


def _due(uow: UnitOfWork, within_days: int, where) -> list[PoolCandidate]:
    """Every rep's due customers when `where` is true(): the sweep is the company's job,
    run by whichever desk logs in, so it is not limited to that user's customers."""
    within_days = max(0, min(int(within_days), 3650))
    now = clock.now()
    limits = idle_limits(uow)
    q = (
        select(Customer.id, Customer.name, Customer.owner_id, User.full_name, CodeItem.code,
               last_activity())
        .join(User, Customer.owner_id == User.id)
        .outerjoin(CodeItem, Customer.grade_id == CodeItem.id)
        .where(Customer.owner_id.is_not(None), Customer.is_in_pool.is_(False),
               Customer.is_protected.is_(False), where)
    )  # fmt: skip
    # Cheap pre-filter in SQL with the shortest limit; exact per-class check below.
    horizon = now + timedelta(days=within_days) - timedelta(days=min(limits.values()))
    q = q.where(last_activity() <= horizon)
    out = []
    for cid, name, owner_id, owner_name, grade, last in uow.session.execute(q):
        limit = limits.get(grade if grade in GRADES else None)
        returns_on = last + timedelta(days=limit)
        if returns_on <= now + timedelta(days=within_days):
            out.append(PoolCandidate(cid, name, owner_id, owner_name, grade or "", last, limit,
                                     returns_on))  # fmt: skip
    out.sort(key=lambda c: (c.returns_on, c.customer_id))
    return out


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


def sweep(uow: UnitOfWork, *, dry_run: bool = False) -> SweepResult:
    """Return every due customer to the pool (or, with auto-return off, leave them for the
    manager's reminder). Runs at login and hourly; any user's session may run it."""
    with uow:
        due = _due(uow, 0, true())
        if dry_run:
            return SweepResult([c.customer_id for c in due], [], True)
        if not settings.get(uow, "pool.auto_return"):
            return SweepResult([], [c.customer_id for c in due], False)
        moved = []
        now = clock.now()
        for c in due:
            if _move_to_pool(uow, c.customer_id, c.owner_id, now):
                uow.session.add(OwnershipChange(
                    customer_id=c.customer_id, from_user_id=c.owner_id, to_user_id=None,
                    kind="回收", at=now, by_id=uow.actor.id if uow.actor else None,
                    reason=f"超过 {c.idle_limit_days} 天无销售动作（最近 {c.last_activity:%Y-%m-%d}），"
                           "自动回收公海",
                ))  # fmt: skip
                moved.append(c.customer_id)
        uow.commit()
        return SweepResult(moved, [], False)


def _move_to_pool(uow: UnitOfWork, customer_id: int, owner_id: int, now) -> bool:
    table = Customer.__table__
    result = uow.session.execute(
        update(table)
        .where(table.c.id == customer_id, table.c.owner_id == owner_id,
               table.c.is_in_pool.is_(False), table.c.deleted_at.is_(None))
        .values(owner_id=None, is_in_pool=True, owner_since=now, updated_at=now,
                version=table.c.version + 1)
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
