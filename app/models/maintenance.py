"""《客户维护表》 (市场部客户资源管理制度 二.3.2.2, 附表三): for every product delivered, the
after-sales contacts 1 week / 1 month / 1 quarter / 1 year after delivery, and the
市场部经理's spot checks (抽查) of the form."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TrackedMixin

SPOT_CHECK_VERDICTS = {"pass": "合格", "fail": "不合格"}


class AfterSalesContact(TrackedMixin, Base):
    """One after-delivery contact of one delivered deal. The due date, who must do it and
    whether it is done live on its 交付后回访 work-plan item; this row ties that item to
    the deal and keeps what the office writes on the form: the follow-up that answered it
    (what was done, by whom, when) and the customer's feedback."""

    __tablename__ = "after_sales_contacts"
    __table_args__ = (
        Index("ix_after_sales_contacts_deal", "deal_id", "step_days"),
        Index("ix_after_sales_contacts_customer", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), nullable=False)
    work_plan_id: Mapped[int] = mapped_column(
        ForeignKey("work_plans.id"), nullable=False, unique=True
    )
    step_days: Mapped[int] = mapped_column(Integer, nullable=False)  # 7, 30, 91, 365
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_ups.id"))
    feedback: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 客户反馈


class MaintenanceCheck(Base):
    """抽查: a 市场部经理 checked a customer's 维护表 — who, when, 合格/不合格, remark.
    Append-only: a later check is a new row, the earlier ones stay on the form."""

    __tablename__ = "maintenance_checks"
    __table_args__ = (Index("ix_maintenance_checks_customer", "customer_id", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    checked_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    verdict: Mapped[str] = mapped_column(String(10), nullable=False)  # SPOT_CHECK_VERDICTS
    remark: Mapped[str] = mapped_column(String(500), nullable=False, default="")
