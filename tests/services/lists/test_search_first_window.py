"""A 1–2 character search: the list's first window comes from a stop-early form
(customer_search.first_window, tried within a time budget by lists.query.fetch_first_ids)
and must hold exactly the first rows of the usual search, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import text

from app.services.core.uow import UnitOfWork
from app.services.customers.forms import ContactForm
from app.services.customers.lists import customers_source
from app.services.customers.search import customer_search
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register

NAMES = [
    NXH,
    "银川塞上物流有限公司",
    "石嘴山煤业股份有限公司",
    "北京中关村软件有限公司",
    "银川宁夏红酒业有限公司",
    "吴忠塞上牧业有限公司",
]


@pytest.fixture
def world(db, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    for i, name in enumerate(NAMES):
        register(
            w,
            w.rep1 if i % 2 else w.rep2,
            name,
            phone=f"0951-50{i:05d}",
            contacts=[ContactForm(name=["伟东", "马丽", "张伟"][i % 3], mobile=f"1390951{i:04d}")],
        )
    return w


def first_and_all(w, actor, term):
    src = customers_source()
    q = ListQuery(search=term, sort=(("name", False),))
    first = list_query.fetch_first_ids(UnitOfWork(w.db, actor, write=False), src, q, 3)
    every = list_query.fetch_ids(UnitOfWork(w.db, actor, write=False), src, q)
    return list(first), list(every)


# 伟 and 马 only in contacts' names; 塞上/银川/有限 in customer names; "yc" initials;
# "95" phone digits; "z" anywhere in the pinyin; 魑 nowhere.
@pytest.mark.parametrize("term", ["伟", "马", "塞上", "银川", "有限", "yc", "95", "z", "魑"])
def test_short_terms_first_window_is_the_head_of_the_full_result(world, term):
    w = world
    assert customer_search.applies(term)
    for actor in (w.sales_admin, w.rep1):
        first, every = first_and_all(w, actor, term)
        assert first == every[:3]
    # The window form matches exactly what the usual form matches.
    src = customers_source()
    q = ListQuery(search=term)
    usual = set(list_query.fetch_ids(UnitOfWork(w.db, w.sales_admin, write=False), src, q))
    with UnitOfWork(w.db, w.sales_admin, write=False) as uow:
        window = set(list_query._ids(uow, src, q, None, window=True))
    assert window == usual
    if term == "伟":
        assert len(usual) == 4  # 伟东 ×2, 张伟 ×2: found through contacts only
    if term == "魑":
        assert usual == set()


def test_three_characters_and_more_keep_the_indexed_form(world):
    assert not customer_search.applies("塞上物")
    assert not customer_search.applies("saishang")
    assert not customer_search.applies("9512")
    assert customer_search.applies("95")


def _outlast_any_budget(uow) -> None:
    conn = uow.session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_sleep(2)")
    else:
        conn.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < 100000000) SELECT count(*) FROM n"
        ).all()


def _slow(monkeypatch, calls, slow_forms):
    """_ids, recording each form tried (True: stop-early), the first `slow_forms`
    attempts of which run past any budget."""
    real = list_query._ids

    def ids(uow, source, query, limit, window=False, **kw):
        calls.append(window)
        if len(calls) <= slow_forms:
            _outlast_any_budget(uow)
        return real(uow, source, query, limit, window=window, **kw)

    monkeypatch.setattr(list_query, "_ids", ids)
    for budget in ("FIRST_WINDOW_BUDGET_MS", "DENSE_WINDOW_BUDGET_MS"):
        monkeypatch.setattr(list_query, budget, 50)
    monkeypatch.setattr(list_query, "INDEXED_BUDGET_MS", {"sqlite": 50, "postgresql": 50})


def _first_names(w, term) -> set[str]:
    src = customers_source()
    q = ListQuery(search=term, sort=(("name", False),))
    with UnitOfWork(w.db, w.sales_admin, write=False) as uow:
        ids = list_query.fetch_first_ids(uow, src, q, 200)
        rows = list_query.fetch_rows(uow, src, ids, ["name"])
        if uow.session.connection().dialect.name == "postgresql":
            timeout = uow.session.connection().exec_driver_sql("SHOW statement_timeout")
            assert timeout.scalar() == "0"  # no statement_timeout left behind
    return {r[1] for r in rows}


def test_over_budget_falls_back_to_the_usual_form(world, monkeypatch):
    """A rare fragment makes the stop-early walk read every row: past the budget the
    statement is interrupted (SQLite) or cancelled (PostgreSQL), the usual form answers,
    and the transaction goes on normally (no statement_timeout left behind)."""
    calls = []
    _slow(monkeypatch, calls, slow_forms=1)
    assert _first_names(world, "塞上") == {"银川塞上物流有限公司", "吴忠塞上牧业有限公司"}
    assert calls == [True, False]


def test_a_long_indexed_search_gives_way_to_the_stop_early_form(world, monkeypatch):
    """3+ characters: the indexed form goes first; when it runs long (many matches),
    the stop-early form answers; when that runs long too, the indexed form without a
    budget. The rows are the same each way."""
    expected = {"银川塞上物流有限公司", "吴忠塞上牧业有限公司"}
    for slow_forms, tried in ((0, [False]), (1, [False, True]), (2, [False, True, False])):
        calls = []
        _slow(monkeypatch, calls, slow_forms)
        assert _first_names(world, "saishang") == expected
        assert calls == tried


def test_within_budget_the_window_form_answers(world, monkeypatch):
    w = world
    calls = []
    real = list_query._ids

    def spy(uow, source, query, limit, window=False, **kw):
        calls.append(window)
        return real(uow, source, query, limit, window=window, **kw)

    monkeypatch.setattr(list_query, "_ids", spy)
    first, every = first_and_all(w, w.sales_admin, "有限")
    assert calls[0] is True and calls[1] is False  # window form, then the full load
    assert first == every[:3] and len(every) == 6
    with UnitOfWork(w.db, w.sales_admin, write=False) as uow:
        assert uow.session.execute(text("SELECT 1")).scalar() == 1


def test_a_budget_also_stops_rows_computed_as_they_are_read(world):
    """SQLite computes rows as they are fetched: the interrupt may come while _ids reads
    them off the DB-API cursor (sqlite3's own error there), and still means over budget."""
    sql = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < 100000000) SELECT i FROM n"
    )
    with UnitOfWork(world.db, world.sales_admin, write=False) as uow:
        with pytest.raises(list_query._OverBudget), list_query._time_budget(uow, 50):
            result = uow.session.connection().exec_driver_sql(sql)
            while result.cursor.fetchmany(10_000):
                pass
        assert uow.session.execute(text("SELECT 1")).scalar() == 1
