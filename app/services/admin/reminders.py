"""Reminders about accounts: your password is about to expire; (admin) locked users."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models import Role, RuleChange, User
from app.services.access import roles
from app.services.core import clock, settings
from app.services.reminders.engine import Reminder, Severity, Target, provider


@provider("password", "密码到期")
def password_expiry(uow):
    max_age = settings.get(uow, "security.password_max_age_days")
    warn = settings.get(uow, "security.password_warn_days")
    user = uow.session.get(User, uow.actor.id)
    now = clock.now()
    if user.must_change_password:
        yield Reminder(
            "password",
            "管理员已重置您的密码，请立即修改",
            now,
            Severity.URGENT,
            Target("own_password", user.id),
        )
        return
    if not max_age:
        return
    expires = user.password_changed_at + timedelta(days=max_age)
    if expires - timedelta(days=warn) > now:
        return
    days = (expires.date() - now.date()).days
    if days < 0:
        title, sev = f"您的登录密码已于 {expires:%Y-%m-%d} 过期，请修改", Severity.URGENT
    else:
        title = f"您的登录密码将在 {days} 天后（{expires:%Y-%m-%d}）过期，请及时修改"
        sev = Severity.WARNING if days > 3 else Severity.URGENT
    yield Reminder("password", title, expires, sev, Target("own_password", user.id))


@provider("locked_user", "账户锁定")
def locked_users(uow):
    if uow.actor.role != Role.ADMIN:
        return
    now = clock.now()
    for user in uow.session.scalars(
        select(User).where(User.locked_until > now).order_by(User.locked_until)
    ):
        yield Reminder(
            "locked_user",
            f"用户 {user.full_name}（{user.username}）因多次登录失败被锁定",
            user.locked_until,
            Severity.WARNING,
            Target("user", user.id),
            detail=f"锁定至 {user.locked_until:%Y-%m-%d %H:%M}，可在“用户管理”中解锁。",
        )


@provider("rule_change", "规则修改待批准")
def pending_rule_changes(uow):
    """董事长负责本制度的批准: each rule number the admin changed waits for the chairman."""
    if uow.actor.role not in roles.APPROVES_RULE_CHANGES:
        return
    q = select(RuleChange).where(RuleChange.status == "pending").order_by(RuleChange.id)
    for c in uow.session.scalars(q):
        spec = settings.SPECS.get(c.key)
        yield Reminder(
            "rule_change",
            f"规则修改待批准：“{spec.label if spec else c.key}”由 {c.old_value} 改为 {c.new_value}",
            c.created_at,
            Severity.WARNING,
            Target("rule_change", c.id),
        )
