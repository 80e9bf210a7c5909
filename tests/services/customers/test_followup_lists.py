"""跟进记录 and 成交记录 across customers: scope per role, search, group-by, export,
drill-through, output logged under a grant (SQLite and PostgreSQL)."""

from datetime import datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from app.models import GrantView
from app.services.core import clock
from app.services.core.errors import NotFound
from app.services.core.uow import UnitOfWork
from app.services.customers import followups, grants
from app.services.customers.followup_lists import customer_of, deals_source, follow_ups_source
from app.services.customers.followups import DealForm, FollowUpForm
from app.services.lists import query as list_query
from app.services.lists import summaries
from app.services.lists.excel_export import export_list
from app.services.lists.spec import ListQuery
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register

COAL = "石嘴山煤业股份有限公司"
SOFT = "北京中关村软件有限公司"


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.c1 = register(w, w.rep1, NXH).customer_id
    w.c2 = register(w, w.rep2, COAL).customer_id
    w.c3 = register(w, w.rep3, SOFT).customer_id
    fake_clock.advance(days=1)
    at = clock.now() - timedelta(hours=10)
    for actor, cid, content in [
        (w.rep1, w.c1, "电话沟通枸杞报价"),
        (w.rep1, w.c1, "上门拜访，约下周签约"),
        (w.rep2, w.c2, "寄送煤质检测报告"),
        (w.rep3, w.c3, "演示软件，客户有意向"),
    ]:
        followups.add_follow_up(
            w.uow(actor), cid, FollowUpForm(at=at, content=content, next_step="再联系")
        )
        at += timedelta(hours=1)
    for actor, cid, product, amount in [
        (w.rep1, w.c1, "枸杞原浆", "12000"),
        (w.rep2, w.c2, "动力煤", "350000.50"),
        (w.rep3, w.c3, "ERP 软件", "88000"),
    ]:
        followups.add_deal(
            w.uow(actor), cid, DealForm(deal_date=clock.now().date(), product=product,
                                        quantity="10", amount=amount),
        )  # fmt: skip
    return w


def column(w, actor, source, key, query=None) -> list:
    ids = list_query.fetch_ids(UnitOfWork(w.db, actor, write=False), source, query or ListQuery())
    rows = list_query.fetch_rows(UnitOfWork(w.db, actor, write=False), source, ids, [key])
    return [r[1] for r in rows]


def test_each_role_sees_only_records_of_visible_customers(world):
    w = world
    src = follow_ups_source()
    assert sorted(column(w, w.rep1, src, "customer")) == [NXH, NXH]
    assert column(w, w.rep3, src, "customer") == [SOFT]
    assert sorted(column(w, w.manager, src, "customer")) == sorted([NXH, NXH, COAL])
    for actor in (w.sales_admin, w.chairman):
        assert len(column(w, actor, src, "customer")) == 4
    assert sorted(column(w, w.rep2, deals_source(), "product")) == ["动力煤"]
    assert sorted(column(w, w.sales_admin, deals_source(), "product")) == sorted(
        ["枸杞原浆", "动力煤", "ERP 软件"]
    )


def test_newest_first_and_search_by_customer_pinyin_or_content(world):
    w = world
    src = follow_ups_source()
    # default sort: 跟进时间, newest first
    assert column(w, w.sales_admin, src, "content")[:2] == [
        "演示软件，客户有意向",
        "寄送煤质检测报告",
    ]
    for text, found in [("nxh", 2), ("ningxia", 2), ("报价", 1), ("zgc", 0)]:
        assert len(column(w, w.rep1, src, "content", ListQuery(search=text))) == found
    # Another rep's record is never found by its content either.
    assert column(w, w.rep1, src, "content", ListQuery(search="煤质")) == []
    assert column(w, w.rep1, deals_source(), "product", ListQuery(search="gqyj")) == []
    assert column(w, w.rep1, deals_source(), "product", ListQuery(search="枸杞")) == ["枸杞原浆"]


def test_group_by_follower_and_deal_amounts(world):
    w = world
    s = summaries.summarize(
        UnitOfWork(w.db, w.manager, write=False), follow_ups_source(), ListQuery(), ["by"]
    )
    assert sorted((r.labels, r.count) for r in s.rows) == [(("张三",), 2), (("李四",), 1)]
    d = summaries.summarize(
        UnitOfWork(w.db, w.chairman, write=False), deals_source(), ListQuery(), ["salesperson"]
    )
    assert d.total.count == 3 and d.total.sums["amount"] == Decimal("450000.50")


def test_export_reads_back_typed_cells(world, tmp_path):
    w = world
    path = tmp_path / "deals.xlsx"
    keys = ["deal_date", "customer", "product", "amount"]
    export_list(UnitOfWork(w.db, w.rep2, write=False), deals_source(), ListQuery(), keys, path)
    sheet = openpyxl.load_workbook(path).active
    assert [c.value for c in sheet[1]] == ["成交日期", "客户", "产品", "金额（元）"]
    today = datetime.combine(clock.now().date(), datetime.min.time())
    assert [c.value for c in sheet[2]] == [today, COAL, "动力煤", 350000.5]
    assert sheet.max_row == 2  # only rep2's deal


def test_customer_of_a_record_is_scoped(world):
    w = world
    fid = list_query.fetch_ids(UnitOfWork(w.db, w.rep1, write=False), follow_ups_source(),
                            ListQuery())[0]  # fmt: skip
    assert customer_of(UnitOfWork(w.db, w.rep1, write=False), "follow_up", fid) == w.c1
    with pytest.raises(NotFound):
        customer_of(UnitOfWork(w.db, w.rep3, write=False), "follow_up", fid)
    did = list_query.fetch_ids(UnitOfWork(w.db, w.rep3, write=False), deals_source(), ListQuery())[
        0
    ]
    assert customer_of(UnitOfWork(w.db, w.sales_admin, write=False), "deal", did) == w.c3
    with pytest.raises(NotFound):
        customer_of(UnitOfWork(w.db, w.rep1, write=False), "deal", did)


def test_output_under_a_grant_is_logged_per_customer(world):
    w = world
    gid = grants.request_grant(
        w.uow(w.rep3), "协助跟进", clock.now() + timedelta(days=3), customer_id=w.c1
    )
    grants.decide_grant(w.uow(w.chairman), gid, True)
    src = follow_ups_source()
    ids = list_query.fetch_ids(UnitOfWork(w.db, w.rep3, write=False), src, ListQuery())
    assert len(ids) == 3  # his own and the two of the granted customer
    list_query.record_output(UnitOfWork(w.db, w.rep3), src, ids, "导出 Excel")
    with w.db.sessions() as s:
        views = s.scalars(select(GrantView).where(GrantView.grant_id == gid)).all()
    assert [v.customer_id for v in views] == [w.c1]  # once, for the customer
