"""A session opened before its user was deactivated, demoted, moved or reset acts as the
user is now (issue 12.5): the services re-read the user with every unit of work."""

import pytest

from app.models import Role, User
from app.services.access.visibility import customer_scope
from app.services.admin import auth, users
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.customers import ownership
from tests.services.customer_fixtures import fast_passwords, make_world, register
from tests.services.helpers import PASSWORD


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    return make_world(db)


def version_of(w, user_id):
    with UnitOfWork(w.db, w.admin) as uow:
        return uow.session.get(User, user_id).version


def edit_user(w, actor, **changes):
    row = next(u for u in users.list_users(UnitOfWork(w.db, w.admin)) if u.id == actor.id)
    form = users.UserForm(row.username, row.full_name, changes.get("role", row.role),
                          changes.get("team_id", row.team_id))  # fmt: skip
    users.update_user(UnitOfWork(w.db, w.admin), actor.id, row.version, form)


def test_a_deactivated_users_open_session_can_do_nothing(world):
    w = world
    register(w, w.rep1, "甲公司")
    ownership.hand_over_book(UnitOfWork(w.db, w.admin), w.rep1.id, [w.rep2.id], "离职交接")
    users.set_active(UnitOfWork(w.db, w.admin), w.rep1.id, version_of(w, w.rep1.id), False)
    with pytest.raises(PermissionDenied, match="已被停用"):
        register(w, w.rep1, "乙公司")
    with pytest.raises(PermissionDenied, match="已被停用"), UnitOfWork(w.db, w.rep1, write=False):
        pass


def test_a_demoted_manager_can_no_longer_transfer(world):
    w = world
    cid = register(w, w.rep1, "甲公司").customer_id
    edit_user(w, w.manager, role=Role.SALES_REP)
    with pytest.raises(PermissionDenied):
        ownership.transfer(UnitOfWork(w.db, w.manager), [cid], w.rep2.id, "调整")


def test_a_rep_moved_to_another_team_acts_in_the_new_team(world):
    w = world
    other_team = w.rep3  # team 2
    with UnitOfWork(w.db, w.admin) as uow:
        team2 = uow.session.get(User, other_team.id).team_id
    edit_user(w, w.manager, team_id=team2)
    cid = register(w, w.rep1, "甲公司").customer_id  # rep1 stays in team 1
    with UnitOfWork(w.db, w.manager, write=False) as uow:
        assert uow.actor.team_id == team2
        from sqlalchemy import select

        from app.models import Customer

        seen = uow.session.scalars(select(Customer.id).where(customer_scope(uow.actor))).all()
    assert cid not in seen


def test_an_admin_reset_stops_the_open_session_until_the_password_is_changed(world):
    w = world
    users.reset_password(UnitOfWork(w.db, w.admin), w.rep1.id, "reset-pw-1", "reset-pw-1")
    with pytest.raises(PermissionDenied, match="请先修改密码"):
        register(w, w.rep1, "甲公司")
    assert auth.must_change_password(UnitOfWork(w.db, w.rep1)) is True
    auth.change_password(UnitOfWork(w.db, w.rep1), "reset-pw-1", PASSWORD + "x", PASSWORD + "x")
    assert register(w, w.rep1, "甲公司").customer_id


def test_a_deleted_users_session_is_refused(world):
    w = world
    with UnitOfWork(w.db, w.admin) as uow:
        from app.services.core import clock

        uow.session.get(User, w.rep2.id).deleted_at = clock.now()
        uow.commit()
    with pytest.raises(PermissionDenied):
        register(w, w.rep2, "丙公司")


def test_a_service_called_inside_an_open_unit_of_work_joins_it(world):
    w = world
    with UnitOfWork(w.db, w.admin) as uow:
        users.list_users(uow)  # enters the same unit of work again: no second transaction
        assert uow.session.is_active
