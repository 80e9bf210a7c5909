"""Checks of typed form values that every domain's forms share: trimmed text within a
length limit, a date."""

from __future__ import annotations

from datetime import date, datetime

from app.services.core.errors import ValidationError


def text(value, field: str, label: str, limit: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(f"请填写{label}。", field=field)
    if len(text) > limit:
        raise ValidationError(f"{label}不能超过 {limit} 字。", field=field)
    return text


def day(value, field: str, label: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise ValidationError(f"请填写{label}。", field=field)
    return value
