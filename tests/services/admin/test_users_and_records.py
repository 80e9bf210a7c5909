"""Users and teams, and the mechanisms every record uses: stamps, versions, audit, soft delete."""

import threading

import pytest
from sqlalchemy import select

from app.models import AuditLog, Role, Team, User
from app.services.admin import users
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from tests.services.helpers import add_user, login, setup_admin


def _audit(db, table, record_id):
    with UnitOfWork(db, write=False) as uow:
        return uow.session.scalars(
            select(AuditLog)
            .where(AuditLog.table_name == table, AuditLog.record_id == record_id)
            .order_by(AuditLog.id)
        ).all()


def test_only_admin_manages_users(db):
    admin = setup_admin(db)
    add_user(db, admin, "boss", Role.MANAGER)
    boss = login(db, "boss")
    with pytest.raises(PermissionDenied):
        users.list_users(UnitOfWork(db, boss))
    with pytest.raises(PermissionDenied):
        users.create_user(
            UnitOfWork(db, boss),
            users.UserForm("x1", "某", Role.SALES_REP),
            "secret-123",
            "secret-123",
        )
    with pytest.raises(PermissionDenied):
        users.reset_password(UnitOfWork(db, boss), admin.id, "secret-999", "secret-999")


def test_user_validation(db):
    admin = setup_admin(db)
    add_user(db, admin, "li")
    with pytest.raises(ValidationError, match="已被使用") as err:
        add_user(db, admin, "LI")
    assert err.value.field == "username"
    with pytest.raises(ValidationError, match="邮箱格式") as err:
        users.create_user(
            UnitOfWork(db, admin),
            users.UserForm("wang", "王五", Role.CLERK, email="wang@"),
            "secret-123",
            "secret-123",
        )
    with pytest.raises(ValidationError, match="团队不存在"):
        users.create_user(
            UnitOfWork(db, admin),
            users.UserForm("wang", "王五", Role.CLERK, team_id=999),
            "secret-123",
            "secret-123",
        )


def test_teams_and_members(db):
    admin = setup_admin(db)
    t1 = users.create_team(UnitOfWork(db, admin), "华北一组")
    add_user(db, admin, "boss", Role.MANAGER, t1, "赵主管")
    add_user(db, admin, "li", Role.SALES_REP, t1, "李四")
    [row] = users.list_teams(UnitOfWork(db, admin))
    assert (row.name, row.member_count, row.managers) == ("华北一组", 2, "赵主管")
    assert login(db, "li").team_id == t1
    with pytest.raises(ValidationError, match="已存在"):
        users.create_team(UnitOfWork(db, admin), "华北一组")
    with pytest.raises(ValidationError, match="还有 2 名成员"):
        users.delete_team(UnitOfWork(db, admin), t1, row.version)


def test_created_and_updated_stamps(db, fake_clock):
    admin = setup_admin(db)
    uid = add_user(db, admin, "li", full_name="李四")
    fake_clock.advance(hours=2)
    users.update_user(UnitOfWork(db, admin), uid, 1, users.UserForm("li", "李小四", Role.CLERK))
    with UnitOfWork(db, write=False) as uow:
        u = uow.session.get(User, uid)
        assert u.created_by_id == admin.id and u.updated_by_id == admin.id
        assert (u.updated_at - u.created_at).total_seconds() == 7200
        assert u.version == 2


def test_stale_version_is_refused_not_overwritten(db):
    """Two admins open the same user; the second save is refused with a clear conflict."""
    admin = setup_admin(db)
    uid = add_user(db, admin, "li", full_name="李四")
    copy_a = next(u for u in users.list_users(UnitOfWork(db, admin)) if u.id == uid)
    copy_b = next(u for u in users.list_users(UnitOfWork(db, admin)) if u.id == uid)
    users.update_user(
        UnitOfWork(db, admin),
        uid,
        copy_a.version,
        users.UserForm("li", "李四（A）", Role.SALES_REP),
    )
    with pytest.raises(ConflictError, match="已被其他用户修改"):
        users.update_user(
            UnitOfWork(db, admin),
            uid,
            copy_b.version,
            users.UserForm("li", "李四（B）", Role.CLERK),
        )
    now = next(u for u in users.list_users(UnitOfWork(db, admin)) if u.id == uid)
    assert (now.full_name, now.role, now.version) == ("李四（A）", Role.SALES_REP, 2)


def test_two_sessions_racing_on_one_row(db):
    """Both sessions read version 1 before either writes: the UPDATE ... WHERE version=1
    of the later one matches nothing and becomes a ConflictError, never an overwrite."""
    admin = setup_admin(db)
    tid = users.create_team(UnitOfWork(db, admin), "一组")
    read_a = UnitOfWork(db, admin, write=False).__enter__()
    read_b = UnitOfWork(db, admin, write=False).__enter__()
    team_a = read_a.session.get(Team, tid)
    team_b = read_b.session.get(Team, tid)
    assert team_a.version == team_b.version == 1
    read_a.session.expunge(team_a)  # keep the loaded copies, as a form would
    read_b.session.expunge(team_b)
    read_a.__exit__(None, None, None)
    read_b.__exit__(None, None, None)
    # Each "desktop" now saves its edit in its own transaction, from its version-1 copy.
    with UnitOfWork(db, admin) as uow:
        merged = uow.session.merge(team_a)
        merged.name = "一组（甲）"
        uow.commit()
    with pytest.raises(ConflictError), UnitOfWork(db, admin) as uow:
        merged = uow.session.merge(team_b, load=False)
        merged.name = "一组（乙）"
        uow.commit()
    [row] = users.list_teams(UnitOfWork(db, admin))
    assert (row.name, row.version) == ("一组（甲）", 2)


def test_concurrent_writers_one_row_no_lost_update(db):
    """Two threads (two connections) each bump a team name from the version they read."""
    admin = setup_admin(db)
    tid = users.create_team(UnitOfWork(db, admin), "一组")
    barrier = threading.Barrier(2)
    results = []

    def worker(name):
        try:
            barrier.wait()
            users.rename_team(UnitOfWork(db, admin), tid, 1, name)
            results.append("ok")
        except ConflictError:
            results.append("conflict")

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("甲组", "乙组")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["conflict", "ok"]
    [row] = users.list_teams(UnitOfWork(db, admin))
    assert row.version == 2 and row.name in ("甲组", "乙组")


def test_audit_records_create_update_delete_with_field_diffs(db, fake_clock):
    admin = setup_admin(db)
    tid = users.create_team(UnitOfWork(db, admin), "一组")
    fake_clock.advance(minutes=5)
    users.rename_team(UnitOfWork(db, admin), tid, 1, "二组")
    fake_clock.advance(minutes=5)
    users.delete_team(UnitOfWork(db, admin), tid, 2)
    rows = _audit(db, "teams", tid)
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert all(r.user_id == admin.id for r in rows)
    assert rows[0].changes == {"name": [None, "一组"]}
    assert rows[1].changes == {"name": ["一组", "二组"]}
    assert rows[2].changes["deleted_at"][0] is None
    assert rows[2].changes["deleted_by_id"] == [None, admin.id]
    assert (rows[2].at - rows[0].at).total_seconds() == 600


def test_audit_never_stores_password_hashes(db):
    admin = setup_admin(db)
    uid = add_user(db, admin, "li")
    users.reset_password(UnitOfWork(db, admin), uid, "another-pw-1", "another-pw-1")
    for row in _audit(db, "users", uid):
        assert "argon2" not in str(row.changes)
    assert _audit(db, "users", uid)[-1].changes["password_hash"][0] == "***"


def test_soft_deleted_rows_are_hidden_but_kept_and_restorable(db):
    admin = setup_admin(db)
    tid = users.create_team(UnitOfWork(db, admin), "一组")
    users.delete_team(UnitOfWork(db, admin), tid, 1)
    assert users.list_teams(UnitOfWork(db, admin)) == []
    with UnitOfWork(db, write=False) as uow:
        assert uow.session.scalar(select(Team).where(Team.id == tid)) is None
        kept = uow.session.scalar(
            select(Team).where(Team.id == tid).execution_options(include_deleted=True)
        )
        assert kept is not None and kept.deleted_by_id == admin.id
    with pytest.raises(NotFound):
        users.rename_team(UnitOfWork(db, admin), tid, 2, "新名")
    users.restore_team(UnitOfWork(db, admin), tid)
    assert [t.name for t in users.list_teams(UnitOfWork(db, admin))] == ["一组"]
    assert [r.action for r in _audit(db, "teams", tid)] == ["create", "delete", "restore"]


def test_cannot_remove_the_last_admin_or_deactivate_self(db):
    admin = setup_admin(db)
    with pytest.raises(ValidationError, match="不能停用自己"):
        users.set_active(UnitOfWork(db, admin), admin.id, 1, False)
    version = users.list_users(UnitOfWork(db, admin))[0].version
    with pytest.raises(ValidationError, match="至少需要保留一个"):
        users.update_user(
            UnitOfWork(db, admin),
            admin.id,
            version,
            users.UserForm("admin", "王管理", Role.CHAIRMAN),
        )


def test_reset_password_unlocks_and_forces_change(db, fake_clock):
    from app.services.admin import auth
    from app.services.core.errors import AuthError

    admin = setup_admin(db)
    uid = add_user(db, admin, "li")
    for _ in range(5):
        with pytest.raises(AuthError):
            login(db, "li", "bad-password-1")
    row = next(u for u in users.list_users(UnitOfWork(db, admin)) if u.id == uid)
    assert row.is_locked(fake_clock())
    users.reset_password(UnitOfWork(db, admin), uid, "temp-pass-1", "temp-pass-1")
    li = login(db, "li", "temp-pass-1")
    assert auth.must_change_password(UnitOfWork(db, li))


def test_user_names_store_pinyin_and_the_user_list_finds_them(db):
    from app.services.admin.lists import users_source
    from app.services.lists import query as list_query
    from app.services.lists.spec import ListQuery

    admin = setup_admin(db)
    shan = add_user(db, admin, "shanwei", full_name="单伟")
    add_user(db, admin, "lisi", full_name="李四")
    with UnitOfWork(db, write=False) as uow:
        user = uow.session.get(User, shan)
        assert sorted(user.name_initials.split()) == ["dw", "sw"]  # 单: shan and dan
        assert "shanwei" in user.name_pinyin.split()

    def found(text):
        uow = UnitOfWork(db, admin, write=False)
        ids = list_query.fetch_ids(uow, users_source(), ListQuery(search=text))
        rows = list_query.fetch_rows(
            UnitOfWork(db, admin, write=False), users_source(), ids, ["full_name"]
        )
        return sorted(r[1] for r in rows)

    assert found("sw") == found("danwei") == found("单") == ["单伟"]
    assert found("ls") == ["李四"]
    # Renaming recomputes the keys; the audit trail records the name, not the keys.
    with UnitOfWork(db, write=False) as uow:
        version = uow.session.get(User, shan).version
    form = users.UserForm("shanwei", "单丽", Role.SALES_REP, None)
    users.update_user(UnitOfWork(db, admin), shan, version, form)
    assert found("sl") == ["单丽"] and found("sw") == []
    changes = _audit(db, "users", shan)[-1].changes
    assert "full_name" in changes and "name_pinyin" not in changes


@pytest.mark.parametrize("term", ["张三", "王管理", "users", "zs", "13900"])
def test_the_audit_log_searches_any_term(db, term):
    """Issue 12.10: a search without ASCII letters lost the join to the acting user."""
    from app.services.admin.lists import audit_source
    from app.services.lists import query as list_query
    from app.services.lists.spec import ListQuery

    admin = setup_admin(db)
    add_user(db, admin, "zhang", full_name="张三")
    ids = list(list_query.fetch_ids(UnitOfWork(db, admin, write=False), audit_source(),
                                    ListQuery(search=term)))  # fmt: skip
    if term in ("王管理", "users"):  # the admin created a user: logged under 王管理, table users
        assert ids
