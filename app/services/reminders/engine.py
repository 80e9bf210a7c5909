"""The reminder engine behind the 待办提醒 window.

A provider is a function (uow) -> iterable of Reminder, marked with
@provider("kind", "label") in its domain's reminders module. The providers that run are
the explicit list in reminders.registry (the only module that imports them); run() asks
each for the acting user's items and sorts them by due date. A provider that fails does
not hide the others' items.
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
    """The record a reminder drills through to: an entity name and its id."""

    entity: str
    record_id: int


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
    """The providers' items for uow.actor, sorted by due date then severity."""
    items: list[Reminder] = []
    failures: list[str] = []
    with uow:
        for fn in providers:
            try:
                with uow.session.begin_nested():
                    items.extend(fn(uow))
            except Exception:  # one broken provider must not hide the rest
                log.exception("reminder provider %s failed", fn.reminder_kind)
                failures.append(fn.reminder_label)
    items.sort(key=lambda r: (r.due, -r.severity))
    return ReminderResult(items, failures)
