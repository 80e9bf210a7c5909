"""附件: files attached to a customer (contracts, licences, photos of the site).

The bytes live in the database, not on a share, so every desktop on one PostgreSQL
server sees the same files. The data column is deferred: lists never load it.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, SoftDeleteMixin, TrackedMixin


class CustomerAttachment(TrackedMixin, SoftDeleteMixin, Base):
    __tablename__ = "customer_attachments"
    # The audit log records who added or removed which file, not megabytes of content.
    __audit_exclude__ = ("data",)
    __table_args__ = (Index("ix_customer_attachments_customer", "customer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)
