"""客户回访 (the seed's visit workflow): 《客户回访计划》 → 预约 → 《客户回访记录表》 →
《客户回访报告》 → 主管领导审阅 (处理意见) → 文员归档.

A plan is one customer's visit; it may have several visitors. A record always belongs
to a plan (a record without one creates an ad-hoc plan). A report compiles one or more
records of its author and moves draft → submitted → approved/returned → archived.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, SoftDeleteMixin, TrackedMixin

# Plan status: 计划 → 已预约 → 已完成 / 已取消.
PLAN_STATUS = {"planned": "计划", "appointed": "已预约", "done": "已完成", "cancelled": "已取消"}
# Report status: 草稿 → 待审阅 → 已审阅 (approved) / 已退回 (returned, back to the author)
# → 已归档.
REPORT_STATUS = {
    "draft": "草稿",
    "submitted": "待审阅",
    "returned": "已退回",
    "approved": "待归档",
    "archived": "已归档",
}


class VisitPlan(TrackedMixin, SoftDeleteMixin, Base):
    """《客户回访计划》: one customer, a planned date range, purpose, content, method."""

    __tablename__ = "visit_plans"
    __table_args__ = (
        Index("ix_visit_plans_number", "number"),
        Index("ix_visit_plans_customer", "customer_id", "planned_from"),
        Index("ix_visit_plans_owner", "owner_id", "status", "planned_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # 编号 from the record kind's pattern in 系统设置 (numbers.*), like the customer number.
    number: Mapped[str] = mapped_column(String(40), nullable=False, default="", server_default="")
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)  # 负责人
    planned_from: Mapped[date] = mapped_column(Date, nullable=False)
    planned_to: Mapped[date] = mapped_column(Date, nullable=False)  # the step's due date
    purpose: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 目的
    content: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 内容
    method_id: Mapped[int | None] = mapped_column(ForeignKey("code_items.id"))  # 回访方式
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="planned")
    appointment_at: Mapped[datetime | None] = mapped_column(DateTime)  # 预约拜访时间
    appointment_place: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    appointment_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    ad_hoc: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    cancel_reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    remarks: Mapped[str] = mapped_column(Text, nullable=False, default="")


class VisitPlanVisitor(Base):
    """The people who go (回访人员); the plan's owner is always one of them."""

    __tablename__ = "visit_plan_visitors"

    plan_id: Mapped[int] = mapped_column(ForeignKey("visit_plans.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class VisitRecord(TrackedMixin, SoftDeleteMixin, Base):
    """《客户回访记录表》, filled by a visitor after the visit."""

    __tablename__ = "visit_records"
    __table_args__ = (
        Index("ix_visit_records_number", "number"),
        Index("ix_visit_records_plan", "plan_id"),
        Index("ix_visit_records_customer", "customer_id", "visited_at"),
        Index("ix_visit_records_visitor", "visitor_id", "visited_at"),
        Index("ix_visit_records_report", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # 编号 from the record kind's pattern in 系统设置 (numbers.*), like the customer number.
    number: Mapped[str] = mapped_column(String(40), nullable=False, default="", server_default="")
    plan_id: Mapped[int] = mapped_column(ForeignKey("visit_plans.id"), nullable=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    visited_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    place: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    people_met: Mapped[str] = mapped_column(String(200), nullable=False, default="")  # 接待人
    needs: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 客户需求
    service_opinion: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 售后意见
    satisfaction: Mapped[int | None] = mapped_column(Integer)  # 1–5
    problems: Mapped[str] = mapped_column(Text, nullable=False, default="")
    actions: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 约定事项
    next_visit_date: Mapped[date | None] = mapped_column(Date)
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_ups.id"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("visit_reports.id"))


class VisitReport(TrackedMixin, SoftDeleteMixin, Base):
    """《客户回访报告》: the author's 主要结论 over the records, the supervisor's 处理意见,
    then the clerk's 归档 under a category."""

    __tablename__ = "visit_reports"
    __table_args__ = (
        Index("ix_visit_reports_number", "number"),
        Index("ix_visit_reports_author", "author_id", "status"),
        Index("ix_visit_reports_reviewer", "reviewer_id", "status"),
        Index("ix_visit_reports_status", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # 编号 from the record kind's pattern in 系统设置 (numbers.*), like the customer number.
    number: Mapped[str] = mapped_column(String(40), nullable=False, default="", server_default="")
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    conclusions: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 主要结论
    suggestions: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 改进建议
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # 主管领导
    review_due: Mapped[date | None] = mapped_column(Date)
    review_comments: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 处理意见
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    archive_due: Mapped[date | None] = mapped_column(Date)
    archive_category_id: Mapped[int | None] = mapped_column(ForeignKey("code_items.id"))
    archive_note: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
