"""Checks every write step of the 客户回访 workflow shares: who may plan and visit, and
the optimistic version check (text and date fields: core.fields)."""

from __future__ import annotations

from app.services.access import roles
from app.services.core.errors import ConflictError, PermissionDenied
from app.services.core.uow import CONFLICT_MESSAGE, Actor, UnitOfWork, logged_in


def planner(uow: UnitOfWork) -> Actor:
    actor = logged_in(uow)
    if actor.role not in roles.CAN_PLAN_VISITS:
        raise PermissionDenied("只有销售人员、销售主管或销售内勤可以安排和实施客户回访。")
    return actor


def check_version(row, expected_version: int) -> None:
    if row.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)
