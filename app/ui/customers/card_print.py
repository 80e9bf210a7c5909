"""Print 《客户档案》: the card as a two-column A4 paper form with the company name."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from app.services.customers.card import CustomerCard
from app.services.customers.forms import CODE_FIELDS, FIELD_LABELS
from app.ui.customers.fields import shown
from app.ui.customers.form_widget import GROUPS, PERSONAL_GROUP
from app.ui.forms.paper_form import (
    Field,
    FieldGrid,
    PaperForm,
    make_preview,
    make_printer,
    paint_form,
)

__all__ = ["TITLE", "card_form", "card_rows", "make_card_preview", "make_printer", "paint_card"]

TITLE = "客户档案"


def card_rows(card: CustomerCard) -> list[tuple[str, str, bool]]:
    """(label, value, wide) in form order; wide rows span both columns."""
    f = card.form
    rows = [
        ("客户编号", card.number, False),
        ("归属销售", card.owner_name or ("公海" if card.is_in_pool else ""), False),
        ("登记人", card.registered_by_name, False),
        ("开发期限", shown(card.dev_deadline), False),
    ]
    for title, names in GROUPS:
        if title == PERSONAL_GROUP and not card.is_personal:
            continue
        for name, wide in names:
            value = card.labels.get(name, "") if name in CODE_FIELDS else shown(getattr(f, name))
            rows.append((FIELD_LABELS[name], value, wide))
    rows += [(label, text, False) for label, text, _raw in card.extra_display]
    for i, k in enumerate(card.contacts, start=1):
        phones = " / ".join(p for p in (k.mobile, k.phone) if p)
        who = f"{k.name}（{k.position}）" if k.position else k.name
        rows.append((f"联系人{i}{'（主要）' if k.is_primary else ''}", f"{who}  {phones}", True))
    return rows


def card_form(card: CustomerCard, company: str) -> PaperForm:
    fields = [Field(label, value, wide) for label, value, wide in card_rows(card)]
    return PaperForm(TITLE, company, [FieldGrid(fields)], number=f"客户编号：{card.number}")


def paint_card(printer: QPrinter, card: CustomerCard, company: str) -> int:
    return paint_form(printer, card_form(card, company))


def make_card_preview(parent: QWidget, card: CustomerCard, company: str) -> QPrintPreviewDialog:
    return make_preview(parent, card_form(card, company), f"打印预览 — 《{TITLE}》{card.number}")
