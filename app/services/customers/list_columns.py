"""List columns about a customer, for every domain's lists (the pool, visits, the service
desk, work plans …): declared once here, not in each list. A public module, not named
`lists`, so other packages may use it (they may not import customers' own lists)."""

from __future__ import annotations

from app.models import Customer
from app.services.lists.spec import Column


def customer_column(width: int = 220, **options) -> Column:
    """客户: the customer's name, sorted by its pinyin (the lists join Customer)."""
    options.setdefault("sort_expr", Customer.name_pinyin)
    return Column("customer", "客户", Customer.name, width=width, **options)
