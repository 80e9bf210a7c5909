"""The customer archive through the shared list component: scope, search, export, batch."""

import openpyxl
import pytest

from app.models import Customer
from app.services.core.errors import ConflictError, PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.customers.lists import customers_source
from app.services.lists import query as list_query
from app.services.lists import summaries
from app.services.lists.excel_export import export_list
from app.services.lists.spec import ListQuery
from app.services.search import search_index
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register


@pytest.fixture
def world(db, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    register(w, w.rep1, NXH, phone="0951-5012345")
    register(w, w.rep1, "银川塞上物流有限公司", phone="0951-6012345")
    register(w, w.rep2, "石嘴山煤业股份有限公司", phone="0952-2012345")
    register(w, w.rep3, "北京中关村软件有限公司", phone="010-82012345")
    return w


def versions(w, actor, ids):
    """Each row's version as the list reads it (what the list view passes to a delete)."""
    rows = list_query.fetch_rows(UnitOfWork(w.db, actor, write=False), customers_source(), ids, [],
                              version=True)  # fmt: skip
    return {r[0]: r[-1] for r in rows if r}


def names(w, actor, query=None):
    query = query or ListQuery()
    src = customers_source()
    ids = list_query.fetch_ids(UnitOfWork(w.db, actor, write=False), src, query)
    rows = list_query.fetch_rows(UnitOfWork(w.db, actor, write=False), src, ids, ["name"])
    return sorted(r[1] for r in rows)


def test_each_role_lists_only_what_it_may_see(world):
    w = world
    assert names(w, w.rep1) == sorted([NXH, "银川塞上物流有限公司"])
    assert names(w, w.rep3) == ["北京中关村软件有限公司"]
    assert len(names(w, w.manager)) == 3  # team 1: rep1 and rep2
    for actor in (w.sales_admin, w.chairman, w.admin, w.clerk):
        assert len(names(w, actor)) == 4


@pytest.mark.parametrize("text", ["nxh", "ningxiahong", "枸杞", "5012345"])
def test_search_finds_by_pinyin_initials_text_and_phone(world, text):
    w = world
    assert names(w, w.sales_admin, ListQuery(search=text)) == [NXH]
    # …but never for a rep who does not own it.
    assert names(w, w.rep3, ListQuery(search=text)) == []


def test_rep_export_and_summary_hold_only_own_customers(world, tmp_path):
    w = world
    src = customers_source()
    path = tmp_path / "mine.xlsx"
    export_list(UnitOfWork(w.db, w.rep2, write=False), src, ListQuery(), ["number", "name"], path)
    values = [c.value for c in openpyxl.load_workbook(path).active["B"][1:]]
    assert values == ["石嘴山煤业股份有限公司"]
    s = summaries.summarize(UnitOfWork(w.db, w.rep2, write=False), src, ListQuery(), ["owner"])
    assert [(r.labels, r.count) for r in s.rows] == [(("李四",), 1)]
    assert "capital_amount" not in s.sum_keys  # a sum of 注册资金 means nothing
    # Passing someone else's ids does not leak their rows either.
    all_ids = list_query.fetch_ids(UnitOfWork(w.db, w.admin, write=False), src, ListQuery())
    rows = list_query.fetch_rows(UnitOfWork(w.db, w.rep2, write=False), src, all_ids, ["name"])
    assert [r[1] for r in rows if r] == ["石嘴山煤业股份有限公司"]


def test_group_by_industry_and_owner(world):
    w = world
    s = summaries.summarize(
        UnitOfWork(w.db, w.sales_admin, write=False),
        customers_source(),
        ListQuery(),
        ["industry", "owner"],
    )
    assert s.total.count == 4 and {r.labels[1] for r in s.rows} == {"张三", "李四", "王五"}


def test_batch_grade_and_assign_respect_edit_scope(world):
    w = world
    src = customers_source()
    all_ids = list(list_query.fetch_ids(UnitOfWork(w.db, w.admin, write=False), src, ListQuery()))
    grade = next(a for a in src.batch_actions if a.key == "grade")
    grade_a = next(v for v, label in grade.param[2](UnitOfWork(w.db, w.rep1)) if label == "A")
    result = grade.run(UnitOfWork(w.db, w.rep1), all_ids, value=grade_a)
    assert result.done == 2 and len(result.skipped) == 2
    q = ListQuery(filters=(("grade", ("A",)),))
    assert len(names(w, w.admin, q)) == 2
    assign = next(a for a in src.batch_actions if a.key == "assign")
    with pytest.raises(PermissionDenied):
        assign.run(UnitOfWork(w.db, w.rep1), all_ids, owner=w.rep1.id)
    result = assign.run(UnitOfWork(w.db, w.manager), all_ids, owner=w.rep2.id)
    assert result.done == 2  # rep1's two; rep2's was already rep2's; rep3's is another team
    assert names(w, w.rep1) == []
    delete = next(a for a in src.batch_actions if a.key == "delete")
    with pytest.raises(PermissionDenied):
        delete.run(UnitOfWork(w.db, w.rep2), all_ids, versions=versions(w, w.admin, all_ids))
    seen = versions(w, w.sales_admin, all_ids[:1])
    assert delete.run(UnitOfWork(w.db, w.sales_admin), all_ids[:1], versions=seen).done == 1
    assert len(names(w, w.admin)) == 3


def test_stale_batch_delete_is_refused_and_deletes_nothing(world):
    from app.services.customers import updates

    w = world
    src = customers_source()
    ids = list(list_query.fetch_ids(UnitOfWork(w.db, w.admin, write=False), src, ListQuery()))
    seen = versions(w, w.admin, ids)  # the admin's list read the rows…
    stale = ids[1]
    updates.update_customer(w.uow(w.admin), stale, seen[stale], {"remarks": "改过了"})
    delete = next(a for a in src.batch_actions if a.key == "delete")
    assert delete.versioned
    with pytest.raises(ConflictError):  # …then someone saved one of them
        delete.run(UnitOfWork(w.db, w.admin), ids, versions=seen)
    assert len(names(w, w.admin)) == 4  # one transaction: no row was deleted
    with pytest.raises(ConflictError):  # a row whose version the list did not read
        delete.run(UnitOfWork(w.db, w.admin), ids, versions={})
    assert len(names(w, w.admin)) == 4
    # Read again, the same batch goes through.
    assert delete.run(UnitOfWork(w.db, w.admin), ids, versions=versions(w, w.admin, ids)).done == 4
    assert names(w, w.admin) == []


def test_recycle_bin_lists_deleted_customers_and_restores(world):
    from app.services.customers.lists import recycle_bin_source
    from app.services.customers.recycle_bin import list_recycle_bin

    w = world
    src = recycle_bin_source()
    ids = list_query.fetch_ids(UnitOfWork(w.db, w.admin, write=False), customers_source(),
                            ListQuery())  # fmt: skip
    delete = next(a for a in customers_source().batch_actions if a.key == "delete")
    seen = versions(w, w.sales_admin, ids[:2])
    assert delete.run(UnitOfWork(w.db, w.sales_admin), list(ids[:2]), versions=seen).done == 2
    binned = list_query.fetch_ids(UnitOfWork(w.db, w.sales_admin, write=False), src, ListQuery())
    assert sorted(binned) == sorted(ids[:2])
    with pytest.raises(PermissionDenied):
        list_query.fetch_ids(UnitOfWork(w.db, w.rep1, write=False), src, ListQuery())
    restore = next(a for a in src.batch_actions if a.key == "restore")
    assert restore.run(UnitOfWork(w.db, w.sales_admin), [ids[0]]).done == 1
    assert len(names(w, w.admin)) == 3
    assert list_recycle_bin(UnitOfWork(w.db, w.sales_admin))[0].id == ids[1]


def test_latin_text_matches_in_any_case(world):
    w = world
    register(w, w.rep1, "ABC精密仪器有限公司", phone="0951-7012345")
    for text in ("abc精密", "ABC精密", "Abc精密"):
        assert names(w, w.rep1, ListQuery(search=text)) == ["ABC精密仪器有限公司"]


def test_latin_letters_match_names_and_pinyin_through_one_trigram_phrase(world):
    w = world
    register(w, w.rep1, "Yinchuan Optics 光学仪器有限公司", phone="0951-7012345")
    # "yinchuan" is both a text and a pinyin key: one phrase over both column groups.
    cond = search_index.fts_candidates(
        Customer.id, "customers_fts", "yinchuan",
        text_columns=[Customer.name], pinyin_columns=[Customer.name_pinyin],
    )  # fmt: skip
    assert cond.query.value == '{name name_pinyin} : "yinchuan"'
    assert names(w, w.sales_admin, ListQuery(search="yinchuan")) == [
        "Yinchuan Optics 光学仪器有限公司",  # by its name
        "银川塞上物流有限公司",  # by its pinyin
    ]
    assert names(w, w.sales_admin, ListQuery(search="OPTICS")) == [
        "Yinchuan Optics 光学仪器有限公司"
    ]


def test_one_search_shape_with_new_terms_finds_the_new_rows(world):
    """Search statements are compiled once and cached: every run must bind its own term
    (text, full pinyin, initials, digits; trigram index or not)."""
    w = world
    expected = {
        "枸杞产业": [NXH], "塞上物流": ["银川塞上物流有限公司"], "煤业": ["石嘴山煤业股份有限公司"],
        "ningxiahong": [NXH], "yinchuan": ["银川塞上物流有限公司"],
        "nxh": [NXH], "ycss": ["银川塞上物流有限公司"],
        "5012345": [NXH], "6012345": ["银川塞上物流有限公司"], "22012345": ["石嘴山煤业股份有限公司"],
    }  # fmt: skip
    for _round in range(2):
        for text, found in expected.items():
            assert names(w, w.sales_admin, ListQuery(search=text)) == found, text
