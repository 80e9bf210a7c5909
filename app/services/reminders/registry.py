"""Every reminder provider of the app, listed once. The only module that imports the
domains' reminders modules, so adding a provider is one line here, and no provider
module imports another (or the registry) back."""

from __future__ import annotations

from app.services.admin import reminders as account_reminders
from app.services.core.uow import UnitOfWork
from app.services.customers import reminders as customer_reminders
from app.services.policy import reminders as policy_reminders
from app.services.reminders.engine import Provider, ReminderResult, run
from app.services.service_desk import reminders as service_desk_reminders
from app.services.visits import reminders as visit_reminders
from app.services.work import reminders as work_reminders

MODULES = (
    account_reminders,
    customer_reminders,
    policy_reminders,
    service_desk_reminders,
    visit_reminders,
    work_reminders,
)

PROVIDERS: tuple[Provider, ...] = tuple(
    # Marked by @provider (in the function's own __dict__: sqlalchemy's `func` answers
    # every attribute name, so hasattr would take it for a provider).
    fn
    for module in MODULES
    for fn in vars(module).values()
    if "reminder_kind" in getattr(fn, "__dict__", {})
)


def kinds() -> dict[str, str]:
    """kind -> label of every registered provider, in registry order."""
    return {fn.reminder_kind: fn.reminder_label for fn in PROVIDERS}


def collect(uow: UnitOfWork, providers: tuple[Provider, ...] = PROVIDERS) -> ReminderResult:
    """Every provider's items for uow.actor (the 待办提醒 window)."""
    return run(uow, providers)
