"""规则修改审批 (董事长负责本制度的批准): the admin's change of a rule number in 系统设置 →
规则 (core.settings.update_settings makes it a pending change) takes effect when the
chairman approves it (admin._internal.apply_rule_change); the chairman may reject it.

UI entry points: rule_change_detail, approve_rule_change, reject_rule_change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.models import RuleChange, User
from app.services.access import roles
from app.services.admin._internal import apply_rule_change
from app.services.core import clock
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.settings import SPECS
from app.services.core.uow import UnitOfWork

STATUS_LABELS = {"pending": "待批准", "approved": "已批准", "rejected": "已驳回"}


@dataclass(frozen=True)
class RuleChangeRow:
    id: int
    key: str
    label: str
    old_value: str
    new_value: str
    status: str
    requester_name: str
    created_at: datetime
    decider_name: str
    note: str


def _sees(uow: UnitOfWork) -> None:
    if uow.actor is None or uow.actor.role not in roles.SEES_RULE_CHANGES:
        raise PermissionDenied("只有董事长和系统管理员可以查看规则修改。")


def rule_change_detail(uow: UnitOfWork, change_id: int) -> RuleChangeRow:
    _sees(uow)
    with uow:
        c = uow.session.get(RuleChange, change_id)
        if c is None:
            raise NotFound("没有这项规则修改。")
        names = dict(
            uow.session.execute(
                select(User.id, User.full_name).where(
                    User.id.in_([c.requester_id or 0, c.decided_by_id or 0])
                )
            ).all()
        )
        spec = SPECS.get(c.key)
        return RuleChangeRow(c.id, c.key, spec.label if spec else c.key, c.old_value,
                             c.new_value, c.status, names.get(c.requester_id, ""), c.created_at,
                             names.get(c.decided_by_id, ""), c.note)  # fmt: skip


def _pending(uow: UnitOfWork, change_id: int) -> RuleChange:
    if uow.actor is None or uow.actor.role not in roles.APPROVES_RULE_CHANGES:
        raise PermissionDenied("规则的修改须由董事长批准。")
    c = uow.session.get(RuleChange, change_id)
    if c is None:
        raise NotFound("没有这项规则修改。")
    if c.status != "pending":
        raise ValidationError(f"该规则修改已处理（{STATUS_LABELS.get(c.status, c.status)}）。")
    return c


def approve_rule_change(uow: UnitOfWork, change_id: int) -> None:
    """批准: the new value is in force from today."""
    with uow:
        apply_rule_change(uow, _pending(uow, change_id))
        uow.commit()


def reject_rule_change(uow: UnitOfWork, change_id: int, note: str) -> None:
    """驳回: the rule stays as it is; the note tells the admin why."""
    note = (note or "").strip()
    with uow:
        c = _pending(uow, change_id)
        if not note:
            raise ValidationError("请填写驳回理由。", field="note")
        c.status, c.note = "rejected", note[:500]
        c.decided_by_id, c.decided_at = uow.actor.id, clock.now()
        uow.commit()
