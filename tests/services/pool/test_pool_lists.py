"""The pool list source: pool_scope per role, search, batch 领取/分配, the sweep preview."""

import pytest

from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from app.services.pool import rules as pool
from app.services.pool.lists import can_open, pool_source, upcoming_returns
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register

SZS = "石嘴山煤业股份有限公司"
ZGC = "北京中关村软件有限公司"


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.c1 = register(w, w.rep1, NXH, phone="0951-5012345").customer_id
    w.c2 = register(w, w.rep2, SZS).customer_id
    w.c3 = register(w, w.rep3, ZGC).customer_id  # stays with rep3
    pool.return_to_pool(UnitOfWork(w.db, w.admin), [w.c1, w.c2], "长期未跟进")
    return w


def read(w, actor):
    return UnitOfWork(w.db, actor, write=False)


def names(w, actor, query=None, source=None) -> list[str]:
    src = source or pool_source()
    ids = list_query.fetch_ids(read(w, actor), src, query or ListQuery())
    return sorted(r[1] for r in list_query.fetch_rows(read(w, actor), src, ids, ["name"]))


def test_every_sales_role_sees_the_pool_but_not_owned_customers(world):
    w = world
    for actor in (w.rep1, w.rep2, w.rep3, w.manager, w.sales_admin, w.chairman, w.admin):
        assert names(w, actor) == sorted([NXH, SZS])
    assert names(w, w.clerk) == []


def test_columns_and_search(world):
    w, src = world, pool_source()
    ids = list_query.fetch_ids(read(w, w.rep3), src, ListQuery(search="nxh"))
    (row,) = list_query.fetch_rows(read(w, w.rep3), src, ids, ["name", "pool_since", "grade"])
    assert row[1] == NXH and row[2] is not None
    assert names(w, w.rep3, ListQuery(search="5012345")) == [NXH]
    assert names(w, w.rep3, ListQuery(search="中关村")) == []  # owned by rep3: not pool


def test_claim_by_batch_action(world):
    w, src = world, pool_source(world.rep3)
    claim = next(a for a in src.batch_actions if a.key == "claim")
    assert [a.key for a in src.batch_actions] == ["claim"]  # a rep cannot assign
    assert not can_open(read(w, w.rep3), w.c1)
    result = claim.run(UnitOfWork(w.db, w.rep3), [w.c1])
    assert (result.done, result.skipped) == (1, [])
    assert names(w, w.rep1) == [SZS]
    assert can_open(read(w, w.rep3), w.c1)
    # c1 is taken now; rep2 lost c2 to the pool and is in the cool-down.
    again = claim.run(UnitOfWork(w.db, w.rep2), [w.c1, w.c2])
    assert again.done == 0 and len(again.skipped) == 2
    reasons = dict(again.skipped)
    assert "已被其他人领取" in reasons[w.c1] and "天内不能再次领取" in reasons[w.c2]
    with pytest.raises(PermissionDenied):
        claim.run(UnitOfWork(w.db, w.admin), [w.c2])


def test_assign_by_batch_action_managers_only(world):
    w = world
    src = pool_source(w.manager)
    assign = next(a for a in src.batch_actions if a.key == "assign")
    choices = dict((n, i) for i, n in assign.param[2](read(w, w.manager)))
    assert "王五" not in choices  # team 2
    result = assign.run(UnitOfWork(w.db, w.manager), [w.c1, w.c2], owner=choices["李四"])
    assert result.done == 2
    assert names(w, w.rep3) == []
    assert pool_source(w.clerk).batch_actions == []
    assert assign.param[2](read(w, w.rep1)) == []


def test_upcoming_returns_scoped(world, fake_clock):
    w = world
    fake_clock.advance(days=58)
    rows = upcoming_returns(UnitOfWork(w.db, w.admin), 7)
    assert [r.name for r in rows] == [ZGC]
    assert rows[0].owner_name == "王五" and not rows[0].overdue
    assert upcoming_returns(UnitOfWork(w.db, w.rep1), 7) == []  # not rep1's customer
    fake_clock.advance(days=3)
    (row,) = upcoming_returns(UnitOfWork(w.db, w.rep3), 0)
    assert row.overdue and row.number
    with pytest.raises(PermissionDenied):
        upcoming_returns(UnitOfWork(w.db, w.clerk), 7)
