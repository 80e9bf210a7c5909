"""Checks every write step of the 客户回访 workflow shares: who may plan and visit,
text and date fields, and the optimistic version check."""

from __future__ import annotations

from datetime import date, datetime

from app.services.access import roles
from app.services.core.errors import ConflictError, PermissionDenied, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, Actor, UnitOfWork
from app.services.visits.details import logged_in


def planner(uow: UnitOfWork) -> Actor:
    actor = logged_in(uow)
    if actor.role not in roles.CAN_PLAN_VISITS:
        raise PermissionDenied("只有销售人员、销售主管或销售内勤可以安排和实施客户回访。")
    return actor


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


def check_version(row, expected_version: int) -> None:
    if row.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)
