"""Declarative base and the mixins every business record uses.

Mixins give each record: who/when created and updated, a version column that
SQLAlchemy checks on every UPDATE (optimistic locking), and soft delete.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class TrackedMixin:
    """created/updated by and at, plus a version number for optimistic locking."""

    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    # Plain ids, not foreign keys: users are never hard-deleted, and a foreign key
    # from every table to users would make users <-> teams a cycle.
    created_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        # UPDATE ... WHERE version = :old; zero rows matched -> StaleDataError.
        return {"version_id_col": cls.version}


class SoftDeleteMixin:
    """A deleted row stays in the table (for audit and undo) but is hidden from queries."""

    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    deleted_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
