"""工作计划: who may assign to whom, progress, 催办 → reminder → cleared by the assignee's
update, visibility per role, and the list source (batch 催办/取消, overdue, summaries)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.models import WorkPlan
from app.services.admin import code_tables
from app.services.core import settings
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.lists import query as list_query
from app.services.lists import summaries
from app.services.lists.spec import ListQuery
from app.services.reminders import registry as reminders
from app.services.reminders.engine import Severity, Target
from app.services.work import plans as work_plans
from app.services.work.lists import work_plans_source
from app.services.work.plans import WorkPlanForm
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register

MONDAY = date(2026, 3, 2)  # fake_clock's day


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(db)
    with UnitOfWork(db, w.admin) as uow:
        w.visit_kind = code_tables.find_item(uow, "work_plan_kind", "1")  # 拜访计划
        w.expand_kind = code_tables.find_item(uow, "work_plan_kind", "2")  # 拓展计划
    return w


def new(w, actor, title="本周拜访客户", **kw):
    kw.setdefault("kind_id", w.visit_kind)
    return work_plans.create_plan(UnitOfWork(w.db, actor), WorkPlanForm(title=title, **kw))


def detail(w, actor, pid):
    return work_plans.plan_detail(UnitOfWork(w.db, actor), pid)


def plan_count(w) -> int:
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return uow.session.scalar(select(func.count(WorkPlan.id)))


def items(w, actor, kinds=("work_plan_urged", "work_plan_due", "work_plan_team_overdue")):
    got = reminders.collect(UnitOfWork(w.db, actor))
    assert not got.failures
    return [r for r in got.items if r.kind in kinds]


def visible_titles(w, actor, query=None) -> set[str]:
    src = work_plans_source(actor)
    uow = UnitOfWork(w.db, actor, write=False)
    ids = list_query.fetch_ids(uow, src, query or ListQuery())
    return {r[1] for r in list_query.fetch_rows(UnitOfWork(w.db, actor, write=False), src, ids,
                                             ["title"])}  # fmt: skip


def test_periods_set_start_end_and_default_due():
    assert work_plans.period_bounds("day", date(2026, 3, 5)) == (date(2026, 3, 5),) * 2
    assert work_plans.period_bounds("week", date(2026, 3, 5)) == (MONDAY, date(2026, 3, 8))
    assert work_plans.period_bounds("week", date(2026, 3, 8)) == (MONDAY, date(2026, 3, 8))
    assert work_plans.period_bounds("month", date(2026, 2, 14)) == (
        date(2026, 2, 1), date(2026, 2, 28))  # fmt: skip
    assert work_plans.period_bounds("month", date(2028, 2, 14))[1] == date(2028, 2, 29)
    with pytest.raises(ValidationError, match="计划周期"):
        work_plans.period_bounds("year", MONDAY)


def test_assignment_rules(world):
    w = world
    pid = new(w, w.manager, period="month", on=date(2026, 3, 17), assignee_id=w.rep1.id,
              target="新拜访 20 家", target_qty=20)  # fmt: skip
    d = detail(w, w.rep1, pid)
    assert (d.assignee, d.assigned_by, d.period_label, d.kind) == ("张三", "赵主管", "月计划",
                                                                  "拜访计划")  # fmt: skip
    assert (d.period_start, d.period_end, d.due_date) == (date(2026, 3, 1), date(2026, 3, 31),
                                                          date(2026, 3, 31))  # fmt: skip
    assert (d.target_qty, d.progress, d.status_label) == (20, 0, "进行中")
    assert d.can_update and not d.can_manage and not d.can_urge  # the rep
    m = detail(w, w.manager, pid)
    assert m.can_manage and m.can_urge and not m.can_update
    # The manager: own team and self only.
    new(w, w.manager, "主管自己的计划")
    before = plan_count(w)
    with pytest.raises(PermissionDenied, match="本组成员"):
        new(w, w.manager, assignee_id=w.rep3.id)
    # A rep or the sales admin: own plans only.
    with pytest.raises(PermissionDenied, match="只能为自己"):
        new(w, w.rep1, assignee_id=w.rep2.id)
    with pytest.raises(PermissionDenied, match="只能为自己"):
        new(w, w.sales_admin, assignee_id=w.rep1.id)
    assert plan_count(w) == before  # nothing was created
    own = new(w, w.rep1, "自己的日计划", period="day", kind_id=w.expand_kind)
    assert detail(w, w.rep1, own).assigned_by == "张三"
    assert detail(w, w.rep1, own).can_manage  # own plan: edit and cancel, but no 催办
    assert not detail(w, w.rep1, own).can_urge
    new(w, w.sales_admin, "整理周报")
    # The admin and the chairman: anyone.
    new(w, w.admin, "二组拓展", assignee_id=w.rep3.id, kind_id=w.expand_kind)
    new(w, w.chairman, "内勤任务", assignee_id=w.sales_admin.id)
    with UnitOfWork(w.db, w.manager) as uow:
        choices = work_plans.assignable_users(uow)
    assert [name for _i, name in choices][0] == "赵主管"
    assert {name for _i, name in choices} == {"赵主管", "张三", "李四"}
    assert work_plans.assignable_users(UnitOfWork(w.db, w.rep1)) == [(w.rep1.id, "张三")]
    assert len(work_plans.assignable_users(UnitOfWork(w.db, w.admin))) == 8


def test_bad_input_changes_nothing(world):
    w = world
    cases = [
        (dict(title="  "), "请填写计划标题"),
        (dict(title="x" * 201), "200 字"),
        (dict(period="year"), "计划周期"),
        (dict(target_qty="二十"), "目标数量必须是整数"),
        (dict(target_qty=-1), "不能是负数"),
        (dict(due_date=date(2026, 2, 27)), "完成期限不能早于"),
        (dict(kind_id=999999), "计划类别的选项不存在"),
        (dict(assignee_id=999999), "执行人不存在"),
    ]
    for kw, message in cases:
        kw.setdefault("title", "合法标题")
        with pytest.raises(ValidationError, match=message):
            work_plans.create_plan(UnitOfWork(w.db, w.manager), WorkPlanForm(**kw))
    assert plan_count(w) == 0
    pid = new(w, w.manager, assignee_id=w.rep1.id, target_qty=10)
    v = detail(w, w.rep1, pid).version
    for args, message in [((101,), "0 到 100"), ((-5,), "不能是负数"), (("abc",), "整数"),
                          ((50, "x"), "完成数量必须是整数")]:  # fmt: skip
        with pytest.raises(ValidationError, match=message):
            work_plans.update_progress(UnitOfWork(w.db, w.rep1), pid, v, *args)
    with pytest.raises(ValidationError, match="取消原因"):
        work_plans.cancel(UnitOfWork(w.db, w.manager), pid, v, " ")
    d = detail(w, w.rep1, pid)
    assert (d.progress, d.done_qty, d.version, d.status) == (0, None, v, "open")


def test_progress_done_and_optimistic_locking(world):
    w = world
    pid = new(w, w.manager, assignee_id=w.rep1.id, target_qty=20)
    v = detail(w, w.rep1, pid).version
    with pytest.raises(PermissionDenied, match="只有执行人"):
        work_plans.update_progress(UnitOfWork(w.db, w.manager), pid, v, 50)
    with pytest.raises(NotFound):  # rep2 cannot even see rep1's plan
        work_plans.update_progress(UnitOfWork(w.db, w.rep2), pid, v, 50)
    # Percent from the quantities when not given.
    work_plans.update_progress(UnitOfWork(w.db, w.rep1), pid, v, None, 5, "已拜访 5 家")
    d = detail(w, w.rep1, pid)
    assert (d.progress, d.done_qty, d.progress_note) == (25, 5, "已拜访 5 家")
    with pytest.raises(ConflictError):  # a stale copy
        work_plans.update_progress(UnitOfWork(w.db, w.rep1), pid, v, 60)
    work_plans.update_progress(UnitOfWork(w.db, w.rep1), pid, d.version, 60)
    assert detail(w, w.rep1, pid).progress == 60
    # The manager edits the plan (new title and due date); the rep cannot.
    d = detail(w, w.manager, pid)
    form = d.form()
    form.title, form.due_date = "本周拜访 20 家客户", date(2026, 3, 6)
    with pytest.raises(PermissionDenied, match="分派人或主管"):
        work_plans.update_plan(UnitOfWork(w.db, w.rep1), pid, d.version, form)
    work_plans.update_plan(UnitOfWork(w.db, w.manager), pid, d.version, form)
    d = detail(w, w.rep1, pid)
    assert (d.title, d.due_date, d.progress) == ("本周拜访 20 家客户", date(2026, 3, 6), 60)
    with pytest.raises(PermissionDenied, match="标记为完成"):
        work_plans.complete(UnitOfWork(w.db, w.manager), pid, d.version)
    work_plans.complete(UnitOfWork(w.db, w.rep1), pid, d.version, "全部完成")
    d = detail(w, w.rep1, pid)
    assert (d.status_label, d.progress, d.done_qty, d.can_update) == ("已完成", 100, 5, False)
    assert d.completed_at is not None
    with pytest.raises(ValidationError, match="已完成，不能再修改"):
        work_plans.update_progress(UnitOfWork(w.db, w.rep1), pid, d.version, 10)
    with pytest.raises(ValidationError, match="已完成"):
        work_plans.urge(UnitOfWork(w.db, w.manager), pid, d.version, "再快点")


def test_urge_raises_a_reminder_until_the_assignee_updates(world, fake_clock):
    w = world
    pid = new(w, w.manager, "拓展新客户 5 家", period="month", assignee_id=w.rep1.id,
              kind_id=w.expand_kind)  # fmt: skip
    v = detail(w, w.rep1, pid).version
    assert items(w, w.rep1) == []  # due at the month's end: nothing yet
    with pytest.raises(PermissionDenied, match="只有分派人或主管可以催办。"):
        work_plans.urge(UnitOfWork(w.db, w.rep1), pid, v, "")
    with pytest.raises(NotFound):  # another team's manager does not see it
        work_plans.urge(UnitOfWork(w.db, w.rep3), pid, v, "")
    with pytest.raises(ValidationError, match="200 字"):
        work_plans.urge(UnitOfWork(w.db, w.manager), pid, v, "快" * 201)
    assert detail(w, w.rep1, pid).urge_count == 0
    fake_clock.advance(hours=1)
    work_plans.urge(UnitOfWork(w.db, w.manager), pid, v, "月中了，请加快进度")
    d = detail(w, w.rep1, pid)
    assert (d.urge_count, d.urged_by, d.urge_note, d.urge_pending) == (
        1, "赵主管", "月中了，请加快进度", True)  # fmt: skip
    assert d.urged_at == fake_clock()
    got = items(w, w.rep1)
    assert [(r.kind, r.title, r.severity, r.target) for r in got] == [
        ("work_plan_urged", "【催办】拓展新客户 5 家", Severity.URGENT,
         Target("work_plan", pid))]  # fmt: skip
    assert "赵主管催办：月中了" in got[0].detail
    assert items(w, w.rep2) == [] and items(w, w.manager) == []
    # A second urge counts; the chairman may urge too.
    fake_clock.advance(hours=1)
    work_plans.urge(UnitOfWork(w.db, w.chairman), pid, d.version, "")
    d = detail(w, w.rep1, pid)
    assert (d.urge_count, d.urged_by) == (2, "董事长")
    assert len(items(w, w.rep1)) == 1
    # The assignee's update answers it: the reminder is gone, the count stays.
    fake_clock.advance(hours=1)
    work_plans.update_progress(UnitOfWork(w.db, w.rep1), pid, d.version, 30, note="已联系 2 家")
    assert items(w, w.rep1) == []
    d = detail(w, w.rep1, pid)
    assert (d.urge_count, d.urged_at, d.urge_pending) == (2, None, False)
    # The manager cannot urge own plan; a rep's own plan can be urged by the manager.
    mine = new(w, w.manager, "主管自己的计划")
    with pytest.raises(ValidationError, match="不能催办自己"):
        work_plans.urge(UnitOfWork(w.db, w.manager), mine, 1, "")
    own = new(w, w.rep2, "李四自己的计划")
    work_plans.urge(UnitOfWork(w.db, w.manager), own, 1, "")
    assert [r.title for r in items(w, w.rep2)] == ["【催办】李四自己的计划"]


def test_due_and_overdue_reminders(world, fake_clock):
    w = world
    tomorrow = new(w, w.manager, "明天到期", period="day", on=MONDAY + timedelta(days=1),
                   assignee_id=w.rep1.id)  # fmt: skip
    new(w, w.manager, "下周的计划", on=MONDAY + timedelta(days=7), assignee_id=w.rep1.id)
    done = new(w, w.rep1, "今天到期但已完成", period="day")
    work_plans.complete(UnitOfWork(w.db, w.rep1), done, 1)
    got = items(w, w.rep1)
    assert [(r.title, r.severity) for r in got] == [
        ("工作计划“明天到期”1 天后到期（进度 0%）", Severity.WARNING)]  # fmt: skip
    assert got[0].target == Target("work_plan", tomorrow)
    settings.update_settings(
        UnitOfWork(w.db, w.admin), {"work.remind_days": 13}
    )  # remind two weeks ahead (next Sunday: 13 days)
    assert len(items(w, w.rep1)) == 2
    settings.update_settings(UnitOfWork(w.db, w.admin), {"work.remind_days": 0})
    assert items(w, w.rep1) == []
    fake_clock.advance(days=3)  # Thursday: "明天到期" is two days late
    got = items(w, w.rep1)
    assert [(r.title, r.severity) for r in got] == [
        ("工作计划“明天到期”已逾期 2 天（进度 0%）", Severity.URGENT)]  # fmt: skip
    team = items(w, w.manager)
    assert [(r.kind, r.title) for r in team] == [
        ("work_plan_team_overdue", "张三的工作计划“明天到期”已逾期 2 天（进度 0%）")
    ]
    assert items(w, w.rep3) == [] and items(w, w.chairman) == []
    # Cancelled plans drop out everywhere.
    work_plans.cancel(UnitOfWork(w.db, w.manager), tomorrow, 1, "客户出差，改期")
    assert items(w, w.rep1) == [] and items(w, w.manager) == []
    d = detail(w, w.rep1, tomorrow)
    assert d.status_label == "已取消" and "【取消】客户出差，改期（赵主管" in d.progress_note


def test_visibility_per_role(world):
    w = world
    new(w, w.manager, "张三的计划", assignee_id=w.rep1.id)
    new(w, w.manager, "李四的计划", assignee_id=w.rep2.id)
    new(w, w.manager, "主管的计划")
    new(w, w.admin, "王五的计划", assignee_id=w.rep3.id)
    new(w, w.sales_admin, "内勤的计划")
    new(w, w.clerk, "文员的计划")
    everything = {"张三的计划", "李四的计划", "主管的计划", "王五的计划", "内勤的计划",
                  "文员的计划"}  # fmt: skip
    assert visible_titles(w, w.admin) == everything
    assert visible_titles(w, w.chairman) == everything
    assert visible_titles(w, w.manager) == {"张三的计划", "李四的计划", "主管的计划"}
    assert visible_titles(w, w.rep1) == {"张三的计划"}
    assert visible_titles(w, w.rep3) == {"王五的计划"}
    assert visible_titles(w, w.sales_admin) == {"内勤的计划"}
    assert visible_titles(w, w.clerk) == {"文员的计划"}
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        rep3_plan = uow.session.scalar(select(WorkPlan.id).where(WorkPlan.title == "王五的计划"))
    for actor in (w.manager, w.rep1, w.sales_admin):
        with pytest.raises(NotFound):
            detail(w, actor, rep3_plan)
    assert detail(w, w.chairman, rep3_plan).can_urge  # the chairman sees and urges all


def test_list_source_columns_batches_and_summary(world, fake_clock):
    w = world
    a = new(w, w.manager, "张三周计划", assignee_id=w.rep1.id, target_qty=10)
    b = new(w, w.manager, "李四日计划", period="day", assignee_id=w.rep2.id)
    c = new(w, w.admin, "王五月计划", period="month", assignee_id=w.rep3.id)
    fake_clock.advance(days=2)  # b (due Monday) is overdue now
    src = work_plans_source(w.manager)
    assert [x.key for x in src.batch_actions] == ["urge", "cancel"]
    assert [x.key for x in work_plans_source(w.rep1).batch_actions] == ["cancel"]
    keys = ["title", "assignee", "assigned_by", "period", "due_date", "progress", "status",
            "overdue", "urge_count"]  # fmt: skip
    read = UnitOfWork(w.db, w.admin, write=False)
    ids = list_query.fetch_ids(read, src, ListQuery(sort=(("due_date", False),)))
    rows = list_query.fetch_rows(UnitOfWork(w.db, w.admin, write=False), src, ids, keys)
    assert [r[1] for r in rows] == ["李四日计划", "张三周计划", "王五月计划"]
    by_title = {r[1]: r for r in rows}
    assert by_title["李四日计划"][8] is True or by_title["李四日计划"][8] == 1
    assert not by_title["张三周计划"][8]
    assert src.column("progress").display(40) == "40%"
    assert src.column("period").display("day") == "日计划"
    overdue = list_query.fetch_ids(read, src, ListQuery(filters=(("overdue", (True,)),)))
    assert list(overdue) == [b]
    # Batch 催办 by the manager: the other team's plan is skipped (not visible).
    urge = next(x for x in src.batch_actions if x.key == "urge")
    result = urge.run(UnitOfWork(w.db, w.manager), [a, b, c])
    assert result.done == 2 and [pid for pid, _ in result.skipped] == [c]
    assert [r.title for r in items(w, w.rep2)] == ["【催办】李四日计划"]
    with pytest.raises(PermissionDenied):
        urge.run(UnitOfWork(w.db, w.rep1), [a])
    # Batch 取消 by a rep: not the rep's to cancel.
    cancel = next(x for x in work_plans_source(w.rep1).batch_actions if x.key == "cancel")
    result = cancel.run(UnitOfWork(w.db, w.rep1), [a])
    assert result.done == 0 and "分派人或主管" in result.message
    result = cancel.run(UnitOfWork(w.db, w.manager), [a, b])
    assert result.done == 2
    assert items(w, w.rep2) == []  # cancelled: no more 催办
    summary = summaries.summarize(UnitOfWork(w.db, w.admin, write=False), src, ListQuery(),
                                ["status"])  # fmt: skip
    assert {r.labels[0]: r.count for r in summary.rows} == {"已取消": 2, "进行中": 1}
    summary = summaries.summarize(UnitOfWork(w.db, w.manager, write=False), src, ListQuery(),
                                ["assignee"])  # fmt: skip
    assert {r.labels[0]: r.count for r in summary.rows} == {"张三": 1, "李四": 1}
    found = list_query.fetch_ids(read, src, ListQuery(search="王五"))
    assert list(found) == [c]
    # A plan about a customer (e.g. a 交付后回访 task): the customer shows and is searchable.
    cid = register(w, w.rep3, NXH).customer_id
    with UnitOfWork(w.db, w.admin) as uow:
        uow.session.get(WorkPlan, c).customer_id = cid
        uow.commit()
    assert list(list_query.fetch_ids(read, src, ListQuery(search="枸杞"))) == [c]
    [row] = list_query.fetch_rows(UnitOfWork(w.db, w.admin, write=False), src, [c], ["customer"])
    assert row[1] == NXH
    assert (detail(w, w.rep3, c).customer_id, detail(w, w.rep3, c).customer_name) == (cid, NXH)


def test_a_count_written_with_its_unit_is_accepted(world):
    """The form's hint says 如 20（家）: "10家", "20 个" and "1,000" are counts."""
    w = world
    for typed, expected in (("10家", 10), ("20 个", 20), ("1,000", 1000)):
        pid = new(w, w.manager, assignee_id=w.rep1.id, target_qty=typed)
        assert detail(w, w.rep1, pid).target_qty == expected
    with pytest.raises(ValidationError, match="目标数量必须是整数"):
        new(w, w.manager, assignee_id=w.rep1.id, target_qty="十家")
