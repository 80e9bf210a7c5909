"""业绩归属 (4.4.3, 二.2, 二.4): a deal is the rep's when the customer was developed in its
window and reported (核对); the department's when it was never reported, swapped without
the director's approval, or not developed in time. Stored with the deal, in the lists."""

from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import select

from app.models import Deal
from app.services.core import settings
from app.services.core.migrations import alembic_config
from app.services.core.uow import UnitOfWork
from app.services.customers import followups, ownership, registration, transfers
from app.services.customers.followup_lists import deals_source
from app.services.customers.followups import DealForm
from app.services.lists import query as list_query
from app.services.lists import summaries
from app.services.lists.spec import ListQuery
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.clock = fake_clock
    w.cid = register(w, w.rep1, NXH).customer_id
    return w


def u(w, actor):
    return UnitOfWork(w.db, actor)


def deal(w, actor, cid, amount="1000"):
    return followups.add_deal(u(w, actor), cid, DealForm(product="枸杞原浆", amount=amount))


def attribution(w, deal_id):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        d = uow.session.get(Deal, deal_id)
        return d.attribution, d.attribution_reason


def verify(w, cid):
    registration.verify_registrations(u(w, w.sales_admin), [cid])


def test_unreported_customer_is_the_departments_until_checked(world):
    w = world
    d = deal(w, w.rep1, w.cid)
    assert attribution(w, d) == ("dept", "客户未报销售内勤核对（二.4）")
    row = followups.list_deals(u(w, w.rep1), w.cid)[0]
    assert (row.attribution, row.attribution_reason) == ("归部门", "客户未报销售内勤核对（二.4）")
    verify(w, w.cid)  # reported late: the deal is the rep's now
    assert attribution(w, d) == ("rep", "开发期内开发成功（4.4.3）")
    assert attribution(w, deal(w, w.rep1, w.cid)) == ("rep", "开发期内开发成功（4.4.3）")


def test_a_swap_without_approval_is_the_departments(world):
    w = world
    verify(w, w.cid)
    deal(w, w.rep1, w.cid)
    ownership.transfer(u(w, w.sales_admin), [w.cid], w.rep2.id, "两人私下换的")
    assert attribution(w, deal(w, w.rep2, w.cid)) == ("dept", "客户未经市场总监批准调换（二.2）")
    ownership.transfer(u(w, w.manager), [w.cid], w.rep1.id, "主管调整")
    assert attribution(w, deal(w, w.rep1, w.cid))[0] == "rep"


def test_an_executed_transfer_request_keeps_the_rep_credited(world):
    w = world
    verify(w, w.cid)
    settings.update_settings(u(w, w.admin), {"pool.market_directors": "boss1"})
    rid = transfers.request_transfer(u(w, w.rep1), [w.cid], w.rep2.id, "区域调整")
    transfers.agree_transfer(u(w, w.rep2), rid)
    transfers.execute_transfer(u(w, w.manager), rid)
    assert attribution(w, deal(w, w.rep2, w.cid)) == ("rep", "开发期内开发成功（4.4.3）")


def test_not_developed_within_the_window_is_the_departments(world):
    w = world
    verify(w, w.cid)
    w.clock.advance(days=200)  # past the 6-month window without a deal
    assert attribution(w, deal(w, w.rep1, w.cid)) == ("dept", "开发期限内未开发成功（4.4.3）")


def test_deal_list_credits_the_department(world):
    w = world
    verify(w, w.cid)
    other = register(w, w.rep1, "银川枸杞贸易有限公司").customer_id  # not checked
    deal(w, w.rep1, w.cid, "3000")
    deal(w, w.rep1, other, "500")
    uow = UnitOfWork(w.db, w.chairman, write=False)
    s = summaries.summarize(uow, deals_source(), ListQuery(), ["credited"])
    assert sorted((r.labels, r.sums["amount"]) for r in s.rows) == [
        (("张三",), Decimal("3000")), (("部门",), Decimal("500"))]  # fmt: skip
    src, keys = deals_source(), ["credited", "attribution", "attribution_reason"]
    ids = list_query.fetch_ids(UnitOfWork(w.db, w.chairman, write=False), src, ListQuery())
    rows = list_query.fetch_rows(UnitOfWork(w.db, w.chairman, write=False), src, ids, keys)
    assert sorted(r[1:] for r in rows) == [
        ("张三", "rep", "开发期内开发成功（4.4.3）"),
        ("部门", "dept", "客户未报销售内勤核对（二.4）"),
    ]
    assert src.column("attribution").display("dept") == "归部门"


def test_migration_backfills_existing_deals(world):
    w = world
    verify(w, w.cid)
    swapped = register(w, w.rep1, "银川枸杞贸易有限公司").customer_id
    verify(w, swapped)
    unchecked = register(w, w.rep1, "石嘴山枸杞合作社").customer_id
    ownership.transfer(u(w, w.sales_admin), [swapped], w.rep2.id, "私下调换")
    ids = [deal(w, w.rep1, w.cid), deal(w, w.rep2, swapped), deal(w, w.rep1, unchecked)]
    expected = [attribution(w, i) for i in ids]
    assert [a for a, _r in expected] == ["rep", "dept", "dept"]
    with w.db.engine.begin() as conn:
        cfg = alembic_config(w.db.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0015")
        command.upgrade(cfg, "head")
    assert [attribution(w, i) for i in ids] == expected
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert len(uow.session.scalars(select(Deal)).all()) == 3
