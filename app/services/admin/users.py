"""User and team administration (系统设置 → 用户管理). Admin only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.models import Role, Team, User
from app.services.admin._internal import owned_customers, still_owns
from app.services.admin.auth import check_full_name, check_username
from app.services.core import clock, settings
from app.services.core._internal import load_row
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.passwords import check_new_password, hash_password
from app.services.core.uow import UnitOfWork


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    full_name: str
    role: Role
    team_id: int | None
    team_name: str
    phone: str
    email: str
    is_active: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    version: int

    @property
    def role_label(self) -> str:
        return self.role.label

    def is_locked(self, now: datetime) -> bool:
        return bool(self.locked_until and self.locked_until > now)


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    member_count: int
    managers: str
    version: int


@dataclass
class UserForm:
    username: str
    full_name: str
    role: Role
    team_id: int | None = None
    phone: str = ""
    email: str = ""


def _require_admin(uow: UnitOfWork) -> None:
    if uow.actor is None or uow.actor.role != Role.ADMIN:
        raise PermissionDenied("只有系统管理员可以管理用户和团队。")


def _load(uow: UnitOfWork, model, record_id: int, expected_version: int | None, what: str):
    stmt = select(model).where(model.id == record_id)
    return load_row(uow, stmt, expected_version, f"{what}不存在或已被删除。")


def _check_form(uow: UnitOfWork, form: UserForm, user_id: int | None) -> UserForm:
    username = check_username(form.username)
    full_name = check_full_name(form.full_name)
    try:
        role = Role(form.role)
    except ValueError:
        raise ValidationError("请选择角色。", field="role") from None
    taken = uow.session.scalar(
        select(User.id)
        .where(func.lower(User.username) == username.lower())
        .execution_options(include_deleted=True)
    )
    if taken is not None and taken != user_id:
        raise ValidationError(f"用户名“{username}”已被使用。", field="username")
    if form.team_id is not None and uow.session.get(Team, form.team_id) is None:
        raise ValidationError("所选团队不存在。", field="team_id")
    email = (form.email or "").strip()
    if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
        raise ValidationError("邮箱格式不正确。", field="email")
    return UserForm(username, full_name, role, form.team_id, (form.phone or "").strip(), email)


def list_users(uow: UnitOfWork) -> list[UserRow]:
    _require_admin(uow)
    with uow:
        rows = uow.session.execute(
            select(User, Team.name).outerjoin(Team, User.team_id == Team.id).order_by(User.id)
        ).all()
        return [
            UserRow(
                u.id,
                u.username,
                u.full_name,
                u.role,
                u.team_id,
                team or "",
                u.phone or "",
                u.email or "",
                u.is_active,
                u.locked_until,
                u.last_login_at,
                u.version,
            )
            for u, team in rows
        ]


def create_user(uow: UnitOfWork, form: UserForm, password: str, confirm: str) -> int:
    """A new user must change the initial password at first login."""
    _require_admin(uow)
    with uow:
        form = _check_form(uow, form, None)
        check_new_password(password, confirm, settings.get(uow, "security.password_min_length"))
        user = User(
            username=form.username,
            full_name=form.full_name,
            role=form.role,
            team_id=form.team_id,
            phone=form.phone or None,
            email=form.email or None,
            is_active=True,
            password_hash=hash_password(password),
            password_changed_at=clock.now(),
            must_change_password=True,
        )
        uow.session.add(user)
        uow.commit()
        return user.id


def update_user(uow: UnitOfWork, user_id: int, expected_version: int, form: UserForm) -> None:
    _require_admin(uow)
    with uow:
        user = _load(uow, User, user_id, expected_version, "用户")
        form = _check_form(uow, form, user_id)
        if user.role == Role.ADMIN and form.role != Role.ADMIN:
            _keep_one_admin(uow, user_id)
        user.username, user.full_name, user.role = form.username, form.full_name, form.role
        user.team_id, user.phone, user.email = form.team_id, form.phone or None, form.email or None
        uow.commit()


def _keep_one_admin(uow: UnitOfWork, leaving_id: int) -> None:
    others = uow.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.is_active.is_(True), User.id != leaving_id)
    )
    if not others:
        raise ValidationError("系统至少需要保留一个启用的系统管理员。")


def owned_customer_count(uow: UnitOfWork, user_id: int) -> int:
    """How many customers a user owns (停用 waits until they are handed over)."""
    _require_admin(uow)
    with uow:
        return owned_customers(uow, user_id)


def set_active(uow: UnitOfWork, user_id: int, expected_version: int, active: bool) -> None:
    _require_admin(uow)
    if not active and user_id == uow.actor.id:
        raise ValidationError("不能停用自己的账户。")
    with uow:
        user = _load(uow, User, user_id, expected_version, "用户")
        if not active and user.role == Role.ADMIN:
            _keep_one_admin(uow, user_id)
        if not active and (count := owned_customers(uow, user_id)):
            raise ValidationError(still_owns(count), field="owned_customers")
        user.is_active = active
        uow.commit()


def reset_password(uow: UnitOfWork, user_id: int, password: str, confirm: str) -> None:
    """Admin sets a temporary password; the user must change it at next login. Unlocks."""
    _require_admin(uow)
    with uow:
        user = _load(uow, User, user_id, None, "用户")
        check_new_password(password, confirm, settings.get(uow, "security.password_min_length"))
        user.password_hash = hash_password(password)
        user.password_changed_at = clock.now()
        user.must_change_password = True
        user.failed_logins = 0
        user.locked_until = None
        uow.commit()


def unlock(uow: UnitOfWork, user_id: int) -> None:
    _require_admin(uow)
    with uow:
        user = _load(uow, User, user_id, None, "用户")
        user.failed_logins = 0
        user.locked_until = None
        uow.commit()


# --- teams -----------------------------------------------------------------


def list_teams(uow: UnitOfWork) -> list[TeamRow]:
    with uow:
        teams = uow.session.scalars(select(Team).order_by(Team.name)).all()
        members = uow.session.execute(
            select(User.team_id, User.full_name, User.role).where(User.team_id.is_not(None))
        ).all()
        out = []
        for t in teams:
            mine = [m for m in members if m.team_id == t.id]
            managers = "、".join(m.full_name for m in mine if m.role == Role.MANAGER)
            out.append(TeamRow(t.id, t.name, len(mine), managers, t.version))
        return out


def _check_team_name(uow: UnitOfWork, name: str, team_id: int | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError("请输入团队名称。", field="name")
    if len(name) > 60:
        raise ValidationError("团队名称不能超过 60 个字。", field="name")
    taken = uow.session.scalar(select(Team.id).where(Team.name == name))
    if taken is not None and taken != team_id:
        raise ValidationError(f"团队“{name}”已存在。", field="name")
    return name


def create_team(uow: UnitOfWork, name: str) -> int:
    _require_admin(uow)
    with uow:
        team = Team(name=_check_team_name(uow, name, None))
        uow.session.add(team)
        uow.commit()
        return team.id


def rename_team(uow: UnitOfWork, team_id: int, expected_version: int, name: str) -> None:
    _require_admin(uow)
    with uow:
        team = _load(uow, Team, team_id, expected_version, "团队")
        team.name = _check_team_name(uow, name, team_id)
        uow.commit()


def delete_team(uow: UnitOfWork, team_id: int, expected_version: int) -> None:
    """Soft delete; refused while the team still has members."""
    _require_admin(uow)
    with uow:
        team = _load(uow, Team, team_id, expected_version, "团队")
        members = uow.session.scalar(
            select(func.count()).select_from(User).where(User.team_id == team_id)
        )
        if members:
            raise ValidationError(f"团队“{team.name}”还有 {members} 名成员，请先调整成员再删除。")
        team.deleted_at = clock.now()
        uow.commit()


def restore_team(uow: UnitOfWork, team_id: int) -> None:
    _require_admin(uow)
    with uow:
        team = uow.session.scalar(
            select(Team).where(Team.id == team_id).execution_options(include_deleted=True)
        )
        if team is None or team.deleted_at is None:
            raise NotFound("该团队不在回收站中。")
        team.deleted_at = None
        team.deleted_by_id = None
        team.name = _check_team_name(uow, team.name, team_id)
        uow.commit()
