"""A new idle limit moves every customer's stored 回收公海 date, but not inside the
chairman's click: the approval only marks the recompute, which then runs in short
batches (each its own transaction), resumes after a cancel, restarts when the limit
changes again meanwhile, and is finished by the sweep before it moves anyone. Until
then the sweep re-checks each customer against the limits in force."""

import pytest
from sqlalchemy import select

from app.models import Customer, Setting
from app.services.core.uow import UnitOfWork
from app.services.customers import idle_clock
from app.services.pool import rules as pool
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register
from tests.services.helpers import set_rules
from tests.services.pool.test_pool_due import assert_consistent, stored
from tests.services.pool.test_sweep_batches import clone


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    return make_world(db)


def approve_without_recompute(w, monkeypatch, values) -> None:
    """The approval as the service does it, without the UI's follow-up recompute."""
    monkeypatch.setattr(idle_clock, "finish_due_recompute", lambda *a, **k: 0)
    set_rules(w.db, w.admin, values)
    monkeypatch.undo()


def pending(w) -> bool:
    return idle_clock.recompute_pending(UnitOfWork(w.db, None))


def test_the_approval_marks_and_batches_finish_it(world, fake_clock, monkeypatch):
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    clone(w, cid, 300)
    with UnitOfWork(w.db, None) as uow:
        idle_clock.refresh_pool_due(uow.session)
        uow.commit()
    before = stored(w)
    approve_without_recompute(w, monkeypatch, {"pool.idle_days": 30})
    assert pending(w)
    assert stored(w) == before  # nothing recomputed inside the approval

    monkeypatch.setattr(idle_clock, "RECOMPUTE_BATCH", 50)
    monkeypatch.setattr(idle_clock, "RECOMPUTE_BATCH_S", 0)  # keep every batch 50 ids
    monkeypatch.setattr(idle_clock, "RECOMPUTE_PAUSE_S", 0)
    # Cancelled after two batches: those stay done, the position is kept.
    steps = []
    idle_clock.finish_due_recompute(
        UnitOfWork(w.db, None), progress=lambda d, t: steps.append(d),
        cancelled=lambda: len(steps) >= 2,
    )  # fmt: skip
    assert pending(w) and len(steps) == 2
    half = stored(w)
    assert 0 < sum(half[k] != before[k] for k in before) < len(before)

    changed = idle_clock.finish_due_recompute(UnitOfWork(w.db, None))
    assert changed > 0 and not pending(w)
    assert_consistent(w)


def test_a_second_change_meanwhile_restarts_it(world, fake_clock, monkeypatch):
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    clone(w, cid, 120)
    monkeypatch.setattr(idle_clock, "RECOMPUTE_BATCH", 40)
    monkeypatch.setattr(idle_clock, "RECOMPUTE_BATCH_S", 0)
    monkeypatch.setattr(idle_clock, "RECOMPUTE_PAUSE_S", 0)
    approve_without_recompute(w, monkeypatch, {"pool.idle_days": 30})
    steps = []
    idle_clock.finish_due_recompute(
        UnitOfWork(w.db, None), progress=lambda d, t: steps.append(d),
        cancelled=lambda: len(steps) >= 2,
    )  # fmt: skip
    approve_without_recompute(w, monkeypatch, {"pool.idle_days": 45})
    with UnitOfWork(w.db, None, write=False) as uow:
        position = uow.session.scalar(
            select(Setting.value).where(Setting.key == idle_clock.RECOMPUTE_KEY)
        )
    assert position == "0"  # from the start again, under the newest limit
    idle_clock.finish_due_recompute(UnitOfWork(w.db, None))
    assert not pending(w)
    assert_consistent(w)


def test_the_sweep_finishes_the_recompute_and_rechecks_the_limit(world, fake_clock, monkeypatch):
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    later = register(w, w.rep2, "银川枸杞贸易有限公司", phone="0951-7000001").customer_id
    fake_clock.advance(days=40)
    # A longer limit approved, its recompute not done: the stored dates still say 60
    # days. Another desk's sweep must not move anyone on the old dates...
    approve_without_recompute(w, monkeypatch, {"pool.idle_days": 90})
    fake_clock.advance(days=25)  # 65 days idle: due under the old limit, not the new one
    with UnitOfWork(w.db, None) as uow:
        assert pool._move_batch(uow, [cid, later]) == []
    # ...and the sweep first brings every date to the new limit.
    assert pool.sweep(UnitOfWork(w.db, None)).moved == []
    assert not pending(w)
    assert_consistent(w)

    # A shorter limit approved, recompute pending: the sweep finishes it and moves them.
    approve_without_recompute(w, monkeypatch, {"pool.idle_days": 30})
    result = pool.sweep(UnitOfWork(w.db, None))
    assert sorted(result.moved) == sorted([cid, later])
    with UnitOfWork(w.db, None, write=False) as uow:
        assert uow.session.scalar(
            select(Customer.is_in_pool).where(Customer.id == cid)
        ) is True  # fmt: skip
