"""A customer that changes hands takes its open visit plans and tasks to the new owner,
and the old owner's session no longer reaches it through them (issue 12.1)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import Customer, FollowUp, User, VisitPlan, WorkPlan
from app.services.core import clock
from app.services.core.errors import NotFound
from app.services.core.uow import UnitOfWork
from app.services.customers import followups, ownership
from app.services.customers.followups import DealForm
from app.services.visits import workflow as visits
from app.services.visits.workflow import PlanForm, RecordForm
from app.services.work import calendar_events
from app.services.work import plans as work_plans
from tests.services.customer_fixtures import fast_passwords, make_world, register


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.cid = register(w, w.rep1, "宁夏红枸杞产业集团有限公司").customer_id
    today = clock.now().date()
    w.plan = visits.create_plan(
        UnitOfWork(db, w.rep1), PlanForm(w.cid, today, today + timedelta(days=5), purpose="回访")
    )
    deal = followups.add_deal(UnitOfWork(db, w.rep1), w.cid, DealForm(product="原浆", amount="9"))
    followups.mark_delivered(UnitOfWork(db, w.rep1), deal, 1)
    ownership.transfer(UnitOfWork(db, w.admin), [w.cid], w.rep3.id, "调整到二组")
    return w


def test_open_plans_and_tasks_follow_the_customer(world):
    w = world
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.get(VisitPlan, w.plan).owner_id == w.rep3.id
        assignees = uow.session.scalars(
            select(WorkPlan.assignee_id).where(WorkPlan.customer_id == w.cid)
        ).all()
    assert assignees and set(assignees) == {w.rep3.id}
    assert visits.plan_detail(UnitOfWork(w.db, w.rep3, write=False), w.plan).id == w.plan
    assert [t.plan.id for t in visits.customer_visits(UnitOfWork(w.db, w.rep3), w.cid)] == [w.plan]


def test_the_old_owner_reaches_nothing_through_the_old_plan(world):
    w = world
    old = UnitOfWork
    with pytest.raises(NotFound):
        visits.preparation(old(w.db, w.rep1, write=False), w.plan)
    with pytest.raises(NotFound):
        visits.appoint(old(w.db, w.rep1), w.plan, clock.now(), "客户处", "", 1)
    with pytest.raises(NotFound):
        visits.add_record(old(w.db, w.rep1), w.plan, RecordForm(visited_at=clock.now()))
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(FollowUp)) == 0
    today = clock.now().date()
    events = calendar_events.events(old(w.db, w.rep1, write=False), today, today.replace(day=28))
    assert not [e for e in events if "宁夏红" in e.title + e.detail]
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        tasks = uow.session.scalars(select(WorkPlan.id).where(WorkPlan.customer_id == w.cid)).all()
    for task in tasks:  # the 交付后回访 tasks rep1's delivery made
        with pytest.raises(NotFound):
            work_plans.plan_detail(old(w.db, w.rep1, write=False), task)


def test_a_leaving_rep_is_handed_over_before_deactivation(world):
    """停用 is refused while the rep owns customers; the admin hands the whole book over
    (spread over a team), in one transaction with history, and then deactivates."""
    from app.models import OwnershipChange
    from app.services.admin import users
    from app.services.admin.lists import users_source
    from app.services.core.errors import PermissionDenied, ValidationError

    w = world
    ids = [register(w, w.rep1, f"交接测试{i}有限公司").customer_id for i in range(5)]

    def version() -> int:
        with UnitOfWork(w.db, w.admin, write=False) as uow:
            return uow.session.get(User, w.rep1.id).version

    with pytest.raises(ValidationError, match="名下还有 5 个客户"):
        users.set_active(w.uow(w.admin), w.rep1.id, version(), False)
    deactivate = next(a for a in users_source().batch_actions if a.key == "deactivate")
    result = deactivate.run(w.uow(w.admin), [w.rep1.id])
    assert result.done == 0 and "名下还有 5 个客户" in result.skipped[0][1]
    with pytest.raises(PermissionDenied):
        ownership.hand_over_book(w.uow(w.manager), w.rep1.id, [w.rep2.id], "离职")
    for targets, reason, message in (([w.rep2.id], "", "交接原因"), ([], "离职", "接手"),
                                     ([w.rep1.id], "离职", "本人"),
                                     ([w.clerk.id], "离职", "在职的销售人员")):  # fmt: skip
        with pytest.raises(ValidationError, match=message):
            ownership.hand_over_book(w.uow(w.admin), w.rep1.id, targets, reason)
    moved = ownership.hand_over_book(
        w.uow(w.admin), w.rep1.id, [w.rep2.id, w.manager.id], "离职交接"
    )
    assert moved == 5
    with w.uow(w.admin) as uow:
        owners = [uow.session.get(Customer, cid).owner_id for cid in ids]
        lines = uow.session.scalars(
            select(OwnershipChange).where(OwnershipChange.reason == "离职交接")
        ).all()
    assert owners.count(w.rep2.id) == 3 and owners.count(w.manager.id) == 2  # spread evenly
    assert len(lines) == 5 and {(x.kind, x.from_user_id) for x in lines} == {("转移", w.rep1.id)}
    users.set_active(w.uow(w.admin), w.rep1.id, version(), False)
