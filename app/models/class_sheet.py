"""《客户等级分类表》 (客户资源(暂行)管理办法 一.3, 附表二): a responsible person fills it
each month or quarter (and once a year, 年度更新), submits it to the department manager;
市场部经理 审核, 结算经理 复核, then it is filed (备案). Each row is a frozen copy of what
the class rests on, so a filed sheet reads the same whatever happens to the customer later."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TrackedMixin

SHEET_STATUS = {
    "filling": "填写中",
    "submitted": "已提交",
    "approved": "已审核",
    "filed": "已复核备案",
}
SHEET_PERIODS = {"monthly": "月度", "quarterly": "季度", "yearly": "年度更新"}


class ClassSheet(TrackedMixin, Base):
    __tablename__ = "class_sheets"
    __table_args__ = (
        # One sheet per period: two desktops opening it at once get the same sheet.
        Index("uq_class_sheets_period", "period", "period_start", unique=True),
        Index("ix_class_sheets_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10), nullable=False)  # SHEET_PERIODS
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)  # inclusive; due date
    title: Mapped[str] = mapped_column(String(40), nullable=False)  # 2026年第4季度
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="filling")
    filler_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # 审核
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # 复核
    checked_at: Mapped[datetime | None] = mapped_column(DateTime)
    filed_on: Mapped[date | None] = mapped_column(Date)  # 备案
    applied: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # classes changed
    return_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")  # last 退回
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)


class ClassSheetRow(TrackedMixin, Base):
    __tablename__ = "class_sheet_rows"
    __table_args__ = (
        Index("uq_class_sheet_rows_customer", "sheet_id", "customer_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("class_sheets.id"), nullable=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    # Copied when the sheet is opened (and refreshed while it is being filled).
    customer_number: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    customer_name: Mapped[str] = mapped_column(String(100), nullable=False)
    owner_name: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    current_class: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    computed_class: Mapped[str] = mapped_column(String(2), nullable=False)  # by the rule
    proposed_class: Mapped[str] = mapped_column(String(2), nullable=False)  # as filled in
    total_3y: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    financial_status: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    credit_level: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    basis: Mapped[str] = mapped_column(String(300), nullable=False, default="")  # 分类依据
    remark: Mapped[str] = mapped_column(String(300), nullable=False, default="")  # 备注
    # Setting or lifting D is a person's decision with a reason (一.2.3).
    d_reason: Mapped[str] = mapped_column(String(280), nullable=False, default="")
    applied: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
