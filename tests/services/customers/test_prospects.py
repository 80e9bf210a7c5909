"""开发三步 (三.2.1): a prospect's three first steps are ticked on the card by those who
may change the customer; one not finished some days after registration is a reminder for
its owner, until the steps are done or the customer is developed."""

from __future__ import annotations

import pytest

from app.services.core import settings
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers import followups, prospects
from app.services.customers.followups import DealForm
from app.services.reminders import registry
from tests.services.customer_fixtures import (
    fast_passwords,
    grant_read_access,
    make_world,
    register,
)


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.cid = register(w, w.rep1).customer_id
    return w


def reminders(w, actor) -> list:
    items = registry.collect(UnitOfWork(w.db, actor, write=False)).items
    return [r for r in items if r.kind == "prospect_steps"]


def test_ticking_the_steps(world):
    w = world
    assert [s.done_at for s in prospects.prospect_steps(w.uow(w.rep1), w.cid)] == [None] * 3
    prospects.set_prospect_step(w.uow(w.rep1), w.cid, "card", True)
    prospects.set_prospect_step(w.uow(w.rep1), w.cid, "card", True)  # twice: still one
    steps = {s.step: s for s in prospects.prospect_steps(w.uow(w.manager), w.cid)}
    assert steps["card"].done_at is not None and steps["card"].by_name == "张三"
    assert steps["sample"].done_at is None
    prospects.set_prospect_step(w.uow(w.rep1), w.cid, "card", False)
    assert prospects.prospect_steps(w.uow(w.rep1), w.cid)[0].done_at is None
    with pytest.raises(ValidationError):
        prospects.set_prospect_step(w.uow(w.rep1), w.cid, "lunch", True)


def test_only_those_who_may_change_the_customer(world):
    w = world
    with pytest.raises(NotFound):
        prospects.set_prospect_step(w.uow(w.rep3), w.cid, "card", True)
    with pytest.raises(NotFound):
        prospects.prospect_steps(w.uow(w.rep3), w.cid)
    grant_read_access(w, w.rep3, w.cid)
    assert len(prospects.prospect_steps(w.uow(w.rep3), w.cid)) == 3  # may read
    with pytest.raises(PermissionDenied, match="只能查看"):
        prospects.set_prospect_step(w.uow(w.rep3), w.cid, "card", True)


def test_an_unfinished_prospect_reminds_its_owner_after_the_set_days(world, fake_clock):
    w = world
    settings.update_settings(UnitOfWork(w.db, w.admin), {"customers.prospect_days": 10})
    prospects.set_prospect_step(w.uow(w.rep1), w.cid, "card", True)
    fake_clock.advance(days=9)
    assert reminders(w, w.rep1) == []  # not due yet
    fake_clock.advance(days=1)
    [item] = reminders(w, w.rep1)
    assert "提供产品样品、介绍公司情况" in item.title and "交换名片" not in item.title
    assert item.target.record_id == w.cid
    assert reminders(w, w.rep2) == [] and reminders(w, w.sales_admin) == []
    prospects.set_prospect_step(w.uow(w.rep1), w.cid, "sample", True)
    prospects.set_prospect_step(w.uow(w.rep1), w.cid, "intro", True)
    assert reminders(w, w.rep1) == []
    other = register(w, w.rep1, "银川测试商贸有限公司").customer_id
    fake_clock.advance(days=11)
    assert [r.target.record_id for r in reminders(w, w.rep1)] == [other]
    followups.add_deal(w.uow(w.rep1), other, DealForm(product="原浆", amount="100"))
    assert reminders(w, w.rep1) == []  # developed: the first steps no longer matter
