"""客户回访 service: plans, appointments, records (logged as follow-ups), reports, review
and archive — permissions, bad input that changes nothing, optimistic locking."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models import (
    Customer,
    FollowUp,
    VisitPlan,
    VisitPlanVisitor,
    VisitRecord,
    VisitReport,
)
from app.services.admin import code_tables
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.pool import rules as pool
from app.services.visits import workflow as visits
from app.services.visits.workflow import PlanForm, RecordForm
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register

YC = "银川回访测试有限公司"
ZW = "中卫回访测试有限公司"
GY = "固原回访测试有限公司"


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(db)
    with UnitOfWork(db, w.admin) as uow:
        w.grade_a = code_tables.find_item(uow, "grade", "A")
        w.grade_b = code_tables.find_item(uow, "grade", "B")
        w.walk = code_tables.find_item(uow, "visit_method", "2")  # 走访
        w.phone = code_tables.find_item(uow, "visit_method", "1")  # 电话
        w.archive_cat = code_tables.find_item(uow, "visit_archive", "2")  # 售后服务
    w.c1 = register(w, w.rep1, NXH, grade_id=w.grade_a).customer_id
    w.c2 = register(w, w.rep2, YC, grade_id=w.grade_b).customer_id
    w.c3 = register(w, w.rep3, ZW, grade_id=w.grade_a).customer_id
    w.c4 = register(w, w.rep1, GY, grade_id=w.grade_a).customer_id
    fake_clock.advance(days=1)
    return w


def u(w, actor):
    return UnitOfWork(w.db, actor)


def r(w, actor):
    return UnitOfWork(w.db, actor, write=False)


def plan_form(w, customer_id, days=(0, 5), **kw):
    start = w.today()
    kw.setdefault("purpose", "了解使用情况")
    return PlanForm(customer_id, start + timedelta(days=days[0]), start + timedelta(days=days[1]),
                    **kw)  # fmt: skip


def record_form(at, **kw):
    kw.setdefault("needs", "明年增加枸杞原浆采购")
    return RecordForm(visited_at=at, **kw)


@pytest.fixture
def w(world, fake_clock):
    world.today = lambda: fake_clock().date()
    world.now = fake_clock
    return world


def snapshot(w):
    """Everything the visit workflow writes, to prove a refused call changed nothing."""
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        s = uow.session
        out = []
        for model in (VisitPlan, VisitRecord, VisitReport):
            rows = s.execute(select(model.id, model.version).order_by(model.id)).all()
            out.append(tuple(tuple(x) for x in rows))
        out.append(s.scalar(select(func.count()).select_from(VisitPlanVisitor)))
        out.append(s.scalar(select(func.count()).select_from(FollowUp)))
        out.append(
            tuple(s.execute(select(Customer.id, Customer.last_follow_up_at).order_by(Customer.id)))
        )
        return tuple(out)


def refused(w, exc, match, call):
    before = snapshot(w)
    with pytest.raises(exc, match=match):
        call()
    assert snapshot(w) == before


# --- plans -------------------------------------------------------------------------------


def test_plan_roles_scope_and_validation(w):
    f = plan_form(w, w.c1, visitor_ids=(w.rep2.id,), method_id=w.walk)
    for actor in (w.clerk, w.chairman):
        refused(w, PermissionDenied, "只有销售人员", lambda a=actor: visits.create_plan(u(w, a), f))
    # A rep never plans for another rep's customer.
    refused(w, PermissionDenied, "无权为该客户", lambda: visits.create_plan(u(w, w.rep1),
            plan_form(w, w.c2)))  # fmt: skip
    refused(w, ValidationError, "请填写回访目的。",
            lambda: visits.create_plan(u(w, w.rep1), plan_form(w, w.c1, purpose="  ")))  # fmt: skip
    refused(w, ValidationError, "结束日期不能早于开始日期",
            lambda: visits.create_plan(u(w, w.rep1), plan_form(w, w.c1, days=(3, 1))))  # fmt: skip
    refused(w, ValidationError, "不能作为回访人员",
            lambda: visits.create_plan(u(w, w.rep1),
                                       plan_form(w, w.c1, visitor_ids=(w.clerk.id,))))  # fmt: skip
    refused(w, ValidationError, "回访人员不存在",
            lambda: visits.create_plan(u(w, w.rep1),
                                       plan_form(w, w.c1, visitor_ids=(99999,))))  # fmt: skip

    pid = visits.create_plan(u(w, w.rep1), f)
    d = visits.plan_detail(r(w, w.rep1), pid)
    assert (d.customer_name, d.owner_name, d.visitor_names, d.status, d.status_label) == (
        NXH, "张三", ("张三", "李四"), "planned", "计划",
    )  # fmt: skip
    assert (d.method_name, d.planned_to - d.planned_from, d.is_overdue, d.ad_hoc) == (
        "走访", timedelta(days=5), False, False,
    )  # fmt: skip
    # Who sees it: the owner, the co-visitor, the team's manager, all-seeing roles.
    for actor in (w.rep2, w.manager, w.clerk, w.chairman, w.sales_admin):
        assert visits.plan_detail(r(w, actor), pid).id == pid
    with pytest.raises(NotFound):
        visits.plan_detail(r(w, w.rep3), pid)


def test_update_plan_owner_only_with_version(w, fake_clock):
    pid = visits.create_plan(u(w, w.rep1), plan_form(w, w.c1, visitor_ids=(w.rep2.id,)))
    d = visits.plan_detail(r(w, w.rep1), pid)
    new = plan_form(w, w.c1, days=(1, 9), purpose="收集售后意见", visitor_ids=())
    refused(w, PermissionDenied, "只有回访计划的负责人",
            lambda: visits.update_plan(u(w, w.rep2), pid, new, d.version))  # fmt: skip
    with pytest.raises(NotFound):
        visits.update_plan(u(w, w.rep3), pid, new, d.version)
    refused(w, ConflictError, "已被其他用户修改",
            lambda: visits.update_plan(u(w, w.rep1), pid, new, d.version + 1))  # fmt: skip
    refused(w, ValidationError, "客户不能修改",
            lambda: visits.update_plan(u(w, w.rep1), pid, plan_form(w, w.c4), d.version))  # fmt: skip
    visits.update_plan(u(w, w.rep1), pid, new, d.version)
    after = visits.plan_detail(r(w, w.rep1), pid)
    assert (after.purpose, after.visitor_names, after.version) == ("收集售后意见", ("张三",), 2)
    # rep2 is no longer a visitor: the plan of rep1's customer is hidden from rep2 now.
    with pytest.raises(NotFound):
        visits.plan_detail(r(w, w.rep2), pid)
    # Only the visitor list changes: still a new version, so a stale copy conflicts.
    again = plan_form(w, w.c1, days=(1, 9), purpose="收集售后意见", visitor_ids=(w.rep2.id,))
    visits.update_plan(u(w, w.sales_admin), pid, again, after.version)
    assert visits.plan_detail(r(w, w.rep1), pid).version == 3
    with pytest.raises(ConflictError):
        visits.update_plan(u(w, w.rep1), pid, new, after.version)


def test_batch_plans_all_or_nothing(w):
    f = plan_form(w, 0, purpose="月度 A 类回访")
    refused(w, PermissionDenied, "无权为该客户",
            lambda: visits.create_plans(u(w, w.rep1), [w.c1, w.c4, w.c2], f))  # fmt: skip
    refused(w, ValidationError, "请选择要回访的客户",
            lambda: visits.create_plans(u(w, w.rep1), [], f))  # fmt: skip
    ids = visits.create_plans(u(w, w.rep1), [w.c1, w.c4, w.c1], f)
    assert [visits.plan_detail(r(w, w.rep1), i).customer_name for i in ids] == [NXH, GY]
    assert len(visits.create_plans(u(w, w.sales_admin), [w.c2, w.c3], f)) == 2
    # A pool customer is claimed first.
    pool.return_to_pool(u(w, w.manager), [w.c4], "测试")
    refused(w, ValidationError, "在公海中",
            lambda: visits.create_plan(u(w, w.sales_admin), plan_form(w, w.c4)))  # fmt: skip


def test_visit_targets(w, fake_clock):
    month_start = w.today().replace(day=1)
    got = visits.visit_targets(r(w, w.rep1), grade_code="A", not_visited_since=month_start)
    assert [n for _i, n in got] == [GY, NXH]  # by pinyin: gu < ning
    assert {n for _i, n in visits.visit_targets(r(w, w.manager), grade_code="A")} == {NXH, GY}
    assert {n for _i, n in visits.visit_targets(r(w, w.admin), grade_code="A")} == {NXH, GY, ZW}
    assert [n for _i, n in visits.visit_targets(r(w, w.admin), owner_id=w.rep2.id)] == [YC]
    visits.add_record(u(w, w.rep1), None, record_form(w.now()), customer_id=w.c1)
    got = visits.visit_targets(r(w, w.rep1), grade_code="A", not_visited_since=month_start)
    assert [n for _i, n in got] == [GY]


# --- appointment, cancel -----------------------------------------------------------------


def test_appoint_extends_range_and_cancel(w):
    pid = visits.create_plan(u(w, w.rep1), plan_form(w, w.c1, visitor_ids=(w.rep2.id,)))
    d = visits.plan_detail(r(w, w.rep1), pid)
    refused(w, ValidationError, "日期和时间",
            lambda: visits.appoint(u(w, w.rep1), pid, w.today(), "", "", d.version))  # fmt: skip
    refused(w, ValidationError, "不能早于今天",
            lambda: visits.appoint(u(w, w.rep1), pid, w.now() - timedelta(days=2), "", "",
                                   d.version))  # fmt: skip
    with pytest.raises(NotFound):
        visits.appoint(u(w, w.rep3), pid, w.now(), "", "", d.version)
    at = datetime.combine(d.planned_to + timedelta(days=3), datetime.min.time()).replace(hour=10)
    visits.appoint(u(w, w.rep2), pid, at, "客户办公室", "带样品", d.version)  # a visitor may
    d = visits.plan_detail(r(w, w.rep1), pid)
    assert (d.status_label, d.appointment_at, d.appointment_place, d.planned_to) == (
        "已预约", at, "客户办公室", at.date(),
    )  # fmt: skip
    refused(w, PermissionDenied, "只有回访计划的负责人",
            lambda: visits.cancel_plan(u(w, w.rep2), pid, "客户停产", d.version))  # fmt: skip
    refused(w, ValidationError, "请填写取消原因",
            lambda: visits.cancel_plan(u(w, w.rep1), pid, " ", d.version))  # fmt: skip
    visits.cancel_plan(u(w, w.rep1), pid, "客户停产", d.version)
    d = visits.plan_detail(r(w, w.rep1), pid)
    assert (d.status_label, d.cancel_reason) == ("已取消", "客户停产")
    refused(w, ValidationError, "已取消，不能填写",
            lambda: visits.add_record(u(w, w.rep1), pid, record_form(w.now())))  # fmt: skip
    refused(w, ValidationError, "尚未回访的计划",
            lambda: visits.cancel_plan(u(w, w.rep1), pid, "再取消", d.version))  # fmt: skip
    chain = visits.customer_visits(r(w, w.rep1), w.c1)
    assert [s.status for s in chain[0].steps] == ["已完成"] + ["已取消"] * 5


# --- records -----------------------------------------------------------------------------


def test_record_logs_a_follow_up_and_completes_the_plan(w, fake_clock):
    pid = visits.create_plan(
        u(w, w.rep1), plan_form(w, w.c1, visitor_ids=(w.rep2.id,), method_id=w.walk)
    )
    fake_clock.advance(days=2)
    at = w.now() - timedelta(hours=2)
    refused(w, PermissionDenied, "不是该回访计划的回访人员",
            lambda: visits.add_record(u(w, w.manager), pid, record_form(at)))  # fmt: skip
    with pytest.raises(NotFound):
        visits.add_record(u(w, w.rep3), pid, record_form(at))
    refused(w, PermissionDenied, "只有销售人员",
            lambda: visits.add_record(u(w, w.clerk), pid, record_form(at)))  # fmt: skip
    refused(w, ValidationError, "满意度应为 1 到 5。",
            lambda: visits.add_record(u(w, w.rep2), pid, record_form(at, satisfaction=6)))  # fmt: skip
    refused(w, ValidationError, "回访时间不能晚于现在。",
            lambda: visits.add_record(u(w, w.rep2), pid,
                                      record_form(w.now() + timedelta(hours=1))))  # fmt: skip
    refused(w, ValidationError, "至少填写",
            lambda: visits.add_record(u(w, w.rep2), pid, record_form(at, needs=" ")))  # fmt: skip
    refused(w, ValidationError, "下次回访日期不能早于",
            lambda: visits.add_record(u(w, w.rep2), pid,
                                      record_form(at, next_visit_date=at.date() - timedelta(1))))  # fmt: skip

    rid = visits.add_record(
        u(w, w.rep2), pid,
        record_form(at, service_opinion="送货及时", satisfaction=4, people_met="马经理",
                    next_visit_date=at.date() + timedelta(days=30)),
    )  # fmt: skip
    rec = visits.record_detail(r(w, w.rep1), rid)  # the plan owner reads the co-visitor's record
    assert (rec.customer_name, rec.visitor_name, rec.satisfaction, rec.report_status) == (
        NXH, "李四", 4, "",
    )  # fmt: skip
    assert rec.report_status_label == "未编入报告"
    assert visits.plan_detail(r(w, w.rep1), pid).status == "done"
    # Logged like a normal follow-up: method 走访 → 拜访, the customer's 最近跟进 moves.
    fus = followups.list_follow_ups(r(w, w.rep1), w.c1)
    assert len(fus) == 1
    fu = fus[0]
    assert (fu.at, fu.method, fu.by_name, fu.next_date) == (
        at, "拜访", "李四", at.date() + timedelta(days=30),
    )  # fmt: skip
    assert "明年增加枸杞原浆采购" in fu.content and "送货及时" in fu.content
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.get(Customer, w.c1).last_follow_up_at == at
        assert uow.session.get(VisitRecord, rid).follow_up_id is not None
    refused(w, ValidationError, "已填写过",
            lambda: visits.add_record(u(w, w.rep2), pid, record_form(at)))  # fmt: skip
    rid1 = visits.add_record(u(w, w.rep1), pid, record_form(at, satisfaction=5))
    assert visits.plan_detail(r(w, w.rep2), pid).record_ids == (rid, rid1)
    assert visits.record_detail(r(w, w.rep2), rid1).visitor_name == "张三"  # co-visitor reads

    # update: own record only, with the version; the follow-up follows.
    v = visits.record_detail(r(w, w.rep2), rid).version
    later = at + timedelta(hours=1)
    refused(w, PermissionDenied, "本人填写",
            lambda: visits.update_record(u(w, w.rep1), rid, record_form(later), v))  # fmt: skip
    refused(w, ConflictError, "已被其他用户修改",
            lambda: visits.update_record(u(w, w.rep2), rid, record_form(later), v - 1))  # fmt: skip
    visits.update_record(u(w, w.rep2), rid, record_form(later, problems="包装破损"), v)
    fu = followups.list_follow_ups(r(w, w.rep1), w.c1)[0]
    assert fu.at == later and "包装破损" in fu.content
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.get(Customer, w.c1).last_follow_up_at == later
    with pytest.raises(NotFound):
        visits.record_detail(r(w, w.rep3), rid)


def test_ad_hoc_record_without_a_plan(w):
    refused(w, ValidationError, "请选择回访客户",
            lambda: visits.add_record(u(w, w.rep1), None, record_form(w.now())))  # fmt: skip
    refused(w, PermissionDenied, "无权为该客户",
            lambda: visits.add_record(u(w, w.rep1), None, record_form(w.now()),
                                      customer_id=w.c2))  # fmt: skip
    refused(w, ValidationError, "满意度",
            lambda: visits.add_record(u(w, w.rep1), None, record_form(w.now(), satisfaction=0),
                                      customer_id=w.c1))  # fmt: skip
    rid = visits.add_record(u(w, w.rep1), None, record_form(w.now()), customer_id=w.c1)
    rec = visits.record_detail(r(w, w.rep1), rid)
    plan = visits.plan_detail(r(w, w.rep1), rec.plan_id)
    assert (plan.ad_hoc, plan.status, plan.purpose, plan.planned_from, plan.planned_to) == (
        True, "done", "临时回访", w.today(), w.today(),
    )  # fmt: skip
    assert (plan.owner_name, plan.visitor_names, plan.record_ids) == ("张三", ("张三",), (rid,))
    assert plan.version == 1  # written once
    assert followups.list_follow_ups(r(w, w.rep1), w.c1)[0].method == ""


# --- reports, review, archive ------------------------------------------------------------


def _visited(w, actor, customer_id, fake_clock):
    rid = visits.add_record(u(w, actor), None, record_form(w.now()), customer_id=customer_id)
    fake_clock.advance(minutes=10)
    return rid


def test_report_validation_review_and_archive_rules(w, fake_clock):
    r1 = _visited(w, w.rep1, w.c1, fake_clock)
    r4 = _visited(w, w.rep1, w.c4, fake_clock)
    r2 = _visited(w, w.rep2, w.c2, fake_clock)
    refused(w, ValidationError, "至少要包含一条回访记录",
            lambda: visits.create_report(u(w, w.rep1), "三月回访", [], "客户满意"))  # fmt: skip
    refused(w, ValidationError, "不是您本人填写的",
            lambda: visits.create_report(u(w, w.rep1), "三月回访", [r1, r2], "客户满意"))  # fmt: skip
    refused(w, ValidationError, "请填写主要结论",
            lambda: visits.create_report(u(w, w.rep1), "三月回访", [r1], ""))  # fmt: skip
    refused(w, PermissionDenied, "只有销售人员",
            lambda: visits.create_report(u(w, w.clerk), "三月回访", [r1], "x"))  # fmt: skip
    rep = visits.create_report(u(w, w.rep1), "三月回访", [r1], "客户满意", "加快交货")
    label = f"{NXH} {w.today():%Y-%m-%d}"
    refused(w, ValidationError, f"记录“{label}”已编入其他报告。",
            lambda: visits.create_report(u(w, w.rep1), "重复", [r1, r4], "x"))  # fmt: skip
    d = visits.report_detail(r(w, w.rep1), rep)
    assert (d.status_label, d.author_name, [x.id for x in d.records]) == ("草稿", "张三", [r1])
    visits.update_report(u(w, w.rep1), rep, "三月回访", [r4, r1], "客户满意", "", d.version)
    d = visits.report_detail(r(w, w.rep1), rep)
    assert sorted(x.id for x in d.records) == sorted([r1, r4])
    refused(w, ValidationError, "至少要包含一条回访记录",
            lambda: visits.update_report(u(w, w.rep1), rep, "三月回访", [], "x", "", d.version))  # fmt: skip

    # 主管领导: the team's manager, then the chairman; a manager's report goes upwards.
    assert [n for _i, n in visits.reviewer_choices(r(w, w.rep1))] == ["赵主管", "董事长"]
    assert [n for _i, n in visits.reviewer_choices(r(w, w.manager))] == ["董事长"]
    assert [n for _i, n in visits.reviewer_choices(r(w, w.admin), w.rep3.id)] == ["董事长"]
    refused(w, ValidationError, "审阅人",
            lambda: visits.submit_report(u(w, w.rep1), rep, w.rep2.id, d.version))  # fmt: skip
    refused(w, PermissionDenied, "撰写人",
            lambda: visits.submit_report(u(w, w.sales_admin), rep, w.manager.id, d.version))  # fmt: skip
    refused(w, ConflictError, "已被其他用户修改",
            lambda: visits.submit_report(u(w, w.rep1), rep, w.manager.id, d.version - 1))  # fmt: skip
    visits.submit_report(u(w, w.rep1), rep, w.manager.id, d.version)
    d = visits.report_detail(r(w, w.manager), rep)
    assert (d.status_label, d.reviewer_name, d.review_due) == (
        "待审阅", "赵主管", w.today() + timedelta(days=3),
    )  # fmt: skip
    # Locked while under review.
    refused(w, ValidationError, "已提交审阅",
            lambda: visits.update_report(u(w, w.rep1), rep, "x", [r1], "x", "", d.version))  # fmt: skip
    rv = visits.record_detail(r(w, w.rep1), r1).version
    refused(w, ValidationError, "已提交审阅",
            lambda: visits.update_record(u(w, w.rep1), r1, record_form(w.now()), rv))  # fmt: skip
    # Only the appointed reviewer reviews (the chairman and sales admin see it, still no).
    for actor in (w.chairman, w.sales_admin, w.rep1):
        refused(w, PermissionDenied, "您不是该报告的审阅人，不能审阅。",
                lambda a=actor: visits.review_report(u(w, a), rep, True, "同意", d.version))  # fmt: skip
    with pytest.raises(NotFound):
        visits.review_report(u(w, w.rep2), rep, True, "同意", d.version)
    refused(w, ValidationError, "请填写处理意见",
            lambda: visits.review_report(u(w, w.manager), rep, True, " ", d.version))  # fmt: skip
    refused(w, ValidationError, "只有审阅通过",
            lambda: visits.archive_report(u(w, w.clerk), rep, w.archive_cat, "", d.version))  # fmt: skip
    visits.review_report(u(w, w.manager), rep, True, "同意，跟进交货问题", d.version)
    d = visits.report_detail(r(w, w.clerk), rep)
    assert (d.status_label, d.review_comments, d.archive_due) == (
        "待归档", "同意，跟进交货问题", w.today() + timedelta(days=5),
    )  # fmt: skip
    refused(w, ValidationError, "不在待审阅状态",
            lambda: visits.review_report(u(w, w.manager), rep, False, "退回", d.version))  # fmt: skip
    for actor in (w.rep1, w.manager, w.chairman):
        refused(w, PermissionDenied, "只有文员或销售内勤可以归档回访资料。",
                lambda a=actor: visits.archive_report(u(w, a), rep, w.archive_cat, "", d.version))  # fmt: skip
    refused(w, ValidationError, "请选择归档类别",
            lambda: visits.archive_report(u(w, w.clerk), rep, None, "", d.version))  # fmt: skip
    refused(w, ValidationError, "归档类别的选项不存在",
            lambda: visits.archive_report(u(w, w.clerk), rep, w.walk, "", d.version))  # fmt: skip
    visits.archive_report(u(w, w.sales_admin), rep, w.archive_cat, "A-03 柜", d.version)
    d = visits.report_detail(r(w, w.rep1), rep)
    assert (d.status_label, d.archive_category_name, d.archived_by_name, d.archive_note) == (
        "已归档", "售后服务", "李内勤", "A-03 柜",
    )  # fmt: skip
    assert [s.status for s in d.steps] == ["已完成"] * 6
    # Report visibility: author, reviewer, the team's manager, all-seeing roles.
    with pytest.raises(NotFound):
        visits.report_detail(r(w, w.rep2), rep)
    with pytest.raises(NotFound):
        visits.report_detail(r(w, w.rep3), rep)


def test_preparation_sheet(w, fake_clock):
    followups.add_deal(u(w, w.rep1), w.c1, followups.DealForm(product="枸杞原浆", amount="12000"))
    followups.add_follow_up(u(w, w.rep1), w.c1, followups.FollowUpForm(content="电话问候"))
    fake_clock.advance(hours=1)
    visits.add_record(u(w, w.rep1), None, record_form(w.now(), satisfaction=3), customer_id=w.c1)
    pid = visits.create_plan(u(w, w.rep1), plan_form(w, w.c1, purpose="了解复购意向"))
    prep = visits.preparation(r(w, w.rep1), pid)
    profile = dict(prep.profile)
    assert (profile["客户名称"], profile["等级"], profile["归属销售"]) == (NXH, "A", "张三")
    kinds = [k for _d, k, _t in prep.history]
    assert kinds == ["回访", "跟进", "成交"]  # newest first; the visit's own follow-up not twice
    assert "近期满意度：3 分（最近在前）" in prep.traits
    assert "无未结投诉" in prep.traits
    assert "带上近期成交明细" in prep.checklist
    assert "明确回访目的：了解复购意向" in prep.checklist
    assert "预约拜访时间" in prep.checklist
    with pytest.raises(NotFound):
        visits.preparation(r(w, w.rep2), pid)


def test_customer_chain_steps(w, fake_clock):
    pid = visits.create_plan(u(w, w.rep1), plan_form(w, w.c1, visitor_ids=(w.rep2.id,)))
    chain = visits.customer_visits(r(w, w.rep1), w.c1)
    assert [(s.name, s.status) for s in chain[0].steps] == [
        ("制订计划", "已完成"), ("预约", "进行中"), ("实施回访", "未开始"),
        ("整理报告", "未开始"), ("主管审阅", "未开始"), ("归档", "未开始"),
    ]  # fmt: skip
    assert chain[0].steps[2].owner_name == "张三、李四"
    fake_clock.advance(days=6)  # past planned_to without appointment
    assert visits.customer_visits(r(w, w.rep1), w.c1)[0].plan.is_overdue
    assert visits.customer_visits(r(w, w.rep1), w.c1)[0].steps[1].status == "已逾期"
    rid = visits.add_record(u(w, w.rep1), pid, record_form(w.now()))
    row = visits.customer_visits(r(w, w.rep1), w.c1)[0]
    assert [s.status for s in row.steps][1:4] == ["已完成", "已完成", "进行中"]
    assert (row.report_id, row.records[0].id) == (None, rid)
    rep = visits.create_report(u(w, w.rep1), "回访", [rid], "好")
    row = visits.customer_visits(r(w, w.rep1), w.c1)[0]
    assert (row.report_id, row.report_status_label) == (rep, "草稿")
    with pytest.raises(NotFound):
        visits.customer_visits(r(w, w.rep3), w.c1)
    assert visits.customer_visits(r(w, w.rep2), w.c1)[0].plan.id == pid  # as a visitor


def test_dates_are_required(w):
    bad = PlanForm(w.c1, None, date(2026, 3, 5), purpose="x")
    refused(w, ValidationError, "请填写计划回访开始日期",
            lambda: visits.create_plan(u(w, w.rep1), bad))  # fmt: skip
    refused(w, ValidationError, "请填写回访时间",
            lambda: visits.add_record(u(w, w.rep1), None, RecordForm(None, needs="x"),
                                      customer_id=w.c1))  # fmt: skip


def test_reminder_edges(w, fake_clock):
    from app.services.visits import reminders as visit_reminders

    def kinds_titles(actor):
        return [(x.kind, x.title, x.severity.name)
                for x in visit_reminders.visit_reminders(u(w, actor))]  # fmt: skip

    a = visits.create_plan(u(w, w.rep1), plan_form(w, w.c1, days=(0, 1)))
    c = visits.create_plan(u(w, w.rep1), plan_form(w, w.c4, days=(0, 1)))
    visits.cancel_plan(u(w, w.rep1), c, "客户停产", 1)  # a cancelled plan is not reminded
    visits.appoint(u(w, w.rep1), a, w.now().replace(hour=15), "", "", 1)
    assert kinds_titles(w.rep1) == [  # by due time
        ("visit_appointment", f"今天 15:00 拜访客户“{NXH}”", "WARNING"),
        ("visit_due", f"回访客户“{NXH}”：计划 03-04 前完成", "WARNING"),
    ]
    assert kinds_titles(w.rep2) == []
    # An ad-hoc visit is already done; its record still asks for a report after 3 days.
    fake_clock.advance(hours=8)
    adhoc = visits.add_record(u(w, w.rep2), None, record_form(w.now()), customer_id=w.c2)
    fake_clock.advance(days=3)
    assert kinds_titles(w.rep2) == [
        ("visit_report_todo", f"整理回访报告：客户“{YC}”（03-03 回访）", "WARNING")
    ]
    rep = visits.create_report(u(w, w.rep2), "临时回访报告", [adhoc], "客户满意")
    assert kinds_titles(w.rep2) == []
    fake_clock.advance(days=3)  # a draft left unsubmitted
    assert kinds_titles(w.rep2) == [("visit_report_todo", "回访报告“临时回访报告”尚未提交审阅",
                                     "WARNING")]  # fmt: skip
    visits.submit_report(u(w, w.rep2), rep, w.chairman.id, 1)
    assert kinds_titles(w.rep2) == []
    assert [t for _k, t, _s in kinds_titles(w.chairman)] == ["审阅回访报告“临时回访报告”（李四）"]
    assert kinds_titles(w.manager) == []  # not the appointed reviewer
    # rep1's plan is now late.
    assert kinds_titles(w.rep1) == [("visit_due", f"回访客户“{NXH}”：计划 03-04 前完成", "URGENT")]


def test_dialog_choices(w, fake_clock):
    names = [n for _i, n in visits.visitor_choices(r(w, w.rep1))]
    assert sorted(names) == sorted(["王管理", "李内勤", "赵主管", "张三", "李四", "王五"])
    first = visits.add_record(u(w, w.rep1), None, record_form(w.now()), customer_id=w.c1)
    fake_clock.advance(hours=1)
    second = visits.add_record(u(w, w.rep1), None, record_form(w.now()), customer_id=w.c4)
    visits.add_record(u(w, w.rep2), None, record_form(w.now()), customer_id=w.c2)
    assert [x.id for x in visits.reportable_records(r(w, w.rep1))] == [second, first]
    visits.create_report(u(w, w.rep1), "报告", [second], "好")
    assert [x.customer_name for x in visits.reportable_records(r(w, w.rep1))] == [NXH]
    assert visits.reportable_records(r(w, w.rep3)) == []


def test_every_update_checks_the_version(w, fake_clock):
    pid = visits.create_plan(u(w, w.rep1), plan_form(w, w.c1))
    stale = visits.plan_detail(r(w, w.rep1), pid).version - 1
    at = w.now() + timedelta(hours=3)
    for call in (lambda: visits.appoint(u(w, w.rep1), pid, at, "", "", stale),
                 lambda: visits.cancel_plan(u(w, w.rep1), pid, "改期", stale)):  # fmt: skip
        refused(w, ConflictError, "已被其他用户修改", call)
    rid = visits.add_record(u(w, w.rep1), pid, record_form(w.now()))
    rep = visits.create_report(u(w, w.rep1), "报告", [rid], "好")
    refused(w, ConflictError, "已被其他用户修改",
            lambda: visits.update_report(u(w, w.rep1), rep, "报告", [rid], "很好", "", 0))  # fmt: skip
    visits.submit_report(u(w, w.rep1), rep, w.manager.id, 1)
    refused(w, ConflictError, "已被其他用户修改",
            lambda: visits.review_report(u(w, w.manager), rep, True, "同意", 1))  # fmt: skip
    visits.review_report(u(w, w.manager), rep, True, "同意", 2)
    refused(w, ConflictError, "已被其他用户修改",
            lambda: visits.archive_report(u(w, w.clerk), rep, w.archive_cat, "", 2))  # fmt: skip
    visits.archive_report(u(w, w.clerk), rep, w.archive_cat, "", 3)
    assert visits.report_detail(r(w, w.clerk), rep).status == "archived"


# --- the acceptance test: the whole chain, with reminders and permissions ----------------

from app.services.reminders import registry as reminders  # noqa: E402
from app.services.reminders.engine import Severity  # noqa: E402
from app.services.visits import reminders as visit_reminders  # noqa: E402
from app.services.visits.lists import (  # noqa: E402
    visit_plans_source,
    visit_records_source,
    visit_reports_source,
)

WARN, URGENT, INFO = Severity.WARNING, Severity.URGENT, Severity.INFO


def seen(w, actor):
    """The visit reminders `actor` sees (only this workflow's providers: fast)."""
    items = visit_reminders.visit_reminders(u(w, actor))
    return sorted(
        (x.kind, x.title, x.severity, x.target.entity)
        for x in items
        if x.kind in visit_reminders.KINDS
    )


def nobody_sees_anything(w, *actors):
    for actor in actors:
        assert seen(w, actor) == [], actor.full_name


def list_ids(w, actor, source):
    from app.services.lists import query as list_query
    from app.services.lists.spec import ListQuery

    return list(list_query.fetch_ids(r(w, actor), source, ListQuery()))


def statuses(w, *, plans=(), reports=()):
    return ([visits.plan_detail(r(w, w.admin), p).status for p in plans]
            + [visits.report_detail(r(w, w.admin), x).status for x in reports])  # fmt: skip


def test_full_visit_chain_with_reminders_and_permissions(w, fake_clock):
    everyone = (w.rep1, w.rep2, w.rep3, w.manager, w.clerk, w.sales_admin, w.chairman)
    t0 = w.today()  # 2026-03-03
    at = lambda d, h, m=0: datetime.combine(t0 + timedelta(days=d), datetime.min.time()).replace(  # noqa: E731
        hour=h, minute=m
    )

    # 制订计划: rep1 for the own customer with rep2 along; rep2 for the own customer.
    a = visits.create_plan(
        u(w, w.rep1),
        PlanForm(w.c1, t0, t0 + timedelta(days=3), purpose="了解枸杞原浆使用情况",
                 method_id=w.walk, visitor_ids=(w.rep2.id,)),
    )  # fmt: skip
    b = visits.create_plan(
        u(w, w.rep2), PlanForm(w.c2, t0, t0 + timedelta(days=5), purpose="收集售后意见")
    )
    assert statuses(w, plans=(a, b)) == ["planned", "planned"]
    nobody_sees_anything(w, *everyone)  # nothing due within 2 days yet
    refused(w, PermissionDenied, "只有销售人员",
            lambda: visits.create_plan(u(w, w.clerk), PlanForm(w.c1, t0, t0, purpose="x")))  # fmt: skip
    refused(w, PermissionDenied, "只有回访计划的负责人",
            lambda: visits.cancel_plan(u(w, w.rep2), a, "不去了", 1))  # fmt: skip

    # Visitors before the visit: due within visits.remind_days (2), then the appointment.
    fake_clock.advance(days=1)  # 03-04
    due_a = ("visit_due", f"回访客户“{NXH}”：计划 03-06 前完成", WARN, "visit_plan")
    assert seen(w, w.rep1) == seen(w, w.rep2) == [due_a]
    nobody_sees_anything(w, w.rep3, w.manager, w.clerk)
    visits.appoint(u(w, w.rep1), a, at(2, 10), "客户办公室", "带新品样品", 1)
    assert statuses(w, plans=(a,)) == ["appointed"]
    appointment = ("visit_appointment", f"明天 10:00 拜访客户“{NXH}”（客户办公室）", INFO,
                   "visit_plan")  # fmt: skip
    assert seen(w, w.rep1) == seen(w, w.rep2) == sorted([due_a, appointment])
    prep = visits.preparation(r(w, w.rep2), a)  # the co-visitor prepares too
    assert dict(prep.profile)["客户名称"] == NXH and "确认预约" in prep.checklist[-2]

    # 实施回访: each visitor fills a record; the plan is done, the customer followed up.
    fake_clock.advance(days=1, hours=2)  # 03-05 11:00
    a1 = visits.add_record(
        u(w, w.rep1), a,
        RecordForm(at(2, 10), people_met="马经理", needs="二季度增加原浆采购", satisfaction=4,
                   service_opinion="送货及时", next_visit_date=t0 + timedelta(days=30)),
    )  # fmt: skip
    a2 = visits.add_record(
        u(w, w.rep2), a, RecordForm(at(2, 10), problems="包装偶有破损", satisfaction=3)
    )
    assert statuses(w, plans=(a,)) == ["done"]
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.get(Customer, w.c1).last_follow_up_at == at(2, 10)
    nobody_sees_anything(w, *everyone)  # the report is due 3 days after the visit
    chain = visits.customer_visits(r(w, w.rep1), w.c1)[0]
    assert [s.status for s in chain.steps] == ["已完成"] * 3 + ["进行中"] + ["未开始"] * 2

    # Authors after the record: 整理回访报告 3 days on; rep2's own plan is late (紧急).
    fake_clock.advance(days=3, hours=22)  # 03-09 09:00
    todo_1 = ("visit_report_todo", f"整理回访报告：客户“{NXH}”（03-05 回访）", WARN, "visit_plan")
    late_b = ("visit_due", f"回访客户“{YC}”：计划 03-08 前完成", URGENT, "visit_plan")
    assert seen(w, w.rep1) == [todo_1]
    assert seen(w, w.rep2) == sorted([todo_1, late_b])
    b1 = visits.add_record(
        u(w, w.rep2), b, RecordForm(at(6, 8, 30), service_opinion="希望缩短维修响应时间")
    )
    assert seen(w, w.rep2) == [todo_1]

    # 整理报告: rep1 reports the own record; rep2 compiles both of own records.
    refused(w, ValidationError, "至少要包含一条回访记录",
            lambda: visits.create_report(u(w, w.rep2), "空报告", [], "无"))  # fmt: skip
    refused(w, ValidationError, "不是您本人填写的",
            lambda: visits.create_report(u(w, w.rep2), "冒名", [a1], "无"))  # fmt: skip
    r1 = visits.create_report(u(w, w.rep1), "张三三月回访报告", [a1], "客户满意，需求增加")
    r2 = visits.create_report(u(w, w.rep2), "李四三月回访报告", [a2, b1], "包装需改进")
    assert statuses(w, reports=(r1, r2)) == ["draft", "draft"]
    nobody_sees_anything(w, *everyone)

    # 提交主管 (manager of team 1).
    assert [n for _i, n in visits.reviewer_choices(r(w, w.rep2))] == ["赵主管", "董事长"]
    visits.submit_report(u(w, w.rep1), r1, w.manager.id, 1)
    visits.submit_report(u(w, w.rep2), r2, w.manager.id, 1)
    assert statuses(w, reports=(r1, r2)) == ["submitted", "submitted"]
    review_1 = ("visit_review", "审阅回访报告“张三三月回访报告”（张三）", WARN, "visit_report")
    review_2 = ("visit_review", "审阅回访报告“李四三月回访报告”（李四）", WARN, "visit_report")
    assert seen(w, w.manager) == sorted([review_1, review_2])
    # The same items reach the 待办提醒 window through the registered providers.
    window = reminders.collect(u(w, w.manager))
    assert not window.failures
    assert sorted((x.kind, x.title, x.severity, x.target.entity) for x in window.items
                  if x.kind.startswith("visit_")) == sorted([review_1, review_2])  # fmt: skip
    assert {x.target.record_id for x in window.items if x.kind == "visit_review"} == {r1, r2}
    assert set(visit_reminders.KINDS) <= set(reminders.kinds())
    nobody_sees_anything(w, w.rep1, w.rep2, w.rep3, w.clerk, w.chairman)
    v1, v2 = (visits.report_detail(r(w, w.manager), x).version for x in (r1, r2))
    with pytest.raises(NotFound):  # rep2 cannot even see rep1's report
        visits.review_report(u(w, w.rep2), r1, True, "同意", v1)
    refused(w, PermissionDenied, "您不是该报告的审阅人，不能审阅。",
            lambda: visits.review_report(u(w, w.rep2), r2, True, "自己批准", v2))  # fmt: skip
    refused(w, PermissionDenied, "您不是该报告的审阅人，不能审阅。",
            lambda: visits.review_report(u(w, w.chairman), r2, True, "同意", v2))  # fmt: skip

    # Late review: 紧急 after review_due (3 days).
    fake_clock.advance(days=4)  # 03-13
    assert seen(w, w.manager) == sorted(
        [review_1[:2] + (URGENT, "visit_report"), review_2[:2] + (URGENT, "visit_report")]
    )
    # 处理意见: one report returned, then edited and resubmitted, then both approved.
    visits.review_report(u(w, w.manager), r2, False, "请补充破损批次和处理建议", v2)
    assert statuses(w, reports=(r2,)) == ["returned"]
    assert seen(w, w.rep2) == [
        ("visit_report_todo", "回访报告“李四三月回访报告”已退回，请按处理意见修改后重新提交",
         WARN, "visit_report"),
    ]  # fmt: skip
    assert seen(w, w.manager) == [review_1[:2] + (URGENT, "visit_report")]
    chain_b = visits.customer_visits(r(w, w.rep2), w.c2)[0]
    assert [s.status for s in chain_b.steps][3:] == ["已逾期", "已退回", "未开始"]  # due 03-12
    d2 = visits.report_detail(r(w, w.rep2), r2)
    assert d2.review_comments == "请补充破损批次和处理建议"
    visits.update_report(u(w, w.rep2), r2, d2.title, [a2, b1],
                         "包装需改进：3 月 1 日批次破损 2 箱，已补发", "改用加厚纸箱", d2.version)  # fmt: skip
    visits.submit_report(u(w, w.rep2), r2, w.manager.id, d2.version + 1)
    assert seen(w, w.manager) == sorted([review_1[:2] + (URGENT, "visit_report"), review_2])
    nobody_sees_anything(w, w.rep2)
    v1, v2 = (visits.report_detail(r(w, w.manager), x).version for x in (r1, r2))
    visits.review_report(u(w, w.manager), r1, True, "同意，保持月度回访", v1)
    visits.review_report(u(w, w.manager), r2, True, "同意，通知生产部改进包装", v2)
    assert statuses(w, reports=(r1, r2)) == ["approved", "approved"]

    # Clerk (and sales admin) after approval; 紧急 after archive_due (5 days).
    archive_1 = ("visit_archive", "归档回访报告“张三三月回访报告”（张三）", WARN, "visit_report")
    archive_2 = ("visit_archive", "归档回访报告“李四三月回访报告”（李四）", WARN, "visit_report")
    assert seen(w, w.clerk) == seen(w, w.sales_admin) == sorted([archive_1, archive_2])
    nobody_sees_anything(w, w.rep1, w.rep2, w.rep3, w.manager, w.chairman)
    fake_clock.advance(days=6)  # 03-19
    assert seen(w, w.clerk) == sorted(
        [archive_1[:2] + (URGENT, "visit_report"), archive_2[:2] + (URGENT, "visit_report")]
    )
    v1, v2 = (visits.report_detail(r(w, w.clerk), x).version for x in (r1, r2))
    for rep_actor in (w.rep1, w.manager):
        refused(w, PermissionDenied, "只有文员或销售内勤可以归档回访资料。",
                lambda a=rep_actor: visits.archive_report(u(w, a), r1, w.archive_cat, "", v1))  # fmt: skip
    with UnitOfWork(w.db, w.admin) as uow:
        quality = code_tables.find_item(uow, "visit_archive", "3")
    visits.archive_report(u(w, w.clerk), r1, w.archive_cat, "2026-03 回访", v1)
    visits.archive_report(u(w, w.clerk), r2, quality, "2026-03 回访", v2)
    assert statuses(w, plans=(a, b), reports=(r1, r2)) == ["done", "done", "archived", "archived"]
    nobody_sees_anything(w, *everyone)

    # The chain on the customer card: every step done, with owners and dates.
    chain = visits.customer_visits(r(w, w.rep1), w.c1)[0]
    assert [s.status for s in chain.steps] == ["已完成"] * 6
    assert chain.report_status_label == "已归档" and {x.id for x in chain.records} == {a1, a2}
    assert [s.owner_name for s in chain.steps] == ["张三", "张三", "张三、李四", "张三、李四",
                                                   "赵主管", "陈文员"]  # fmt: skip
    d2 = visits.report_detail(r(w, w.manager), r2)
    assert (d2.archive_category_name, d2.archived_by_name) == ("产品质量", "陈文员")

    # rep3 (team 2) sees none of it, in the service and in every list.
    for call in (lambda: visits.plan_detail(r(w, w.rep3), a),
                 lambda: visits.record_detail(r(w, w.rep3), a1),
                 lambda: visits.report_detail(r(w, w.rep3), r2),
                 lambda: visits.customer_visits(r(w, w.rep3), w.c1)):  # fmt: skip
        with pytest.raises(NotFound):
            call()
    for source in (visit_plans_source(), visit_records_source(), visit_reports_source()):
        assert list_ids(w, w.rep3, source) == []
    assert sorted(list_ids(w, w.rep1, visit_reports_source())) == [r1]
    assert sorted(list_ids(w, w.manager, visit_reports_source())) == sorted([r1, r2])
