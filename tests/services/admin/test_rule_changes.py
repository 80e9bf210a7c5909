"""董事长负责本制度的批准: a rule number the admin changes takes effect once the chairman
approves it; the values in force on each day are kept."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import RuleChange, RuleValue
from app.services.admin import _internal as admin_internal
from app.services.admin import rule_changes
from app.services.admin.rule_lists import rule_changes_source
from app.services.core import settings
from app.services.core.errors import PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from app.services.reminders.registry import collect
from tests.services.customer_fixtures import fast_passwords, make_world


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.clock = fake_clock
    return w


def u(w, actor):
    return UnitOfWork(w.db, actor)


def get(w, key):
    return settings.get(UnitOfWork(w.db, w.admin, write=False), key)


def pending_ids(w):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return uow.session.scalars(
            select(RuleChange.id).where(RuleChange.status == "pending")
        ).all()


def count(w, model):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_a_change_waits_for_the_chairman(world):
    w = world
    went = settings.update_settings(
        u(w, w.admin), {"pool.idle_days": 45, "company_name": "宁夏红枸杞集团"}
    )
    assert went == ["pool.idle_days"]
    assert get(w, "company_name") == "宁夏红枸杞集团"  # not a rule: at once
    assert get(w, "pool.idle_days") == 60  # a rule: not yet
    (cid,) = pending_ids(w)
    reminders = collect(u(w, w.chairman)).items
    assert [(r.kind, r.target.record_id) for r in reminders] == [("rule_change", cid)]
    assert "由 60 改为 45" in reminders[0].title
    assert not [r for r in collect(u(w, w.admin)).items if r.kind == "rule_change"]
    before = w.clock().date()
    w.clock.advance(days=1)
    rule_changes.approve_rule_change(u(w, w.chairman), cid)
    today = w.clock().date()
    assert get(w, "pool.idle_days") == 45
    rv = lambda day: settings.rule_value(u(w, w.admin), "pool.idle_days", day)  # noqa: E731
    assert (rv(before), rv(today), rv(today + timedelta(days=30))) == (60, 45, 45)
    assert settings.rule_value(u(w, w.admin), "pool.idle_days_A", today) == 90  # never changed
    # A second change: the history keeps each value from its day.
    w.clock.advance(days=10)
    settings.update_settings(u(w, w.admin), {"pool.idle_days": 50})
    rule_changes.approve_rule_change(u(w, w.chairman), pending_ids(w)[0])
    assert (rv(before), rv(today), rv(w.clock().date())) == (60, 45, 50)
    detail = rule_changes.rule_change_detail(u(w, w.admin), cid)
    assert (detail.status, detail.decider_name, detail.label) == (
        "approved", "董事长", "无任何销售动作几天后回收公海")  # fmt: skip


def test_second_approval_and_wrong_people_change_nothing(world):
    w = world
    settings.update_settings(u(w, w.admin), {"class.threshold_B": 8000})
    (cid,) = pending_ids(w)
    for actor in (w.admin, w.manager, w.sales_admin):
        with pytest.raises(PermissionDenied, match="董事长"):
            rule_changes.approve_rule_change(u(w, actor), cid)
    rule_changes.approve_rule_change(u(w, w.chairman), cid)
    with pytest.raises(ValidationError, match="已处理"):
        rule_changes.approve_rule_change(u(w, w.chairman), cid)
    with pytest.raises(ValidationError, match="已处理"):
        rule_changes.reject_rule_change(u(w, w.chairman), cid, "不同意")
    assert get(w, "class.threshold_B") == 8000 and count(w, RuleValue) == 1


def test_out_of_range_and_a_second_pending_change_are_refused(world):
    w = world
    with pytest.raises(ValidationError, match="应在 1 到 3650 之间"):
        settings.update_settings(u(w, w.admin), {"pool.idle_days": 0, "company_name": "新名"})
    with pytest.raises(ValidationError, match="不能大于"):
        settings.update_settings(u(w, w.admin), {"maint.min_C": 9})
    assert count(w, RuleChange) == 0 and get(w, "company_name") != "新名"
    settings.update_settings(u(w, w.admin), {"customers.development_months": 3})
    with pytest.raises(ValidationError, match="已有一项待董事长批准的修改（改为 3）"):
        settings.update_settings(u(w, w.admin), {"customers.development_months": 4})
    assert count(w, RuleChange) == 1


def test_reject_keeps_the_rule(world):
    w = world
    settings.update_settings(u(w, w.admin), {"maint.min_A": 0})
    (cid,) = pending_ids(w)
    with pytest.raises(ValidationError, match="驳回理由"):
        rule_changes.reject_rule_change(u(w, w.chairman), cid, " ")
    rule_changes.reject_rule_change(u(w, w.chairman), cid, "A 类客户每月至少拜访一次")
    assert get(w, "maint.min_A") == 1 and pending_ids(w) == [] and count(w, RuleValue) == 0


def test_an_approval_that_would_break_a_range_is_refused(world):
    w = world
    settings.update_settings(u(w, w.admin), {"maint.max_B": 1})  # fine with min 1
    (low,) = pending_ids(w)
    settings.update_settings(u(w, w.admin), {"maint.min_B": 2})  # fine with max 2
    high = max(pending_ids(w))
    rule_changes.approve_rule_change(u(w, w.chairman), high)
    with pytest.raises(ValidationError, match="不能大于"):
        rule_changes.approve_rule_change(u(w, w.chairman), low)
    assert get(w, "maint.max_B") == 2 and pending_ids(w) == [low]


def test_apply_rule_change_tells_its_listeners(world, monkeypatch):
    w = world
    heard = []
    monkeypatch.setattr(admin_internal, "RULE_CHANGE_LISTENERS",
                        [lambda uow, key, value: heard.append((key, value))])  # fmt: skip
    settings.update_settings(u(w, w.admin), {"pool.idle_days_C": 40})
    rule_changes.approve_rule_change(u(w, w.chairman), pending_ids(w)[0])
    assert heard == [("pool.idle_days_C", 40)]


def test_the_list_is_for_chairman_and_admin(world):
    w = world
    settings.update_settings(u(w, w.admin), {"pool.idle_days": 45})
    src = rule_changes_source()
    ids = list(list_query.fetch_ids(UnitOfWork(w.db, w.chairman, write=False), src, ListQuery()))
    rows = list_query.fetch_rows(UnitOfWork(w.db, w.admin, write=False), src, ids,
                                 ["rule", "old_value", "new_value", "status"])  # fmt: skip
    assert [r[1:] for r in rows] == [("pool.idle_days", "60", "45", "pending")]
    assert src.column("rule").display("pool.idle_days") == "无任何销售动作几天后回收公海"
    with pytest.raises(PermissionDenied):
        list_query.fetch_ids(UnitOfWork(w.db, w.rep1, write=False), src, ListQuery())
