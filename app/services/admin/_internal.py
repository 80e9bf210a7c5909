"""Admin look-ups that work inside a unit of work the caller opened (they return ORM
rows). For the service packages only."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from app.models import CodeTable, Customer, RuleChange, RuleValue, Setting
from app.services.admin import audit_text
from app.services.core import clock, settings
from app.services.core.errors import NotFound
from app.services.core.uow import UnitOfWork


def table_by_key(uow: UnitOfWork, table_key: str) -> CodeTable:
    """Inside a unit of work: a code table by its key (NotFound when there is none)."""
    table = uow.session.scalar(select(CodeTable).where(CodeTable.key == table_key))
    if table is None:
        raise NotFound(f"代码表“{table_key}”不存在。")
    return table


def audit_names(uow: UnitOfWork, rows: list[tuple[str, object]]) -> dict[tuple[str, int], str]:
    """The 操作日志 page: (table, id) -> name for every id its changes mention, one query
    per table. Only the audit list (admin only) calls it."""
    wanted: dict[str, set[int]] = {}
    for table, changes in rows:
        for field, before, after in audit_text.pairs(changes):
            target = audit_text.target_table(table, field)
            if target in audit_text.NAMES:
                wanted.setdefault(target, set()).update(
                    v for v in (before, after) if isinstance(v, int)
                )
    found = {}
    for target, ids in wanted.items():
        if not ids:
            continue
        model = audit_text.NAMED_MODELS[target]
        q = select(model.id, audit_text.NAMES[target]).where(model.id.in_(ids))
        q = q.execution_options(include_deleted=True)  # the log names deleted ones too
        found.update({(target, i): n for i, n in uow.session.execute(q)})
    return found


def owned_customers(uow: UnitOfWork, user_id: int) -> int:
    """How many customers the user owns now (not in the pool, not deleted)."""
    return uow.session.scalar(
        select(func.count())
        .select_from(Customer)
        .where(Customer.owner_id == user_id, Customer.is_in_pool.is_(False))
    )


def still_owns(count: int) -> str:
    return f"该用户名下还有 {count} 个客户，请先交接给其他销售人员再停用。"


# Called with (uow, key, value) after apply_rule_change wrote a rule, inside the same unit
# of work: a package that keeps something computed from a rule (the pool's stored due
# dates) registers here instead of admin importing it (the layering goes one way).
RULE_CHANGE_LISTENERS: list[Callable[[UnitOfWork, str, int | str], None]] = []


def apply_rule_change(uow: UnitOfWork, change: RuleChange) -> None:
    """THE one place an approved rule change takes effect (董事长负责本制度的批准): the
    setting is written, the history gets the value in force from today, the change is
    marked approved, then RULE_CHANGE_LISTENERS run. The caller checked the chairman and
    opened the unit of work; a value out of range (or a min above a max) is a
    ValidationError and nothing is written."""
    value = settings.checked_value(change.key, change.new_value)
    current = settings.get_all(uow)
    settings.check_ranges({**current, change.key: value})
    row = uow.session.scalar(select(Setting).where(Setting.key == change.key))
    if row is None:
        uow.session.add(Setting(key=change.key, value=str(value)))
    else:
        row.value = str(value)
    now = clock.now()
    uow.session.add(RuleValue(key=change.key, value=str(value), previous=str(current[change.key]),
                              effective_from=now.date(), change_id=change.id))  # fmt: skip
    change.status, change.decided_by_id, change.decided_at = "approved", uow.actor.id, now
    uow.session.flush()
    for listener in RULE_CHANGE_LISTENERS:
        listener(uow, change.key, value)
