import pytest

from app.services.admin import auth, users
from app.services.core.errors import AuthError, PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.reminders import registry as reminders
from app.services.reminders.engine import Reminder, Severity, Target, provider
from tests.services.helpers import PASSWORD, add_user, login, setup_admin


def test_no_reminders_for_a_fresh_admin(db):
    admin = setup_admin(db)
    result = reminders.collect(UnitOfWork(db, admin, write=False))
    assert result.items == [] and result.failures == []


def test_password_expiry_warns_then_urges(db, fake_clock):
    admin = setup_admin(db)
    fake_clock.advance(days=75)  # 90-day validity, warned from 14 days before
    assert reminders.collect(UnitOfWork(db, admin, write=False)).items == []
    fake_clock.advance(days=1)
    [item] = reminders.collect(UnitOfWork(db, admin, write=False)).items
    assert item.kind == "password" and item.severity == Severity.WARNING
    assert "14 天后" in item.title and item.target == Target("own_password", admin.id)
    fake_clock.advance(days=20)
    [item] = reminders.collect(UnitOfWork(db, admin, write=False)).items
    assert "已于" in item.title and item.severity == Severity.URGENT


def test_reset_password_reminder_and_locked_user_for_admin_only(db, fake_clock):
    admin = setup_admin(db)
    uid = add_user(db, admin, "li", full_name="李四", initial=True)
    for _ in range(5):
        with pytest.raises(AuthError):
            login(db, "li", "bad-password-1")
    items = reminders.collect(UnitOfWork(db, admin, write=False)).items
    assert [(i.kind, i.target) for i in items] == [("locked_user", Target("user", uid))]
    assert "李四" in items[0].title
    # li must change the initial password before anything else; li never sees other
    # users' lockouts.
    fake_clock.advance(minutes=20)
    li = login(db, "li")
    with pytest.raises(PermissionDenied, match="请先修改密码"):
        reminders.collect(UnitOfWork(db, li, write=False))
    auth.change_password(UnitOfWork(db, li), PASSWORD, "new-pass-99", "new-pass-99")
    assert reminders.collect(UnitOfWork(db, li, write=False)).items == []
    users.unlock(UnitOfWork(db, admin), uid)


def test_items_sorted_by_due_and_a_broken_provider_does_not_hide_others(db, fake_clock):
    admin = setup_admin(db)
    now = fake_clock()

    @provider("test_ok", "测试")
    def ok(uow):
        from datetime import timedelta

        yield Reminder("test_ok", "后", now + timedelta(days=2), Severity.INFO, Target("x", 1))
        yield Reminder("test_ok", "先", now + timedelta(days=1), Severity.INFO, Target("x", 2))

    @provider("test_broken", "坏的")
    def broken(uow):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    providers = (*reminders.PROVIDERS, ok, broken)
    result = reminders.collect(UnitOfWork(db, admin, write=False), providers)
    assert [i.title for i in result.items] == ["先", "后"]
    assert result.failures == ["坏的"]
    assert result.items[0].kind_label == "测试"


def test_the_registry_lists_every_provider_once():
    kinds = [fn.reminder_kind for fn in reminders.PROVIDERS]
    assert len(kinds) == len(set(kinds))
    assert {"password", "locked_user", "maintenance", "pool_return"} <= set(kinds)
