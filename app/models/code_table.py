"""Code tables (代码表) and admin-defined extra fields (自定义字段).

A code table (地区, 行业, 职位, 客户来源 …) holds entries with a user-defined code, a name,
a sort order and an active flag. Records store the entry's id, so renaming an entry
renames it everywhere; an inactive entry stays readable on old records but is not offered.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TrackedMixin


class CodeTable(TrackedMixin, Base):
    __tablename__ = "code_tables"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)  # "region"
    name: Mapped[str] = mapped_column(String(40), nullable=False)  # "地区"
    # Built-in tables (the system relies on them) cannot be deleted; their entries can.
    is_system: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class CodeItem(TrackedMixin, Base):
    __tablename__ = "code_items"
    __table_args__ = (
        UniqueConstraint("table_id", "code", name="uq_code_items_table_code"),
        Index("ix_code_items_table_order", "table_id", "sort_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("code_tables.id"), nullable=False)
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Entries the system's logic relies on (客户类型 个人, 等级 A…) keep their code.
    is_system: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    pinyin: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    initials: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class ExtraFieldDef(TrackedMixin, Base):
    """An admin-defined customer field. Values live in customers.extra[key]."""

    __tablename__ = "extra_field_defs"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    label: Mapped[str] = mapped_column(String(40), nullable=False)
    field_type: Mapped[str] = mapped_column(String(10), nullable=False)  # text|number|date|choice
    code_table_id: Mapped[int | None] = mapped_column(ForeignKey("code_tables.id"))
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
