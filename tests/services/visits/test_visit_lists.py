"""客户回访 list sources on the shared list machinery: scope, columns and labels, the
overdue flag moving with the clock, summaries, batch cancel and batch archive."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.services.admin import code_tables
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.lists import query as list_query
from app.services.lists import summaries
from app.services.lists.spec import ListQuery
from app.services.visits import workflow as visits
from app.services.visits.lists import visit_plans_source, visit_records_source, visit_reports_source
from app.services.visits.workflow import PlanForm, RecordForm
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register

YC = "银川回访列表有限公司"
ZW = "中卫回访列表有限公司"


def u(w, actor):
    return UnitOfWork(w.db, actor)


def read(w, actor):
    return UnitOfWork(w.db, actor, write=False)


@pytest.fixture
def w(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(db)
    with UnitOfWork(db, w.admin) as uow:
        w.walk = code_tables.find_item(uow, "visit_method", "2")
        w.cat = code_tables.find_item(uow, "visit_archive", "1")
    w.c1 = register(w, w.rep1, NXH).customer_id
    w.c2 = register(w, w.rep2, YC).customer_id
    w.c3 = register(w, w.rep3, ZW).customer_id
    fake_clock.advance(days=1)
    day = fake_clock().date()

    def plan(actor, cid, **kw):
        form = PlanForm(cid, day, day + timedelta(days=3), purpose="季度回访", **kw)
        return visits.create_plan(u(w, actor), form)

    w.p1 = plan(w.rep1, w.c1, visitor_ids=(w.rep2.id,), method_id=w.walk)
    w.p2 = plan(w.rep2, w.c2)
    w.p3 = plan(w.rep3, w.c3)
    fake_clock.advance(hours=2)
    form = RecordForm(fake_clock() - timedelta(hours=1), needs="要新品目录", satisfaction=4)
    w.r1 = visits.add_record(u(w, w.rep1), w.p1, form)
    w.r2 = visits.add_record(u(w, w.rep2), w.p1, form)
    w.r3 = visits.add_record(u(w, w.rep3), w.p3, form)
    w.rep = visits.create_report(u(w, w.rep1), "一季度回访", [w.r1], "客户满意")
    return w


def rows(w, actor, source, keys, query=None):
    ids = list_query.fetch_ids(read(w, actor), source, query or ListQuery())
    return [tuple(r[1:]) for r in list_query.fetch_rows(read(w, actor), source, ids, keys)]


def test_plan_list_scope_columns_and_overdue(w, fake_clock):
    src = visit_plans_source()
    assert src.open_entity == "visit_plan" and src.default_date_key == "planned_from"

    def customers(actor, query=None):
        return sorted(r[0] for r in rows(w, actor, src, ["customer"], query))

    assert customers(w.rep1) == [NXH]
    assert customers(w.rep2) == sorted([NXH, YC])  # NXH as a visitor on rep1's plan
    assert customers(w.rep3) == [ZW]
    assert customers(w.manager) == sorted([NXH, YC])
    for actor in (w.clerk, w.chairman, w.sales_admin, w.admin):
        assert customers(actor) == sorted([NXH, YC, ZW])

    keys = ["customer", "owner", "visitors", "method", "status", "ad_hoc", "overdue"]
    got = {r[0]: r for r in rows(w, w.admin, src, keys)}
    assert got[NXH][1] == "张三" and set(got[NXH][2].split("、")) == {"张三", "李四"}
    assert (got[NXH][3], got[NXH][4], bool(got[NXH][5])) == ("走访", "done", False)
    assert src.column("status").display(got[YC][4]) == "计划"
    assert not any(bool(r[6]) for r in got.values())
    # The same source object, later: the open plan of YC is overdue now.
    fake_clock.advance(days=5)
    got = {r[0]: r for r in rows(w, w.admin, src, keys)}
    assert bool(got[YC][6]) and not bool(got[NXH][6])
    late = ListQuery(filters=(("overdue", (True,)),))
    assert customers(w.admin, late) == [YC]
    assert customers(w.rep2, ListQuery(search="银川")) == [YC]
    assert customers(w.rep2, ListQuery(search="季度")) == sorted([NXH, YC])
    summary = summaries.summarize(read(w, w.admin), src, ListQuery(), ["status"])
    assert {g.labels[0]: g.count for g in summary.rows} == {"已完成": 2, "计划": 1}


def test_plan_batch_cancel_skips_what_is_not_allowed(w):
    src = visit_plans_source()
    action = next(a for a in src.batch_actions if a.key == "cancel")
    choices = action.param[2](read(w, w.rep2))
    assert "客户另有安排" in [label for _v, label in choices]
    # rep2 may cancel the own open plan; rep1's plan is done (and not rep2's).
    result = action.run(u(w, w.rep2), [w.p2, w.p1], reason="客户另有安排")
    assert result.done == 1 and [i for i, _why in result.skipped] == [w.p1]
    d = visits.plan_detail(read(w, w.rep2), w.p2)
    assert (d.status, d.cancel_reason) == ("cancelled", "客户另有安排")
    result = action.run(u(w, w.rep1), [w.p3], reason="其他")  # invisible to rep1
    assert result.done == 0 and "无权查看" in result.skipped[0][1]
    assert visits.plan_detail(read(w, w.rep3), w.p3).status == "done"


def test_record_list_scope_and_report_status(w):
    src = visit_records_source()
    keys = ["customer", "visitor", "satisfaction", "report_status", "needs"]
    assert sorted(r[1] for r in rows(w, w.rep1, src, keys)) == ["张三", "李四"]  # own customer
    # rep2: the records of the plan rep2 went on (rep1's customer), not rep3's.
    assert sorted(r[1] for r in rows(w, w.rep2, src, keys)) == ["张三", "李四"]
    assert [r[1] for r in rows(w, w.rep3, src, keys)] == ["王五"]
    got = {r[1]: r for r in rows(w, w.admin, src, keys)}
    col = src.column("report_status")
    assert col.display(got["张三"][3]) == "草稿" and col.display(got["李四"][3]) == "未编入报告"
    no_report = ListQuery(filters=(("report_status", ("",)),))
    assert sorted(r[1] for r in rows(w, w.admin, src, keys, no_report)) == ["李四", "王五"]
    summary = summaries.summarize(read(w, w.manager), src, ListQuery(), ["report_status"])
    assert {g.labels[0]: g.count for g in summary.rows} == {"草稿": 1, "未编入报告": 1}
    assert rows(w, w.rep1, src, ["customer"], ListQuery(search="新品目录"))  # content search


def test_report_list_scope_and_batch_archive(w):
    src = visit_reports_source()
    keys = ["title", "author", "status", "reviewer", "record_count", "archive_category"]
    assert rows(w, w.rep1, src, keys) == [("一季度回访", "张三", "draft", None, 1, None)]
    assert rows(w, w.rep2, src, keys) == [] and rows(w, w.rep3, src, keys) == []
    assert len(rows(w, w.manager, src, keys)) == 1
    d = visits.report_detail(read(w, w.rep1), w.rep)
    visits.submit_report(u(w, w.rep1), w.rep, w.manager.id, d.version)
    assert rows(w, w.manager, src, keys)[0][2:4] == ("submitted", "赵主管")
    d = visits.report_detail(read(w, w.manager), w.rep)
    visits.review_report(u(w, w.manager), w.rep, True, "同意", d.version)

    action = next(a for a in src.batch_actions if a.key == "archive")
    with pytest.raises(PermissionDenied, match="只有文员或销售内勤"):
        action.run(u(w, w.rep1), [w.rep], category_id=w.cat)
    assert "客户需求" in [label for _v, label in action.param[2](read(w, w.clerk))]
    result = action.run(u(w, w.clerk), [w.rep], category_id=w.cat)
    assert result.done == 1
    assert rows(w, w.clerk, src, keys)[0][2::3] == ("archived", "客户需求")
    result = action.run(u(w, w.clerk), [w.rep], category_id=w.cat)  # already archived
    assert result.done == 0 and "只有审阅通过" in result.skipped[0][1]
    only = ListQuery(filters=(("status", ("archived",)),))
    assert [r[0] for r in rows(w, w.chairman, src, ["title"], only)] == ["一季度回访"]
