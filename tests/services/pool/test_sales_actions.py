"""Any sales action keeps a customer (市场部客户资源管理制度 二.3): a follow-up, a visit, a
deal, a sample request or a complaint handled resets the idle clock; two months without
any of them returns the customer to the pool."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Customer, Deal
from app.services.admin import code_tables
from app.services.core import settings
from app.services.core.uow import UnitOfWork
from app.services.customers import followups, registration
from app.services.customers.card import get_customer
from app.services.customers.followups import DealForm, FollowUpForm
from app.services.pool import rules as pool
from app.services.service_desk import complaints, samples
from app.services.service_desk.complaints import ComplaintForm
from app.services.service_desk.samples import SampleForm
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register
from tests.services.helpers import set_rules


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    return make_world(db)


def last_action(w, cid):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        c = uow.session.get(Customer, cid)
        return c.last_sales_action_kind, c.last_sales_action_at


def swept(w) -> list[int]:
    return pool.sweep(UnitOfWork(w.db, w.admin)).moved


def test_deals_without_follow_ups_keep_a_customer_silence_returns_it(world, fake_clock):
    """The done-criterion: registration, 核对, deals every 20 days and never a 跟进 for 90
    days (not swept); then 61 silent days (swept)."""
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    assert last_action(w, cid) == (None, None)  # registration is not a sales action
    # 核对 (4.3.2): the sales admin checks the registration; the deals then count for the rep.
    assert registration.verify_registrations(UnitOfWork(w.db, w.sales_admin), [cid]) == 1
    for _ in range(5):
        fake_clock.advance(days=20)
        followups.add_deal(UnitOfWork(w.db, w.rep1), cid,
                           DealForm(product="枸杞干果", amount="3000"))  # fmt: skip
        assert swept(w) == []
    assert last_action(w, cid) == ("deal", fake_clock().replace(hour=0, minute=0))
    with UnitOfWork(w.db, w.admin, write=False) as uow:  # 核对 done: credited to the rep
        credited = {
            d.attribution for d in uow.session.scalars(select(Deal).where(Deal.customer_id == cid))
        }
    assert credited == {"rep"}
    assert get_customer(UnitOfWork(w.db, w.rep1), cid).last_follow_up_at is None  # 100 days
    fake_clock.advance(days=59)
    assert swept(w) == []
    fake_clock.advance(days=2)  # 61 days without any sales action
    assert swept(w) == [cid]


@pytest.mark.parametrize("action", ["sample", "complaint", "follow_up"])
def test_each_kind_of_sales_action_resets_the_clock(world, fake_clock, action):
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    fake_clock.advance(days=50)
    if action == "sample":
        samples.file_request(UnitOfWork(w.db, w.rep1), SampleForm(
            customer_id=cid, items="枸杞样品", recipient="马经理", phone="13900000000",
            address="银川市金凤区"))  # fmt: skip
    elif action == "complaint":
        with UnitOfWork(w.db, w.admin) as uow:
            channel = code_tables.find_item(uow, "feedback_channel", "1")
            category = code_tables.find_item(uow, "complaint_type", "01")
        c = complaints.register_complaint(UnitOfWork(w.db, w.sales_admin), ComplaintForm(
            customer_id=cid, channel_id=channel, category_id=category, customer_words="包装破损",
            handler_id=w.rep1.id))  # fmt: skip
        with UnitOfWork(w.db, w.rep1, write=False) as uow:
            version = complaints.complaint_detail(uow, c).version
        complaints.resolve(UnitOfWork(w.db, w.rep1), c, version, "已补发")
    else:
        followups.add_follow_up(UnitOfWork(w.db, w.rep1), cid,
                                FollowUpForm(content="电话沟通"))  # fmt: skip
    assert last_action(w, cid) == (action, fake_clock())
    fake_clock.advance(days=30)  # 80 days after registration, 30 after the action
    assert swept(w) == []


def test_one_limit_for_every_class_unless_set_per_class(world, fake_clock):
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    with UnitOfWork(w.db, w.admin) as uow:  # class C: 30 days in the per-class option
        uow.session.get(Customer, cid).grade_id = code_tables.find_item(uow, "grade", "C")
        uow.commit()
    fake_clock.advance(days=31)
    assert swept(w) == []  # 60 days for every customer by default
    set_rules(w.db, w.admin, {"pool.idle_by_class": 1})
    assert swept(w) == [cid]


def test_a_removed_action_no_longer_counts(world, fake_clock):
    w = world
    cid = register(w, w.rep1, NXH).customer_id
    fake_clock.advance(days=10)
    fid = followups.add_follow_up(UnitOfWork(w.db, w.rep1), cid, FollowUpForm(content="拜访"))
    assert last_action(w, cid)[0] == "follow_up"
    followups.delete_follow_up(UnitOfWork(w.db, w.rep1), fid, 1)
    assert last_action(w, cid) == (None, None)
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        kinds = uow.session.scalars(select(Customer.last_sales_action_kind)).all()
    assert kinds == [None]


def test_the_upgrade_finds_the_last_sales_action_of_existing_customers(world, fake_clock):
    """Migration 0011 on an office's data: the latest of each customer's actions, and an
    office that had set its own per-class limits keeps using them."""
    from alembic import command
    from sqlalchemy import text

    from app.services.core.migrations import alembic_config

    w = world
    dealt = register(w, w.rep1, NXH).customer_id
    talked = register(w, w.rep1, "银川塞上物流有限公司").customer_id
    quiet = register(w, w.rep1, "石嘴山煤业股份有限公司").customer_id
    fake_clock.advance(days=3)
    followups.add_follow_up(UnitOfWork(w.db, w.rep1), dealt, FollowUpForm(content="电话"))
    followups.add_follow_up(UnitOfWork(w.db, w.rep1), talked, FollowUpForm(content="拜访"))
    fake_clock.advance(days=2)
    followups.add_deal(UnitOfWork(w.db, w.rep1), dealt, DealForm(product="枸杞", amount="900"))
    set_rules(w.db, w.admin, {"pool.idle_days_A": 120})
    with w.db.engine.begin() as conn:
        cfg = alembic_config(w.db.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0010")
        command.upgrade(cfg, "head")
    assert last_action(w, dealt) == ("deal", fake_clock().replace(hour=0, minute=0))
    assert last_action(w, talked) == ("follow_up", fake_clock() - timedelta(days=2))
    assert last_action(w, quiet) == (None, None)
    with w.db.engine.connect() as conn:
        by_class = conn.execute(
            text("SELECT value FROM settings WHERE key = 'pool.idle_by_class'")
        ).scalar()
    assert by_class == "1"


def test_the_market_director_reclaims_reassigns_and_protects_any_customer(world):
    """二.3 市场总监有权收回，改派: a manager named in 系统设置 acts beyond the own team."""
    from app.services.core.errors import NotFound, PermissionDenied, ValidationError
    from app.services.customers import ownership

    w = world
    other_team = register(w, w.rep3, NXH).customer_id  # team 2; boss1 manages team 1
    assert pool.return_to_pool(UnitOfWork(w.db, w.manager), [other_team], "收回") == 0
    with pytest.raises(PermissionDenied):
        ownership.transfer(UnitOfWork(w.db, w.manager), [other_team], w.rep3.id, "改派")
    with pytest.raises(NotFound):
        pool.set_protected(UnitOfWork(w.db, w.manager), other_team, True)
    for wrong in ("rep1", "nobody"):
        with pytest.raises(ValidationError, match="不是在职的销售主管"):
            settings.update_settings(UnitOfWork(w.db, w.admin), {"pool.market_directors": wrong})
    settings.update_settings(UnitOfWork(w.db, w.admin), {"pool.market_directors": " boss1， "})
    assert settings.get(UnitOfWork(w.db, w.admin), "pool.market_directors") == "boss1"
    pool.set_protected(UnitOfWork(w.db, w.manager), other_team, True)
    assert ownership.transfer(UnitOfWork(w.db, w.manager), [other_team], w.rep1.id, "改派") == 1
    assert pool.return_to_pool(UnitOfWork(w.db, w.manager), [other_team], "收回重新分配") == 1
