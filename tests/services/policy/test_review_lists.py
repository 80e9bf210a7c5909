"""List sources of the policy screens: 评审 (scoped like reviews._visible, status and
outcome labels, detail, 改派 choices) and 《客户分类表》 (class, reason, 近三年成交额)."""

from decimal import Decimal

import pytest

from app.models import Customer
from app.services.core.errors import NotFound, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import DealForm
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from app.services.policy import classification, reviews
from app.services.policy.classification_lists import classification_source
from app.services.policy.review_lists import reassign_choices, review_detail, reviews_source
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register

YC = "银川评审测试有限公司"
ZW = "中卫评审测试有限公司"


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.c1 = register(w, w.rep1, NXH).customer_id
    w.c2 = register(w, w.rep2, YC).customer_id
    w.c3 = register(w, w.rep3, ZW).customer_id  # team 2
    fake_clock.advance(days=200)  # every development window has run out
    reviews.open_due_reviews(UnitOfWork(w.db, w.admin))
    w.r = {r.customer_id: r.id for r in reviews.list_reviews(UnitOfWork(w.db, w.admin))}
    return w


def read(w, actor):
    return UnitOfWork(w.db, actor, write=False)


def rows(w, actor, keys, query=None, source=None):
    src = source or reviews_source(actor)
    ids = list_query.fetch_ids(read(w, actor), src, query or ListQuery())
    return [tuple(r[1:]) for r in list_query.fetch_rows(read(w, actor), src, ids, keys)]


def customers_seen(w, actor, query=None):
    return sorted(r[0] for r in rows(w, actor, ["customer"], query))


def test_scope_matches_the_review_service(world):
    w = world
    everyone = sorted([NXH, YC, ZW])
    for actor in (w.admin, w.chairman, w.sales_admin):
        assert customers_seen(w, actor) == everyone
    assert customers_seen(w, w.manager) == sorted([NXH, YC])  # team 1 only
    assert customers_seen(w, w.rep1) == [NXH]
    assert customers_seen(w, w.rep3) == [ZW]
    assert customers_seen(w, w.clerk) == []
    for actor in (w.admin, w.manager, w.rep1, w.rep3, w.clerk):
        service = sorted(r.customer_name for r in reviews.list_reviews(read(w, actor), None))
        assert customers_seen(w, actor) == service


def test_columns_labels_and_status_filter(world, fake_clock):
    w = world
    detail = review_detail(read(w, w.manager), w.r[w.c1])
    reviews.file_statement(
        UnitOfWork(w.db, w.rep1), detail.id, detail.version, "客户预算推迟到明年"
    )
    detail = review_detail(read(w, w.manager), w.r[w.c1])
    reviews.decide(UnitOfWork(w.db, w.manager), detail.id, detail.version, "pool", "无进展")
    src = reviews_source(w.manager)
    keys = ["customer", "owner", "status", "statement", "outcome", "comments"]
    ids = list_query.fetch_ids(read(w, w.manager), src, ListQuery(sort=(("customer", False),)))
    got = {r[1]: r[1:] for r in list_query.fetch_rows(read(w, w.manager), src, ids, keys)}
    assert got[NXH] == (NXH, "张三", "decided", "客户预算推迟到明年", "pool", "无进展")
    assert got[YC][2:5] == ("open", "", "")
    status, outcome = src.column("status"), src.column("outcome")
    assert (status.display("open"), status.display("decided")) == ("待评审", "已决定")
    assert [outcome.display(k) for k in ("extend", "reassign", "pool")] == ["延期", "改派", "回收"]
    only_open = ListQuery(filters=(("status", ("open",)),))
    assert customers_seen(w, w.manager, only_open) == [YC]
    assert customers_seen(w, w.manager, ListQuery(search="预算")) == [NXH]
    values = list_query.distinct_values(read(w, w.manager), src, "status")
    assert sorted(label for _v, label in values) == ["已决定", "待评审"]
    assert src.open_entity == "review"


def test_detail_and_second_decision(world):
    w = world
    rid = w.r[w.c2]
    with pytest.raises(NotFound):  # rep1 may not see rep2's review
        review_detail(read(w, w.rep1), rid)
    d = review_detail(read(w, w.rep2), rid)
    assert (d.customer_name, d.owner_name, d.status_label, d.is_open) == (
        YC,
        "李四",
        "待评审",
        True,
    )
    choices = reassign_choices(read(w, w.manager), d)
    assert {name for _id, name in choices} == {"张三", "赵主管"}  # team 1, not the owner
    assert reassign_choices(read(w, w.rep2), d) == []
    assert {n for _i, n in reassign_choices(read(w, w.admin), d)} == {"张三", "王五", "赵主管"}
    new_owner = next(i for i, n in choices if n == "张三")
    reviews.decide(UnitOfWork(w.db, w.manager), rid, d.version, "reassign", "改由张三跟进",
                   new_owner_id=new_owner)  # fmt: skip
    after = review_detail(read(w, w.admin), rid)
    assert (after.outcome_label, after.new_owner_name, after.decided_by) == (
        "改派",
        "张三",
        "赵主管",
    )
    with pytest.raises(ValidationError, match="已作出决定"):
        reviews.decide(UnitOfWork(w.db, w.admin), rid, after.version, "pool", "再回收")


def test_classification_source(world, fake_clock):
    w = world
    followups.add_deal(UnitOfWork(w.db, w.rep1), w.c1, DealForm(product="枸杞", amount="400000"))
    with UnitOfWork(w.db, w.admin) as uow:
        uow.session.get(Customer, w.c2).financial_status = "较差"
        uow.commit()
    proposals = classification.propose(UnitOfWork(w.db, w.manager))
    assert classification.confirm(UnitOfWork(w.db, w.manager), proposals) == 1  # C → B
    src = classification_source()
    keys = ["name", "grade", "total_3y", "financial_status", "class_reason", "classified_on"]

    def table(actor, query=None):
        ids = list_query.fetch_ids(read(w, actor), src, query or ListQuery())
        return {r[1]: r[1:] for r in list_query.fetch_rows(read(w, actor), src, ids, keys)}

    got = table(w.manager)
    assert set(got) == {NXH, YC}  # team 1 only
    name, grade, total, finance, reason, on = got[NXH]
    assert (grade, Decimal(str(total)), on) == ("B", Decimal("400000"), fake_clock().date())
    assert "400,000.00" in reason
    assert got[YC][1] == "C" and got[YC][3] == "较差"  # a poor C stays C: D is by hand
    assert set(table(w.rep3)) == {ZW} and table(w.rep3)[ZW][1] == "C"  # new: C
    assert set(table(w.admin, ListQuery(filters=(("grade", ("B",)),)))) == {NXH}
    # The three-year window moves with the clock: the deal drops out of the total.
    fake_clock.advance(days=3 * 365 + 5)
    assert Decimal(str(table(w.admin)[NXH][2])) == 0
