"""Extreme and odd input gets a clear Chinese message or a sane clamp, never a driver
error or an OverflowError (issue 12.11), on SQLite and PostgreSQL."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.services.core.database import OUT_OF_RANGE, UNSTORABLE_TEXT
from app.services.core.date_ranges import day_after, quick_range, shift
from app.services.core.errors import NotFound, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers import card, contacts, followups
from app.services.work import calendar_events
from app.services.work import plans as work_plans
from tests.services.customer_fixtures import fast_passwords, make_world, register


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    return make_world(db)


@pytest.mark.parametrize("bad", ["宁夏\x00公司", "宁夏\ud800公司", "\udfff"])
def test_nul_and_lone_surrogates_are_refused_in_chinese(world, bad):
    w = world
    with pytest.raises(ValidationError) as err:
        register(w, w.rep1, bad)
    assert str(err.value) in (UNSTORABLE_TEXT,) or "名称" in str(err.value)
    with pytest.raises(ValidationError, match="无法保存的字符"):
        contacts.address_book(UnitOfWork(w.db, w.rep1, write=False), bad)


def test_a_huge_id_or_a_negative_limit(world):
    w = world
    with pytest.raises((ValidationError, NotFound)) as err:
        card.get_customer(UnitOfWork(w.db, w.rep1, write=False), 10**30)
    if isinstance(err.value, ValidationError):
        assert str(err.value) == OUT_OF_RANGE
    register(w, w.rep1, "宁夏红枸杞产业集团有限公司")
    assert contacts.address_book(UnitOfWork(w.db, w.rep1, write=False), limit=-5) == []
    contacts.address_book(UnitOfWork(w.db, w.rep1, write=False), offset=-3)


def test_a_quantity_too_big_for_its_column(world):
    w = world
    cid = register(w, w.rep1, "宁夏红枸杞产业集团有限公司").customer_id
    form = followups.DealForm(product="枸杞原浆", amount="100", quantity="100000000000")
    with pytest.raises(ValidationError, match="数量过大") as err:
        followups.add_deal(UnitOfWork(w.db, w.rep1), cid, form)
    assert err.value.field == "quantity"
    form.quantity = "99999999999.5"
    followups.add_deal(UnitOfWork(w.db, w.rep1), cid, form)
    form.amount = Decimal("999999999999.99")
    followups.add_deal(UnitOfWork(w.db, w.rep1), cid, form)


def test_dates_at_the_end_of_the_calendar():
    end = date(9999, 12, 31)
    assert shift(end, 5) == date.max and shift(date.min, -1) == date.min
    assert day_after(end) == datetime.max
    for name in ("本周", "本月", "本季度", "本年", "上周", "上月", "今天"):
        first, last = quick_range(name, end)
        assert first <= end <= last or name.startswith("上")
    assert work_plans.period_bounds("month", end) == (date(9999, 12, 1), end)
    assert work_plans.period_bounds("week", end)[1] == end


def test_plans_and_the_calendar_at_9999_12_31(world):
    w = world
    end = date(9999, 12, 31)
    for period in ("day", "week", "month"):
        form = work_plans.WorkPlanForm(title=f"远期计划 {period}", period=period, on=end)
        try:
            work_plans.create_plan(UnitOfWork(w.db, w.rep1), form)
        except ValidationError as exc:  # a clear refusal is fine too
            assert str(exc)
    events = calendar_events.events(UnitOfWork(w.db, w.rep1, write=False), date(9999, 12, 1), end)
    assert isinstance(events, list)


def test_a_time_slice_to_the_end_of_the_calendar_and_a_damaged_saved_filter(world):
    from app.models import ListPreference
    from app.services.customers.lists import customers_source
    from app.services.lists import prefs
    from app.services.lists import query as list_query
    from app.services.lists.spec import ListQuery

    w = world
    cid = register(w, w.rep1, "宁夏红枸杞产业集团有限公司").customer_id
    src = customers_source()
    for key in ("created_at", "registered_on"):
        q = ListQuery(date_key=key, date_from=date(1, 1, 1), date_to=date(9999, 12, 31))
        assert list(list_query.fetch_ids(UnitOfWork(w.db, w.rep1, write=False), src, q)) == [cid]
    prefs.save_filter(UnitOfWork(w.db, w.rep1), "customers", "好的", ListQuery(search="宁夏"))
    with UnitOfWork(w.db, w.rep1) as uow:
        uow.session.add(ListPreference(user_id=w.rep1.id, list_key="customers", kind="filter",
                                       name="坏的", payload={"sort": 5, "date_to": "明天"}))  # fmt: skip
        uow.commit()
    saved = prefs.saved_filters(UnitOfWork(w.db, w.rep1, write=False), "customers")
    assert [f.name for f in saved] == ["好的"]
    with pytest.raises(ValidationError, match="筛选条件已损坏"):
        ListQuery.from_dict({"date_from": "2026-13-45"})
