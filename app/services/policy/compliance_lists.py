"""维护达标 (二.3.1) as a ListSource: for a selected month, each owned customer's class,
the visits required, those done by the right person for the class and those done by
others, the shortfall and who answers for it (see compliance.py for what counts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import String, and_, case, func, literal, select
from sqlalchemy.orm import aliased

from app.models import Customer, User
from app.services.access import roles
from app.services.access.visibility import customer_scope
from app.services.core.uow import UnitOfWork
from app.services.customers.list_columns import customer_base
from app.services.customers.search import CUSTOMER_SEARCH_HINT, customer_search
from app.services.lists.spec import Column, ListSource
from app.services.policy.compliance import (
    STATUS_LABELS,
    VISITOR,
    Month,
    shortfall_expr,
    status_expr,
    visitor_expr,
    visits_expr,
)
from app.services.policy.maintenance import Grade, Owner, required_expr

TeamManager = aliased(User, name="cmp_team_manager")


def _team_manager():
    """One manager of the owner's team (by name), for a B customer's 负责人."""
    return (
        select(func.min(TeamManager.full_name))
        .where(TeamManager.team_id == Owner.team_id,
               TeamManager.role.in_(roles.VISITS_B_CUSTOMERS),
               TeamManager.is_active.is_(True))
        .correlate(Owner)
        .scalar_subquery()
    )  # fmt: skip


def responsible_expr():
    """Who answers for the shortfall: A the company leaders, B the team's 市场部经理 (the
    owner when a manager owns it), C the owner."""
    manager = func.coalesce(_team_manager(), literal(VISITOR["B"]))
    return case(
        (Grade.code == "A", literal(VISITOR["A"])),
        (and_(Grade.code == "B", Owner.role.in_(roles.VISITS_B_CUSTOMERS)), Owner.full_name),
        (Grade.code == "B", manager),
        (Grade.code == "C", Owner.full_name),
        else_=literal("", String),
    )


def _base(uow: UnitOfWork):
    return customer_base(
        uow,
        [(Grade, Customer.grade_id == Grade.id), (Owner, Customer.owner_id == Owner.id)],
        customer_scope,
        Customer.owner_id.is_not(None),
    )


def _columns(month: Month) -> list[Column]:
    return [
        Column("number", "客户编号", Customer.number, width=120),
        Column("name", "客户名称", Customer.name, width=220, sort_expr=Customer.name_pinyin),
        Column("grade", "类别", Grade.name, groupable=True, filterable=True, width=50,
               sort_expr=Grade.sort_order),
        Column("visitor", "应由谁拜访", visitor_expr(), groupable=True, width=90),
        Column("required", "应拜访", required_expr(), kind="int", width=65),
        Column("done_right", "应拜访人已拜访", visits_expr(month, True), kind="int",
               width=130),
        Column("done_other", "其他人员拜访", visits_expr(month, False), kind="int", width=95),
        Column("shortfall", "差额", shortfall_expr(month), kind="int", width=60),
        Column("status", "状态", status_expr(month), labels=STATUS_LABELS, groupable=True,
               filterable=True, width=70),
        Column("responsible", "负责人", responsible_expr(), groupable=True, width=90),
        Column("owner", "归属销售", Owner.full_name, groupable=True, filterable=True, width=80),
    ]  # fmt: skip


def compliance_source(first_day: Callable[[], date] | None = None) -> ListSource:
    """维护达标 for the month of first_day() (read when the query runs; default this month)."""
    return ListSource(
        key="maintenance_compliance",
        title="客户维护达标表",
        id_expr=Customer.id,
        base=_base,
        columns=_columns(Month(first_day)),
        search=customer_search,
        search_hint=CUSTOMER_SEARCH_HINT,
        default_sort=[("shortfall", True), ("grade", False)],
        open_entity="customer",
    )
