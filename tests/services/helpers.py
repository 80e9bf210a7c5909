"""Small builders shared by service tests."""

from __future__ import annotations

from sqlalchemy import update

from app.models import Role, User
from app.services.admin import auth, users
from app.services.core.uow import UnitOfWork

PASSWORD = "secret-123"


def setup_admin(db):
    return auth.setup_first_admin(
        UnitOfWork(db), "宁夏红枸杞产业集团", "admin", "王管理", PASSWORD, PASSWORD
    )


def add_user(
    db, admin, username, role=Role.SALES_REP, team_id=None, full_name=None, *, initial=False
):
    """A user as the admin creates one; unless `initial`, as if the user had then changed
    the initial password (the services refuse everything else until then)."""
    uid = users.create_user(
        UnitOfWork(db, admin),
        users.UserForm(username, full_name or username, role, team_id),
        PASSWORD,
        PASSWORD,
    )
    if not initial:
        passed_first_login(db, uid)
    return uid


def passed_first_login(db, user_id):
    with db.write_sessions() as s, s.begin():
        s.execute(update(User).where(User.id == user_id).values(must_change_password=False))


def login(db, username, password=PASSWORD):
    return auth.login(UnitOfWork(db), username, password)
