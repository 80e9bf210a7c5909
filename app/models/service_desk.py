"""客户反馈/投诉 and 寄样申请 (规则 7).

A complaint moves 已受理 → 处理中 (a handler is assigned) → 已解决 (resolution written)
→ 已关闭 (the customer's confirmation recorded). A sample request is filed by a rep;
only the sales admin records the dispatch.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, SoftDeleteMixin, TrackedMixin

COMPLAINT_KIND = {"complaint": "投诉", "feedback": "反馈"}
COMPLAINT_STATUS = {
    "received": "已受理",
    "handling": "处理中",
    "resolved": "已解决",
    "closed": "已关闭",
}
SEVERITY = {"normal": "一般", "serious": "较重", "critical": "严重"}
SAMPLE_STATUS = {"requested": "待寄出", "dispatched": "已寄出", "cancelled": "已取消"}


class Complaint(TrackedMixin, SoftDeleteMixin, Base):
    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_number", "number"),
        Index("ix_complaints_customer", "customer_id", "received_at"),
        Index("ix_complaints_handler", "handler_id", "status", "due_date"),
        Index("ix_complaints_status", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # 编号 from the record kind's pattern in 系统设置 (numbers.*), like the customer number.
    number: Mapped[str] = mapped_column(String(40), nullable=False, default="", server_default="")
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="complaint")
    channel: Mapped[str] = mapped_column(String(20), nullable=False, default="")  # 电话/来访/…
    received_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    contact_name: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    customer_words: Mapped[str] = mapped_column(Text, nullable=False)  # 客户原话
    category_id: Mapped[int | None] = mapped_column(ForeignKey("code_items.id"))  # 投诉类别
    severity: Mapped[str] = mapped_column(String(10), nullable=False, default="normal")
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[date | None] = mapped_column(Date)  # 处理期限
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="received")
    handling_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    resolution: Mapped[str] = mapped_column(Text, nullable=False, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    customer_confirmation: Mapped[str] = mapped_column(Text, nullable=False, default="")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SampleRequest(TrackedMixin, SoftDeleteMixin, Base):
    __tablename__ = "sample_requests"
    __table_args__ = (
        Index("ix_sample_requests_number", "number"),
        Index("ix_sample_requests_requester", "requested_by_id", "status"),
        Index("ix_sample_requests_status", "status", "requested_at"),
        Index("ix_sample_requests_customer", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # 编号 from the record kind's pattern in 系统设置 (numbers.*), like the customer number.
    number: Mapped[str] = mapped_column(String(40), nullable=False, default="", server_default="")
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    items: Mapped[str] = mapped_column(Text, nullable=False)  # 样品/资料名称
    quantity: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    recipient: Mapped[str] = mapped_column(String(60), nullable=False)
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(300), nullable=False)
    needed_by: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="requested")
    dispatched_on: Mapped[date | None] = mapped_column(Date)
    courier: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    tracking_no: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    dispatched_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dispatch_note: Mapped[str] = mapped_column(String(200), nullable=False, default="")
