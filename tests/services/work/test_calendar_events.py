"""日程: a user's dated items (work plans, visit plans and appointments, follow-up dates,
notes) and whose calendar one may open."""

from datetime import date, datetime, time, timedelta

import pytest

from app.models import VisitPlan, VisitPlanVisitor
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import FollowUpForm
from app.services.reminders.engine import Target
from app.services.work import calendar_events
from app.services.work import notes as daily_notes
from app.services.work import plans as work_plans
from app.services.work.calendar_events import APPOINTMENT, FOLLOW_UP, NOTE, VISIT_PLAN, WORK_PLAN
from app.services.work.notes import NoteForm
from app.services.work.plans import WorkPlanForm
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register

MONDAY = date(2026, 3, 2)
SUNDAY = date(2026, 3, 8)
YC = "银川枸杞贸易有限公司"


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    return make_world(db)


def visit_plan(w, customer_id, owner, visitors, planned_to, appointment_at=None, status="planned",
               purpose="了解需求"):  # fmt: skip
    with UnitOfWork(w.db, owner) as uow:
        plan = VisitPlan(customer_id=customer_id, owner_id=owner.id, planned_from=MONDAY,
                         planned_to=planned_to, purpose=purpose, content="", status=status,
                         appointment_at=appointment_at, appointment_place="客户公司",
                         appointment_note="", ad_hoc=False, cancel_reason="", remarks="")  # fmt: skip
        uow.session.add(plan)
        uow.flush()
        for v in visitors:
            uow.session.add(VisitPlanVisitor(plan_id=plan.id, user_id=v.id))
        uow.commit()
        return plan.id


def week(w, actor, user_id=None, start=MONDAY, end=SUNDAY):
    return calendar_events.events(UnitOfWork(w.db, actor, write=False), start, end, user_id)


def test_calendar_contents(world, fake_clock):
    w = world
    nxh = register(w, w.rep1, NXH).customer_id
    yc = register(w, w.rep1, YC).customer_id
    wp = work_plans.create_plan(UnitOfWork(w.db, w.manager),
                                WorkPlanForm(title="拜访 5 家", assignee_id=w.rep1.id))  # fmt: skip
    day_plan = work_plans.create_plan(UnitOfWork(w.db, w.rep1),
                                      WorkPlanForm("day", MONDAY + timedelta(days=2), "整理报价"))  # fmt: skip
    work_plans.complete(UnitOfWork(w.db, w.rep1), day_plan, 1)
    gone = work_plans.create_plan(UnitOfWork(w.db, w.rep1), WorkPlanForm("day", MONDAY, "取消的"))
    work_plans.cancel(UnitOfWork(w.db, w.rep1), gone, 1, "不用了")
    work_plans.create_plan(UnitOfWork(w.db, w.manager),
                           WorkPlanForm(title="李四的", assignee_id=w.rep2.id))  # fmt: skip
    work_plans.create_plan(UnitOfWork(w.db, w.rep1),
                           WorkPlanForm("week", MONDAY + timedelta(days=7), "下周的"))  # fmt: skip
    appt = visit_plan(w, nxh, w.rep1, [w.rep1, w.manager], MONDAY + timedelta(days=4),
                      appointment_at=datetime(2026, 3, 4, 14, 30))  # fmt: skip
    planned = visit_plan(w, yc, w.rep1, [w.rep1], MONDAY + timedelta(days=5))
    visit_plan(w, yc, w.rep1, [w.rep1], MONDAY + timedelta(days=5), status="cancelled")
    visit_plan(w, yc, w.rep1, [w.rep1], MONDAY + timedelta(days=12))  # next week
    followups.add_follow_up(UnitOfWork(w.db, w.rep1), nxh, FollowUpForm(
        content="电话沟通", next_step="寄样品", next_date=MONDAY + timedelta(days=1)))  # fmt: skip
    followups.add_follow_up(UnitOfWork(w.db, w.rep1), yc, FollowUpForm(
        content="电话沟通", next_date=MONDAY + timedelta(days=9)))  # fmt: skip
    note = daily_notes.create_note(UnitOfWork(w.db, w.rep1), NoteForm(MONDAY, "周一记事", "x"))
    daily_notes.create_note(UnitOfWork(w.db, w.rep2), NoteForm(MONDAY, "李四的记事", "x"))

    got = [(e.date, e.time, e.kind, e.title, e.target, e.done) for e in week(w, w.rep1)]
    assert got == [
        (MONDAY, None, NOTE, "周一记事", Target("daily_note", note), False),
        (date(2026, 3, 3), None, FOLLOW_UP, f"跟进“{NXH}”：寄样品", Target("customer", nxh), False),
        (date(2026, 3, 4), None, WORK_PLAN, "整理报价（已完成）", Target("work_plan", day_plan),
         True),
        (date(2026, 3, 4), time(14, 30), APPOINTMENT, f"回访“{NXH}”：了解需求",
         Target("visit_plan", appt), False),
        (date(2026, 3, 7), None, VISIT_PLAN, f"回访“{YC}”：了解需求", Target("visit_plan", planned),
         False),
        (SUNDAY, None, WORK_PLAN, "拜访 5 家", Target("work_plan", wp), False),
    ]  # fmt: skip
    # The manager goes on the appointment: it is in the manager's own calendar.
    mine = week(w, w.manager)
    assert [(e.kind, e.target) for e in mine] == [(APPOINTMENT, Target("visit_plan", appt))]
    # The manager opens rep1's calendar: everything but rep1's private note.
    theirs = week(w, w.manager, w.rep1.id)
    assert [e.kind for e in theirs] == [FOLLOW_UP, WORK_PLAN, APPOINTMENT, VISIT_PLAN, WORK_PLAN]
    # An urged plan is marked.
    work_plans.urge(UnitOfWork(w.db, w.manager), wp, 1, "")
    assert [e.title for e in week(w, w.rep1, start=SUNDAY)] == ["【催办】拜访 5 家"]
    # A one-day range and next week.
    assert [e.title for e in week(w, w.rep1, start=date(2026, 3, 3), end=date(2026, 3, 3))] == [
        f"跟进“{NXH}”：寄样品"]  # fmt: skip
    nxt = week(w, w.rep1, start=MONDAY + timedelta(days=7), end=SUNDAY + timedelta(days=7))
    assert sorted(e.kind for e in nxt) == sorted([WORK_PLAN, VISIT_PLAN, FOLLOW_UP])


def test_calendar_permissions(world):
    w = world
    work_plans.create_plan(UnitOfWork(w.db, w.rep3), WorkPlanForm(title="王五的计划"))
    with pytest.raises(PermissionDenied, match="只能查看自己的日程"):
        week(w, w.manager, w.rep3.id)  # another team
    for actor, other in [(w.rep1, w.rep2), (w.admin, w.rep1), (w.chairman, w.rep3),
                         (w.sales_admin, w.rep1)]:  # fmt: skip
        with pytest.raises(PermissionDenied):
            week(w, actor, other.id)
    assert [e.title for e in week(w, w.rep3, w.rep3.id)] == ["王五的计划"]
    with pytest.raises(NotFound):
        week(w, w.manager, 99999)
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        week(w, w.rep1, start=SUNDAY, end=MONDAY)
    with pytest.raises(ValidationError, match="400 天"):
        week(w, w.rep1, start=MONDAY, end=MONDAY + timedelta(days=500))
    owners = calendar_events.viewable_users(UnitOfWork(w.db, w.manager, write=False))
    assert owners[0].name == "赵主管" and {o.name for o in owners[1:]} == {"张三", "李四"}
    assert [o.id for o in calendar_events.viewable_users(UnitOfWork(w.db, w.rep1))] == [w.rep1.id]


def test_a_manager_sees_the_whole_team_at_once(world):
    w = world
    work_plans.create_plan(UnitOfWork(w.db, w.manager),
                           WorkPlanForm(title="拜访 5 家", assignee_id=w.rep1.id))  # fmt: skip
    work_plans.create_plan(UnitOfWork(w.db, w.rep2), WorkPlanForm(title="整理报价"))
    work_plans.create_plan(UnitOfWork(w.db, w.rep3), WorkPlanForm(title="别组的"))
    daily_notes.create_note(UnitOfWork(w.db, w.rep1), NoteForm(MONDAY, "张三的私人记事", ""))
    team = calendar_events.team_events(UnitOfWork(w.db, w.manager), MONDAY, SUNDAY)
    assert sorted(e.title for e in team) == ["张三：拜访 5 家", "李四：整理报价"]
    for actor in (w.rep1, w.sales_admin, w.chairman, w.admin):
        with pytest.raises(PermissionDenied, match="只有销售主管"):
            calendar_events.team_events(UnitOfWork(w.db, actor), MONDAY, SUNDAY)
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        calendar_events.team_events(UnitOfWork(w.db, w.manager), SUNDAY, MONDAY)
