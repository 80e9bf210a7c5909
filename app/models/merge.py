"""合并客户 (issue 20): likely duplicates found in the archive, pairs marked 不是重复, a
rep's proposal to merge two customers, and every merge with what it moved (for undo)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TrackedMixin


class DuplicatePair(Base):
    """疑似重复客户: two live customers the last search found alike (a_id < b_id), and why.
    Recomputed as a whole by each search; shown to each user within their scope."""

    __tablename__ = "duplicate_pairs"
    __table_args__ = (
        Index("uq_duplicate_pairs_pair", "a_id", "b_id", unique=True),
        Index("ix_duplicate_pairs_b", "b_id"),
        Index("ix_duplicate_pairs_score", "score", "id"),  # the list's order
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    b_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    reasons: Mapped[str] = mapped_column(String(300), nullable=False)  # 匹配原因
    score: Mapped[int] = mapped_column(Integer, nullable=False)  # 相似度 0–100
    found_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class DuplicateDismissal(Base):
    """不是重复: a pair someone checked; the search never proposes it again."""

    __tablename__ = "duplicate_dismissals"
    __table_args__ = (Index("uq_duplicate_dismissals_pair", "a_id", "b_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    b_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class MergeProposal(TrackedMixin, Base):
    """合并申请: a rep proposes merging `removed` into `kept`; the sales admin (or a
    manager, or the admin) merges or rejects it."""

    __tablename__ = "merge_proposals"
    __table_args__ = (Index("ix_merge_proposals_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    removed_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    reason: Mapped[str] = mapped_column(String(500), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")


class CustomerMerge(Base):
    """One merge: `removed` went into `kept`. `moved` names every row that changed
    customer ({table: [ids]}), `kept_before` / `removed_before` are both records' values
    before, and the versions after, so the admin can undo it while neither changed."""

    __tablename__ = "customer_merges"
    __table_args__ = (
        Index("ix_customer_merges_kept", "kept_id"),
        Index("ix_customer_merges_removed", "removed_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    removed_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moved: Mapped[dict] = mapped_column(JSON, nullable=False)
    changed: Mapped[dict] = mapped_column(JSON, nullable=False)  # other rows' columns before
    kept_before: Mapped[dict] = mapped_column(JSON, nullable=False)
    removed_before: Mapped[dict] = mapped_column(JSON, nullable=False)
    kept_version: Mapped[int] = mapped_column(Integer, nullable=False)
    removed_version: Mapped[int] = mapped_column(Integer, nullable=False)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
