"""The reminder engine behind the 待办提醒 window.

A provider is a function (uow) -> iterable of Reminder, marked with
@provider("kind", "label") in its domain's reminders module. The providers that run are
the explicit list in reminders.registry (the only module that imports them); run() asks
each for the acting user's items and sorts them by due date. A provider that fails does
not hide the others' items.

Many items of one kind about customers become one line with the count (开发期限：2,078 位
客户) whose target is exactly those customers, so a rep with a large book reads a short
window; up to GROUP_OVER of a kind stay listed one by one.

The window is read in a read-only transaction of its own: a reminder read never waits
for, or holds, the write lock another desk's sweep or save is using.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

from app.services.core.uow import UnitOfWork

log = logging.getLogger(__name__)


class Severity(IntEnum):
    INFO = 0
    WARNING = 1
    URGENT = 2

    @property
    def label(self) -> str:
        return {0: "提示", 1: "注意", 2: "紧急"}[self.value]


@dataclass(frozen=True)
class Target:
    """The record a reminder drills through to: an entity name and its id; for a grouped
    line, the ids of all its records (and record_id 0)."""

    entity: str
    record_id: int
    ids: tuple[int, ...] = ()
    label: str = ""  # what a grouped line's records are ("开发期限")


GROUP_OVER = 5  # more items than this of one kind about one entity become one line
# What a grouped line counts, by entity (unit and noun); others count 条记录.
_COUNTED = {"customer": "位客户", "work_plan": "项工作计划", "complaint": "张投诉/反馈单",
            "sample_request": "份寄样申请", "visit_plan": "个回访计划", "visit_report": "份回访报告"}  # fmt: skip


@dataclass(frozen=True)
class Reminder:
    kind: str
    title: str
    due: datetime
    severity: Severity
    target: Target
    detail: str = ""

    @property
    def kind_label(self) -> str:
        return _LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class ReminderResult:
    items: list[Reminder]
    failures: list[str] = field(default_factory=list)  # labels of providers that failed


Provider = Callable[[UnitOfWork], Iterable[Reminder]]
_LABELS: dict[str, str] = {}  # kind -> label, recorded as providers are defined


def provider(kind: str, label: str) -> Callable[[Provider], Provider]:
    """Mark a function as the provider of one kind of reminder."""

    def mark(fn: Provider) -> Provider:
        fn.reminder_kind, fn.reminder_label = kind, label
        _LABELS[kind] = label
        return fn

    return mark


def run(uow: UnitOfWork, providers: Iterable[Provider]) -> ReminderResult:
    """The providers' items for uow.actor, grouped and sorted by due date then severity."""
    items: list[Reminder] = []
    failures: list[str] = []
    with uow.separate(write=False) as reader:
        for fn in providers:
            try:
                with reader.session.begin_nested():
                    items.extend(grouped(list(fn(reader))))
            except Exception:  # one broken provider must not hide the rest
                log.exception("reminder provider %s failed", fn.reminder_kind)
                failures.append(fn.reminder_label)
    items.sort(key=lambda r: (r.due, -r.severity))
    return ReminderResult(items, failures)


def grouped(items: list[Reminder]) -> list[Reminder]:
    """One provider's items, with the items of a kind about one entity folded into one
    line when there are more than GROUP_OVER of them (entities whose list can show a
    set of records: _COUNTED)."""
    by_key: dict[tuple[str, str], list[Reminder]] = {}
    for r in items:
        if r.target.entity in _COUNTED and r.target.record_id and not r.target.ids:
            by_key.setdefault((r.kind, r.target.entity), []).append(r)
    out = [r for r in items if r.target.entity not in _COUNTED or not r.target.record_id
           or r.target.ids]  # fmt: skip
    for (kind, entity), rows in by_key.items():
        if len(rows) <= GROUP_OVER:
            out += rows
            continue
        ids = tuple(dict.fromkeys(r.target.record_id for r in rows))
        urgent = sum(r.severity == Severity.URGENT for r in rows)
        first = min(rows, key=lambda r: r.due)
        label = _LABELS.get(kind, kind)
        out.append(Reminder(
            kind, f"{label}：{len(ids):,} {_COUNTED.get(entity, '条记录')}", first.due,
            max(r.severity for r in rows), Target(entity, 0, ids, label),
            detail=(f"其中紧急 {urgent:,} 项；" if urgent else "") + f"最早一项：{first.title}",
        ))  # fmt: skip
    return out
