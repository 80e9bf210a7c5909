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


def set_rules(db, admin, values: dict) -> None:
    """Rule numbers as the office changes them (董事长负责本制度的批准): the admin asks in
    系统设置, the chairman approves; a chairman is added when the test has none."""
    from sqlalchemy import select

    from app.models import RuleChange
    from app.services.admin import rule_changes
    from app.services.core import settings

    settings.update_settings(UnitOfWork(db, admin), values)
    with UnitOfWork(db, admin, write=False) as uow:
        chair = uow.session.scalar(
            select(User.username).where(User.role == Role.CHAIRMAN, User.is_active.is_(True))
        )
        pending = uow.session.scalars(
            select(RuleChange.id).where(RuleChange.status == "pending").order_by(RuleChange.id)
        ).all()
    if chair is None:
        chair = "rules_chair"
        add_user(db, admin, chair, Role.CHAIRMAN, full_name="董事长")
    for change_id in pending:
        rule_changes.approve_rule_change(UnitOfWork(db, login(db, chair)), change_id)
    # As the approving desk does at once: the due dates follow a new idle limit.
    from app.services.customers import idle_clock

    idle_clock.finish_due_recompute(UnitOfWork(db, None))
