"""Customer cards opened from a list: one window per customer, raised when asked again."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app.services.core.errors import ServiceError
from app.ui.common.messages import show_service_error
from app.ui.context import AppContext
from app.ui.customers.card_dialog import CustomerCardDialog


def open_card(
    parent: QWidget,
    ctx: AppContext,
    company: str,
    cards: dict[int, CustomerCardDialog],
    customer_id: int,
    on_changed: Callable[[], None],
) -> CustomerCardDialog | None:
    """Show the card (not modal: several may stay open beside the list); a customer the
    user may not see is refused with the service's message."""
    card = cards.get(customer_id)
    if card is not None and card.isVisible():
        card.raise_()
        card.activateWindow()
        return card
    try:
        card = CustomerCardDialog(ctx, customer_id, company, parent)
    except ServiceError as err:
        show_service_error(parent, err, "客户档案")
        return None
    card.changed.connect(lambda _id: on_changed())
    cards[customer_id] = card
    card.show()
    return card
