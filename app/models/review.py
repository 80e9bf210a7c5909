"""评审 (规则 3): a customer not developed within its window is reviewed; the rep may file a
statement (陈述) and a manager decides: extend, reassign, or return to the pool."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TrackedMixin

REVIEW_STATUS = {"open": "待评审", "decided": "已决定"}
REVIEW_OUTCOMES = {"extend": "延期", "reassign": "改派", "pool": "回收"}


class CustomerReview(TrackedMixin, Base):
    __tablename__ = "customer_reviews"
    __table_args__ = (
        # At most one open review per customer, whichever desktop opens it first.
        Index(
            "uq_customer_reviews_open",
            "customer_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_customer_reviews_status", "status", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the rep reviewed
    deadline: Mapped[date] = mapped_column(Date, nullable=False)  # the window that ran out
    opened_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="open")
    statement: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 陈述
    statement_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(10), nullable=False, default="")  # 延期/改派/回收
    new_deadline: Mapped[date | None] = mapped_column(Date)
    new_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comments: Mapped[str] = mapped_column(Text, nullable=False, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
