"""工作计划 page: assign, urge, update and complete a plan through the page; the month
and week calendar with drill-through; 日常记事 in its editor; screenshots of each."""

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from app.models import DailyNote, VisitPlan, VisitPlanVisitor, WorkPlan
from app.services.admin import code_tables
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import FollowUpForm
from app.services.reminders.engine import Target
from app.services.work import notes as daily_notes
from app.services.work import plans as work_plans
from app.services.work.calendar_events import APPOINTMENT, FOLLOW_UP, NOTE, VISIT_PLAN, WORK_PLAN
from app.services.work.notes import NoteForm
from app.services.work.plans import WorkPlanForm
from app.ui.context import AppContext
from app.ui.work.calendar_view import WHOLE_TEAM
from app.ui.work.plan_dialogs import PlanDialog, ProgressDialog, UrgeDialog
from app.ui.work.work_page import WorkPage
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register
from tests.ui.conftest import COMPANY, screenshot

MONDAY = date(2026, 3, 2)  # fake_clock's day
YC = "银川枸杞贸易有限公司"


@pytest.fixture
def world(sqlite_db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    with UnitOfWork(w.db, w.admin) as uow:
        w.visit_kind = code_tables.find_item(uow, "work_plan_kind", "1")  # 拜访计划
        w.expand_kind = code_tables.find_item(uow, "work_plan_kind", "2")  # 拓展计划
    w.nxh = register(w, w.rep1, NXH).customer_id
    w.yc = register(w, w.rep1, YC).customer_id
    return w


def page_for(qtbot, world, actor) -> WorkPage:
    page = WorkPage(AppContext(world.db, actor), COMPANY)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    return page


def fake_exec(fill):
    def run(dialog):
        fill(dialog)
        dialog.accept()
        return dialog.result()

    return run


def column(view, key) -> list[str]:
    model = view.model
    col = model.keys.index(key)
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def plan_count(w) -> int:
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return uow.session.scalar(select(func.count(WorkPlan.id)))


def visit_plan(w, customer_id, visitors, planned_to, appointment_at=None, purpose="了解需求"):
    with UnitOfWork(w.db, w.rep1) as uow:
        plan = VisitPlan(customer_id=customer_id, owner_id=w.rep1.id, planned_from=MONDAY,
                         planned_to=planned_to, purpose=purpose, content="", status="planned",
                         appointment_at=appointment_at, appointment_place="客户公司",
                         appointment_note="", ad_hoc=False, cancel_reason="", remarks="")  # fmt: skip
        uow.session.add(plan)
        uow.flush()
        for v in visitors:
            uow.session.add(VisitPlanVisitor(plan_id=plan.id, user_id=v.id))
        uow.commit()
        return plan.id


def test_assign_urge_update_and_complete_through_the_page(qtbot, world, monkeypatch):
    w = world
    page = page_for(qtbot, w, w.manager)
    tab = page.plans
    assert not tab.urge_button.isEnabled() and tab.new_button.isEnabled()
    seen = {}

    def assign(dialog):
        assert dialog.assignee.isEnabled()
        assert set(dialog.assignee.ids()) == {w.manager.id, w.rep1.id, w.rep2.id}
        assert dialog.assignee.matching_ids("zs") == [w.rep1.id]  # 张三 by pinyin initials
        assert w.expand_kind in dialog.kind.matching_ids("tzjh")  # 拓展计划
        dialog.accept()  # no title yet: the message sits under the field, nothing saved
        seen["title"] = dialog.errors.error_for("title")
        seen["count"] = plan_count(w)
        dialog.periods["month"].setChecked(True)
        dialog.on.setDate(QDate(2026, 3, 17))
        seen["range"] = dialog.range_hint.text()
        dialog.title.setText("三月拓展新客户")
        dialog.kind.set_current_id(w.expand_kind)
        dialog.assignee.set_current_id(w.rep1.id)
        dialog.target.setPlainText("新开发银川地区客户 5 家")
        dialog.target_qty.setText("五")
        dialog.accept()
        seen["qty"] = dialog.errors.error_for("target_qty")
        dialog.target_qty.setText("5")
        screenshot(dialog, "work_plan_dialog")

    monkeypatch.setattr(PlanDialog, "exec", fake_exec(assign), raising=False)
    assert tab.new_plan()
    assert seen == {"title": "请填写计划标题。", "count": 0,
                    "range": "周期：2026-03-01 至 2026-03-31；完成期限默认为周期最后一天。",
                    "qty": "目标数量必须是整数。"}  # fmt: skip
    plan = tab.current
    assert (plan.title, plan.assignee, plan.kind, plan.due_date, plan.target_qty) == (
        "三月拓展新客户", "张三", "拓展计划", date(2026, 3, 31), 5)  # fmt: skip
    assert tab.urge_button.isEnabled() and tab.edit_button.isEnabled()
    assert not tab.progress_button.isEnabled()  # the manager is not the assignee
    for title, who in [("张三周计划", w.rep1), ("李四周计划", w.rep2)]:
        work_plans.create_plan(UnitOfWork(w.db, w.manager),
                               WorkPlanForm(title=title, assignee_id=who.id, kind_id=w.visit_kind,
                                            target="拜访老客户", target_qty=10))  # fmt: skip
    work_plans.create_plan(UnitOfWork(w.db, w.manager), WorkPlanForm("day", MONDAY, "主管日计划"))
    page.reload()
    assert sorted(column(tab.list, "title")) == sorted(
        ["三月拓展新客户", "张三周计划", "李四周计划", "主管日计划"])  # fmt: skip

    def urge(dialog):
        dialog.note.setPlainText("月中了，请加快进度")

    monkeypatch.setattr(UrgeDialog, "exec", fake_exec(urge), raising=False)
    assert tab.select_plan(plan.id)
    assert tab.urge_plan()
    assert tab.current.urge_count == 1 and tab.current.urge_pending
    assert "月中了，请加快进度" in tab.detail.toPlainText() and "待答复" in tab.detail.toPlainText()
    assert column(tab.list, "urge_count")[column(tab.list, "title").index("三月拓展新客户")] == "1"
    assert tab.selected_id() == plan.id
    screenshot(page, "work_plans_list")

    # The rep: no 催办, updates progress, which answers the urge.
    rep = page_for(qtbot, w, w.rep1)
    assert sorted(column(rep.plans.list, "title")) == sorted(["三月拓展新客户", "张三周计划"])
    assert rep.show_record("work_plan", plan.id)
    assert rep.currentWidget() is rep.plans
    assert not rep.plans.urge_button.isEnabled() and not rep.plans.edit_button.isEnabled()
    assert rep.plans.progress_button.isEnabled()
    assert [a.key for a in rep.plans.list.source.batch_actions] == ["cancel"]  # no 批量催办

    def progress(dialog):
        dialog.progress.setValue(40)
        dialog.done_qty.setText("-2")
        dialog.accept()
        seen["done_qty"] = dialog.errors.error_for("done_qty")
        dialog.done_qty.setText("2")
        dialog.note.setPlainText("已拜访 2 家，意向良好")

    monkeypatch.setattr(ProgressDialog, "exec", fake_exec(progress), raising=False)
    assert rep.plans.update_progress()
    assert seen["done_qty"] == "完成数量不能是负数。"
    cur = rep.plans.current
    assert (cur.progress, cur.done_qty, cur.urge_pending, cur.urge_count) == (40, 2, False, 1)
    # A stale copy: the manager edits while the rep's page still shows the old version.
    old = rep.plans.current
    form = old.form()
    form.title = "三月拓展新客户（调整）"
    work_plans.update_plan(UnitOfWork(w.db, w.manager), old.id, old.version, form)
    monkeypatch.setattr(ProgressDialog, "exec", fake_exec(lambda d: None), raising=False)
    monkeypatch.setattr(rep.plans, "fresh", lambda: old)
    stale = {}

    def stale_progress(dialog):
        dialog.progress.setValue(90)
        dialog.accept()
        stale["error"] = dialog.error_label.text()
        dialog.reject()

    monkeypatch.setattr(ProgressDialog, "exec", fake_exec(stale_progress), raising=False)
    assert not rep.plans.update_progress()
    assert "已被其他用户修改" in stale["error"]
    assert work_plans.plan_detail(UnitOfWork(w.db, w.rep1), plan.id).progress == 40
    monkeypatch.undo()


def test_complete_and_cancel_buttons(qtbot, world, monkeypatch):
    w = world
    pid = work_plans.create_plan(UnitOfWork(w.db, w.manager),
                                 WorkPlanForm(title="本周拜访", assignee_id=w.rep1.id))  # fmt: skip
    from app.ui.work.plan_dialogs import CancelDialog, CompleteDialog

    rep = page_for(qtbot, w, w.rep1)
    assert rep.show_record("work_plan", pid)
    monkeypatch.setattr(CompleteDialog, "exec",
                        fake_exec(lambda d: d.note.setPlainText("五家全部拜访")), raising=False)  # fmt: skip
    assert rep.plans.complete_plan()
    assert rep.plans.current.status_label == "已完成" and rep.plans.current.progress == 100
    assert not rep.plans.complete_button.isEnabled()
    assert column(rep.plans.list, "status") == ["已完成"]
    other = work_plans.create_plan(UnitOfWork(w.db, w.manager),
                                   WorkPlanForm(title="拓展计划", assignee_id=w.rep2.id))  # fmt: skip
    page = page_for(qtbot, w, w.manager)
    assert page.show_record("work_plan", other)
    seen = {}

    def cancel(dialog):
        dialog.accept()
        seen["reason"] = dialog.errors.error_for("reason")
        dialog.reason.setPlainText("客户暂停采购")

    monkeypatch.setattr(CancelDialog, "exec", fake_exec(cancel), raising=False)
    assert page.plans.cancel_plan()
    assert seen["reason"] == "请填写取消原因。"
    assert page.plans.current.status_label == "已取消"
    assert not page.plans.customer_button.isVisible()
    # A plan about a customer offers to open the customer's card (routed by the main window).
    with UnitOfWork(w.db, w.admin) as uow:
        uow.session.get(WorkPlan, pid).customer_id = w.nxh
        uow.commit()
    assert page.show_record("work_plan", pid)
    assert f"客户{NXH}" in page.plans.detail.toPlainText().replace("\n", "")
    assert page.plans.customer_button.isVisible()
    with qtbot.waitSignal(page.open_target) as sig:
        page.plans.customer_button.click()
    assert sig.args == [Target("customer", w.nxh)]
    assert not page.show_record("work_plan", 99999)


def test_calendar_month_and_week_with_drill_through(qtbot, world, fake_clock):
    w = world
    wp = work_plans.create_plan(UnitOfWork(w.db, w.manager),
                                WorkPlanForm(title="本周拜访 5 家客户", assignee_id=w.rep1.id))  # fmt: skip
    done = work_plans.create_plan(UnitOfWork(w.db, w.rep1),
                                  WorkPlanForm("day", date(2026, 3, 4), "整理报价单"))  # fmt: skip
    work_plans.complete(UnitOfWork(w.db, w.rep1), done, 1)
    work_plans.create_plan(UnitOfWork(w.db, w.rep1),
                           WorkPlanForm("month", MONDAY, "三月销售目标 50 万元"))  # fmt: skip
    appt = visit_plan(w, w.nxh, [w.rep1, w.manager], date(2026, 3, 6),
                      appointment_at=datetime(2026, 3, 4, 14, 30), purpose="介绍新品枸杞原浆")  # fmt: skip
    visit_plan(w, w.yc, [w.rep1], date(2026, 3, 6), purpose="了解年度采购计划")
    followups.add_follow_up(UnitOfWork(w.db, w.rep1), w.nxh, FollowUpForm(
        content="电话沟通", next_step="寄样品", next_date=date(2026, 3, 3)))  # fmt: skip
    note = daily_notes.create_note(UnitOfWork(w.db, w.rep1),
                                   NoteForm(MONDAY, "周一例会记录", "本周重点：银川客户"))  # fmt: skip
    page = page_for(qtbot, w, w.rep1)
    page.setCurrentWidget(page.calendar)
    cal = page.calendar
    assert cal.title.text() == "2026年3月"
    assert not cal.person.isVisible()  # a rep sees only own calendar
    assert cal.cell(MONDAY).titles() == ["周一例会记录"]
    assert cal.cell(date(2026, 3, 4)).titles() == [
        "整理报价单（已完成）",
        f"14:30 回访“{NXH}”：介绍新品枸杞原浆",
    ]
    assert cal.cell(date(2026, 3, 8)).titles() == ["本周拜访 5 家客户"]
    assert cal.cell(date(2026, 3, 31)).titles() == ["三月销售目标 50 万元"]
    assert {e.kind for e in cal.shown} == {WORK_PLAN, VISIT_PLAN, APPOINTMENT, FOLLOW_UP, NOTE}
    screenshot(page, "work_calendar_month")

    # Drill-through: a visit plan goes to the main window, a work plan opens here.
    with qtbot.waitSignal(page.open_target) as sig:
        cell = cal.cell(date(2026, 3, 4))
        cell.events.itemDoubleClicked.emit(cell.events.item(1))
    assert sig.args == [Target("visit_plan", appt)]
    cell = cal.cell(date(2026, 3, 8))
    cell.events.itemDoubleClicked.emit(cell.events.item(0))
    assert page.currentWidget() is page.plans and page.plans.selected_id() == wp
    page.setCurrentWidget(page.calendar)
    cell = cal.cell(MONDAY)
    cell.events.itemDoubleClicked.emit(cell.events.item(0))
    assert page.currentWidget() is page.notes and page.notes.note.id == note
    assert page.notes.title.text() == "周一例会记录"
    page.setCurrentWidget(page.calendar)

    # Week view: times shown, navigation.
    cal.set_mode("week")
    assert cal.title.text() == "2026-03-02 至 03-08"
    assert cal.prev_button.text() == "◀ 上一周"
    assert cal.cell(date(2026, 3, 4)).titles() == [
        "[工作计划] 整理报价单（已完成）", f"[预约拜访] 14:30 回访“{NXH}”：介绍新品枸杞原浆"]  # fmt: skip
    assert cal.cell(date(2026, 3, 6)).titles() == [f"[回访计划] 回访“{YC}”：了解年度采购计划"]
    # A time grid: the office hours as rows, the appointment in its hour, untimed on top.
    wednesday = cal.week.cell(date(2026, 3, 4))
    assert cal.week.hours == list(range(8, 19))
    assert wednesday.all_day.titles() == ["[工作计划] 整理报价单（已完成）"]
    assert [h for h, slot in wednesday.slots.items() if slot.titles()] == [14]
    screenshot(page, "work_calendar_week")
    cal.go_next()
    assert cal.title.text() == "2026-03-09 至 03-15"
    assert all(not cal.cell(MONDAY + timedelta(days=7 + i)).titles() for i in range(7))
    cal.go_today()
    assert cal.title.text() == "2026-03-02 至 03-08"
    cal.set_mode("month")
    cal.go_prev()
    assert cal.title.text() == "2026年2月"
    assert cal.cell(date(2026, 3, 8)).titles() == ["本周拜访 5 家客户"]  # the grid's last week
    cal.go_next()
    cal.go_next()
    assert cal.title.text() == "2026年4月"
    # A new note shows up after saving it in the notes tab.
    page.notes.new_note()
    page.notes.note_date.setDate(QDate(2026, 4, 2))
    page.notes.content.setPlainText("清明前回访宁夏红")
    assert page.notes.save()
    assert cal.cell(date(2026, 4, 2)).titles() == ["清明前回访宁夏红"]


def test_manager_chooses_a_team_members_calendar(qtbot, world):
    w = world
    work_plans.create_plan(UnitOfWork(w.db, w.manager),
                           WorkPlanForm(title="张三的周计划", assignee_id=w.rep1.id))  # fmt: skip
    daily_notes.create_note(UnitOfWork(w.db, w.rep1), NoteForm(MONDAY, "张三的私人记事", ""))
    daily_notes.create_note(UnitOfWork(w.db, w.manager), NoteForm(MONDAY, "主管记事", ""))
    page = page_for(qtbot, w, w.manager)
    cal = page.calendar
    page.setCurrentWidget(cal)
    assert cal.person.isVisible()
    assert set(cal.person.ids()) == {w.manager.id, w.rep1.id, w.rep2.id, WHOLE_TEAM}
    assert w.rep3.id not in cal.person.ids()
    assert [e.title for e in cal.shown] == ["主管记事"]
    assert cal.person.matching_ids("zs") == [w.rep1.id]
    cal.person.set_current_id(w.rep1.id)
    assert [e.title for e in cal.shown] == ["张三的周计划"]  # not the rep's private note
    assert cal.set_user(w.manager.id)
    assert [e.title for e in cal.shown] == ["主管记事"]
    assert cal.set_user(WHOLE_TEAM)  # 全组: everyone's plans, named, no private notes
    assert [e.title for e in cal.shown] == ["张三：张三的周计划"]


def test_daily_notes_editor(qtbot, world, monkeypatch, message_boxes):
    w = world
    page = page_for(qtbot, w, w.rep1)
    notes = page.notes
    page.setCurrentWidget(notes)
    assert notes.heading.text() == "新建记事" and not notes.delete_button.isEnabled()
    assert not notes.save()  # empty: a clear message, nothing stored
    assert notes.errors.error_for("title") == "请填写记事标题或内容。"
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.scalar(select(func.count(DailyNote.id))) == 0
    notes.title.setText("拜访宁夏红")
    notes.content.setPlainText("客户对枸杞原浆很感兴趣，下周寄样。")
    assert notes.save()
    assert notes.status.text() == "已保存。" and notes.heading.text() == "修改记事"
    first = notes.note.id
    notes.new_note()
    notes.note_date.setDate(QDate(2026, 3, 1))
    notes.content.setPlainText("电话回访银川贸易\n对方要求报价")
    assert notes.save()
    assert notes.note.title == "电话回访银川贸易"
    assert column(notes.list, "title") == ["拜访宁夏红", "电话回访银川贸易"]
    notes.list.search.setText("寄样")
    notes.list.reload()
    assert column(notes.list, "title") == ["拜访宁夏红"]
    notes.list.search.clear()
    notes.list.reload()
    # Edit: a stale copy is refused with the conflict message; nothing is overwritten.
    assert notes.select_note(first)
    fresh = daily_notes.get_note(UnitOfWork(w.db, w.rep1), first)
    daily_notes.update_note(UnitOfWork(w.db, w.rep1), first, fresh.version,
                            NoteForm(fresh.note_date, "另一台电脑改的", fresh.content))  # fmt: skip
    notes.title.setText("这里改的")
    assert not notes.save()
    assert "已被其他用户修改" in notes.status.text()
    assert daily_notes.get_note(UnitOfWork(w.db, w.rep1), first).title == "另一台电脑改的"
    assert notes.select_note(first)
    screenshot(page, "work_daily_notes")
    # Delete after confirmation.
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)  # fmt: skip
    assert notes.delete()
    assert column(notes.list, "title") == ["电话回访银川贸易"]
    # Another user's page never shows the notes.
    other = page_for(qtbot, w, w.admin)
    assert column(other.notes.list, "title") == []
    assert not other.show_record("daily_note", first)


def test_unsaved_note_is_not_lost_when_choosing_another(qtbot, world, monkeypatch):
    w = world
    day = date(2026, 3, 2)
    a = daily_notes.create_note(UnitOfWork(w.db, w.rep1), NoteForm(day, "甲", "甲的内容"))
    b = daily_notes.create_note(UnitOfWork(w.db, w.rep1), NoteForm(day, "乙", "乙的内容"))
    page = page_for(qtbot, w, w.rep1)
    notes = page.notes
    answers = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    buttons = QMessageBox.StandardButton
    assert notes.select_note(a)
    notes.content.setPlainText("甲的内容，补充一句")
    answers.append(buttons.Cancel)  # stay: the edit is still there
    notes.list.select_id(b)
    assert notes.note.id == a and notes.content.toPlainText() == "甲的内容，补充一句"
    answers.append(buttons.Save)  # save, then show the one chosen
    notes.list.select_id(b)
    assert notes.note.id == b
    assert daily_notes.get_note(UnitOfWork(w.db, w.rep1), a).content == "甲的内容，补充一句"
    notes.title.setText("乙改")
    answers.append(buttons.Cancel)  # the calendar opens another note: stay
    assert not page.show_record("daily_note", a) and notes.title.text() == "乙改"
    answers.append(buttons.Discard)
    notes.new_note()
    assert notes.note is None and notes.title.text() == ""
    assert daily_notes.get_note(UnitOfWork(w.db, w.rep1), b).title == "乙"
    assert answers == []


def test_batch_urge_from_the_list(qtbot, world, monkeypatch, message_boxes):
    w = world
    ids = [
        work_plans.create_plan(
            UnitOfWork(w.db, w.manager), WorkPlanForm(title=t, assignee_id=who.id)
        )  # fmt: skip
        for t, who in [("张三周计划", w.rep1), ("李四周计划", w.rep2)]
    ]
    mine = work_plans.create_plan(UnitOfWork(w.db, w.manager), WorkPlanForm(title="主管周计划"))
    page = page_for(qtbot, w, w.manager)
    view = page.plans.list
    urge = next(a for a in view.source.batch_actions if a.key == "urge")
    assert urge.label == "催办"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    view.run_batch(urge)  # nothing selected: every row of the list
    assert message_boxes[-1][1:] == ("批量催办", "已处理 2 条。跳过 1 条：不能催办自己的工作计划")
    for pid in ids:
        assert work_plans.plan_detail(UnitOfWork(w.db, w.manager), pid).urge_pending
    assert not work_plans.plan_detail(UnitOfWork(w.db, w.manager), mine).urge_pending
    titles = column(view, "title")
    counts = dict(zip(titles, column(view, "urge_count"), strict=True))
    assert counts == {"张三周计划": "1", "李四周计划": "1", "主管周计划": "0"}


def test_double_clicking_a_day_adds_a_plan_or_a_note_there(qtbot, world, monkeypatch):
    from PySide6.QtCore import QPoint, Qt

    w = world
    page = page_for(qtbot, w, w.rep1)
    page.setCurrentWidget(page.calendar)
    days = []
    page.calendar.day_activated.connect(days.append)
    cell = page.calendar.cell(date(2026, 3, 12))
    qtbot.mouseDClick(cell.events.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert days == [date(2026, 3, 12)]
    menu = page.add_on_day(date(2026, 3, 12))
    texts = [a.text() for a in menu.actions()]
    assert texts == ["新建 03-12 的工作计划…", "新建 03-12 的日常记事"]
    menu.close()

    def fill(dialog):
        assert dialog.periods["day"].isChecked()
        assert dialog.on.date().toPython() == date(2026, 3, 12)
        dialog.title.setText("拜访银川客户")

    monkeypatch.setattr(PlanDialog, "exec", fake_exec(fill), raising=False)
    menu.actions()[0].trigger()
    cal_titles = [e.title for e in page.calendar.shown if e.date == date(2026, 3, 12)]
    assert cal_titles == ["拜访银川客户"]
    page.add_on_day(date(2026, 3, 13)).actions()[1].trigger()
    assert page.currentWidget() is page.notes
    assert page.notes.note_date.date().toPython() == date(2026, 3, 13)
