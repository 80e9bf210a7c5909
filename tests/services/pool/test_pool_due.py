"""The stored pool due date (customers.pool_due_at) stays equal to what the idle clock
says through every change it rests on: each kind of sales action added and removed, a
limit changed in 系统设置, a claim, a transfer, protection, a return to the pool, a class
change with per-class limits, a merge. After every step the whole table is compared with
a fresh computation of the same rule, so a path that forgets the due date fails here."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import Customer
from app.services.core.uow import UnitOfWork
from app.services.customers import followups, merging, ownership
from app.services.customers.followups import DealForm, FollowUpForm
from app.services.customers.forms import ContactForm
from app.services.customers.idle_clock import pool_due_value
from app.services.policy import classification
from app.services.pool import rules as pool
from tests.services.customer_fixtures import (
    NXH,
    fast_passwords,
    make_world,
    records_of_every_kind,
    register,
)
from tests.services.helpers import set_rules


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    return make_world(db)


def stored(w) -> dict[int, datetime | None]:
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return dict(uow.session.execute(select(Customer.id, Customer.pool_due_at)).tuples().all())


def assert_consistent(w) -> dict[int, datetime | None]:
    """Every customer's stored due date is what the rule computes now."""
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        rows = uow.session.execute(
            select(Customer.id, Customer.pool_due_at, pool_due_value()).execution_options(
                include_deleted=True
            )
        ).all()
    wrong = [(cid, have, want) for cid, have, want in rows if have != want]
    assert wrong == []
    return {cid: have for cid, have, _ in rows}


def due(w, cid) -> datetime | None:
    return stored(w)[cid]


def day(d: datetime) -> datetime:
    return d.replace(microsecond=0)


def test_due_date_follows_sales_actions_and_limit_changes(world, fake_clock):
    w = world
    registered = day(fake_clock())
    contact = ContactForm(name="马经理", mobile="13900001111", is_primary=True)
    cid = register(w, w.rep1, NXH, contacts=[contact]).customer_id
    assert due(w, cid) == registered + timedelta(days=60)  # two months (二.3)
    assert_consistent(w)

    fake_clock.advance(days=10)
    fu = followups.add_follow_up(w.uow(w.rep1), cid, FollowUpForm(content="电话沟通"))
    assert due(w, cid) == day(fake_clock()) + timedelta(days=60)
    fake_clock.advance(days=5)
    records_of_every_kind(w, cid, w.rep1, with_review=False)  # visit, deal, complaint, sample
    after_all = assert_consistent(w)[cid]
    assert after_all == day(fake_clock()) + timedelta(days=60)

    # Removing the latest action moves the date back to the one before it.
    followups.delete_follow_up(w.uow(w.rep1), fu, 1)
    assert_consistent(w)

    # A new limit (asked in 系统设置, approved by the chairman) moves every customer's
    # date (recomputed in batches right after the approval).
    set_rules(w.db, w.admin, {"pool.idle_days": 30})
    assert due(w, cid) == after_all - timedelta(days=30)
    set_rules(w.db, w.admin, {"pool.idle_by_class": 1, "pool.idle_days_A": 120})
    assert_consistent(w)
    # Per-class limits: a class change moves the date.
    classification.set_class_d(w.uow(w.manager), cid, "长期拖欠货款")
    assert due(w, cid) == after_all - timedelta(days=60) + timedelta(days=30)
    assert_consistent(w)


def test_due_date_follows_ownership_protection_and_the_pool(world, fake_clock):
    w = world
    a = register(w, w.rep1, NXH).customer_id
    b = register(w, w.rep1, "银川枸杞贸易有限公司", phone="0951-7000001").customer_id

    pool.set_protected(w.uow(w.manager), a, True)
    assert due(w, a) is None
    pool.set_protected(w.uow(w.manager), a, False)
    assert due(w, a) is not None

    fake_clock.advance(days=7)
    ownership.transfer(w.uow(w.manager), [a], w.rep2.id, "调整分工")
    assert due(w, a) == day(fake_clock()) + timedelta(days=60)  # the new owner's clock
    assert_consistent(w)

    pool.return_to_pool(w.uow(w.manager), [b], "长期无联系")
    assert due(w, b) is None
    fake_clock.advance(days=40)  # past the cool-down
    pool.claim(w.uow(w.rep2), b)
    assert due(w, b) == day(fake_clock()) + timedelta(days=60)
    assert_consistent(w)

    fake_clock.advance(days=61)
    moved = pool.sweep(UnitOfWork(w.db, w.admin)).moved
    assert sorted(moved) == sorted([a, b])
    assert stored(w)[a] is None and stored(w)[b] is None
    assert_consistent(w)


def test_a_merge_keeps_the_later_clock(world, fake_clock):
    w = world
    a = register(w, w.rep1, NXH).customer_id
    b = register(w, w.rep1, "宁夏红枸杞产业集团银川分公司", phone="0951-7000002").customer_id
    fake_clock.advance(days=20)
    followups.add_deal(w.uow(w.rep1), b, DealForm(product="枸杞原浆", amount="800"))
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        versions = tuple(uow.session.get(Customer, i).version for i in (a, b))
    merging.merge(w.uow(w.manager), a, b, {}, versions)
    assert due(w, a) == fake_clock().replace(hour=0, minute=0, second=0, microsecond=0) + (
        timedelta(days=60)
    )
    assert_consistent(w)
