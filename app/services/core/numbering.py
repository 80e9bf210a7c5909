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

from app.services.core.errors import ValidationError

_TOKEN = re.compile(r"\{(yyyy|yy|mm|dd|seq(?::0?(\d{1,2}))?)\}")


# The record kinds numbered like customers (KH{yyyy}{seq:05}): kind → (setting, default).
RECORD_PATTERNS = {
    "visit_plan": ("numbers.visit_plan", "HFJH{yyyy}{seq:05}"),
    "visit_record": ("numbers.visit_record", "HFJL{yyyy}{seq:05}"),
    "visit_report": ("numbers.visit_report", "HFBG{yyyy}{seq:05}"),
    "complaint": ("numbers.complaint", "TS{yyyy}{seq:05}"),
    "sample": ("numbers.sample", "JY{yyyy}{seq:05}"),
}
PATTERN_SETTINGS = ("customers.number_pattern", *(k for k, _ in RECORD_PATTERNS.values()))


def check_pattern(pattern: str, field: str = "customers.number_pattern") -> str:
    pattern = (pattern or "").strip()
    if not pattern:
        raise ValidationError("请填写编号格式。", field=field)
    if len(_TOKEN.findall(pattern)) != len(re.findall(r"\{[^}]*\}", pattern)):
        raise ValidationError(
            "编号格式中只能使用 {yyyy} {yy} {mm} {dd} {seq} {seq:05} 这些占位符。",
            field=field,
        )
    if len([m for m in _TOKEN.finditer(pattern) if m.group(1).startswith("seq")]) != 1:
        raise ValidationError(
            "编号格式中必须且只能包含一个序号 {seq}（如 {seq:05}）。",
            field=field,
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


PATTERN_HINT = "{yyyy} 四位年份，{yy} 两位年份，{mm} 月，{dd} 日，{seq:05} 五位流水号"


def example(pattern: str, day: date) -> str:
    """What the first number of `day` looks like under `pattern` (ValidationError when the
    pattern is not valid): the live example beside the setting."""
    return render(check_pattern(pattern), day, 1)
