"""疑似重复客户 (issue 20): the search finds what the registration check's keys would call
the same and the near matches, says why, shows each user only the pairs in their scope,
and never proposes a pair marked 不是重复 again."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.core import settings
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.customers import contacts, likely_duplicates, merging
from app.services.customers.forms import ContactForm
from app.services.customers.likely_duplicates import PairFinder, branch_bases
from app.services.customers.merge_lists import duplicate_pairs_source, merges_source
from app.services.customers.registration import register_customer
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from tests.services.customer_fixtures import NXH, fast_passwords, form, make_world, register


def test_branch_bases():
    assert branch_bases("宁夏红枸杞产业集团银川分公司") == [
        "红枸杞产业集团银川",
        "红枸杞产业",
        "红枸杞产业集",
    ]
    assert branch_bases("中卫沙坡头旅游有限公司办事处") == ["中卫沙坡头旅游"]
    assert branch_bases("宁夏红枸杞产业集团有限公司") == []


@given(st.lists(st.tuples(st.text("甲乙丙丁红枸杞集团公司", min_size=1, max_size=8),
                          st.integers(1, 40), st.text("甲乙分公司办事处", max_size=8)),
                max_size=40))  # fmt: skip
def test_pairs_are_ordered_unique_and_never_self(names):
    finder = PairFinder()
    finder.add_names(names, 80)
    for row in finder.rows():
        assert row["a_id"] < row["b_id"]
        assert 80 <= row["score"] <= 100 and row["reasons"]
    assert len({(r["a_id"], r["b_id"]) for r in finder.rows()}) == len(finder.rows())


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    reg = lambda actor, name, **kw: register(w, actor, name, **kw).customer_id  # noqa: E731
    w.nxh = reg(w.rep1, NXH, phone="0951-5012345")
    w.branch = reg(w.rep2, "宁夏红枸杞产业集团银川分公司")
    w.similar = reg(w.rep1, "宁夏塞上江南枸杞酒业有限公司")
    w.similar2 = reg(w.rep1, "宁夏塞上江南杞酒业有限公司")  # a character missing
    w.person = reg(w.rep1, "马明", type_id=_personal(w), phone="13900001111")
    contacts.add_contact(w.uow(w.rep2), w.branch, ContactForm(name="马明", mobile="13900001111",
                                                              phone="0951-7777777"))  # fmt: skip
    contacts.add_contact(w.uow(w.rep2), w.branch, ContactForm(name="老马", mobile="13900001111"))
    # Team 2: a pair only those who see team 2 may see.
    w.t2a = reg(w.rep3, "中卫沙坡头旅游有限公司")
    w.t2b = reg(w.rep3, "中卫沙坡头旅游有限公司办事处")
    # A manager's 公司特别指派 let the same phone through twice.
    w.forced = register_customer(
        w.uow(w.manager),
        form(w, "吴忠塞上食品厂", phone="0951-5012345", owner_id=w.rep2.id),
        override_reason="公司特别指派",
    ).customer_id
    w.unrelated = reg(w.rep1, "石嘴山煤业有限公司")
    return w


def _personal(w):
    from app.services.admin import code_tables

    with UnitOfWork(w.db, w.admin) as uow:
        return code_tables.find_item(uow, "customer_type", "P")


def pairs(w, actor, query=None) -> dict[frozenset, str]:
    src = duplicate_pairs_source()
    r = UnitOfWork(w.db, actor, write=False)
    ids = list_query.fetch_ids(r, src, query or ListQuery())
    rows = list_query.fetch_rows(UnitOfWork(w.db, actor, write=False), src, ids,
                                 ["a_name", "b_name", "reasons"])  # fmt: skip
    return {frozenset((a, b)): why for _id, a, b, why in rows}


def test_the_search_finds_keys_and_near_matches_with_reasons(world):
    w = world
    n = likely_duplicates.find_likely_duplicates(UnitOfWork(w.db, w.sales_admin))
    found = pairs(w, w.sales_admin)
    assert n == len(found)
    assert "去掉分支机构后同名" in found[frozenset((NXH, "宁夏红枸杞产业集团银川分公司"))]
    assert "名称相似 93%" in found[frozenset(("宁夏塞上江南枸杞酒业有限公司",
                                             "宁夏塞上江南杞酒业有限公司"))]  # fmt: skip
    assert "联系人电话相同" in found[frozenset(("马明", "宁夏红枸杞产业集团银川分公司"))]
    assert "电话相同" in found[frozenset((NXH, "吴忠塞上食品厂"))]
    assert "去掉分支机构后同名" in found[frozenset(("中卫沙坡头旅游有限公司",
                                                    "中卫沙坡头旅游有限公司办事处"))]  # fmt: skip
    assert not [k for k in found if "石嘴山煤业有限公司" in k]


def test_each_user_sees_the_pairs_in_scope_and_may_dismiss_them(world):
    w = world
    likely_duplicates.find_likely_duplicates(UnitOfWork(w.db, w.manager))
    everything = pairs(w, w.sales_admin)
    team1 = pairs(w, w.manager)
    assert team1 and set(team1) < set(everything)
    assert not [k for k in team1 if "中卫沙坡头旅游有限公司" in k]  # team 2's
    for actor in (w.rep1, w.clerk, w.chairman):
        with pytest.raises(PermissionDenied):
            pairs(w, actor)
        with pytest.raises(PermissionDenied):
            likely_duplicates.find_likely_duplicates(UnitOfWork(w.db, actor))
    src = duplicate_pairs_source()
    r = UnitOfWork(w.db, w.sales_admin, write=False)
    ids = list(list_query.fetch_ids(r, src, ListQuery(search="中卫沙坡头")))
    assert len(ids) == 1
    assert likely_duplicates.dismiss_pairs(UnitOfWork(w.db, w.manager), ids) == 0  # not team 1's
    assert likely_duplicates.dismiss_pairs(UnitOfWork(w.db, w.sales_admin), ids) == 1
    likely_duplicates.find_likely_duplicates(UnitOfWork(w.db, w.sales_admin))
    assert set(pairs(w, w.sales_admin)) == set(everything) - {
        frozenset(("中卫沙坡头旅游有限公司", "中卫沙坡头旅游有限公司办事处"))
    }


def test_the_threshold_in_settings_and_a_merge_update_the_pairs(world):
    w = world
    settings.update_settings(UnitOfWork(w.db, w.admin), {"customers.duplicate_similarity": 100})
    likely_duplicates.find_likely_duplicates(UnitOfWork(w.db, w.sales_admin))
    assert frozenset(("宁夏塞上江南枸杞酒业有限公司", "宁夏塞上江南杞酒业有限公司")) not in pairs(
        w, w.sales_admin
    )
    seen = merging.merge_preview(UnitOfWork(w.db, w.manager), w.nxh, w.branch)
    merging.merge(UnitOfWork(w.db, w.manager), w.nxh, w.branch, {"owner": "kept"},
                  (seen.kept.version, seen.removed.version))  # fmt: skip
    assert not [k for k in pairs(w, w.sales_admin) if "宁夏红枸杞产业集团银川分公司" in k]
    rows = list_query.fetch_ids(UnitOfWork(w.db, w.manager, write=False), merges_source(),
                                ListQuery())  # fmt: skip
    assert len(rows) == 1


def test_a_cancelled_search_keeps_the_last_result(world):
    w = world
    likely_duplicates.find_likely_duplicates(UnitOfWork(w.db, w.sales_admin))
    before = pairs(w, w.sales_admin)
    steps = []
    n = likely_duplicates.find_likely_duplicates(
        UnitOfWork(w.db, w.sales_admin), lambda done, total: steps.append((done, total)),
        lambda: bool(steps),
    )  # fmt: skip
    assert n == 0 and steps == [(1, 5)]
    assert pairs(w, w.sales_admin) == before
