"""Key/value settings stored in the shared database (company name, rule numbers), and the
chairman's approval of rule changes with the history of rule values."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TrackedMixin


class Setting(TrackedMixin, Base):
    __tablename__ = "settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class RuleChange(TrackedMixin, Base):
    """A rule number the admin changed in 系统设置 → 规则, waiting for the chairman
    (董事长负责本制度的批准): pending → approved (in force from the day of approval) or
    rejected."""

    __tablename__ = "rule_changes"
    __table_args__ = (Index("ix_rule_changes_status", "status", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), nullable=False)
    old_value: Mapped[str] = mapped_column(Text, nullable=False)
    new_value: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")


class RuleValue(Base):
    """The history of a rule's values: `value` in force from `effective_from` (the one
    before it was `previous`). core.settings.rule_value reads it for a given day."""

    __tablename__ = "rule_values"
    __table_args__ = (Index("ix_rule_values_key", "key", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), nullable=False)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    previous: Mapped[str] = mapped_column(Text, nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    change_id: Mapped[int | None] = mapped_column(ForeignKey("rule_changes.id"))
