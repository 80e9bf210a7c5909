"""Property tests (hypothesis): any text, number or date a user can type into a create,
update, search or filter service either is stored as given or is refused with a
ServiceError in Chinese — never a driver error, an OverflowError or a traceback.
On SQLite and PostgreSQL (the `db` fixture), a small number of examples each."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.services.core.errors import ServiceError
from app.services.core.uow import UnitOfWork
from app.services.customers import card, contacts, followups, registration, search
from app.services.customers.followups import DealForm, FollowUpForm
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from app.services.work import calendar_events, notes
from app.services.work import plans as work_plans
from app.services.work.lists import daily_notes_source
from app.services.work.notes import NoteForm
from tests.services.customer_fixtures import fast_passwords, form, make_world, register

FEW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Any Unicode a paste can bring, NUL and lone surrogates included.
ODD = st.sampled_from(["\x00", "\ud800", "\udfff", "\u202e", "\u200b", "\xa0", "\t", "\n"])
ANY_TEXT = st.lists(st.one_of(st.characters(codec=None), ODD), max_size=40).map("".join)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=12),
    st.sampled_from(["五千", "-500", "1e400", "0.0001", "1,234.5", "１２３"]),
)
DATES = st.dates(min_value=date.min, max_value=date.max)


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.cid = register(w, w.rep1, "宁夏红枸杞产业集团有限公司").customer_id
    return w


def refused_or(fn):
    try:
        return fn()
    except ServiceError as exc:
        assert str(exc)  # a message for the user
        return None


@FEW
@given(name=ANY_TEXT, address=ANY_TEXT)
@example(name="宁夏\x00公司", address="银川")
@example(name="宁夏\ud800公司", address="\udfff")
def test_registration_stores_or_refuses_any_text(world, name, address):
    w = world
    result = refused_or(
        lambda: registration.register_customer(w.uow(w.rep1), form(w, name, address=address))
    )
    if result is not None:
        shown = card.get_customer(UnitOfWork(w.db, w.rep1, write=False), result.customer_id)
        assert shown.form.name.split() == name.split()  # kept, up to spacing


@FEW
@given(text=ANY_TEXT)
@example(text="\x00")
@example(text="\ud83d")
def test_any_search_text_is_answered_or_refused(world, text):
    w = world
    rows = refused_or(lambda: search.search_customers(UnitOfWork(w.db, w.rep3), text))
    assert not rows or all(r.id != w.cid for r in rows)  # never another rep's customer
    refused_or(lambda: contacts.address_book(UnitOfWork(w.db, w.rep1, write=False), text))


@FEW
@given(amount=NUMBERS, quantity=NUMBERS, product=ANY_TEXT)
@example(amount="100", quantity="100000000000", product="枸杞")
def test_deal_numbers_are_stored_or_refused(world, amount, quantity, product):
    w = world
    deal = DealForm(product=product, amount=amount, quantity=quantity)
    new_id = refused_or(lambda: followups.add_deal(w.uow(w.rep1), w.cid, deal))
    if new_id is not None:
        [row] = [d for d in followups.list_deals(w.uow(w.rep1), w.cid) if d.id == new_id]
        assert row.amount == Decimal(amount.replace(",", "").strip()).quantize(Decimal("0.01"))
        assert row.amount >= 0


@FEW
@given(content=ANY_TEXT, next_date=st.one_of(st.none(), DATES))
def test_follow_ups_take_any_text_and_date_or_refuse(world, content, next_date):
    w = world
    f = FollowUpForm(content=content, next_date=next_date)
    refused_or(lambda: followups.add_follow_up(w.uow(w.rep1), w.cid, f))


@FEW
@given(on=DATES, period=st.sampled_from(["day", "week", "month"]), title=ANY_TEXT)
@example(on=date(9999, 12, 31), period="month", title="远期")
def test_work_plans_on_any_day(world, on, period, title):
    w = world
    f = work_plans.WorkPlanForm(period=period, on=on, title=title)
    refused_or(lambda: work_plans.create_plan(w.uow(w.rep1), f))


@FEW
@given(start=DATES, end=DATES)
def test_the_calendar_and_notes_over_any_range(world, start, end):
    w = world
    refused_or(lambda: calendar_events.events(UnitOfWork(w.db, w.rep1, write=False), start, end))
    # the 日常记事 list with any time slice (a date picker offers 0001-01-01 to 9999-12-31)
    q = ListQuery(date_key="note_date", date_from=start, date_to=end)
    refused_or(
        lambda: list_query.fetch_ids(UnitOfWork(w.db, w.rep1, write=False), daily_notes_source(), q)
    )


@FEW
@given(day=DATES, title=ANY_TEXT, content=ANY_TEXT)
def test_notes_store_or_refuse_any_text(world, day, title, content):
    w = world
    note = NoteForm(note_date=day, title=title, content=content)
    refused_or(lambda: notes.create_note(w.uow(w.rep1), note))


def test_the_strategies_reach_the_awkward_cases():
    """The text strategy can produce NUL and lone surrogates (what pastes bring)."""
    assert datetime.combine(date.max, time()) > datetime(9999, 12, 30)
    seen = {"nul": False, "surrogate": False}

    @settings(max_examples=400, deadline=None)
    @given(ANY_TEXT)
    def probe(s):
        seen["nul"] |= "\x00" in s
        seen["surrogate"] |= any(0xD800 <= ord(c) <= 0xDFFF for c in s)

    probe()
    assert seen["nul"] and seen["surrogate"]
