"""The reminder engine behind the 待办提醒 window.

A provider is a function (uow) -> iterable of Reminder; services register theirs with
@provider("kind", "label"). collect() asks every provider for the acting user's items
and sorts them by due date. A provider that fails does not hide the others' items.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

from app.services.uow import UnitOfWork

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
_PROVIDERS: dict[str, Provider] = {}
_LABELS: dict[str, str] = {}


def provider(kind: str, label: str) -> Callable[[Provider], Provider]:
    def register(fn: Provider) -> Provider:
        _PROVIDERS[kind] = fn
        _LABELS[kind] = label
        return fn

    return register


def kinds() -> dict[str, str]:
    return dict(_LABELS)


def collect(uow: UnitOfWork) -> ReminderResult:
    """Every provider's items for uow.actor, sorted by due date then severity."""
    _load_builtin_providers()
    items: list[Reminder] = []
    failures: list[str] = []
    with uow:
        for kind, fn in _PROVIDERS.items():
            try:
                with uow.session.begin_nested():
                    items.extend(fn(uow))
            except Exception:  # one broken provider must not hide the rest
                log.exception("reminder provider %s failed", kind)
                failures.append(_LABELS[kind])
    items.sort(key=lambda r: (r.due, -r.severity))
    return ReminderResult(items, failures)


def _load_builtin_providers() -> None:
    # Importing a module registers its providers.
    from app.services import (  # noqa: F401
        account_reminders,
        customer_reminders,
        maintenance,
        policy_reminders,
        service_desk_reminders,
        visit_reminders,
        work_reminders,
    )
