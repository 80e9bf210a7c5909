"""The public pool (公海, 规则 4) as a ListSource, and the sweep preview.

Every read is scoped by visibility.pool_scope: every sales role sees the pool, a clerk
sees nothing. Batch actions go through app.services.pool.rules, which checks roles, the cap,
the cool-down and races (two reps claiming at once: one wins, the other is told).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.models import CodeItem, Customer
from app.services.access import roles
from app.services.access.visibility import customer_scope, pool_scope
from app.services.core import clock
from app.services.core.errors import PermissionDenied, ServiceError
from app.services.core.uow import Actor, UnitOfWork
from app.services.customers import ownership
from app.services.customers.list_columns import customer_base
from app.services.customers.registration import owner_choices
from app.services.customers.search import CUSTOMER_SEARCH_HINT, customer_search
from app.services.lists.spec import BatchAction, BatchResult, Column, ListSource
from app.services.pool import rules as pool

Grade = aliased(CodeItem, name="pool_grade")
Industry = aliased(CodeItem, name="pool_industry")
Region = aliased(CodeItem, name="pool_region")


def _base(uow: UnitOfWork):
    return customer_base(
        uow,
        [
            (Grade, Customer.grade_id == Grade.id),
            (Industry, Customer.industry_id == Industry.id),
            (Region, Customer.region_id == Region.id),
        ],
        pool_scope,
    )


def _code(key: str, label: str, alias, width: int) -> Column:
    return Column(key, label, alias.name, groupable=True, filterable=True, width=width,
                  sort_expr=alias.sort_order)  # fmt: skip


def _columns() -> list[Column]:
    return [
        Column("number", "客户编号", Customer.number, width=120),
        Column("name", "客户名称", Customer.name, width=220, sort_expr=Customer.name_pinyin),
        _code("grade", "等级", Grade, 50),
        _code("industry", "所属行业", Industry, 130),
        _code("region", "地区", Region, 120),
        Column("phone", "电话", Customer.phone, width=120),
        Column("pool_since", "进入公海时间", Customer.owner_since, kind="datetime", width=125),
        Column("last_follow_up_at", "最近跟进", Customer.last_follow_up_at, kind="datetime",
               width=125),
        Column("registered_on", "登记日期", Customer.registered_on, kind="date", width=95),
    ]  # fmt: skip


# --- batch actions --------------------------------------------------------------------


def _claim(uow: UnitOfWork, ids, **_params) -> BatchResult:
    """领取: each row is its own claim (own transaction); a refused row is skipped with
    the reason the pool service gives (cap, cool-down, already taken)."""
    if uow.actor is None or uow.actor.role not in roles.CAN_CLAIM_FROM_POOL:
        raise PermissionDenied("只有销售人员可以从公海领取客户。")
    done, skipped = 0, []
    for customer_id in ids:
        try:
            pool.claim(uow, customer_id)
        except ServiceError as err:
            skipped.append((customer_id, str(err)))
        else:
            done += 1
    return BatchResult(done, skipped)


def _assign_choices(uow: UnitOfWork) -> list[tuple[int, str]]:
    if uow.actor is None or uow.actor.role not in roles.CAN_TRANSFER_CUSTOMERS:
        return []
    return owner_choices(uow)


def _assign(uow: UnitOfWork, ids, owner: int, reason: str = "从公海分配", **_params):
    ids = list(ids)
    done = ownership.transfer(uow, ids, owner, reason)
    return BatchResult(done, [(0, "已不在公海或不在您的管理范围")] * (len(ids) - done))


def pool_source(actor: Actor | None = None) -> ListSource:
    """The pool list. With an actor, only the batch actions that actor may run."""
    actions = [
        BatchAction("claim", "领取", _claim),
        BatchAction(
            "assign", "分配给…", _assign, param=("owner", "分配给销售人员：", _assign_choices)
        ),
    ]
    if actor is not None:
        allowed = {"claim": roles.CAN_CLAIM_FROM_POOL, "assign": roles.CAN_TRANSFER_CUSTOMERS}
        actions = [a for a in actions if actor.role in allowed[a.key]]
    return ListSource(
        key="pool",
        title="公海客户",
        id_expr=Customer.id,
        base=_base,
        columns=_columns(),
        search=customer_search,
        search_hint=CUSTOMER_SEARCH_HINT,
        default_sort=[("pool_since", True)],
        default_date_key="pool_since",
        open_entity="customer",
        batch_actions=actions,
    )


# --- drill-through and the sweep preview -----------------------------------------------


def can_open(uow: UnitOfWork, customer_id: int) -> bool:
    """May the actor open this customer's card (a pool customer needs a claim first)?"""
    with uow:
        found = uow.session.scalar(
            select(Customer.id).where(Customer.id == customer_id, customer_scope(uow.actor))
        )
        return found is not None


@dataclass(frozen=True)
class UpcomingReturn:
    customer_id: int
    number: str
    name: str
    owner_name: str
    grade: str
    last_activity: datetime
    idle_limit_days: int
    returns_on: datetime
    overdue: bool  # already due: the next sweep moves it


def upcoming_returns(uow: UnitOfWork, within_days: int = 7) -> list[UpcomingReturn]:
    """回收预演: customers the sweep returns to the pool within `within_days` (already due
    ones first), limited to the customers the actor may see."""
    if uow.actor is None or uow.actor.role not in roles.CAN_PREVIEW_POOL_RETURNS:
        raise PermissionDenied("您无权查看公海回收预演。")
    within_days = max(0, min(int(within_days), 365))
    with uow:
        due = pool.due_for_pool(uow, within_days)
        ids = [c.customer_id for c in due]
        visible: dict[int, str] = {}
        if ids:
            q = select(Customer.id, Customer.number).where(
                Customer.id.in_(ids), customer_scope(uow.actor)
            )
            visible = {cid: number for cid, number in uow.session.execute(q)}
    now = clock.now()
    return [
        UpcomingReturn(c.customer_id, visible[c.customer_id], c.name, c.owner_name, c.grade,
                       c.last_activity, c.idle_limit_days, c.returns_on, c.returns_on <= now)
        for c in due if c.customer_id in visible
    ]  # fmt: skip
