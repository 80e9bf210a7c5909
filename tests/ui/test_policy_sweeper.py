"""The sweep at login: an idle customer goes back to the pool, an overdue window to 评审."""

from datetime import timedelta

import pytest

from app.services.core.uow import UnitOfWork
from app.services.policy import reviews
from app.services.pool import rules as pool
from app.ui.pool.policy_sweeper import PolicySweeper
from tests.services.customer_fixtures import fast_passwords, make_world, register


@pytest.fixture
def world(sqlite_db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    return make_world(sqlite_db)


def test_sweeper_runs_in_the_background_and_reports(qtbot, world, fake_clock):
    w = world
    idle = register(w, w.rep1, "沉睡客户有限公司").customer_id
    kept = register(w, w.rep1, "保护客户有限公司").customer_id
    pool.set_protected(UnitOfWork(w.db, w.manager), kept, True)
    fake_clock.advance(days=200)
    sweeper = PolicySweeper(w.db)
    with qtbot.waitSignal(sweeper.finished, timeout=20_000) as blocker:
        sweeper.run()
    sweeper.stop()
    message = blocker.args[0]
    assert "回收公海" in message and "进入评审" in message
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert [c.customer_id for c in pool.due_for_pool(uow)] == []
    assert [r.customer_id for r in reviews.list_reviews(UnitOfWork(w.db, w.admin))] == [kept]
    assert idle not in [r.customer_id for r in reviews.list_reviews(UnitOfWork(w.db, w.admin))]
    # A second run finds nothing more to do.
    with qtbot.waitSignal(sweeper.finished, timeout=20_000) as again:
        sweeper.run()
    sweeper.stop()
    assert again.args[0] == ""
    assert fake_clock() - timedelta(days=200) < fake_clock()
