"""Core steps that work inside a writing unit of work the caller opened, so that they
commit or roll back with the caller's change: drawing the next document number, loading
the row a change is about."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError

from app.models import NumberCounter
from app.services.core import settings
from app.services.core.errors import ConflictError, NotFound
from app.services.core.numbering import RECORD_PATTERNS, check_pattern, render
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork


def _next_value(uow: UnitOfWork, key: str) -> int:
    """Inside a writing unit of work: the counter's next value (atomic)."""
    for _ in range(3):
        res = uow.session.execute(
            update(NumberCounter)
            .where(NumberCounter.key == key)
            .values(value=NumberCounter.value + 1)
            .execution_options(synchronize_session=False)
        )
        if res.rowcount:
            return uow.session.scalar(select(NumberCounter.value).where(NumberCounter.key == key))
        try:
            with uow.session.begin_nested():
                uow.session.execute(NumberCounter.__table__.insert(), {"key": key, "value": 1})
            return 1
        except IntegrityError:
            continue  # someone created the row first: increment theirs
    raise RuntimeError(f"number counter {key} unavailable")


def next_number(uow: UnitOfWork, scope: str, pattern: str, day: date, exists) -> str:
    """The next free number in `scope` ("customer"). `exists(number)` skips numbers
    already taken (e.g. typed by hand or imported)."""
    pattern = check_pattern(pattern)
    key = f"{scope}:{render(pattern, day, None)}"[:80]
    while True:
        number = render(pattern, day, _next_value(uow, key))
        if not exists(number):
            return number


def record_number(uow: UnitOfWork, model, kind: str, day: date) -> str:
    """The next number of a record kind (core.numbering.RECORD_PATTERNS: 回访计划, 投诉 …)
    from its pattern in 系统设置, in the customer number's style; unique in its table."""
    pattern = settings.get(uow, RECORD_PATTERNS[kind][0])

    def taken(number: str) -> bool:
        q = select(model.id).where(model.number == number).execution_options(include_deleted=True)
        return uow.session.scalar(q) is not None

    return next_number(uow, kind, pattern, day, taken)


def load_row(uow: UnitOfWork, stmt: Select, expected_version: int | None, not_found: str):
    """The one row `stmt` selects (its WHERE says which, and whom it is visible to), or
    NotFound(not_found); ConflictError when it changed since the user read
    `expected_version` (None: no check)."""
    row = uow.session.scalar(stmt)
    if row is None:
        raise NotFound(not_found)
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)
    return row
