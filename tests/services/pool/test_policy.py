"""Follow-ups, deals and the public pool, driven by the clock through a customer's life."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import Customer, OwnershipChange, WorkPlan
from app.services.admin import code_tables
from app.services.core import settings
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers import followups, ownership
from app.services.customers.followups import DealForm, FollowUpForm
from app.services.policy import classification, reviews
from app.services.pool import rules as pool
from app.services.reminders import registry as reminders
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register
from tests.services.helpers import set_rules


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    return make_world(db)


def history(w, cid):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        rows = uow.session.scalars(
            select(OwnershipChange)
            .where(OwnershipChange.customer_id == cid)
            .order_by(OwnershipChange.id)
        ).all()
        return [(r.kind, r.from_user_id, r.to_user_id, r.reason) for r in rows]


def kinds(w, actor):
    items = reminders.collect(UnitOfWork(w.db, actor, write=False)).items
    return [(r.kind, r.target.record_id) for r in items if r.kind != "password"]


def delivery_tasks_of(w, cid):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return uow.session.scalars(
            select(WorkPlan).where(WorkPlan.customer_id == cid).order_by(WorkPlan.due_date)
        ).all()


def method(w, code="1"):
    with UnitOfWork(w.db, w.admin) as uow:
        return code_tables.find_item(uow, "follow_method", code)


def test_a_customers_life(world, fake_clock):
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    assert history(w, cid) == [("登记", None, w.rep1.id, history(w, cid)[0][3])]
    # A second customer of rep1, protected from the pool, never developed: reviewed later.
    quiet = register(w, w.rep1, "宁夏静默科技有限公司").customer_id
    pool.set_protected(UnitOfWork(w.db, w.manager), quiet, True)
    registered_on = fake_clock().date()
    fake_clock.advance(days=1)
    followups.add_follow_up(UnitOfWork(w.db, w.rep1), cid, FollowUpForm(
        method_id=method(w), content="电话介绍产品，对方有兴趣", next_step="寄样品",
        next_date=fake_clock().date() + timedelta(days=3)))  # fmt: skip
    assert kinds(w, w.rep1) == []
    fake_clock.advance(days=3)
    assert ("follow_up_due", cid) in kinds(w, w.rep1)

    # Silent: 60 days (no class) after the last follow-up it returns to the pool.
    fake_clock.advance(days=50)
    assert ("pool_return", cid) in kinds(w, w.rep1)  # warned 7 days before
    assert pool.sweep(UnitOfWork(w.db, w.admin)).moved == []
    fake_clock.advance(days=7, hours=1)
    preview = pool.sweep(UnitOfWork(w.db, w.admin), dry_run=True)
    assert preview.moved == [cid] and preview.dry_run
    result = pool.sweep(UnitOfWork(w.db, w.admin))
    assert result.moved == [cid]
    assert pool.sweep(UnitOfWork(w.db, w.admin)).moved == []  # idempotent
    kind, frm, to, reason = history(w, cid)[-1]
    assert (kind, frm, to) == ("回收", w.rep1.id, None) and "60 天无销售动作" in reason

    # rep1 lost it and may not take it back within the cool-down; rep2 claims it.
    with pytest.raises(ValidationError, match="30 天内不能再次领取"):
        pool.claim(UnitOfWork(w.db, w.rep1), cid)
    pool.claim(UnitOfWork(w.db, w.rep2), cid)
    assert history(w, cid)[-1][:3] == ("领取", None, w.rep2.id)
    # The new owner's idle clock starts at the claim, not at rep1's old follow-up.
    assert pool.sweep(UnitOfWork(w.db, w.admin)).moved == []
    with pytest.raises(NotFound, match="已被其他人领取"):
        pool.claim(UnitOfWork(w.db, w.rep3), cid)
    with pytest.raises(NotFound):  # no longer rep1's customer: not even visible
        followups.add_follow_up(UnitOfWork(w.db, w.rep1), cid, FollowUpForm(content="x"))

    # Developed: a deal inside the window credits rep2.
    fake_clock.advance(days=2)
    followups.add_deal(UnitOfWork(w.db, w.rep2), cid, DealForm(product="枸杞原浆", amount="12,800.50",
                                                               quantity="100"))  # fmt: skip
    [deal] = followups.list_deals(UnitOfWork(w.db, w.rep2), cid)
    assert deal.salesperson == "李四" and str(deal.amount) == "12800.50"
    with pytest.raises(NotFound):
        followups.list_deals(UnitOfWork(w.db, w.rep1), cid)  # no longer rep1's ledger
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.get(Customer, cid).developed_on == fake_clock().date()

    # Delivered: four follow-up tasks for the owner (规则 6), answered by a follow-up.
    followups.mark_delivered(UnitOfWork(w.db, w.rep2), deal.id, deal.version)
    tasks = delivery_tasks_of(w, cid)
    assert [(t.title.split("：")[0], (t.due_date - fake_clock().date()).days) for t in tasks] == [
        ("交付后一周回访", 7), ("交付后一月回访", 30), ("交付后一季度回访", 91), ("交付后一年回访", 365),
    ]  # fmt: skip
    assert {(t.assignee_id, t.status) for t in tasks} == {(w.rep2.id, "open")}
    with pytest.raises(ValidationError, match="已标记交付"):
        followups.mark_delivered(UnitOfWork(w.db, w.rep2), deal.id, deal.version + 1)
    assert ("work_plan_due", tasks[0].id) not in kinds(w, w.rep2)
    fake_clock.advance(days=6)
    assert ("work_plan_due", tasks[0].id) in kinds(w, w.rep2)
    followups.add_follow_up(UnitOfWork(w.db, w.rep2), cid, FollowUpForm(
        method_id=method(w, "2"), content="交付后一周回访：使用正常"))  # fmt: skip
    assert [t.status for t in delivery_tasks_of(w, cid)] == ["done", "open", "open", "open"]
    assert not any(k == "work_plan_due" for k, _ in kinds(w, w.rep2))

    # A new customer is C and stays C with small deals (一般或新增客户, never D by the rule);
    # a bigger deal makes it B, which a manager confirms.
    assert cid not in [p.customer_id for p in classification.propose(UnitOfWork(w.db, w.manager))]
    followups.add_deal(UnitOfWork(w.db, w.rep2), cid, DealForm(product="枸杞干果", amount="300000"))
    [p] = [p for p in classification.propose(UnitOfWork(w.db, w.manager)) if p.customer_id == cid]
    assert (p.current, p.proposed) == ("C", "B") and p.total_3y == Decimal("312800.50")
    assert classification.confirm(UnitOfWork(w.db, w.manager), [p]) == 1
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        c = uow.session.get(Customer, cid)
        assert c.grade_id == code_tables.find_item(uow, "grade", "B")
        assert "312,800.50" in c.class_reason
    # Like every customer, class B returns after 60 days without a sales action (二.3);
    # the deal just recorded is one. The owner is warned 7 days before.
    fake_clock.advance(days=52, hours=1)
    assert ("pool_return", cid) not in kinds(w, w.rep2)
    fake_clock.advance(days=1)
    assert ("pool_return", cid) in kinds(w, w.rep2)

    # Six months after registration the undeveloped customer enters a review.
    assert not any(k == "review" for k, _ in kinds(w, w.rep1))
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        deadline = uow.session.get(Customer, quiet).dev_deadline
    assert deadline.replace(year=2026) == registered_on.replace(month=registered_on.month + 6)
    fake_clock.advance(days=(deadline - fake_clock().date()).days + 1)
    assert reviews.open_due_reviews(UnitOfWork(w.db, w.admin)) == [quiet]
    [review] = reviews.list_reviews(UnitOfWork(w.db, w.rep1))
    assert review.customer_id == quiet
    assert any(k == "review" for k, _ in kinds(w, w.rep1))
    assert any(k == "review" for k, _ in kinds(w, w.manager))
    assert not any(k == "review" for k, _ in kinds(w, w.rep3))
    reviews.file_statement(
        UnitOfWork(w.db, w.rep1), review.id, review.version, "客户预算下季度落实"
    )
    [review] = reviews.list_reviews(UnitOfWork(w.db, w.rep1))
    new_deadline = fake_clock().date() + timedelta(days=90)
    reviews.decide(UnitOfWork(w.db, w.manager), review.id, review.version, "extend",
                   "同意延期三个月", new_deadline=new_deadline)  # fmt: skip
    assert history(w, quiet)[-1] == ("延期", w.rep1.id, w.rep1.id, "评审延期：同意延期三个月")
    assert not any(k == "review" for k, _ in kinds(w, w.manager))
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.get(Customer, quiet).dev_deadline == new_deadline


def test_follow_up_updates_last_follow_up_and_bad_input(world, fake_clock):
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    with pytest.raises(ValidationError, match="不能晚于现在") as err:
        followups.add_follow_up(
            UnitOfWork(w.db, w.rep1),
            cid,
            FollowUpForm(at=fake_clock() + timedelta(days=1), content="x"),
        )
    assert err.value.field == "at"
    with pytest.raises(ValidationError, match="不能早于客户的登记"):
        followups.add_follow_up(
            UnitOfWork(w.db, w.rep1),
            cid,
            FollowUpForm(at=fake_clock() - timedelta(days=10), content="x"),
        )
    with pytest.raises(ValidationError, match="请填写跟进内容"):
        followups.add_follow_up(UnitOfWork(w.db, w.rep1), cid, FollowUpForm(content="  "))
    fake_clock.advance(hours=2)
    fid = followups.add_follow_up(
        UnitOfWork(w.db, w.rep1), cid, FollowUpForm(content="拜访", method_id=method(w, "2"))
    )
    [row] = followups.list_follow_ups(UnitOfWork(w.db, w.rep1), cid)
    assert (row.method, row.by_name, row.at) == ("拜访", "张三", fake_clock())
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        from app.models import Customer

        assert uow.session.get(Customer, cid).last_follow_up_at == fake_clock()
    followups.delete_follow_up(UnitOfWork(w.db, w.rep1), fid, row.version)
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.get(Customer, cid).last_follow_up_at is None
    with pytest.raises(NotFound):
        followups.list_follow_ups(UnitOfWork(w.db, w.rep3), cid)


@pytest.mark.parametrize(
    "form,field,message",
    [
        (DealForm(product="A", amount="-5"), "amount", "不能为负数"),
        (DealForm(product="A", amount="abc"), "amount", "必须是数字"),
        (DealForm(product="A", amount=""), "amount", "请填写成交金额"),
        (DealForm(product="", amount="5"), "product", "请填写成交产品"),
        (DealForm(product="A", amount="5", quantity="-1"), "quantity", "不能为负数"),
    ],
)
def test_deal_bad_input(world, form, field, message):
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    with pytest.raises(ValidationError, match=message) as err:
        followups.add_deal(UnitOfWork(w.db, w.rep1), cid, form)
    assert err.value.field == field
    assert followups.list_deals(UnitOfWork(w.db, w.rep1), cid) == []


def test_deal_in_future_or_after_the_window(world, fake_clock):
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    with pytest.raises(ValidationError, match="不能晚于今天"):
        followups.add_deal(
            UnitOfWork(w.db, w.rep1),
            cid,
            DealForm(deal_date=fake_clock().date() + timedelta(days=1), product="A", amount="1"),
        )
    pool.set_protected(UnitOfWork(w.db, w.manager), cid, True)  # keep it out of the pool
    fake_clock.advance(days=200)  # beyond the 6-month window: not 开发成功
    followups.add_deal(UnitOfWork(w.db, w.rep1), cid, DealForm(product="A", amount="1"))
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        from app.models import Customer

        assert uow.session.get(Customer, cid).developed_on is None


def test_class_limits_protection_and_manual_mode(world, fake_clock):
    w = world
    # The office's option: a limit per class (A: 90 days; the default C: 30).
    set_rules(w.db, w.admin, {"pool.idle_by_class": 1})
    a = register(w, w.rep1, NXH).customer_id
    b = register(w, w.rep1, "银川塞上物流有限公司").customer_id
    c = register(w, w.rep2, "石嘴山煤业股份有限公司").customer_id
    with UnitOfWork(w.db, w.admin) as uow:
        from app.models import Customer

        uow.session.get(Customer, a).grade_id = code_tables.find_item(uow, "grade", "A")
        uow.commit()
    pool.set_protected(UnitOfWork(w.db, w.manager), b, True)
    fake_clock.advance(days=61)
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert [x.customer_id for x in pool.due_for_pool(uow)] == [c]
    settings.update_settings(UnitOfWork(w.db, w.admin), {"pool.auto_return": 0})
    result = pool.sweep(UnitOfWork(w.db, w.admin))
    assert result.moved == [] and result.reminded == [c]
    assert ("pool_return", c) in kinds(w, w.manager)  # the manager is told to reclaim
    assert ("pool_return", c) not in kinds(w, w.rep3)
    assert pool.return_to_pool(UnitOfWork(w.db, w.manager), [c], "长期未跟进") == 1
    assert history(w, c)[-1][:3] == ("回收", w.rep2.id, None)
    fake_clock.advance(days=30)
    settings.update_settings(UnitOfWork(w.db, w.admin), {"pool.auto_return": 1})
    assert pool.sweep(UnitOfWork(w.db, w.admin)).moved == [a]  # A: 90 days


def test_claim_cap_and_transfer(world):
    w = world
    ids = [register(w, w.rep1, f"测试公司{i}号有限公司").customer_id for i in range(3)]
    pool.return_to_pool(UnitOfWork(w.db, w.manager), ids, "整理")
    settings.update_settings(UnitOfWork(w.db, w.admin), {"pool.claim_cap": 1})
    pool.claim(UnitOfWork(w.db, w.rep3), ids[0])
    with pytest.raises(ValidationError, match="达到领取上限 1 个"):
        pool.claim(UnitOfWork(w.db, w.rep3), ids[1])
    with pytest.raises(PermissionDenied, match="本团队"):
        ownership.transfer(UnitOfWork(w.db, w.manager), ids[1:], w.rep3.id, "调整")
    assert ownership.transfer(UnitOfWork(w.db, w.manager), ids[1:], w.rep2.id, "调整") == 2
    assert history(w, ids[1])[-1][:3] == ("分配", None, w.rep2.id)
    with pytest.raises(ValidationError, match="转移原因"):
        ownership.transfer(UnitOfWork(w.db, w.admin), ids[1:], w.rep1.id, "")


def test_two_reps_claim_the_same_customer_at_once(world, db):
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    pool.return_to_pool(UnitOfWork(w.db, w.manager), [cid], "整理")
    barrier = threading.Barrier(2)
    results = []

    def go(actor):
        barrier.wait()
        try:
            pool.claim(UnitOfWork(w.db, actor), cid)
            results.append("won")
        except (ValidationError, NotFound) as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=go, args=(a,)) for a in (w.rep2, w.rep3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results.count("won") == 1 and len(results) == 2
    assert [h[0] for h in history(w, cid)].count("领取") == 1


def test_one_rep_claiming_from_two_desks_at_once_keeps_the_cap(world, monkeypatch):
    """Issue 12.3: with one slot left, two simultaneous claims by the same rep (two
    desks) — only one succeeds. Each claim is held just after counting, so without a
    database-enforced cap both would count the same number and both win."""
    w = world
    ids = [register(w, w.rep1, f"上限公司{i}号有限公司").customer_id for i in range(3)]
    pool.return_to_pool(UnitOfWork(w.db, w.manager), ids[1:], "整理")
    ownership.transfer(UnitOfWork(w.db, w.admin), ids[:1], w.rep3.id, "调整")
    settings.update_settings(UnitOfWork(w.db, w.admin), {"pool.claim_cap": 2})
    real_get = settings.get

    def slow_get(uow, key):
        if key == "pool.cooldown_days":  # read right after the count
            import time

            time.sleep(0.5)
        return real_get(uow, key)

    monkeypatch.setattr(settings, "get", slow_get)
    barrier = threading.Barrier(2)
    results = []

    def go(cid):
        barrier.wait()
        try:
            pool.claim(UnitOfWork(w.db, w.rep3), cid)
            results.append("won")
        except ValidationError as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=go, args=(cid,)) for cid in ids[1:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results.count("won") == 1, results
    assert any("达到领取上限 2 个" in r for r in results)
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        owned = uow.session.scalar(
            select(func.count()).select_from(Customer).where(Customer.owner_id == w.rep3.id)
        )
    assert owned == 2


def test_a_manager_protects_only_the_teams_customers(world):
    """Issue 12.2."""
    w = world
    own_team = register(w, w.rep1, "一组客户有限公司").customer_id
    other_team = register(w, w.rep3, "二组客户有限公司").customer_id
    pool.set_protected(UnitOfWork(w.db, w.manager), own_team, True)
    with pytest.raises(NotFound, match="无权"):
        pool.set_protected(UnitOfWork(w.db, w.manager), other_team, True)
    pool.set_protected(UnitOfWork(w.db, w.sales_admin), other_team, True)
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.get(Customer, own_team).is_protected
        assert uow.session.get(Customer, other_team).is_protected


def test_due_for_pool_lists_only_what_the_actor_may_see(world, fake_clock):
    """Issue 12.6: a rep's unit of work never yields another rep's customers."""
    w = world
    mine = register(w, w.rep1, "自己的客户有限公司").customer_id
    theirs = register(w, w.rep3, "别人的客户有限公司").customer_id
    with UnitOfWork(w.db, w.rep1, write=False) as uow:
        assert [c.customer_id for c in pool.due_for_pool(uow, 3650)] == [mine]
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert {c.customer_id for c in pool.due_for_pool(uow, 3650)} == {mine, theirs}
    fake_clock.advance(days=400)
    settings.update_settings(UnitOfWork(w.db, w.admin), {"pool.auto_return": 1})
    # The sweep is the company's job: a rep's login moves every due customer.
    assert sorted(pool.sweep(UnitOfWork(w.db, w.rep1)).moved) == sorted([mine, theirs])


def test_sweep_from_two_desktops_moves_each_customer_once(world, fake_clock):
    w = world
    ids = [register(w, w.rep1, f"并发公司{i}号有限公司").customer_id for i in range(5)]
    fake_clock.advance(days=61)
    barrier = threading.Barrier(2)
    moved = []

    def go():
        barrier.wait()
        moved.extend(pool.sweep(UnitOfWork(w.db, w.admin)).moved)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(moved) == sorted(ids)
    for cid in ids:
        assert [h[0] for h in history(w, cid)] == ["登记", "回收"]


def test_development_deadline_reminders(world, fake_clock):
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    pool.set_protected(UnitOfWork(w.db, w.manager), cid, True)
    fake_clock.advance(days=160)  # deadline is registration + 6 months (≈ 184 days)
    assert ("dev_deadline", cid) in kinds(w, w.rep1)
    item = next(
        i for i in reminders.collect(UnitOfWork(w.db, w.rep1)).items if i.kind == "dev_deadline"
    )
    assert "还剩" in item.title


def test_days_until_returned_column(world, fake_clock):
    from app.services.customers.lists import customers_source
    from app.services.lists import query as list_query
    from app.services.lists.spec import ListQuery

    w = world
    plain = register(w, w.rep1, NXH).customer_id
    graded = register(w, w.rep1, "银川塞上物流有限公司").customer_id
    kept = register(w, w.rep1, "保护客户有限公司").customer_id
    with UnitOfWork(w.db, w.admin) as uow:
        from app.models import Customer

        uow.session.get(Customer, graded).grade_id = code_tables.find_item(uow, "grade", "C")
        uow.session.get(Customer, plain).grade_id = None  # unclassified: the default limit
        uow.commit()
    pool.set_protected(UnitOfWork(w.db, w.manager), kept, True)
    set_rules(w.db, w.admin, {"pool.idle_by_class": 1, "pool.idle_days_C": 20})
    fake_clock.advance(days=12, hours=3)
    src = customers_source()

    def days():
        ids = list_query.fetch_ids(UnitOfWork(w.db, w.rep1, write=False), src, ListQuery())
        rows = list_query.fetch_rows(UnitOfWork(w.db, w.rep1, write=False), src, ids,
                                  ["days_to_pool"])  # fmt: skip
        return {r[0]: r[1] for r in rows}

    assert days() == {plain: 48, graded: 8, kept: None}  # 60 − 12, 20 − 12, protected
    fake_clock.advance(days=10)  # the same list source, later: the clock is read per query
    assert days()[graded] == -2
    ids = list_query.fetch_ids(UnitOfWork(w.db, w.rep1, write=False), src,
                            ListQuery(sort=(("days_to_pool", False),)))  # fmt: skip
    assert list(ids)[:2] == [graded, plain]


def test_a_next_follow_up_planned_for_today_reminds(world, fake_clock):
    """The follow-up that plans "next: today" does not answer itself; a later one does."""
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    form = FollowUpForm(method_id=method(w), content="电话沟通，约定下午再联系",
                        next_date=fake_clock().date())  # fmt: skip
    followups.add_follow_up(UnitOfWork(w.db, w.rep1), cid, form)
    assert ("follow_up_due", cid) in kinds(w, w.rep1)
    fake_clock.advance(hours=3)
    followups.add_follow_up(UnitOfWork(w.db, w.rep1), cid,
                            FollowUpForm(method_id=method(w), content="下午已回电"))  # fmt: skip
    assert ("follow_up_due", cid) not in kinds(w, w.rep1)
