"""评审 at the end of the development window, and A/B/C/D classification."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import Customer, OwnershipChange
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import DealForm
from app.services.policy import classification, reviews
from app.services.pool import rules as pool
from app.services.reminders import registry as reminders
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    return make_world(db)


def last_history(w, cid):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        h = uow.session.scalars(
            select(OwnershipChange).where(OwnershipChange.customer_id == cid)
            .order_by(OwnershipChange.id.desc())
        ).first()  # fmt: skip
        return h.kind, h.from_user_id, h.to_user_id, h.reason


def customer(w, cid):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return uow.session.get(Customer, cid)


def test_review_opens_once_and_each_outcome_is_recorded(world, fake_clock):
    w = world
    ids = [register(w, w.rep1, f"评审测试{i}号有限公司").customer_id for i in range(3)]
    for cid in ids:
        pool.set_protected(UnitOfWork(w.db, w.manager), cid, True)
    assert reviews.open_due_reviews(UnitOfWork(w.db, w.admin)) == []
    fake_clock.advance(days=200)  # the 6-month window has run out
    assert sorted(reviews.open_due_reviews(UnitOfWork(w.db, w.admin))) == sorted(ids)
    assert reviews.open_due_reviews(UnitOfWork(w.db, w.admin)) == []  # idempotent
    assert len(reviews.list_reviews(UnitOfWork(w.db, w.chairman))) == 3
    assert len(reviews.list_reviews(UnitOfWork(w.db, w.manager))) == 3
    assert reviews.list_reviews(UnitOfWork(w.db, w.rep3)) == []
    rows = {r.customer_id: r for r in reviews.list_reviews(UnitOfWork(w.db, w.rep1))}
    assert {i.kind for i in reminders.collect(UnitOfWork(w.db, w.manager)).items} >= {"review"}

    r0 = rows[ids[0]]
    with pytest.raises(NotFound):  # rep2 cannot even see rep1's review
        reviews.file_statement(UnitOfWork(w.db, w.rep2), r0.id, r0.version, "不是我的")
    reviews.file_statement(UnitOfWork(w.db, w.rep1), r0.id, r0.version, "客户预算推迟到明年一季度")
    with pytest.raises(ConflictError):  # a second desk's stale copy does not overwrite it
        reviews.file_statement(UnitOfWork(w.db, w.rep1), r0.id, r0.version, "旧的陈述")
    with pytest.raises(PermissionDenied):
        reviews.decide(UnitOfWork(w.db, w.rep1), r0.id, r0.version, "extend", "x")
    with pytest.raises(ValidationError, match="新开发期限") as err:
        reviews.decide(UnitOfWork(w.db, w.manager), r0.id, r0.version + 1, "extend", "同意")
    assert err.value.field == "new_deadline"
    new_deadline = fake_clock().date() + timedelta(days=90)
    reviews.decide(UnitOfWork(w.db, w.manager), r0.id, r0.version + 1, "extend", "同意延期",
                   new_deadline=new_deadline)  # fmt: skip
    assert customer(w, ids[0]).dev_deadline == new_deadline
    assert last_history(w, ids[0])[:3] == ("延期", w.rep1.id, w.rep1.id)
    with pytest.raises(ValidationError, match="不能再次处理"):
        reviews.decide(UnitOfWork(w.db, w.manager), r0.id, r0.version + 2, "pool", "再来")

    r1 = rows[ids[1]]
    reviews.decide(UnitOfWork(w.db, w.manager), r1.id, r1.version, "reassign", "换人跟进",
                   new_owner_id=w.rep2.id)  # fmt: skip
    assert customer(w, ids[1]).owner_id == w.rep2.id
    assert last_history(w, ids[1])[:3] == ("评审调整", w.rep1.id, w.rep2.id)

    r2 = rows[ids[2]]
    reviews.decide(UnitOfWork(w.db, w.admin), r2.id, r2.version, "pool", "无开发价值")
    assert customer(w, ids[2]).is_in_pool and customer(w, ids[2]).owner_id is None
    assert last_history(w, ids[2])[0] == "回收" and "无开发价值" in last_history(w, ids[2])[3]


def test_a_developed_customer_is_never_reviewed(world, fake_clock):
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    followups.add_deal(UnitOfWork(w.db, w.rep1), cid, DealForm(product="A", amount="10"))
    pool.set_protected(UnitOfWork(w.db, w.manager), cid, True)
    fake_clock.advance(days=200)
    assert reviews.open_due_reviews(UnitOfWork(w.db, w.admin)) == []


def test_classify_rule():
    t = {"A": 1_000_000, "B": 300_000, "C": 50_000}
    assert classify(Decimal("1200000"), t, "", "")[0] == "A"
    assert classify(Decimal("300000"), t, "", "")[0] == "B"
    assert classify(Decimal("299999.99"), t, "", "") == (
        "C",
        "近三年成交额 299,999.99 元，为一般或新增客户（C 类）",
    )
    assert classify(Decimal("0"), t, "较差", "差")[0] == "C"  # never D by the rule
    grade, reason = classify(Decimal("1200000"), t, "较差", "差")
    assert (
        grade == "C" and "财务状况较差，降为 B 类" in reason and "信用等级差，降为 C 类" in reason
    )


classify = classification.classify


def test_recompute_proposes_and_a_manager_confirms(world, fake_clock):
    w = world
    big = register(w, w.rep1, NXH).customer_id
    small = register(w, w.rep2, "银川小商店有限公司").customer_id
    followups.add_deal(UnitOfWork(w.db, w.rep1), big, DealForm(product="枸杞", amount="400000"))
    followups.add_deal(UnitOfWork(w.db, w.rep2), small, DealForm(product="样品", amount="800"))
    proposals = {p.customer_id: p for p in classification.propose(UnitOfWork(w.db, w.manager))}
    assert proposals[big].proposed == "B" and small not in proposals  # new and small: C
    assert proposals[big].current == "C"
    assert classification.propose(UnitOfWork(w.db, w.rep2)) == []
    with pytest.raises(PermissionDenied):
        classification.confirm(UnitOfWork(w.db, w.rep1), list(proposals.values()))
    assert classification.confirm(UnitOfWork(w.db, w.manager), list(proposals.values())) == 1
    assert "400,000.00" in customer(w, big).class_reason
    assert classification.propose(UnitOfWork(w.db, w.manager)) == []  # nothing left to change
    fake_clock.advance(days=3 * 365 + 5)  # the deal leaves the three-year window
    [again] = [p for p in classification.propose(UnitOfWork(w.db, w.manager))
               if p.customer_id == big]  # fmt: skip
    assert (again.current, again.proposed) == ("B", "C")


def test_class_d_is_a_persons_decision_with_a_reason(world):
    """D: a serious credit problem (一.2.3), set by hand with a reason; a recompute never
    sets or lifts it, and a proposal made before it does not overwrite it."""
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    followups.add_deal(UnitOfWork(w.db, w.rep1), cid, DealForm(product="枸杞", amount="400000"))
    stale = classification.propose(UnitOfWork(w.db, w.manager))  # proposes B
    with pytest.raises(ValidationError, match="请填写定为 D 类的理由"):
        classification.set_class_d(UnitOfWork(w.db, w.manager), cid, "  ")
    with pytest.raises(PermissionDenied):
        classification.set_class_d(UnitOfWork(w.db, w.rep1), cid, "拖欠货款")
    with pytest.raises(NotFound):
        classification.set_class_d(UnitOfWork(w.db, w.manager), 99999, "拖欠货款")
    classification.set_class_d(UnitOfWork(w.db, w.manager), cid, "拖欠货款半年")
    assert customer(w, cid).class_reason == "定为 D 类：拖欠货款半年"
    assert classification.confirm(UnitOfWork(w.db, w.manager), stale) == 0
    assert cid not in [p.customer_id for p in classification.propose(UnitOfWork(w.db, w.manager))]
    with pytest.raises(ValidationError, match="已是 D 类"):
        classification.set_class_d(UnitOfWork(w.db, w.manager), cid, "再次")
    classification.clear_class_d(UnitOfWork(w.db, w.manager), cid, "已结清")
    [p] = classification.propose(UnitOfWork(w.db, w.manager))
    assert (p.customer_id, p.current, p.proposed) == (cid, "C", "B")
