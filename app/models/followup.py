"""Follow-ups (跟进记录) and deals (成交记录, the ledger 帐页) of a customer."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, SoftDeleteMixin, TrackedMixin


class FollowUp(TrackedMixin, SoftDeleteMixin, Base):
    __tablename__ = "follow_ups"
    __table_args__ = (
        Index("ix_follow_ups_customer", "customer_id", "at"),
        Index("ix_follow_ups_next", "by_id", "next_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    method_id: Mapped[int | None] = mapped_column(ForeignKey("code_items.id"))  # 电话/拜访/…
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    next_step: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    next_date: Mapped[date | None] = mapped_column(Date)  # becomes a reminder
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)


class Deal(TrackedMixin, SoftDeleteMixin, Base):
    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_customer", "customer_id", "deal_date"),
        Index("ix_deals_salesperson", "salesperson_id", "deal_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    deal_date: Mapped[date] = mapped_column(Date, nullable=False)
    product: Mapped[str] = mapped_column(String(100), nullable=False)
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delivered: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    remarks: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # 业绩归属 (4.4.3, 二.2, 二.4): "rep" — credited to the salesperson, or "dept" — to
    # the department; decided when the deal is recorded (customers._internal.attribution).
    attribution: Mapped[str] = mapped_column(
        String(10), nullable=False, default="rep", server_default="rep"
    )
    attribution_reason: Mapped[str] = mapped_column(
        String(100), nullable=False, default="", server_default=""
    )
