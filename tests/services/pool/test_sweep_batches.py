"""The pool sweep never locks the office out: it moves due customers in short batches,
each its own transaction, so another desk's save waits for one batch at most. Run on
SQLite (one writer at a time) and PostgreSQL (row locks)."""

import threading
import time

import pytest
from sqlalchemy import func, select

from app.models import Customer, OwnershipChange
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import FollowUpForm
from app.services.customers.idle_clock import refresh_pool_due
from app.services.pool import rules as pool
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register

COPIES = 4000


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    return make_world(db)


def clone(w, cid: int, n: int) -> None:
    """n more customers like `cid` (same owner and clock), written directly."""
    table = Customer.__table__
    cols = [c.name for c in table.columns if c.name != "id"]
    with w.db.engine.begin() as conn:
        row = conn.execute(select(table).where(table.c.id == cid)).mappings().one()
        conn.execute(table.insert(), [
            {**{c: row[c] for c in cols}, "number": f"T{i:08d}", "name": f"{row['name']}{i}"}
            for i in range(n)
        ])  # fmt: skip


def test_a_writer_waits_under_a_second_while_a_large_sweep_runs(world, fake_clock, monkeypatch):
    w = world
    monkeypatch.setattr(pool, "SWEEP_BATCH", 200)
    due = register(w, w.rep1, NXH).customer_id
    clone(w, due, COPIES)
    fake_clock.advance(days=55)
    busy = register(w, w.rep2, "银川枸杞贸易有限公司", phone="0951-7000001").customer_id
    with UnitOfWork(w.db, w.admin) as uow:
        refresh_pool_due(uow.session)
        uow.commit()
    fake_clock.advance(days=6)  # the clones are due (61 days); `busy` is not

    result, steps = {}, []

    def run():
        result["sweep"] = pool.sweep(
            UnitOfWork(w.db, None), progress=lambda done, total: steps.append((done, total))
        )

    sweeper = threading.Thread(target=run)
    sweeper.start()
    waits = []
    while sweeper.is_alive():
        t0 = time.perf_counter()
        followups.add_follow_up(w.uow(w.rep2), busy, FollowUpForm(content="电话沟通"))
        waits.append(time.perf_counter() - t0)
        time.sleep(0.05)  # a busy desk, not a loop that holds the lock itself
    sweeper.join()

    moved = result["sweep"].moved
    assert len(moved) == COPIES + 1
    assert len(steps) >= 2 and steps[-1] == (COPIES + 1, COPIES + 1)
    assert len(waits) >= 5, "the writer ran while the sweep did"
    assert max(waits) < 1.0, f"longest wait {max(waits):.2f} s"
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        history = uow.session.scalar(
            select(func.count()).select_from(OwnershipChange).where(OwnershipChange.kind == "回收")
        )
        assert history == COPIES + 1
        left = uow.session.scalar(
            select(func.count()).select_from(Customer).where(Customer.is_in_pool.is_(False))
        )
        assert left == 1  # only the customer followed up meanwhile


def test_the_sweep_is_resumable_and_idempotent(world, fake_clock, monkeypatch):
    """Cancelled half way, what moved stays moved; the next run finishes the rest and a
    customer followed up meanwhile stays with its owner."""
    w = world
    monkeypatch.setattr(pool, "SWEEP_BATCH", 50)
    monkeypatch.setattr(pool, "SWEEP_PAUSE_S", 0)
    monkeypatch.setattr(pool, "SWEEP_BATCH_S", 0)  # batches of exactly 50
    first = register(w, w.rep1, NXH).customer_id
    clone(w, first, 199)
    with UnitOfWork(w.db, w.admin) as uow:
        refresh_pool_due(uow.session)
        uow.commit()
    fake_clock.advance(days=61)
    batches = []
    part = pool.sweep(UnitOfWork(w.db, None), progress=lambda d, t: batches.append(d),
                      cancelled=lambda: len(batches) >= 2)  # fmt: skip
    assert len(part.moved) == 100
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        rest = uow.session.scalars(
            select(Customer.id).where(Customer.is_in_pool.is_(False)).order_by(Customer.id)
        ).all()
    assert len(rest) == 100 and not set(rest) & set(part.moved)
    kept = rest[0]
    followups.add_follow_up(w.uow(w.rep1), kept, FollowUpForm(content="上门拜访"))
    second = pool.sweep(UnitOfWork(w.db, None))
    assert sorted(second.moved) == sorted(set(rest) - {kept})
    assert pool.sweep(UnitOfWork(w.db, None)).moved == []
    fake_clock.advance(days=1)
    assert pool.sweep(UnitOfWork(w.db, None), dry_run=True).moved == []
