"""回访管理 page: the whole workflow through its buttons and dialogs — plan (one and
batch), appoint, cancel, record (planned and ad-hoc), report, submit, review (return and
approve), archive — buttons by status and role, drill-through, conflicts, screenshots."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QDialog

from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.visits import workflow as visits
from app.ui.context import AppContext
from app.ui.visits.dialogs import (
    AppointDialog,
    ArchiveDialog,
    BatchPlanDialog,
    CancelPlanDialog,
    PlanDialog,
    RecordDialog,
    ReportDialog,
    ReviewDialog,
    SubmitReportDialog,
)
from app.ui.visits.visits_page import VisitsPage
from tests.services.customer_fixtures import NXH
from tests.ui import test_visits_world
from tests.ui.conftest import COMPANY, screenshot
from tests.ui.test_visits_world import YC, ZW, make_plan, make_record, make_report, today, uow

vw = test_visits_world.vw  # the fixture


def read(w, actor):
    return UnitOfWork(w.db, actor, write=False)


def page_for(qtbot, w, actor) -> VisitsPage:
    page = VisitsPage(AppContext(w.db, actor), COMPANY)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    return page


class Filler:
    """Stands in for the modal exec: fill the dialog's widgets, then press OK."""

    def __init__(self, page):
        self.steps = []
        self.dialogs = []
        page.exec_dialog = self

    def then(self, fill):
        self.steps.append(fill)
        return self

    def __call__(self, dialog) -> bool:
        self.dialogs.append(dialog)
        fill = self.steps.pop(0)
        if fill(dialog) is False:  # the filler only looks (e.g. a screenshot), then cancels
            dialog.reject()
            return False
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted


def set_datetime(edit, value: datetime) -> None:
    edit.setDateTime(QDateTime(QDate(value.date()), QTime(value.hour, value.minute)))


def buttons(pane) -> dict[str, bool]:
    return {text: b.isEnabled() for text, b in pane.buttons.items()}


def test_new_plan_through_the_dialog(qtbot, vw):
    page = page_for(qtbot, vw, vw.rep1)
    assert [page.tabText(i) for i in range(page.count())] == ["回访计划", "回访记录", "回访报告"]
    assert buttons(page.plans)["新建计划…"] and not buttons(page.plans)["预约…"]

    def bad(d: PlanDialog):
        d.customer.set_current_id(vw.c1)
        d.purpose.setText("")  # required
        return True

    filler = Filler(page).then(bad)
    assert not page.new_plan()
    dialog = filler.dialogs[-1]
    assert dialog.errors.error_for("purpose") == "请填写回访目的。"
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert page.plans.list.model.ids.tolist() == []  # nothing was created

    def good(d: PlanDialog):
        assert vw.c3 not in d.customer.ids()  # rep3's customer is not offered
        assert d.customer.matching_ids("nxh") == [vw.c1]  # pinyin initials
        d.customer.set_current_id(vw.c1)
        d.planned_from.setDate(QDate(today(vw)))
        d.planned_to.setDate(QDate(today(vw) + timedelta(days=3)))
        d.method.set_current_id(vw.walk)
        d.purpose.setText("了解灌装线使用情况")
        d.content.setPlainText("检查设备，收集意见")
        screenshot(d, "visit_plan_dialog")
        return True

    Filler(page).then(good)
    assert page.new_plan()
    plan = page.plan
    assert plan is not None and plan.customer_id == vw.c1 and plan.purpose == "了解灌装线使用情况"
    assert plan.status == "planned" and plan.method_name == "走访"
    assert plan.planned_to == today(vw) + timedelta(days=3)
    assert plan.visitor_ids == (vw.rep1.id,)
    assert "了解灌装线使用情况" in page.plans.detail.toPlainText()
    b = buttons(page.plans)
    assert b["预约…"] and b["修改…"] and b["取消计划…"] and b["填写回访记录…"] and b["准备资料"]
    screenshot(page, "visits_plan_list")


def test_appoint_prepare_and_record_a_planned_visit(qtbot, vw):
    plan_id = make_plan(vw, vw.rep1, vw.c1)
    page = page_for(qtbot, vw, vw.rep1)
    changed = []
    page.customers_changed.connect(lambda: changed.append(True))
    assert page.show_record("visit_plan", plan_id)
    at = datetime.combine(today(vw) + timedelta(days=10), datetime.min.time()).replace(hour=14)

    def appoint(d: AppointDialog):
        suggested = d.at.dateTime().toPython()
        assert suggested >= vw.clock() and 9 <= suggested.hour <= 17  # not a time already past
        assert suggested.minute == 0 and suggested.weekday() < 5
        set_datetime(d.at, at)
        d.place.setText("客户二楼会议室")
        d.note.setPlainText("刘经理接待")
        return True

    Filler(page).then(appoint)
    assert page.appoint()
    plan = page.plan
    assert plan.status == "appointed" and plan.appointment_at == at
    assert plan.planned_to == at.date()  # the customer's date extends the plan
    preview = page.prepare()
    qtbot.addWidget(preview)
    assert page.preparation_form().title == "客户回访准备资料"
    preview.close()

    vw.clock.advance(days=10, hours=6)

    def record(d: RecordDialog):
        assert d.place.text() == "客户二楼会议室"  # from the appointment
        d.people_met.setText("刘经理")
        d.needs.setPlainText("明年增加原浆采购")
        d.service_opinion.setPlainText("维修响应及时")
        d.satisfaction.set_current_id(5)
        d.problems.setPlainText("配件到货慢")
        d.next_visit.set_value(today(vw) + timedelta(days=30))
        d.resize(d.sizeHint())
        screenshot(d, "visit_record_dialog")
        return True

    Filler(page).then(record)
    assert page.record_visit()
    assert changed == [True]
    plan = visits.plan_detail(read(vw, vw.rep1), plan_id)
    assert plan.status == "done" and len(plan.record_ids) == 1
    rec = visits.record_detail(read(vw, vw.rep1), plan.record_ids[0])
    assert rec.satisfaction == 5 and rec.people_met == "刘经理"
    notes = followups.list_follow_ups(read(vw, vw.rep1), vw.c1)
    assert any("明年增加原浆采购" in f.content for f in notes)  # logged as a follow-up
    assert page.show_record("visit_record", rec.id) and page.currentWidget() is page.records
    assert buttons(page.records)["修改记录…"]
    assert "明年增加原浆采购" in page.records.detail.toPlainText()


def test_record_needs_something_said_and_the_dialog_keeps_the_input(qtbot, vw):
    plan_id = make_plan(vw, vw.rep1, vw.c1)
    page = page_for(qtbot, vw, vw.rep1)
    page.show_record("visit_plan", plan_id)

    def empty(d: RecordDialog):
        d.place.setText("银川")
        return True

    filler = Filler(page).then(empty)
    assert not page.record_visit()
    dialog = filler.dialogs[0]
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "至少填写" in dialog.errors.error_for("needs")
    assert dialog.place.text() == "银川"  # the input is still there
    assert visits.plan_detail(read(vw, vw.rep1), plan_id).record_ids == ()


def test_ad_hoc_record_chooses_a_customer(qtbot, vw):
    page = page_for(qtbot, vw, vw.rep1)
    page.setCurrentWidget(page.records)

    def ad_hoc(d: RecordDialog):
        assert d.customer is not None and vw.c3 not in d.customer.ids()
        d.customer.set_current_id(vw.c2)
        d.needs.setPlainText("询问新品价格")
        return True

    changed = []
    page.customers_changed.connect(lambda: changed.append(True))
    Filler(page).then(ad_hoc)
    assert page.ad_hoc_record() and changed
    rec = page.record
    assert rec is not None and rec.customer_name == YC and rec.needs == "询问新品价格"
    plan = visits.plan_detail(read(vw, vw.rep1), rec.plan_id)
    assert plan.ad_hoc and plan.status == "done"


def test_cancel_plan_then_its_actions_are_off(qtbot, vw):
    plan_id = make_plan(vw, vw.rep1, vw.c1)
    page = page_for(qtbot, vw, vw.rep1)
    page.show_record("visit_plan", plan_id)
    Filler(page).then(lambda d: isinstance(d, CancelPlanDialog) and d.reason.setText("客户停产"))
    assert page.cancel_plan()
    assert page.plan.status == "cancelled" and page.plan.cancel_reason == "客户停产"
    b = buttons(page.plans)
    assert not (b["预约…"] or b["修改…"] or b["取消计划…"] or b["填写回访记录…"] or b["准备资料"])
    assert b["打印计划"]


def test_batch_plans_from_targets(qtbot, vw):
    c4 = test_visits_world.register(vw, vw.rep1, "固原回访测试有限公司", grade_id=vw.grade_a)
    page = page_for(qtbot, vw, vw.rep1)

    def batch(d: BatchPlanDialog):
        d.grade.set_current_id("A")
        assert d.find_targets() == 2  # NXH and 固原 (A); 银川 is B; 中卫 is rep3's
        assert set(d.targets.ids()) == {vw.c1, c4.customer_id}
        assert set(d.targets.checked_ids()) == {vw.c1, c4.customer_id}
        d.targets.set_checked([c4.customer_id], False)
        d.purpose.setText("季度回访")
        return True

    Filler(page).then(batch)
    assert page.batch_plans()
    ids = page.plans.list.model.ids.tolist()
    assert len(ids) == 1
    plan = visits.plan_detail(read(vw, vw.rep1), ids[0])
    assert plan.customer_id == vw.c1 and plan.purpose == "季度回访"

    def nothing(d: BatchPlanDialog):
        d.purpose.setText("季度回访")
        return True  # no targets searched

    filler = Filler(page).then(nothing)
    assert not page.batch_plans()
    assert "勾选" in filler.dialogs[0].errors.error_for("customer_ids")


def test_conflict_keeps_the_input_and_a_second_try_saves(qtbot, vw):
    plan_id = make_plan(vw, vw.rep1, vw.c1)
    page = page_for(qtbot, vw, vw.rep1)
    page.show_record("visit_plan", plan_id)
    attempts = []

    def edit(d: PlanDialog):
        # Someone else (the sales admin) changes the plan while the dialog is open.
        fresh = visits.plan_detail(read(vw, vw.sales_admin), plan_id)
        form = visits.PlanForm(
            vw.c1, fresh.planned_from, fresh.planned_to, "内勤改的目的", method_id=vw.walk
        )
        visits.update_plan(uow(vw, vw.sales_admin), plan_id, form, fresh.version)
        d.purpose.setText("我的新目的")
        d.accept()
        attempts.append(d.result())
        assert "已被其他用户修改" in d.error_label.text() and "仍保留" in d.error_label.text()
        assert d.purpose.text() == "我的新目的" and d.stale
        return True  # press OK again: saved on the latest version

    Filler(page).then(edit)
    assert page.edit_plan()
    assert attempts == [QDialog.DialogCode.Rejected]
    assert visits.plan_detail(read(vw, vw.rep1), plan_id).purpose == "我的新目的"


def _report_flow_setup(vw):
    plan = make_plan(vw, vw.rep1, vw.c1)
    vw.clock.advance(hours=3)
    rec = make_record(vw, vw.rep1, plan)
    other_plan = make_plan(vw, vw.rep1, vw.c2)
    vw.clock.advance(hours=1)
    rec2 = make_record(vw, vw.rep1, other_plan, needs="希望上门培训")
    return rec, rec2


def test_report_submit_return_resubmit_approve_archive(qtbot, vw):
    rec, rec2 = _report_flow_setup(vw)
    page = page_for(qtbot, vw, vw.rep1)
    page.setCurrentWidget(page.reports)

    def build(d: ReportDialog):
        assert set(d.records.ids()) == {rec, rec2}  # own records in no report
        assert d.records.checked_ids() == []
        d.records.set_checked([rec])
        d.title_edit.setText("三月回访报告")
        d.conclusions.setPlainText("客户总体满意")
        d.resize(d.sizeHint())
        screenshot(d, "visit_report_dialog")
        return True

    Filler(page).then(build)
    assert page.new_report()
    report = page.report
    assert report.title == "三月回访报告" and [r.id for r in report.records] == [rec]
    b = buttons(page.reports)
    assert b["提交审阅…"] and b["修改报告…"] and not b["审阅…"] and not b["归档…"]

    def submit(d: SubmitReportDialog):
        assert d.reviewer.ids()[1:] == [vw.manager.id, vw.chairman.id]  # 主管 first, 董事长
        assert d.reviewer.current_id() == vw.manager.id  # the team's manager, chosen already
        return True

    Filler(page).then(submit)
    assert page.submit_report()
    assert page.report.status == "submitted" and page.report.reviewer_name == "赵主管"
    assert not buttons(page.reports)["修改报告…"]

    boss = page_for(qtbot, vw, vw.manager)
    assert boss.show_record("visit_report", report.id) and boss.currentWidget() is boss.reports
    assert buttons(boss.reports)["审阅…"] and not buttons(boss.reports)["归档…"]

    def send_back(d: ReviewDialog):
        d.return_radio.setChecked(True)
        d.comments.setPlainText("请补充另一家客户的回访")
        return True

    Filler(boss).then(send_back)
    assert boss.review_report()
    assert boss.report.status == "returned" and not buttons(boss.reports)["审阅…"]

    page.reload()
    page.show_record("visit_report", report.id)
    assert buttons(page.reports)["修改报告…"]

    def add_second(d: ReportDialog):
        assert set(d.records.checked_ids()) == {rec}
        d.records.set_checked([rec2])
        d.conclusions.setPlainText("客户总体满意；需安排上门培训")
        return True

    Filler(page).then(add_second).then(submit)
    assert page.edit_report() and page.submit_report()
    assert len(page.report.records) == 2 and page.report.status == "submitted"

    boss.reload()
    boss.show_record("visit_report", report.id)

    def no_decision(d: ReviewDialog):
        d.comments.setPlainText("同意")
        return True

    filler = Filler(boss).then(no_decision)
    assert not boss.review_report()
    assert "同意" in filler.dialogs[0].errors.error_for("decision")

    def approve(d: ReviewDialog):
        d.approve_radio.setChecked(True)
        d.comments.setPlainText("同意，安排培训")
        return True

    Filler(boss).then(approve)
    assert boss.review_report()
    assert boss.report.status == "approved" and boss.report.review_comments == "同意，安排培训"

    clerk = page_for(qtbot, vw, vw.clerk)
    assert clerk.show_record("visit_report", report.id)
    b = buttons(clerk.reports)
    assert b["归档…"] and not b["审阅…"] and not b["整理回访报告…"]
    assert not buttons(clerk.plans)["新建计划…"]

    def archive(d: ArchiveDialog):
        assert d.category.matching_ids("shfw") == [vw.archive_cat]  # 售后服务 by initials
        d.category.set_current_id(vw.archive_cat)
        d.note.setText("三月")
        return True

    Filler(clerk).then(archive)
    assert clerk.archive_report()
    final = clerk.report
    assert final.status == "archived" and final.archive_category_name == "售后服务"
    assert final.archived_by_name == "陈文员"
    assert all(s.status == "已完成" for s in final.steps)
    text = clerk.reports.detail.toPlainText()
    assert "同意，安排培训" in text and "售后服务" in text and "归档" in text
    clerk.reports.list.table.setFocus()
    screenshot(clerk, "visits_report_detail")
    preview = clerk.print_report()
    qtbot.addWidget(preview)
    preview.close()


def test_show_record_is_false_for_what_one_cannot_see(qtbot, vw):
    theirs = make_plan(vw, vw.rep3, vw.c3)
    mine = make_plan(vw, vw.rep1, vw.c1)
    page = page_for(qtbot, vw, vw.rep1)
    assert not page.show_record("visit_plan", theirs)
    assert not page.show_record("visit_report", 999)
    assert not page.show_record("customer", mine)
    page.setCurrentWidget(page.reports)
    page.plans.list.set_filter("status", ("done",))  # hides it: drill-through clears filters
    assert page.show_record("visit_plan", mine)
    assert page.currentWidget() is page.plans and page.plan.id == mine
    boss = page_for(qtbot, vw, vw.manager)  # team 1: sees rep1's plan, not rep3's
    assert boss.show_record("visit_plan", mine) and not boss.show_record("visit_plan", theirs)


def test_plan_list_prints_the_shown_plans(qtbot, vw, tmp_path):
    make_plan(vw, vw.rep1, vw.c1)
    make_plan(vw, vw.rep1, vw.c2, purpose="催收货款")
    page = page_for(qtbot, vw, vw.rep1)
    form = page.plan_list_form()
    assert form.landscape and form.title == "客户回访计划"
    from app.ui.forms.paper_form import save_pdf

    save_pdf(str(tmp_path / "list.pdf"), form)
    test_visits_world.assert_pdf_has(tmp_path / "list.pdf", NXH, YC, "催收货款", COMPANY)
    assert ZW not in test_visits_world.pdf_text(tmp_path / "list.pdf")
    page.plans.list.select_id(page.plans.list.model.ids[0])
    assert "选中的1项计划" in "".join(page.plan_list_form().blocks[0].text.split())


@pytest.mark.parametrize("who", ["chairman", "clerk"])
def test_roles_that_do_not_plan_see_no_plan_actions(qtbot, vw, who):
    make_plan(vw, vw.rep1, vw.c1)
    page = page_for(qtbot, vw, getattr(vw, who))
    page.plans.list.select_id(page.plans.list.model.ids[0]) if page.plans.list.model.ids else None
    b = buttons(page.plans)
    assert not (b["新建计划…"] or b["批量制订计划…"] or b["填写回访记录…"] or b["预约…"])
    assert not buttons(page.records)["临时回访记录…"]


def test_report_of_another_author_is_not_editable(qtbot, vw):
    rec, _ = _report_flow_setup(vw)
    report = make_report(vw, vw.rep1, [rec])
    boss = page_for(qtbot, vw, vw.manager)
    assert boss.show_record("visit_report", report)
    b = buttons(boss.reports)
    assert not (b["修改报告…"] or b["提交审阅…"] or b["审阅…"])


def test_recording_a_visit_before_its_appointment_asks(qtbot, vw, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    plan_id = make_plan(vw, vw.rep1, vw.c1)
    at = datetime.combine(today(vw) + timedelta(days=3), datetime.min.time()).replace(hour=10)
    visits.appoint(UnitOfWork(vw.db, vw.rep1), plan_id, at, "", "",
                   visits.plan_detail(read(vw, vw.rep1), plan_id).version)  # fmt: skip
    plan = visits.plan_detail(read(vw, vw.rep1), plan_id)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, title, *a, **k: asked.append(title) or answers.pop(0))  # fmt: skip
    dialog = RecordDialog(AppContext(vw.db, vw.rep1), plan=plan)
    qtbot.addWidget(dialog)
    dialog.needs.setPlainText("提前电话沟通了需求")
    dialog.accept()
    assert asked == ["回访时间早于预约"] and dialog.result() != dialog.DialogCode.Accepted
    assert "核对回访时间" in dialog.errors.error_for("visited_at")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.record_id is not None
