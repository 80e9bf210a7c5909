"""工作计划 (work plans a manager assigns, with 催办) and 日常记事 (private daily notes)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, SoftDeleteMixin, TrackedMixin

PERIOD = {"day": "日计划", "week": "周计划", "month": "月计划"}
WORK_STATUS = {"open": "进行中", "done": "已完成", "cancelled": "已取消"}


class WorkPlan(TrackedMixin, SoftDeleteMixin, Base):
    __tablename__ = "work_plans"
    __table_args__ = (
        Index("ix_work_plans_assignee", "assignee_id", "status", "due_date"),
        Index("ix_work_plans_period", "period_start", "period_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10), nullable=False, default="week")
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    kind_id: Mapped[int | None] = mapped_column(ForeignKey("code_items.id"))  # 拜访计划/拓展计划…
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    target: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 目标
    target_qty: Mapped[int | None] = mapped_column(Integer)  # e.g. 20 visits
    done_qty: Mapped[int | None] = mapped_column(Integer)
    progress: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # percent
    progress_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="open")
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    urge_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    urged_at: Mapped[datetime | None] = mapped_column(DateTime)  # 催办; cleared by an update
    urged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    urge_note: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class DailyNote(TrackedMixin, SoftDeleteMixin, Base):
    """日常记事: visible to its owner only (not even the admin reads it)."""

    __tablename__ = "daily_notes"
    # Private text stays out of the audit trail, which the admin reads.
    __audit_exclude__ = ("title", "content")
    __table_args__ = (Index("ix_daily_notes_owner", "owner_id", "note_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    note_date: Mapped[date] = mapped_column(Date, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    content: Mapped[str] = mapped_column(Text, nullable=False, default="")
