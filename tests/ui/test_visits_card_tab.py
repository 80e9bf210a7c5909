"""The customer card's 回访 tab: each plan with its status, records, report status and
the step table; 新建回访计划 for those who may plan."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate

from app.services.core.uow import UnitOfWork
from app.services.visits import workflow as visits
from app.ui.context import AppContext
from app.ui.customers.card_dialog import CustomerCardDialog
from app.ui.customers.visits_tab import VisitsTab
from tests.services.customer_fixtures import NXH
from tests.ui import test_visits_world
from tests.ui.conftest import COMPANY, screenshot
from tests.ui.test_visits_world import full_chain, make_plan, today

vw = test_visits_world.vw  # the fixture


def tab_for(qtbot, w, actor, customer_id, can_plan=True) -> VisitsTab:
    tab = VisitsTab(AppContext(w.db, actor), customer_id, NXH, can_plan)
    qtbot.addWidget(tab)
    return tab


def cells(table, row) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_tab_shows_the_chain_with_records_reports_and_steps(qtbot, vw):
    chain = full_chain(vw)  # archived
    vw.clock.advance(days=1)
    open_plan = make_plan(vw, vw.rep1, vw.c1, purpose="回访新品试用")
    tab = tab_for(qtbot, vw, vw.rep1, vw.c1)
    assert tab.tree.topLevelItemCount() == 2
    newest, done = tab.tree.topLevelItem(0), tab.tree.topLevelItem(1)
    assert newest.data(0, 256) == open_plan and newest.text(1) == "计划"
    assert newest.text(4) == "回访新品试用" and newest.childCount() == 0
    assert done.data(0, 256) == chain["plan"]
    assert done.text(1) == "已完成" and done.text(3) == "走访" and done.text(5) == "已归档"
    assert done.childCount() == 1
    record = done.child(0)
    assert record.text(2) == "张三" and record.text(3) == "4 分（满意）"
    assert record.text(4) == "明年增加原浆采购" and record.text(5) == "已归档"
    assert tab.summary.text() == "共 2 项回访计划，已完成 1 项"

    # The selected plan's steps: the new plan waits for 预约; the done one is complete.
    assert cells(tab.steps, 0)[:4] == ["制订计划", "张三", "", "已完成"]
    assert cells(tab.steps, 1)[0] == "预约" and cells(tab.steps, 1)[3] == "进行中"
    assert cells(tab.steps, 5)[3] == "未开始"
    tab.tree.setCurrentItem(done)
    assert tab.steps.rowCount() == 6
    assert [cells(tab.steps, r)[3] for r in range(6)] == ["已完成"] * 6
    assert cells(tab.steps, 4)[1] == "赵主管" and cells(tab.steps, 5)[1] == "陈文员"
    assert tab.new_button.isVisibleTo(tab)


def test_overdue_plan_step_is_marked(qtbot, vw):
    make_plan(vw, vw.rep1, vw.c1)
    vw.clock.advance(days=10)
    tab = tab_for(qtbot, vw, vw.rep1, vw.c1)
    item = tab.tree.topLevelItem(0)
    assert item.text(1) == "计划（逾期）"
    assert cells(tab.steps, 1)[3] == "已逾期"


def test_new_plan_from_the_card(qtbot, vw):
    tab = tab_for(qtbot, vw, vw.rep1, vw.c1)
    changed = []
    tab.changed.connect(lambda: changed.append(True))
    seen = []

    def fill(dialog) -> bool:
        assert dialog.customer is None  # the card's customer, fixed
        dialog.planned_to.setDate(QDate(today(vw) + timedelta(days=4)))
        dialog.purpose.setText("回访售后满意度")
        dialog.accept()
        seen.append(dialog)
        return dialog.result() == dialog.DialogCode.Accepted

    tab.exec_dialog = fill
    assert tab.new_plan() and changed
    assert (
        tab.tree.topLevelItemCount() == 1 and tab.tree.topLevelItem(0).text(4) == "回访售后满意度"
    )
    plan = visits.plan_detail(UnitOfWork(vw.db, vw.rep1, write=False), seen[0].plan_id)
    assert plan.customer_id == vw.c1 and plan.planned_to == today(vw) + timedelta(days=4)


def test_no_new_plan_for_who_may_not_plan(qtbot, vw):
    make_plan(vw, vw.rep1, vw.c1)
    for actor in (vw.chairman, vw.clerk):
        tab = tab_for(qtbot, vw, actor, vw.c1, can_plan=False)
        assert not tab.new_button.isVisibleTo(tab)
    boss = tab_for(qtbot, vw, vw.chairman, vw.c1, can_plan=True)  # edits, but never plans
    assert not boss.new_button.isVisibleTo(boss)
    assert boss.tree.topLevelItemCount() == 1  # the chairman still sees the chain


def test_card_has_the_visits_tab(qtbot, vw):
    full_chain(vw)
    make_plan(vw, vw.rep1, vw.c1, purpose="回访新品试用")
    card = CustomerCardDialog(AppContext(vw.db, vw.rep1), vw.c1, COMPANY)
    qtbot.addWidget(card)
    card.show()
    titles = [card.tabs.tabText(i) for i in range(card.tabs.count())]
    assert "回访" in titles
    card.tabs.setCurrentWidget(card.visits)
    assert card.visits.tree.topLevelItemCount() == 2
    card.visits.tree.setCurrentItem(card.visits.tree.topLevelItem(1))
    card.resize(1000, 720)
    screenshot(card, "customer_card_visits")
