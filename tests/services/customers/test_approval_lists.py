"""The approval queues as list sources: who sees which requests, and what is named."""

from datetime import timedelta

import pytest

from app.services.core import clock
from app.services.core.uow import UnitOfWork
from app.services.customers import grants
from app.services.customers.approval_lists import change_requests_source, grants_source
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register


@pytest.fixture
def world(db, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.cid = register(w, w.rep1, NXH).customer_id
    until = clock.now() + timedelta(days=3)
    grants.request_grant(UnitOfWork(db, w.rep3), "协助跟进", until, customer_id=w.cid)
    grants.request_grant(UnitOfWork(db, w.rep2), "看看", until, book_owner_id=w.rep1.id)
    return w


def rows(w, actor, source, keys):
    ids = list_query.fetch_ids(UnitOfWork(w.db, actor, write=False), source, ListQuery())
    return [
        r[1:]
        for r in list_query.fetch_rows(UnitOfWork(w.db, actor, write=False), source, ids, keys)
    ]


def test_grant_queue_scope_and_naming(world):
    w = world
    keys = ["requester", "target", "status"]
    assert rows(w, w.rep3, grants_source(w.rep3), keys) == [
        ("王五", f"客户（编号 {w.cid}）", "pending")  # rep3 may not see the customer yet
    ]
    chair = sorted(rows(w, w.chairman, grants_source(w.chairman), keys))
    assert chair == [("李四", "张三 的全部客户", "pending"), ("王五", NXH, "pending")]
    assert rows(w, w.rep1, grants_source(w.rep1), keys) == []


def test_change_request_queue_scope(world):
    from app.services.core import settings
    from app.services.customers.card import get_customer
    from app.services.customers.updates import update_customer

    w = world
    settings.update_settings(UnitOfWork(w.db, w.admin), {"customers.change_approval": 1})
    version = get_customer(UnitOfWork(w.db, w.rep1), w.cid).version
    result = update_customer(UnitOfWork(w.db, w.rep1), w.cid, version, {"phone": "0951-5099999"})
    assert result.pending
    keys = ["requester", "customer", "status"]
    assert rows(w, w.sales_admin, change_requests_source(), keys) == [("张三", NXH, "pending")]
    assert rows(w, w.rep1, change_requests_source(), keys) == [("张三", NXH, "pending")]
    assert rows(w, w.rep2, change_requests_source(), keys) == []
