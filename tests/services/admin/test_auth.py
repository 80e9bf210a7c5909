from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import AuditLog, Role, User
from app.services.admin import auth
from app.services.core import settings
from app.services.core.errors import AuthError, ValidationError
from app.services.core.uow import UnitOfWork
from tests.services.helpers import PASSWORD, add_user, login, setup_admin


def _snapshot(db, username):
    with UnitOfWork(db, write=False) as uow:
        u = uow.session.scalar(select(User).where(User.username == username))
        audit = uow.session.scalar(select(func.count()).select_from(AuditLog))
        return (
            {
                c: getattr(u, c)
                for c in (
                    "password_hash",
                    "is_active",
                    "role",
                    "full_name",
                    "updated_at",
                    "last_login_at",
                )
            },
            u.failed_logins,
            audit,
        )


def test_first_run_needs_setup_and_setup_happens_once(db):
    assert auth.needs_setup(UnitOfWork(db)) is True
    admin = setup_admin(db)
    assert admin.role == Role.ADMIN
    assert auth.needs_setup(UnitOfWork(db)) is False
    assert auth.company_name(UnitOfWork(db)) == "宁夏红枸杞产业集团"
    with pytest.raises(AuthError, match="已经初始化"):
        auth.setup_first_admin(UnitOfWork(db), "X", "admin2", "某某", PASSWORD, PASSWORD)


@pytest.mark.parametrize(
    "company,username,name,pw,confirm,field",
    [
        ("", "admin", "王", PASSWORD, PASSWORD, "company_name"),
        ("公司", "", "王", PASSWORD, PASSWORD, "username"),
        ("公司", "张 三", "王", PASSWORD, PASSWORD, "username"),
        ("公司", "admin", "   ", PASSWORD, PASSWORD, "full_name"),
        ("公司", "admin", "王", "short1", "short1", "password"),
        ("公司", "admin", "王", PASSWORD, PASSWORD + "x", "password_confirm"),
        ("公司", "admin", "王", "onlyletters", "onlyletters", "password"),
    ],
)
def test_setup_rejects_bad_input_at_the_field(db, company, username, name, pw, confirm, field):
    with pytest.raises(ValidationError) as err:
        auth.setup_first_admin(UnitOfWork(db), company, username, name, pw, confirm)
    assert err.value.field == field
    assert auth.needs_setup(UnitOfWork(db)) is True


def test_login_success_is_case_insensitive_on_username(db):
    setup_admin(db)
    actor = login(db, "ADMIN")
    assert actor.username == "admin" and actor.role == Role.ADMIN


def test_unknown_user_and_wrong_password_say_so_in_chinese(db):
    setup_admin(db)
    with pytest.raises(AuthError, match="用户名或密码不正确") as unknown:
        login(db, "nobody")
    with pytest.raises(AuthError, match="用户名或密码不正确") as wrong:
        login(db, "admin", "wrong-password")
    # One message for both (no user-name probing), stating the lockout rule.
    assert (
        str(unknown.value)
        == str(wrong.value)
        == "用户名或密码不正确。连续输错 5 次，账户将被锁定 15 分钟。"
    )
    with pytest.raises(AuthError, match="请输入用户名和密码"):
        login(db, "admin", "")


def test_failed_attempt_changes_only_the_failure_counter(db):
    setup_admin(db)
    before, failures_before, audit_before = _snapshot(db, "admin")
    with pytest.raises(AuthError):
        login(db, "admin", "wrong-password")
    after, failures_after, audit_after = _snapshot(db, "admin")
    assert after == before
    assert failures_after == failures_before + 1
    assert audit_after == audit_before


def test_five_failures_lock_for_fifteen_minutes(db, fake_clock):
    admin = setup_admin(db)
    add_user(db, admin, "li")
    for _ in range(4):
        with pytest.raises(AuthError, match="用户名或密码不正确"):
            login(db, "li", "bad-password-1")
    with pytest.raises(AuthError, match="已锁定 15 分钟"):
        login(db, "li", "bad-password-1")
    # Even the right password is refused while locked.
    with pytest.raises(AuthError, match="已被锁定.*09:15"):
        login(db, "li")
    fake_clock.advance(minutes=14, seconds=59)
    with pytest.raises(AuthError, match="已被锁定"):
        login(db, "li")
    fake_clock.advance(seconds=1)
    assert login(db, "li").username == "li"


def test_lockout_numbers_come_from_settings(db, fake_clock):
    admin = setup_admin(db)
    settings.update_settings(
        UnitOfWork(db, admin),
        {"security.max_failed_logins": 2, "security.lockout_minutes": 30},
    )
    add_user(db, admin, "li")
    with pytest.raises(AuthError, match="连续输错 2 次，账户将被锁定 30 分钟"):
        login(db, "li", "bad-password-1")
    with pytest.raises(AuthError, match="已锁定 30 分钟"):
        login(db, "li", "bad-password-1")


def test_deactivated_user_cannot_log_in(db):
    from app.services.admin import users

    admin = setup_admin(db)
    uid = add_user(db, admin, "li")
    users.set_active(UnitOfWork(db, admin), uid, 1, False)
    with pytest.raises(AuthError, match="已停用"):
        login(db, "li")


def test_new_user_must_change_initial_password(db, fake_clock):
    admin = setup_admin(db)
    add_user(db, admin, "li", initial=True)
    li = login(db, "li")
    assert auth.must_change_password(UnitOfWork(db, li)) is True
    with pytest.raises(ValidationError, match="原密码不正确"):
        auth.change_password(UnitOfWork(db, li), "nope", "new-pass-99", "new-pass-99")
    with pytest.raises(ValidationError, match="不能与原密码相同"):
        auth.change_password(UnitOfWork(db, li), PASSWORD, PASSWORD, PASSWORD)
    auth.change_password(UnitOfWork(db, li), PASSWORD, "new-pass-99", "new-pass-99")
    assert auth.must_change_password(UnitOfWork(db, li)) is False
    assert login(db, "li", "new-pass-99").username == "li"
    with pytest.raises(AuthError):
        login(db, "li", PASSWORD)


def test_expired_password_must_be_changed(db, fake_clock):
    admin = setup_admin(db)
    assert auth.must_change_password(UnitOfWork(db, admin)) is False
    fake_clock.advance(days=90)
    assert auth.must_change_password(UnitOfWork(db, admin)) is True


def test_password_hash_is_argon2id(db):
    setup_admin(db)
    with UnitOfWork(db, write=False) as uow:
        h = uow.session.scalar(select(User.password_hash).where(User.username == "admin"))
    assert h.startswith("$argon2id$")
    assert PASSWORD not in h


def test_clock_fixture_restores(fake_clock):
    from app.services.core import clock

    start = clock.now()
    fake_clock.advance(days=1)
    assert clock.now() - start == timedelta(days=1)


def test_settings_read_and_update(db):
    admin = setup_admin(db)
    values = settings.read_settings(UnitOfWork(db, admin, write=False))
    assert values["company_name"] == "宁夏红枸杞产业集团"
    assert values["security.max_failed_logins"] == 5
    settings.update_settings(UnitOfWork(db, admin), {"security.lockout_minutes": "20"})
    assert settings.read_settings(UnitOfWork(db, admin))["security.lockout_minutes"] == 20
    with pytest.raises(ValidationError, match="整数"):
        settings.update_settings(UnitOfWork(db, admin), {"security.lockout_minutes": "abc"})
    with pytest.raises(ValidationError, match="之间"):
        settings.update_settings(UnitOfWork(db, admin), {"security.max_failed_logins": 0})
    with pytest.raises(ValidationError, match="公司名称不能为空"):
        settings.update_settings(UnitOfWork(db, admin), {"company_name": "  "})


def test_a_stale_settings_page_reverts_nothing(db):
    """Two admins open 系统设置; the first lowers the claim cap, the second then saves
    another rule from the stale page: the cap stays, and changing it too is refused."""
    from app.services.core.errors import ConflictError

    admin = setup_admin(db)
    first = settings.snapshot(UnitOfWork(db, admin, write=False))
    second = settings.snapshot(UnitOfWork(db, admin, write=False))
    edited = {**first.values, "pool.claim_cap": 120}
    settings.update_settings(UnitOfWork(db, admin), first.changed(edited), first.versions)
    edited = {**second.values, "security.lockout_minutes": 20}
    assert second.changed(edited) == {"security.lockout_minutes": 20}
    settings.update_settings(UnitOfWork(db, admin), second.changed(edited), second.versions)
    now = settings.read_settings(UnitOfWork(db, admin, write=False))
    assert now["pool.claim_cap"] == 120 and now["security.lockout_minutes"] == 20
    stale = {**second.values, "pool.claim_cap": 150}
    with pytest.raises(ConflictError, match="已被其他管理员改为“120”"):
        settings.update_settings(UnitOfWork(db, admin), second.changed(stale), second.versions)
    assert settings.read_settings(UnitOfWork(db, admin, write=False))["pool.claim_cap"] == 120


def test_login_bookkeeping_does_not_bump_the_version(db):
    """An admin's open copy of a user stays valid while that user logs in or fails to."""
    from app.services.admin import users

    admin = setup_admin(db)
    uid = add_user(db, admin, "li")
    version = next(u.version for u in users.list_users(UnitOfWork(db, admin)) if u.id == uid)
    login(db, "li")
    with pytest.raises(AuthError):
        login(db, "li", "bad-password-1")
    users.set_active(UnitOfWork(db, admin), uid, version, False)


def test_an_unknown_user_takes_as_long_as_a_wrong_password(db):
    import time

    setup_admin(db)

    def timed(name):
        start = time.perf_counter()
        with pytest.raises(AuthError):
            login(db, name, "wrong-password")
        return time.perf_counter() - start

    # Both hash a password (Argon2id: tens of milliseconds); before, an unknown name
    # answered in well under a millisecond.
    wrong = min(timed("admin") for _ in range(2))
    unknown = min(timed("nobody") for _ in range(2))
    assert unknown > wrong / 3


def test_the_command_line_unlocks_a_locked_out_administrator(db, fake_clock):
    setup_admin(db)
    for _ in range(5):
        with pytest.raises(AuthError):
            login(db, "admin", "wrong-password")
    with pytest.raises(AuthError, match="已被锁定"):
        login(db, "admin")
    assert auth.unlock_by_name(UnitOfWork(db), "ADMIN") is True
    assert login(db, "admin").username == "admin"
    assert auth.unlock_by_name(UnitOfWork(db), "nobody") is False
