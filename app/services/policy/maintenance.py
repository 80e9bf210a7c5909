"""Maintenance frequency by class (规则 6, 市场部客户资源管理制度 二.3.1) and 拜访次数统计.

The seed asks, per calendar month:

    A 类  by a company leader (公司领导)     1–2 visits a month
    B 类  by the 市场部经理                  1–2 visits a month
    C 类  by a 市场部专员                    2–4 visits a month
    D 类 / unclassified                      no fixed frequency

The numbers are settings (maint.min_A … maint.max_C, 系统设置 → 规则); who visits is the
seed's rule (BY). The list's SQL reads the settings table itself, so a changed number
shows on the next query without rebuilding the list source.
拜访次数统计 (maintenance_source) counts every live follow-up of method 拜访 (code table
follow_method, code "2") dated in the current calendar month, whoever logged it. Whether
the right person made them — the compliance the reminders check — is compliance.py's
(维护达标). Phone calls and e-mails do not count.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    DateTime,
    String,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.orm import aliased

from app.models import CodeItem, CodeTable, Customer, FollowUp, User
from app.services.access.visibility import customer_scope
from app.services.core import clock, settings
from app.services.core.uow import UnitOfWork
from app.services.customers.list_columns import customer_base
from app.services.customers.search import CUSTOMER_SEARCH_HINT, customer_search
from app.services.lists.spec import Column, ListSource


@dataclass(frozen=True)
class Frequency:
    minimum: int
    maximum: int
    by: str  # who should visit

    @property
    def label(self) -> str:
        return f"{self.minimum}–{self.maximum} 次/月"


BY = {"A": "公司领导", "B": "市场部经理", "C": "市场部专员"}  # who should visit, per class
GRADES = tuple(BY)


def frequencies(uow: UnitOfWork) -> dict[str, Frequency]:
    """The current frequency per class, from settings (inside an open uow)."""
    return {
        g: Frequency(settings.get(uow, f"maint.min_{g}"), settings.get(uow, f"maint.max_{g}"), by)
        for g, by in BY.items()
    }


def read_frequencies(uow: UnitOfWork) -> dict[str, Frequency]:
    """Entry point for screens (the 维护标准 legend)."""
    with uow:
        return frequencies(uow)


VISIT_METHOD = ("follow_method", "2")  # 拜访
LAST_DAYS = 10  # remind in the last 10 days of the month
ZERO_AFTER_DAY = 15  # or after the 15th when there was no visit at all

STATUS_LABELS = {"short": "未达标", "ok": "已达标", "none": "无要求"}

Grade = aliased(CodeItem, name="maint_grade")
Method = aliased(CodeItem, name="maint_method")
MethodTable = aliased(CodeTable, name="maint_method_table")
Owner = aliased(User, name="maint_owner")


def month_bounds(today: date) -> tuple[datetime, datetime]:
    start = today.replace(day=1)
    days = calendar.monthrange(today.year, today.month)[1]
    return datetime.combine(start, time()), datetime.combine(start + timedelta(days=days), time())


def _month_start() -> datetime:
    return month_bounds(clock.now().date())[0]


def _month_end() -> datetime:
    return month_bounds(clock.now().date())[1]


def visits_this_month():
    """Correlated count of this month's 拜访 follow-ups (bound at query time)."""
    start = bindparam("maint_start", type_=DateTime, callable_=_month_start)
    end = bindparam("maint_end", type_=DateTime, callable_=_month_end)
    table, code = VISIT_METHOD
    return (
        select(func.count(FollowUp.id))
        .join(Method, Method.id == FollowUp.method_id)
        .join(MethodTable, MethodTable.id == Method.table_id)
        .where(FollowUp.customer_id == Customer.id, FollowUp.deleted_at.is_(None),
               FollowUp.at >= start, FollowUp.at < end,
               MethodTable.key == table, Method.code == code)
        .correlate(Customer)
        .scalar_subquery()
    )  # fmt: skip


def last_visit():
    table, code = VISIT_METHOD
    return (
        select(func.max(FollowUp.at))
        .join(Method, Method.id == FollowUp.method_id)
        .join(MethodTable, MethodTable.id == Method.table_id)
        .where(FollowUp.customer_id == Customer.id, FollowUp.deleted_at.is_(None),
               MethodTable.key == table, Method.code == code)
        .correlate(Customer)
        .scalar_subquery()
    )  # fmt: skip


def _per_grade(values: dict[str, object], default):
    return case(*((Grade.code == g, literal(v)) for g, v in values.items()), else_=literal(default))


def _per_grade_sql(values: dict[str, object], default):
    return case(*((Grade.code == g, v) for g, v in values.items()), else_=default)


def required_expr():
    return _per_grade_sql({g: settings.sql_int(f"maint.min_{g}") for g in GRADES}, 0)


def _standard_expr():
    """“1–2 次/月” from the settings, as SQL text."""

    def label(g):
        low = cast(settings.sql_int(f"maint.min_{g}"), String)
        high = cast(settings.sql_int(f"maint.max_{g}"), String)
        return low.concat("–").concat(high).concat(" 次/月")

    return _per_grade_sql({g: label(g) for g in GRADES}, literal("无固定要求"))


def shortfall_expr():
    required, done = required_expr(), visits_this_month()
    return case((required > done, required - done), else_=0)


def status_expr():
    required, done = required_expr(), visits_this_month()
    return case((required == 0, "none"), (done < required, "short"), else_="ok")


def _base(uow: UnitOfWork):
    return customer_base(
        uow,
        [(Grade, Customer.grade_id == Grade.id), (Owner, Customer.owner_id == Owner.id)],
        customer_scope,
        Customer.owner_id.is_not(None),
    )


def _columns() -> list[Column]:
    standard = _standard_expr()
    by = _per_grade(BY, "")
    return [
        Column("number", "客户编号", Customer.number, width=120),
        Column("name", "客户名称", Customer.name, width=220, sort_expr=Customer.name_pinyin),
        Column("grade", "类别", Grade.name, groupable=True, filterable=True, width=50,
               sort_expr=Grade.sort_order),
        Column("owner", "归属销售", Owner.full_name, groupable=True, filterable=True, width=80),
        Column("by", "维护人", by, groupable=True, width=60),
        Column("standard", "维护标准", standard, width=110),
        Column("required", "本月应拜访", required_expr(), kind="int", width=85),
        Column("done", "本月已拜访（全部）", visits_this_month(), kind="int", width=120),
        Column("shortfall", "差额", shortfall_expr(), kind="int", width=60),
        Column("status", "状态", status_expr(), labels=STATUS_LABELS, groupable=True,
               filterable=True, width=70),
        Column("last_visit", "最近拜访", last_visit(), kind="datetime", width=125),
        Column("last_follow_up_at", "最近跟进", Customer.last_follow_up_at, kind="datetime",
               width=125, visible=False),
    ]  # fmt: skip


def maintenance_source() -> ListSource:
    """拜访次数统计: each owned customer's class, required vs all visits this month."""
    return ListSource(
        key="maintenance",
        title="拜访次数统计",
        id_expr=Customer.id,
        base=_base,
        columns=_columns(),
        search=customer_search,
        search_hint=CUSTOMER_SEARCH_HINT,
        default_sort=[("shortfall", True), ("grade", False)],
        default_date_key="last_visit",
        open_entity="customer",
    )


# --- reminders ---------------------------------------------------------------------


def reminder_due(today: date, done: int) -> bool:
    """Remind in the last LAST_DAYS days of the month, or after the 15th with no visit."""
    days = calendar.monthrange(today.year, today.month)[1]
    return today.day > days - LAST_DAYS or (done == 0 and today.day > ZERO_AFTER_DAY)
