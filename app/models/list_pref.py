"""Per-user list preferences: the column layout of a list, and named saved filters."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TrackedMixin


class ListPreference(TrackedMixin, Base):
    __tablename__ = "list_preferences"
    __audited__ = False  # a column width or a saved filter is not a business event
    __table_args__ = (Index("ix_list_preferences_owner", "user_id", "list_key", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    list_key: Mapped[str] = mapped_column(String(60), nullable=False)  # e.g. "customers"
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # "layout" | "filter"
    name: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
