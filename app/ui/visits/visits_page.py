"""回访管理: 回访计划, 回访记录 and 回访报告, each the shared list with the selected
row's detail and the workflow's actions (enabled by status and role), and the paper
forms 《客户回访计划》, 《客户回访记录表》, 《客户回访报告》 and 回访准备资料."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import (
    QDialog,
    QMessageBox,
    QTabWidget,
)

from app.services.access import roles
from app.services.core.errors import ServiceError
from app.services.visits import workflow as visits
from app.services.visits.lists import visit_plans_source, visit_records_source, visit_reports_source
from app.services.visits.workflow import PlanDetail, RecordDetail, ReportDetail, Step
from app.ui.common.messages import show_service_error
from app.ui.common.style import ERROR_COLOR, HINT_COLOR
from app.ui.context import AppContext
from app.ui.forms.paper_form import PaperForm, make_preview
from app.ui.listview.record_pane import RecordPane
from app.ui.visits import print_forms as forms
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

TITLE = "客户回访"
PLANS, RECORDS, REPORTS = "visit_plan", "visit_record", "visit_report"
MAX_PLANS_PRINTED = 500  # 《客户回访计划》 as a table: more belongs to the Excel export


# --- detail panes ---------------------------------------------------------------------


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td style='color:{HINT_COLOR};padding-right:12px' nowrap>{escape(k)}</td>"
        f"<td>{escape(v).replace(chr(10), '<br>')}</td></tr>"
        for k, v in rows
        if v
    )
    return f"<table cellspacing=3>{cells}</table>"


def steps_html(steps: tuple[Step, ...] | list[Step]) -> str:
    colors = {"已逾期": ERROR_COLOR, "已退回": ERROR_COLOR, "已完成": "#2e7d32"}
    head = "".join(
        f"<th align=left>{h}</th>" for h in ("步骤", "负责人", "期限", "状态", "完成时间")
    )
    body = "".join(
        f"<tr><td>{escape(s.name)}</td><td>{escape(s.owner_name)}</td>"
        f"<td>{forms.day(s.due)}</td>"
        f"<td style='color:{colors.get(s.status, '#000')}'>{escape(s.status)}</td>"
        f"<td>{forms.minute(s.done_at)}</td></tr>"
        for s in steps
    )
    return f"<table cellspacing=0 cellpadding=3 border=1 style='border-collapse:collapse'><tr>{head}</tr>{body}</table>"


def plan_html(p: PlanDetail) -> str:
    status = p.status_label + ("（已逾期）" if p.is_overdue else "")
    rows = [
        ("客户", f"{p.customer_name}（{p.customer_number}）"),
        ("状态", status + ("，临时回访" if p.ad_hoc else "")),
        ("计划时间", forms.plan_period(p)),
        ("负责人", p.owner_name),
        ("回访人员", "、".join(p.visitor_names)),
        ("回访方式", p.method_name),
        ("回访目的", p.purpose),
        ("回访内容", p.content),
        ("预约时间", forms.minute(p.appointment_at)),
        ("预约地点", p.appointment_place),
        ("预约说明", p.appointment_note),
        ("取消原因", p.cancel_reason),
        ("备注", p.remarks),
        ("回访记录", f"{len(p.record_ids)} 份" if p.record_ids else "尚未回访"),
    ]
    return f"<b>《客户回访计划》 {p.number}</b>" + _table(rows)


def record_html(r: RecordDetail) -> str:
    rows = [
        ("客户", r.customer_name),
        ("回访人员", r.visitor_name),
        ("回访时间", forms.minute(r.visited_at)),
        ("回访地点", r.place),
        ("接待人", r.people_met),
        ("客户需求", r.needs),
        ("售后服务意见", r.service_opinion),
        ("满意度", forms.satisfaction_text(r.satisfaction)),
        ("存在问题", r.problems),
        ("约定事项", r.actions),
        ("下次回访", forms.day(r.next_visit_date)),
        ("报告", r.report_status_label),
    ]
    return f"<b>《客户回访记录表》 {r.number}</b>" + _table(rows)


def report_html(rep: ReportDetail) -> str:
    rows = [
        ("标题", rep.title),
        ("状态", rep.status_label),
        ("编写人", rep.author_name),
        ("提交时间", forms.minute(rep.submitted_at)),
        ("主要结论", rep.conclusions),
        ("改进建议", rep.suggestions),
        ("审阅人", rep.reviewer_name),
        ("审阅期限", forms.day(rep.review_due)),
        ("处理意见", rep.review_comments),
        ("审阅时间", forms.minute(rep.reviewed_at)),
        ("归档期限", forms.day(rep.archive_due) if rep.status == "approved" else ""),
        ("归档类别", rep.archive_category_name),
        ("归档说明", rep.archive_note),
        ("归档人", rep.archived_by_name),
        ("归档时间", forms.minute(rep.archived_at)),
    ]
    records = "".join(
        f"<li>{forms.minute(r.visited_at)} {escape(r.customer_name)}（{escape(r.visitor_name)}）"
        f"{'　满意度 ' + str(r.satisfaction) if r.satisfaction else ''}</li>"
        for r in rep.records
    )
    left = f"<b>《客户回访报告》 {rep.number}</b>" + _table(rows)
    right = (
        f"<b>回访记录（{len(rep.records)} 份）</b><ul style='margin-top:2px'>{records}</ul>"
        + "<b>流程进度</b>"
        + steps_html(rep.steps)
    )
    return (
        "<table width='100%' cellspacing=0><tr>"
        f"<td valign=top width='48%'>{left}</td><td width=16></td>"
        f"<td valign=top>{right}</td></tr></table>"
    )


# --- one tab: list, detail, buttons ------------------------------------------------------


class VisitsPage(QTabWidget):
    """回访计划 / 回访记录 / 回访报告."""

    customers_changed = Signal()  # a visit record was saved: it logged a follow-up

    def __init__(self, ctx: AppContext, company: str, parent=None):
        super().__init__(parent)
        self.ctx, self.company = ctx, company
        me = ctx.actor
        self.may_plan = me.role in roles.CAN_PLAN_VISITS
        self.plan: PlanDetail | None = None
        self.record: RecordDetail | None = None
        self.report: ReportDetail | None = None
        self.preview: QPrintPreviewDialog | None = None  # kept alive while open

        self.plans = RecordPane(
            ctx,
            visit_plans_source(),
            company,
            "制订回访计划 → 预约拜访时间 → 准备资料 → 回访后填写回访记录表。",
        )
        p = self.plans
        p.add_button("新建计划…", self.new_plan, "为一个客户制订《客户回访计划》")
        p.add_button("批量制订计划…", self.batch_plans, "按等级、未回访时间、归属销售选出回访对象")
        p.add_button("修改…", self.edit_plan)
        p.add_button("预约…", self.appoint, "与客户确定具体的拜访时间和地点")
        p.add_button("取消计划…", self.cancel_plan)
        p.add_button("准备资料", self.prepare, "打印客户基本情况、服务记录、客户特点和准备事项")
        p.add_button("填写回访记录…", self.record_visit, "实施回访后填写《客户回访记录表》")
        p.add_button("打印计划", self.print_plan, "打印所选的《客户回访计划》")
        p.add_button("打印计划表", self.print_plan_list, "把选中（或当前筛选出）的计划打印成一张表")
        self.records = RecordPane(
            ctx,
            visit_records_source(),
            company,
            "回访记录表；没有计划的回访用“临时回访记录”。整理回访报告时选择本人的记录。",
        )
        r = self.records
        r.add_button("临时回访记录…", self.ad_hoc_record, "没有事先计划的回访：选择客户后填写")
        r.add_button("修改记录…", self.edit_record)
        r.add_button("整理回访报告…", self.new_report)
        r.add_button("打印记录表", self.print_record)
        self.reports = RecordPane(
            ctx,
            visit_reports_source(),
            company,
            "回访报告：编写人提交主管领导审阅，审阅同意后由文员归档。",
        )
        t = self.reports
        t.add_button("整理回访报告…", self.new_report, "从本人尚未编入报告的回访记录中提炼主要结论")
        t.add_button("修改报告…", self.edit_report)
        t.add_button("提交审阅…", self.submit_report)
        t.add_button("审阅…", self.review_report, "填写处理意见，同意或退回")
        t.add_button("归档…", self.archive_report, "按回访归档类别保存")
        t.add_button("打印报告", self.print_report)
        self.addTab(self.plans, "回访计划")
        self.addTab(self.records, "回访记录")
        self.addTab(self.reports, "回访报告")
        for pane, show in (
            (self.plans, self._show_plan),
            (self.records, self._show_record),
            (self.reports, self._show_report),
        ):
            pane.list.table.selectionModel().selectionChanged.connect(lambda *_a, f=show: f())
            pane.list.model.modelReset.connect(show)
            pane.list.open_record.connect(lambda entity, rid: self.show_record(entity, rid))
            pane.list.data_changed.connect(self.reload)
        self._show_plan()
        self._show_record()
        self._show_report()

    # --- public ------------------------------------------------------------------------

    def reload(self) -> None:
        for pane in (self.plans, self.records, self.reports):
            pane.list.reload()
        self._show_plan()
        self._show_record()
        self._show_report()

    def pane_for(self, entity: str) -> RecordPane | None:
        return {PLANS: self.plans, RECORDS: self.records, REPORTS: self.reports}.get(entity)

    def show_record_set(self, entity: str, ids, label: str) -> bool:
        """A grouped reminder: the tab's list narrowed to its records."""
        pane = self.pane_for(entity)
        if pane is None:
            return False
        self.setCurrentWidget(pane)
        pane.list.show_rows(ids, label)
        return True

    def show_record(self, entity: str, record_id: int) -> bool:
        """Switch to the entity's tab, select the row and show it (a reminder's target)."""
        pane = self.pane_for(entity)
        if pane is None or not pane.find_in_list(record_id):
            return False
        self.setCurrentWidget(pane)
        {PLANS: self._show_plan, RECORDS: self._show_record, REPORTS: self._show_report}[entity]()
        return True

    # --- showing -----------------------------------------------------------------------

    def _read(self, pane: RecordPane, reader):
        rid = pane.selected_id()
        if rid is None:
            return None
        try:
            return reader(self.ctx.read_uow(), rid)
        except ServiceError as err:
            pane.detail.setPlainText(str(err))
            return None

    def _show_plan(self) -> None:
        self.plan = plan = self._read(self.plans, visits.plan_detail)
        if plan is not None:
            self.plans.detail.setHtml(plan_html(plan))
        elif self.plans.selected_id() is None:
            self.plans.show_empty("请在上方列表中选择一项回访计划。")
        me, b = self.ctx.actor, self.plans.buttons
        is_open = bool(plan and plan.status in visits.OPEN_PLAN)
        manages = bool(
            plan and (plan.owner_id == me.id or me.role in roles.MANAGES_ALL_VISIT_PLANS)
        )
        visitor = bool(plan and (me.id in plan.visitor_ids or plan.owner_id == me.id))
        b["新建计划…"].setEnabled(self.may_plan)
        b["批量制订计划…"].setEnabled(self.may_plan)
        b["修改…"].setEnabled(is_open and manages)
        b["取消计划…"].setEnabled(is_open and manages)
        b["预约…"].setEnabled(is_open and (manages or visitor))
        b["准备资料"].setEnabled(bool(plan and plan.status != "cancelled"))
        b["填写回访记录…"].setEnabled(
            bool(plan and plan.status != "cancelled" and visitor and self.may_plan)
        )
        b["打印计划"].setEnabled(plan is not None)

    def _show_record(self) -> None:
        self.record = rec = self._read(self.records, visits.record_detail)
        if rec is not None:
            self.records.detail.setHtml(record_html(rec))
        elif self.records.selected_id() is None:
            self.records.show_empty("请在上方列表中选择一份回访记录。")
        b = self.records.buttons
        b["临时回访记录…"].setEnabled(self.may_plan)
        b["整理回访报告…"].setEnabled(self.may_plan)
        editable = bool(
            rec
            and rec.visitor_id == self.ctx.actor.id
            and rec.report_status not in visits.LOCKED_REPORT
        )
        b["修改记录…"].setEnabled(editable)
        b["打印记录表"].setEnabled(rec is not None)

    def _show_report(self) -> None:
        self.report = rep = self._read(self.reports, visits.report_detail)
        if rep is not None:
            self.reports.detail.setHtml(report_html(rep))
        elif self.reports.selected_id() is None:
            self.reports.show_empty("请在上方列表中选择一份回访报告。")
        me, b = self.ctx.actor, self.reports.buttons
        own_draft = bool(rep and rep.author_id == me.id and rep.status in ("draft", "returned"))
        b["整理回访报告…"].setEnabled(self.may_plan)
        b["修改报告…"].setEnabled(own_draft)
        b["提交审阅…"].setEnabled(own_draft)
        b["审阅…"].setEnabled(bool(rep and rep.status == "submitted" and rep.reviewer_id == me.id))
        b["归档…"].setEnabled(
            bool(rep and rep.status == "approved" and me.role in roles.CAN_ARCHIVE_VISITS)
        )
        b["打印报告"].setEnabled(rep is not None)

    # --- running dialogs -------------------------------------------------------------------

    def exec_dialog(self, dialog: QDialog) -> bool:
        """Modal; tests replace this to fill the widgets and accept."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _run(self, dialog, entity: str, id_after) -> bool:
        accepted = self.exec_dialog(dialog)
        if accepted or getattr(dialog, "stale", False):
            self.reload()
            rid = id_after(dialog)
            if rid is not None:
                self.show_record(entity, rid)
        return accepted

    def _fresh(self, pane: RecordPane, reader):
        """The selected record read again (it may have changed since it was shown)."""
        rid = pane.selected_id()
        if rid is None:
            return None
        try:
            return reader(self.ctx.read_uow(), rid)
        except ServiceError as err:
            show_service_error(self, err, TITLE)
            return None

    def _dialog(self, factory):
        """Build a dialog; its service reads may refuse (shown, no dialog)."""
        try:
            return factory()
        except ServiceError as err:
            show_service_error(self, err, TITLE)
            return None

    # --- plan actions ----------------------------------------------------------------------

    def new_plan(self) -> bool:
        dialog = self._dialog(lambda: PlanDialog(self.ctx, None, self))
        return dialog is not None and self._run(dialog, PLANS, lambda d: d.plan_id)

    def batch_plans(self) -> bool:
        dialog = self._dialog(lambda: BatchPlanDialog(self.ctx, self))
        if dialog is None:
            return False
        accepted = self._run(dialog, PLANS, lambda d: d.plan_ids[0] if d.plan_ids else None)
        if accepted:
            self.setCurrentWidget(self.plans)
        return accepted

    def _on_selected(self, pane: RecordPane, reader, dialog_class, entity: str) -> bool:
        """Read the selected record afresh, open its dialog, show the record after."""
        current = self._fresh(pane, reader)
        if current is None:
            return False
        dialog = self._dialog(lambda: dialog_class(self.ctx, current, self))
        return dialog is not None and self._run(dialog, entity, lambda d: current.id)

    def edit_plan(self) -> bool:
        return self._on_selected(self.plans, visits.plan_detail, PlanDialog, PLANS)

    def appoint(self) -> bool:
        return self._on_selected(self.plans, visits.plan_detail, AppointDialog, PLANS)

    def cancel_plan(self) -> bool:
        return self._on_selected(self.plans, visits.plan_detail, CancelPlanDialog, PLANS)

    def record_visit(self) -> bool:
        plan = self._fresh(self.plans, visits.plan_detail)
        if plan is None:
            return False
        dialog = RecordDialog(self.ctx, self, plan=plan)
        return self._recorded(self._run(dialog, PLANS, lambda d: plan.id))

    # --- record actions ----------------------------------------------------------------------

    def ad_hoc_record(self) -> bool:
        dialog = self._dialog(lambda: RecordDialog(self.ctx, self))
        return dialog is not None and self._recorded(
            self._run(dialog, RECORDS, lambda d: d.record_id)
        )

    def edit_record(self) -> bool:
        rec = self._fresh(self.records, visits.record_detail)
        if rec is None:
            return False
        dialog = RecordDialog(self.ctx, self, record=rec)
        return self._recorded(self._run(dialog, RECORDS, lambda d: rec.id))

    def _recorded(self, saved: bool) -> bool:
        """A saved visit record logged a follow-up: the customer lists change."""
        if saved:
            self.customers_changed.emit()
        return saved

    # --- report actions ----------------------------------------------------------------------

    def new_report(self) -> bool:
        dialog = self._dialog(lambda: ReportDialog(self.ctx, None, self))
        if dialog is None:
            return False
        accepted = self._run(dialog, REPORTS, lambda d: d.report_id)
        if accepted:
            self.setCurrentWidget(self.reports)
        return accepted

    def edit_report(self) -> bool:
        return self._on_selected(self.reports, visits.report_detail, ReportDialog, REPORTS)

    def submit_report(self) -> bool:
        return self._on_selected(self.reports, visits.report_detail, SubmitReportDialog, REPORTS)

    def review_report(self) -> bool:
        return self._on_selected(self.reports, visits.report_detail, ReviewDialog, REPORTS)

    def archive_report(self) -> bool:
        return self._on_selected(self.reports, visits.report_detail, ArchiveDialog, REPORTS)

    # --- printing ----------------------------------------------------------------------------

    def _preview(self, form: PaperForm) -> QPrintPreviewDialog:
        self.preview = make_preview(self, form)
        self.preview.open()
        return self.preview

    def plan_form(self) -> PaperForm | None:
        plan = self._fresh(self.plans, visits.plan_detail)
        return forms.plan_form(plan, self.company) if plan else None

    def plan_list_form(self) -> PaperForm | None:
        """The selected plans, or every plan the list shows, as one table form."""
        view = self.plans.list
        ids = view.selected_ids()
        if ids:
            condition = f"选中的 {len(ids)} 项计划"
        else:
            view.model.ensure_complete()
            ids = list(view.model.ids)
            condition = view.model.query.describe(view.source)
        if not ids:
            QMessageBox.information(self, TITLE, "没有可打印的回访计划。")
            return None
        if len(ids) > MAX_PLANS_PRINTED:
            condition += f"（仅打印前 {MAX_PLANS_PRINTED} 项，完整数据请导出 Excel）"
            ids = ids[:MAX_PLANS_PRINTED]
        try:
            plans = [visits.plan_detail(self.ctx.read_uow(), pid) for pid in ids]
        except ServiceError as err:
            show_service_error(self, err, TITLE)
            return None
        return forms.plans_form(plans, self.company, condition)

    def preparation_form(self) -> PaperForm | None:
        plan_id = self.plans.selected_id()
        if plan_id is None:
            return None
        try:
            prep = visits.preparation(self.ctx.read_uow(), plan_id)
        except ServiceError as err:
            show_service_error(self, err, TITLE)
            return None
        return forms.preparation_form(prep, self.company)

    def record_form(self) -> PaperForm | None:
        rec = self._fresh(self.records, visits.record_detail)
        if rec is None:
            return None
        try:
            plan = visits.plan_detail(self.ctx.read_uow(), rec.plan_id)
        except ServiceError:
            plan = None  # the form prints without the plan's line
        return forms.record_form(rec, self.company, plan)

    def report_form(self) -> PaperForm | None:
        rep = self._fresh(self.reports, visits.report_detail)
        return forms.report_form(rep, self.company) if rep else None

    def _print(self, form: PaperForm | None) -> QPrintPreviewDialog | None:
        return self._preview(form) if form is not None else None

    def print_plan(self):
        return self._print(self.plan_form())

    def print_plan_list(self):
        return self._print(self.plan_list_form())

    def prepare(self):
        return self._print(self.preparation_form())

    def print_record(self):
        return self._print(self.record_form())

    def print_report(self):
        return self._print(self.report_form())
