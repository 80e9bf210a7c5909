"""Record numbers from a configurable pattern, unique under concurrent registration.

Pattern tokens: {yyyy} {yy} {mm} {dd} and {seq} / {seq:05} (zero-padded). The sequence
restarts whenever the rendered prefix changes (e.g. every year for KH{yyyy}{seq:05}).

The counter is a row in number_counters incremented with a single UPDATE inside the
caller's transaction: on PostgreSQL the row lock serializes concurrent registrations
until commit; on SQLite the writing transaction holds the database write lock. A
rolled-back registration gives its number back.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.models import NumberCounter
from app.services.core.errors import ValidationError
from app.services.core.uow import UnitOfWork

_TOKEN = re.compile(r"\{(yyyy|yy|mm|dd|seq(?::0?(\d{1,2}))?)\}")


def check_pattern(pattern: str) -> str:
    pattern = (pattern or "").strip()
    if not pattern:
        raise ValidationError("请填写编号格式。", field="customers.number_pattern")
    if len(_TOKEN.findall(pattern)) != len(re.findall(r"\{[^}]*\}", pattern)):
        raise ValidationError(
            "编号格式中只能使用 {yyyy} {yy} {mm} {dd} {seq} {seq:05} 这些占位符。",
            field="customers.number_pattern",
        )
    if len([m for m in _TOKEN.finditer(pattern) if m.group(1).startswith("seq")]) != 1:
        raise ValidationError(
            "编号格式中必须且只能包含一个序号 {seq}（如 {seq:05}）。",
            field="customers.number_pattern",
        )
    return pattern


def render(pattern: str, day: date, seq: int | None) -> str:
    def sub(m: re.Match) -> str:
        tok = m.group(1)
        if tok == "yyyy":
            return f"{day.year:04d}"
        if tok == "yy":
            return f"{day.year % 100:02d}"
        if tok == "mm":
            return f"{day.month:02d}"
        if tok == "dd":
            return f"{day.day:02d}"
        if seq is None:
            return "{seq}"
        width = int(m.group(2) or 0)
        return f"{seq:0{width}d}"

    return _TOKEN.sub(sub, pattern)


def next_value(uow: UnitOfWork, key: str) -> int:
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
        number = render(pattern, day, next_value(uow, key))
        if not exists(number):
            return number
