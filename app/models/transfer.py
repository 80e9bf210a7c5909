"""转让申请 (市场部客户资源管理制度 二.2): the giving rep asks to hand customers to another
rep, the receiving rep agrees, and only then the 市场总监 carries it out (or rejects it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TrackedMixin


class TransferRequest(TrackedMixin, Base):
    """One request. status: requested (the receiver has not answered) → agreed (both
    parties asked: the director's turn) → done; or declined (by the receiver) or rejected
    (by the director)."""

    __tablename__ = "transfer_requests"
    __table_args__ = (Index("ix_transfer_requests_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    reason: Mapped[str] = mapped_column(String(500), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="requested")
    agreed_at: Mapped[datetime | None] = mapped_column(DateTime)  # the receiver's 同意
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")


class TransferRequestCustomer(Base):
    """A customer named in a 转让申请."""

    __tablename__ = "transfer_request_customers"
    __table_args__ = (
        Index("ix_transfer_request_customers_request", "request_id"),
        Index("ix_transfer_request_customers_customer", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("transfer_requests.id"), nullable=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
