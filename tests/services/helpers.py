"""Small builders shared by service tests."""

from __future__ import annotations

from app.models import Role
from app.services.admin import auth, users
from app.services.core.uow import UnitOfWork

PASSWORD = "secret-123"


def setup_admin(db):
    return auth.setup_first_admin(
        UnitOfWork(db), "宁夏红枸杞产业集团", "admin", "王管理", PASSWORD, PASSWORD
    )


def add_user(db, admin, username, role=Role.SALES_REP, team_id=None, full_name=None):
    uid = users.create_user(
        UnitOfWork(db, admin),
        users.UserForm(username, full_name or username, role, team_id),
        PASSWORD,
        PASSWORD,
    )
    return uid


def login(db, username, password=PASSWORD):
    return auth.login(UnitOfWork(db), username, password)
