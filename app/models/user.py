"""Users, roles and teams (a manager's team)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, SoftDeleteMixin, TrackedMixin


class Role(enum.StrEnum):
    ADMIN = "admin"
    CHAIRMAN = "chairman"
    MANAGER = "manager"
    SALES_ADMIN = "sales_admin"
    SALES_REP = "sales_rep"
    CLERK = "clerk"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "系统管理员",
    Role.CHAIRMAN: "董事长",
    Role.MANAGER: "销售主管",
    Role.SALES_ADMIN: "销售内勤",
    Role.SALES_REP: "销售人员",
    Role.CLERK: "客服文员",
}


class Team(TrackedMixin, SoftDeleteMixin, Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A team's managers are its members with the manager role; no manager column,
    # so users and teams do not reference each other in a cycle.
    name: Mapped[str] = mapped_column(String(60), nullable=False)


class User(TrackedMixin, SoftDeleteMixin, Base):
    __tablename__ = "users"
    # Login bookkeeping changes on every sign-in; it is not an edit of the user.
    __audit_exclude__ = (
        "failed_logins",
        "locked_until",
        "last_login_at",
        "name_pinyin",
        "name_initials",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    full_name: Mapped[str] = mapped_column(String(40), nullable=False)
    # Set whenever full_name is (app.services.search.user_names): pinyin search of people.
    name_pinyin: Mapped[str] = mapped_column(
        String(200), nullable=False, default="", server_default=""
    )
    name_initials: Mapped[str] = mapped_column(
        String(60), nullable=False, default="", server_default=""
    )
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="user_role",
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        nullable=False,
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(120))
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
