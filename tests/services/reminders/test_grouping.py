"""Many reminders of one kind become one line with the count, whose target is exactly
those customers; the customer list narrowed to that set shows them and nothing else
(and nothing a user may not see). Reading reminders never waits for the write lock."""

import threading
import time

import pytest
from sqlalchemy import select

from app.models import Customer
from app.services.core.uow import UnitOfWork
from app.services.customers.lists import customers_source
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from app.services.reminders import registry as reminders
from app.services.reminders.engine import GROUP_OVER
from tests.services.customer_fixtures import fast_passwords, make_world, register


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    return make_world(db)


def deadline_items(w, actor):
    return [r for r in reminders.collect(UnitOfWork(w.db, actor)).items if r.kind == "dev_deadline"]


def ids_shown(w, actor, q: ListQuery) -> set[int]:
    return set(list_query.fetch_ids(UnitOfWork(w.db, actor, write=False), customers_source(), q))


def test_many_items_of_a_kind_become_one_line_drilling_to_exactly_them(world, fake_clock):
    w = world
    mine = [register(w, w.rep1, f"银川第{i}号枸杞商行", phone=f"0951-60000{i:02d}").customer_id
            for i in range(GROUP_OVER + 3)]  # fmt: skip
    few = [register(w, w.rep2, f"中卫第{i}号枸杞商行", phone=f"0955-60000{i:02d}").customer_id
           for i in range(2)]  # fmt: skip
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        deadline = uow.session.get(Customer, mine[0]).dev_deadline
    fake_clock.advance(days=(deadline - fake_clock().date()).days - 10)

    [line] = deadline_items(w, w.rep1)
    assert line.target.entity == "customer" and set(line.target.ids) == set(mine)
    assert line.title == f"开发期限：{len(mine)} 位客户" and "最早一项" in line.detail
    # A handful stay listed one by one.
    assert sorted(r.target.record_id for r in deadline_items(w, w.rep2)) == sorted(few)

    q = ListQuery(rows=line.target.ids, rows_label="待办提醒：开发期限")
    assert ids_shown(w, w.rep1, q) == set(mine)
    assert "待办提醒：开发期限（8 条）" in q.describe(customers_source())
    # The set is a narrowing, never a grant: another rep sees none of them.
    assert ids_shown(w, w.rep2, q) == set()
    assert ListQuery.from_dict(q.to_dict()) == q


def test_reading_reminders_does_not_wait_for_a_writer(world, fake_clock):
    """Another desk holds the write lock (a long save or a sweep batch); the 待办提醒
    window still reads at once (a read-only transaction)."""
    w = world
    cid = register(w, w.rep1, "银川枸杞贸易有限公司").customer_id
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        with UnitOfWork(w.db, w.admin) as uow:
            c = uow.session.scalar(select(Customer).where(Customer.id == cid).with_for_update())
            c.remark = "另一台电脑正在保存"
            uow.flush()
            locked.set()
            release.wait(10)
            uow.commit()

    writer = threading.Thread(target=hold_the_lock)
    writer.start()
    try:
        assert locked.wait(10)
        t0 = time.perf_counter()
        result = reminders.collect(UnitOfWork(w.db, w.rep1))
        assert time.perf_counter() - t0 < 1.0
        assert result.failures == []
    finally:
        release.set()
        writer.join()
