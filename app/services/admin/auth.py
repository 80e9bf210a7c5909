"""First-run setup, login with lockout, change password."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache

from sqlalchemy import func, select, update

from app.models import Role, Setting, User
from app.services.core import clock, settings
from app.services.core.errors import AuthError, ValidationError
from app.services.core.passwords import (
    check_new_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from app.services.core.uow import Actor, UnitOfWork

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,40}$")
BAD_LOGIN = "用户名或密码不正确。"


# Compared against for a user name that does not exist, so an unknown name costs the same
# time as a wrong password and cannot be told apart from one (no user-name probing).
@cache
def _dummy_hash() -> str:
    # Made on first use, not at import: a hash costs 0.1 s, which the start-up (and the
    # login dialog) must not wait for.
    return hash_password("no such user: a dummy to compare against")


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.full_name, user.role, user.team_id)


def check_username(username: str) -> str:
    username = (username or "").strip()
    if not username:
        raise ValidationError("请输入用户名。", field="username")
    if not USERNAME_RE.match(username):
        raise ValidationError(
            "用户名只能包含字母、数字、下划线、点或减号，长度 2–40。", field="username"
        )
    return username


def check_full_name(full_name: str) -> str:
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError("请输入姓名。", field="full_name")
    if len(full_name) > 40:
        raise ValidationError("姓名不能超过 40 个字。", field="full_name")
    return full_name


def needs_setup(uow: UnitOfWork) -> bool:
    """True on first run: no user has ever been created."""
    with uow:
        count = uow.session.scalar(
            select(func.count()).select_from(User).execution_options(include_deleted=True)
        )
        return count == 0


def company_name(uow: UnitOfWork) -> str:
    with uow:
        return settings.get(uow, "company_name")


def setup_first_admin(
    uow: UnitOfWork, company: str, username: str, full_name: str, password: str, confirm: str
) -> Actor:
    """Create the company name and the first administrator. Refused once any user exists."""
    company = (company or "").strip()
    if not company:
        raise ValidationError("请输入公司名称。", field="company_name")
    if len(company) > 100:
        raise ValidationError("公司名称不能超过 100 个字。", field="company_name")
    username = check_username(username)
    full_name = check_full_name(full_name)
    check_new_password(password, confirm, settings.SPECS["security.password_min_length"].default)
    with uow:
        exists = uow.session.scalar(
            select(func.count()).select_from(User).execution_options(include_deleted=True)
        )
        if exists:
            raise AuthError("系统已经初始化，不能再次创建管理员。")
        admin = User(
            username=username,
            full_name=full_name,
            role=Role.ADMIN,
            is_active=True,
            password_hash=hash_password(password),
            password_changed_at=clock.now(),
        )
        uow.session.add(admin)
        uow.flush()
        uow.session.info["actor_id"] = admin.id
        uow.session.add(Setting(key="company_name", value=company))  # a fresh database: no row yet
        uow.commit()
        return actor_of(admin)


def login(uow: UnitOfWork, username: str, password: str) -> Actor:
    """Check the password. A failure changes nothing but the user's failure counter."""
    username = (username or "").strip()
    if not username or not password:
        raise AuthError("请输入用户名和密码。")
    with uow:
        user = uow.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if user is None:
            verify_password(_dummy_hash(), password)
            raise AuthError(_bad_login_message(uow))
        now = clock.now()
        if user.locked_until and user.locked_until > now:
            raise AuthError(
                f"该账户因多次登录失败已被锁定，请在 {user.locked_until:%H:%M} 之后重试，"
                "或请系统管理员解锁。"
            )
        if not verify_password(user.password_hash, password):
            message = _count_failure(uow, user, now)
            uow.commit()
            raise AuthError(message)
        if not user.is_active:
            raise AuthError("该账户已停用，请联系系统管理员。")
        _bookkeep(uow, user.id, failed_logins=0, locked_until=None, last_login_at=now)
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        uow.commit()
        return actor_of(user)


def _bookkeep(uow: UnitOfWork, user_id: int, **values) -> None:
    # A plain table UPDATE: login bookkeeping is not an edit of the user, so it must not
    # bump the version (an admin's open copy stays valid) nor write an audit line.
    uow.session.execute(
        update(User.__table__).where(User.__table__.c.id == user_id).values(**values)
    )


def _count_failure(uow: UnitOfWork, user: User, now) -> str:
    limit = settings.get(uow, "security.max_failed_logins")
    table = User.__table__
    # Incremented in SQL, so two desktops failing at once both count.
    failures = uow.session.execute(
        update(table)
        .where(table.c.id == user.id)
        .values(failed_logins=table.c.failed_logins + 1)
        .returning(table.c.failed_logins)
    ).scalar_one()
    if failures >= limit:
        minutes = settings.get(uow, "security.lockout_minutes")
        _bookkeep(uow, user.id, failed_logins=0, locked_until=now + timedelta(minutes=minutes))
        return f"密码连续错误 {limit} 次，账户已锁定 {minutes} 分钟。"
    return _bad_login_message(uow)


def _bad_login_message(uow: UnitOfWork) -> str:
    """The same words for an unknown user and a wrong password: the rule, not a count."""
    limit = settings.get(uow, "security.max_failed_logins")
    minutes = settings.get(uow, "security.lockout_minutes")
    return f"{BAD_LOGIN}连续输错 {limit} 次，账户将被锁定 {minutes} 分钟。"


def unlock_by_name(uow: UnitOfWork, username: str) -> bool:
    """Recovery on the machine holding the database (main.py --unlock-user): clear a user's
    lockout without logging in, e.g. when the only administrator locked themselves out.
    False when there is no such user."""
    with uow:
        user = uow.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if user is None:
            return False
        _bookkeep(uow, user.id, failed_logins=0, locked_until=None)
        uow.commit()
        return True


def must_change_password(uow: UnitOfWork) -> bool:
    """True after an admin reset, or when the password has expired."""
    uow.before_password_change = True
    with uow:
        user = uow.session.get(User, uow.actor.id)
        if user.must_change_password:
            return True
        max_age = settings.get(uow, "security.password_max_age_days")
        return bool(max_age) and user.password_changed_at + timedelta(days=max_age) <= clock.now()


def change_password(uow: UnitOfWork, old: str, new: str, confirm: str) -> None:
    """The acting user changes their own password."""
    uow.before_password_change = True
    with uow:
        user = uow.session.get(User, uow.actor.id)
        if user is None or not verify_password(user.password_hash, old or ""):
            raise ValidationError("原密码不正确。", field="old_password")
        check_new_password(new, confirm, settings.get(uow, "security.password_min_length"))
        if new == old:
            raise ValidationError("新密码不能与原密码相同。", field="password")
        user.password_hash = hash_password(new)
        user.password_changed_at = clock.now()
        user.must_change_password = False
        uow.commit()
