"""The forms of the visit workflow: 回访计划 (one or a batch), 预约, 取消, 回访记录,
回访报告, 提交审阅, 审阅 and 归档.

Each dialog only collects input; app.services.visits.workflow checks who may act and names the
field a message belongs to, shown under that field. On a ConflictError (someone else
changed the record) the dialog stays open with everything typed, loads the latest
version and lets the user submit again.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.services.admin import code_tables
from app.services.core import clock
from app.services.core.date_ranges import next_working_hour
from app.services.core.errors import ConflictError, ServiceError, ValidationError
from app.services.customers.registration import owner_choices
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from app.services.search.pinyin import matches
from app.services.visits import workflow as visits
from app.services.visits.lists import visit_records_source
from app.services.visits.workflow import (
    PlanDetail,
    PlanForm,
    RecordDetail,
    RecordForm,
    ReportDetail,
)
from app.ui.common.date_time_edit import DateTimeEdit
from app.ui.common.form_dialog import FIELD_WIDTH, FormDialog
from app.ui.common.pinyin_combo import PinyinCombo
from app.ui.common.style import ERROR_COLOR, set_message
from app.ui.context import AppContext
from app.ui.customers.followups_tab import OptionalDate
from app.ui.visits.print_forms import SATISFACTION, minute, plan_period

WIDE = FIELD_WIDTH + 140
DEFAULT_PLAN_DAYS = 7  # a new plan: from today to a week later


def date_edit(value: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(value or clock.now().date()))
    return edit


def datetime_edit(value: datetime) -> DateTimeEdit:
    return DateTimeEdit(value)


def text_box(text: str = "", height: int = 64, width: int = WIDE) -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setMinimumWidth(width)
    box.setFixedHeight(height)
    box.setTabChangesFocus(True)
    return box


def line(text: str = "", width: int = FIELD_WIDTH) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setMinimumWidth(width)
    return edit


def code_combo(ctx: AppContext, table_key: str, current_id=None, allow_none=True) -> PinyinCombo:
    combo = PinyinCombo(allow_none=allow_none, placeholder="输入拼音首字母或文字")
    combo.setMinimumWidth(FIELD_WIDTH)
    rows = code_tables.options(ctx.read_uow(), table_key, current_id)
    combo.set_items([(r.id, r.label, r) for r in rows], current_id)
    return combo


def customer_combo(ctx: AppContext) -> PinyinCombo:
    """The customers the actor may plan a visit for (owned, in scope, not in the pool)."""
    combo = PinyinCombo(placeholder="输入客户名称或拼音首字母")
    combo.setMinimumWidth(WIDE)
    combo.set_items(visits.visit_targets(ctx.read_uow()))
    return combo


def satisfaction_combo(current: int | None) -> PinyinCombo:
    combo = PinyinCombo(placeholder="1–5 分")
    combo.setMinimumWidth(FIELD_WIDTH)
    combo.set_items([(n, f"{n} 分 {label}") for n, label in SATISFACTION.items()], current)
    return combo


def visitor_choices(ctx: AppContext, plan: PlanDetail | None) -> list[tuple[int, str]]:
    """回访人员 to offer: the service's list when it has one (visits.visitor_choices),
    else the people the actor may act for (owner_choices); always the actor and
    the plan's current visitors."""
    provider = getattr(visits, "visitor_choices", None) or owner_choices
    found = dict(provider(ctx.read_uow()))
    if plan is not None:
        found.update(zip(plan.visitor_ids, plan.visitor_names, strict=True))
    me = ctx.actor
    rest = sorted(((u, n) for u, n in found.items() if u != me.id), key=lambda x: x[1])
    return [(me.id, me.full_name), *rest]


class CheckList(QWidget):
    """Checkable entries (id, label) with a filter line that accepts pinyin."""

    def __init__(self, placeholder: str = "筛选：输入文字或拼音首字母", height: int = 150):
        super().__init__()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(placeholder)
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setMinimumWidth(WIDE)
        self.list.setFixedHeight(height)
        self.list.itemChanged.connect(lambda _i: self._count())
        self.count_label = QLabel()
        self.all_button = QPushButton("全选")
        self.all_button.clicked.connect(lambda: self.set_all(True))
        self.none_button = QPushButton("全不选")
        self.none_button.clicked.connect(lambda: self.set_all(False))
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.all_button)
        bar.addWidget(self.none_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(3)
        column.addLayout(bar)
        column.addWidget(self.list)
        column.addWidget(self.count_label)

    def set_items(self, items, checked=()) -> None:
        checked = set(checked)
        self.list.blockSignals(True)
        self.list.clear()
        for item_id, label in items:
            it = QListWidgetItem(label)
            it.setData(Qt.ItemDataRole.UserRole, item_id)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(
                Qt.CheckState.Checked if item_id in checked else Qt.CheckState.Unchecked
            )
            self.list.addItem(it)
        self.list.blockSignals(False)
        self._filter(self.filter.text())
        self._count()

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def ids(self) -> list:
        return [it.data(Qt.ItemDataRole.UserRole) for it in self.items()]

    def checked_ids(self) -> list:
        return [
            it.data(Qt.ItemDataRole.UserRole)
            for it in self.items()
            if it.checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, ids, on: bool = True) -> None:
        ids = set(ids)
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for it in self.items():
            if it.data(Qt.ItemDataRole.UserRole) in ids:
                it.setCheckState(state)

    def set_all(self, on: bool) -> None:
        """全选/全不选 the entries the filter shows."""
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for it in self.items():
            if not it.isHidden():
                it.setCheckState(state)

    def _filter(self, text: str) -> None:
        text = text.strip()
        for it in self.items():
            it.setHidden(bool(text) and not matches(text, it.text()))

    def _count(self) -> None:
        self.count_label.setText(f"共 {self.list.count()} 项，已选 {len(self.checked_ids())} 项")


class VisitFormDialog(FormDialog):
    """FormDialog that survives a ConflictError: reload the record, keep the input."""

    def accept(self) -> None:
        self.errors.clear()
        try:
            self.submit()
        except ConflictError as err:
            self.stale = True
            reloaded = False
            try:
                reloaded = self.reload_version()
            except ServiceError as again:
                self.errors.show(again)
                return
            note = "已载入最新版本，您填写的内容仍保留；请核对后再次提交。" if reloaded else ""
            set_message(self.error_label, f"{err}\n{note}".strip(), ERROR_COLOR)
            return
        except ServiceError as err:
            self.errors.show(err)
            return
        QDialog.accept(self)

    def reload_version(self) -> bool:
        """Read the record again (its version); False when there is nothing to reload."""
        return False


# --- plans ------------------------------------------------------------------------------


class PlanDialog(VisitFormDialog):
    """新建 or 修改 one 《客户回访计划》."""

    def __init__(
        self,
        ctx: AppContext,
        plan: PlanDetail | None = None,
        parent: QWidget | None = None,
        *,
        customer: tuple[int, str] | None = None,
    ):
        super().__init__(parent, "修改回访计划" if plan else "新建回访计划", "保存")
        self.ctx, self.plan = ctx, plan
        self.plan_id: int | None = plan.id if plan else None
        fixed = (plan.customer_id, plan.customer_name) if plan else customer
        self.fixed_customer = fixed
        if fixed is not None:
            self.customer = None
            self.add_field("customer_id", "客户", QLabel(fixed[1]))
        else:
            self.customer = self.add_field("customer_id", "客户 *", customer_combo(ctx))
        today = clock.now().date()
        self.planned_from = date_edit(plan.planned_from if plan else today)
        self.planned_to = date_edit(
            plan.planned_to if plan else today + timedelta(days=DEFAULT_PLAN_DAYS)
        )
        period = QWidget()
        row = QHBoxLayout(period)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.planned_from)
        row.addWidget(QLabel("至"))
        row.addWidget(self.planned_to)
        row.addStretch()
        self.add_field("planned_to", "计划时间 *", period, "planned_from")
        self.method = self.add_field(
            "method_id",
            "回访方式",
            code_combo(ctx, "visit_method", plan.method_id if plan else None),
        )
        self.visitors = CheckList("筛选回访人员：输入姓名或拼音首字母", height=96)
        chosen = plan.visitor_ids if plan else (ctx.actor.id,)
        self.visitors.set_items(visitor_choices(ctx, plan), chosen)
        self.add_field("visitor_ids", "回访人员", self.visitors)
        self.purpose = self.add_field("purpose", "回访目的 *", line(plan.purpose if plan else ""))
        self.purpose.setMinimumWidth(WIDE)
        self.content = self.add_field(
            "content", "回访内容", text_box(plan.content if plan else "", 80)
        )
        self.remarks = self.add_field("remarks", "备注", text_box(plan.remarks if plan else "", 48))
        self.add_hint("负责人（制订人）总是回访人员之一；到期未回访会出现在待办提醒中。")

    def customer_id(self) -> int | None:
        if self.fixed_customer is not None:
            return self.fixed_customer[0]
        return self.customer.current_id()

    def plan_form(self) -> PlanForm:
        return PlanForm(
            customer_id=self.customer_id() or 0,
            planned_from=self.planned_from.date().toPython(),
            planned_to=self.planned_to.date().toPython(),
            purpose=self.purpose.text(),
            content=self.content.toPlainText(),
            method_id=self.method.current_id(),
            visitor_ids=tuple(self.visitors.checked_ids()),
            remarks=self.remarks.toPlainText(),
        )

    def submit(self) -> None:
        if self.customer_id() is None:
            raise ValidationError("请选择客户。", field="customer_id")
        if self.plan is None:
            self.plan_id = visits.create_plan(self.ctx.write_uow(), self.plan_form())
        else:
            visits.update_plan(
                self.ctx.write_uow(), self.plan.id, self.plan_form(), self.plan.version
            )

    def reload_version(self) -> bool:
        if self.plan is None:
            return False
        self.plan = visits.plan_detail(self.ctx.read_uow(), self.plan.id)
        return True


class BatchPlanDialog(VisitFormDialog):
    """批量制订计划: 明确回访对象 by filters, tick the customers, one plan each."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent, "批量制订回访计划", "制订计划")
        self.ctx = ctx
        self.plan_ids: list[int] = []
        self.set_intro("按条件查出回访对象，勾选后为每个客户各制订一份回访计划。")
        self.grade = PinyinCombo(placeholder="全部等级")
        self.grade.setMinimumWidth(FIELD_WIDTH)
        grades = code_tables.options(ctx.read_uow(), "grade")
        self.grade.set_items([(r.code, r.label, r) for r in grades])
        self.add_field("grade", "客户等级", self.grade)
        self.since = OptionalDate("只查此日期以来未回访的客户")
        today = clock.now().date()
        self.since.set_value(today.replace(day=1))
        self.add_field("since", "未回访自", self.since)
        self.owner = PinyinCombo(placeholder="全部")
        self.owner.setMinimumWidth(FIELD_WIDTH)
        self.owner.set_items(owner_choices(ctx.read_uow()))
        self.add_field("owner_id", "归属销售", self.owner)
        self.search_button = QPushButton("查询回访对象")
        self.search_button.clicked.connect(self.find_targets)
        self.form.addRow("", self.search_button)
        self.targets = CheckList("在结果中筛选：输入客户名称或拼音首字母", height=150)
        self.add_field("customer_ids", "回访对象 *", self.targets, "customer_id")
        self.planned_from = date_edit(today)
        self.planned_to = date_edit(today + timedelta(days=DEFAULT_PLAN_DAYS))
        period = QWidget()
        row = QHBoxLayout(period)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.planned_from)
        row.addWidget(QLabel("至"))
        row.addWidget(self.planned_to)
        row.addStretch()
        self.add_field("planned_to", "计划时间 *", period, "planned_from")
        self.method = self.add_field("method_id", "回访方式", code_combo(ctx, "visit_method"))
        self.purpose = self.add_field("purpose", "回访目的 *", line(width=WIDE))
        self.content = self.add_field("content", "回访内容", text_box(height=56))
        self.add_hint("每份计划的负责人和回访人员为您本人；单个计划可再修改。")

    def find_targets(self) -> int:
        self.errors.clear()
        try:
            found = visits.visit_targets(
                self.ctx.read_uow(),
                grade_code=self.grade.current_id(),
                not_visited_since=self.since.value(),
                owner_id=self.owner.current_id(),
            )
        except ServiceError as err:
            self.errors.show(err)
            return 0
        self.targets.set_items(found, [cid for cid, _name in found])
        return len(found)

    def submit(self) -> None:
        ids = self.targets.checked_ids()
        if not ids:
            raise ValidationError("请先查询并勾选至少一个回访对象。", field="customer_ids")
        form = PlanForm(
            customer_id=ids[0],
            planned_from=self.planned_from.date().toPython(),
            planned_to=self.planned_to.date().toPython(),
            purpose=self.purpose.text(),
            content=self.content.toPlainText(),
            method_id=self.method.current_id(),
            visitor_ids=(self.ctx.actor.id,),
        )
        self.plan_ids = visits.create_plans(self.ctx.write_uow(), ids, form)


def _plan_intro(plan: PlanDetail) -> str:
    return (
        f"客户：{plan.customer_name}    计划时间：{plan_period(plan)}\n"
        f"回访目的：{plan.purpose}    回访人员：{'、'.join(plan.visitor_names)}"
    )


class AppointDialog(VisitFormDialog):
    """预约拜访时间 with the customer."""

    def __init__(self, ctx: AppContext, plan: PlanDetail, parent: QWidget | None = None):
        super().__init__(parent, "预约拜访时间", "保存预约")
        self.ctx, self.plan = ctx, plan
        self.set_intro(_plan_intro(plan))
        start = plan.appointment_at or next_working_hour(clock.now(), plan.planned_from)
        self.at = self.add_field("at", "拜访时间 *", datetime_edit(start))
        self.place = self.add_field("place", "拜访地点", line(plan.appointment_place, WIDE))
        self.note = self.add_field("note", "预约说明", text_box(plan.appointment_note, 60))
        self.add_hint("客户约定的日期在计划时间之外时，计划时间随之调整。")

    def submit(self) -> None:
        at = self.at.value()
        visits.appoint(
            self.ctx.write_uow(),
            self.plan.id,
            at,
            self.place.text(),
            self.note.toPlainText(),
            self.plan.version,
        )

    def reload_version(self) -> bool:
        self.plan = visits.plan_detail(self.ctx.read_uow(), self.plan.id)
        return True


class CancelPlanDialog(VisitFormDialog):
    def __init__(self, ctx: AppContext, plan: PlanDetail, parent: QWidget | None = None):
        super().__init__(parent, "取消回访计划", "取消计划")
        self.cancel_button.setText("返回")
        self.ctx, self.plan = ctx, plan
        self.set_intro(_plan_intro(plan))
        self.reason = self.add_field("reason", "取消原因 *", line(width=WIDE))

    def submit(self) -> None:
        visits.cancel_plan(
            self.ctx.write_uow(), self.plan.id, self.reason.text(), self.plan.version
        )

    def reload_version(self) -> bool:
        self.plan = visits.plan_detail(self.ctx.read_uow(), self.plan.id)
        return True


# --- records ----------------------------------------------------------------------------


class RecordDialog(VisitFormDialog):
    """《客户回访记录表》: for a plan, an existing record, or 临时回访 (choose a customer)."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        plan: PlanDetail | None = None,
        record: RecordDetail | None = None,
    ):
        title = "修改回访记录" if record else ("填写回访记录" if plan else "临时回访记录")
        super().__init__(parent, title, "保存")
        self.ctx, self.plan, self.record = ctx, plan, record
        self.record_id: int | None = record.id if record else None
        self.customer = None
        if record is not None:
            self.set_intro(f"客户：{record.customer_name}    回访人员：{record.visitor_name}")
        elif plan is not None:
            self.set_intro(_plan_intro(plan))
        else:
            self.set_intro("没有事先计划的回访：保存时自动生成一份“临时回访”计划。")
            self.customer = self.add_field("customer_id", "客户 *", customer_combo(ctx))
        r = record
        now = clock.now().replace(second=0, microsecond=0)
        start = r.visited_at if r else now
        if r is None and plan is not None and plan.appointment_at and plan.appointment_at < now:
            start = plan.appointment_at
        self.visited_at = self.add_field("visited_at", "回访时间 *", datetime_edit(start))
        place = r.place if r else (plan.appointment_place if plan else "")
        self.place = self.add_field("place", "回访地点", line(place, WIDE))
        self.people_met = self.add_field("people_met", "接待人", line(r.people_met if r else ""))
        self.needs = self.add_field("needs", "客户需求", text_box(r.needs if r else ""))
        self.service_opinion = self.add_field(
            "service_opinion", "售后服务意见", text_box(r.service_opinion if r else "")
        )
        self.satisfaction = self.add_field(
            "satisfaction", "满意度", satisfaction_combo(r.satisfaction if r else None)
        )
        self.problems = self.add_field(
            "problems", "存在问题", text_box(r.problems if r else "", 52)
        )
        self.actions = self.add_field("actions", "约定事项", text_box(r.actions if r else "", 52))
        self.next_visit = self.add_field("next_visit_date", "下次回访", OptionalDate("设定"))
        if r is not None:
            self.next_visit.set_value(r.next_visit_date)
        self.add_hint("客户需求、售后服务意见、存在问题至少填写一项；保存后同时记入客户跟进记录。")

    def record_form(self) -> RecordForm:
        return RecordForm(
            visited_at=self.visited_at.value(),
            place=self.place.text(),
            people_met=self.people_met.text(),
            needs=self.needs.toPlainText(),
            service_opinion=self.service_opinion.toPlainText(),
            satisfaction=self.satisfaction.current_id(),
            problems=self.problems.toPlainText(),
            actions=self.actions.toPlainText(),
            next_visit_date=self.next_visit.value(),
        )

    def submit(self) -> None:
        form = self.record_form()
        appointed = self.plan.appointment_at if self.plan is not None else None
        if self.record is None and appointed and form.visited_at < appointed:
            buttons = QMessageBox.StandardButton
            answer = QMessageBox.question(
                self, "回访时间早于预约",
                f"该回访预约在 {minute(appointed)}，回访时间 {minute(form.visited_at)} 早于预约。"
                "\n确定按这个时间保存回访记录吗？",
                buttons.Yes | buttons.No, buttons.No,
            )  # fmt: skip
            if answer != buttons.Yes:
                raise ValidationError("请核对回访时间后再保存。", field="visited_at")
        if self.record is not None:
            visits.update_record(self.ctx.write_uow(), self.record.id, form, self.record.version)
            return
        if self.plan is not None:
            self.record_id = visits.add_record(self.ctx.write_uow(), self.plan.id, form)
            return
        customer_id = self.customer.current_id()
        if customer_id is None:
            raise ValidationError("请选择客户。", field="customer_id")
        self.record_id = visits.add_record(self.ctx.write_uow(), None, form, customer_id)

    def reload_version(self) -> bool:
        if self.record is None:
            return False
        self.record = visits.record_detail(self.ctx.read_uow(), self.record.id)
        return True


# --- reports ----------------------------------------------------------------------------


REPORTABLE_LIMIT = 300  # records offered to one report (the newest)


def reportable_records(ctx: AppContext) -> list[RecordDetail]:
    """The actor's own records in no report yet, newest first: the service's list when it
    has one (visits.reportable_records), else the 回访记录 list filtered to 未编入报告."""
    provider = getattr(visits, "reportable_records", None)
    if provider is not None:
        return list(provider(ctx.read_uow()))
    query = ListQuery(sort=(("visited_at", True),), filters=(("report_status", ("",)),))
    ids = list_query.fetch_ids(ctx.read_uow(), visit_records_source(), query)
    found = []
    for rid in ids:
        record = visits.record_detail(ctx.read_uow(), rid)
        if record.visitor_id == ctx.actor.id:
            found.append(record)
            if len(found) >= REPORTABLE_LIMIT:
                break
    return found


def record_label(r: RecordDetail) -> str:
    return f"{minute(r.visited_at)}  {r.customer_name}  （{r.visitor_name}）"


class ReportDialog(VisitFormDialog):
    """整理《客户回访报告》 from one's own records not yet in a report."""

    def __init__(
        self, ctx: AppContext, report: ReportDetail | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent, "修改回访报告" if report else "整理回访报告", "保存")
        self.ctx, self.report = ctx, report
        self.report_id: int | None = report.id if report else None
        today = clock.now().date()
        title = report.title if report else f"客户回访报告（{today:%Y年%m月}）"
        self.title_edit = self.add_field("title", "报告标题 *", line(title, WIDE))
        self.records = CheckList("筛选回访记录：输入客户名称或拼音首字母", height=130)
        own = list(report.records) if report else []
        free = reportable_records(ctx)
        rows = own + [r for r in free if r.id not in {o.id for o in own}]
        self.records.set_items([(r.id, record_label(r)) for r in rows], [r.id for r in own])
        self.add_field("record_ids", "回访记录 *", self.records)
        self.conclusions = self.add_field(
            "conclusions", "主要结论 *", text_box(report.conclusions if report else "", 110)
        )
        self.suggestions = self.add_field(
            "suggestions", "改进建议", text_box(report.suggestions if report else "", 70)
        )
        self.add_hint("可选的是您本人尚未编入报告的回访记录。保存后再“提交审阅”。")

    def submit(self) -> None:
        args = (
            self.title_edit.text(),
            self.records.checked_ids(),
            self.conclusions.toPlainText(),
            self.suggestions.toPlainText(),
        )
        if self.report is None:
            self.report_id = visits.create_report(self.ctx.write_uow(), *args)
        else:
            visits.update_report(self.ctx.write_uow(), self.report.id, *args, self.report.version)

    def reload_version(self) -> bool:
        if self.report is None:
            return False
        self.report = visits.report_detail(self.ctx.read_uow(), self.report.id)
        return True


def _report_intro(report: ReportDetail) -> str:
    return (
        f"报告：{report.title}\n编写人：{report.author_name}    回访记录：{len(report.records)} 份"
    )


class SubmitReportDialog(VisitFormDialog):
    def __init__(self, ctx: AppContext, report: ReportDetail, parent: QWidget | None = None):
        super().__init__(parent, "提交审阅", "提交")
        self.ctx, self.report = ctx, report
        self.set_intro(_report_intro(report))
        self.reviewer = PinyinCombo(placeholder="输入姓名或拼音首字母")
        self.reviewer.setMinimumWidth(FIELD_WIDTH)
        choices = visits.reviewer_choices(ctx.read_uow(), report.author_id)
        # The author's team manager comes first: the usual reviewer, chosen already.
        default = report.reviewer_id or (choices[0][0] if choices else None)
        self.reviewer.set_items(choices, default)
        self.add_field("reviewer_id", "审阅人（主管领导）*", self.reviewer)
        self.add_hint("审阅人为本组主管或董事长；提交后报告不能再修改，除非被退回。")

    def submit(self) -> None:
        reviewer = self.reviewer.current_id()
        if reviewer is None:
            raise ValidationError("请选择审阅人。", field="reviewer_id")
        visits.submit_report(self.ctx.write_uow(), self.report.id, reviewer, self.report.version)

    def reload_version(self) -> bool:
        self.report = visits.report_detail(self.ctx.read_uow(), self.report.id)
        return True


class ReviewDialog(VisitFormDialog):
    """主管领导审阅: 处理意见, then 同意 or 退回."""

    def __init__(self, ctx: AppContext, report: ReportDetail, parent: QWidget | None = None):
        super().__init__(parent, "审阅回访报告", "确定")
        self.ctx, self.report = ctx, report
        intro = _report_intro(report) + f"\n主要结论：{report.conclusions}"
        self.set_intro(intro)
        row = QWidget()
        radios = QHBoxLayout(row)
        radios.setContentsMargins(0, 0, 0, 0)
        self.approve_radio = QRadioButton("同意（转文员归档）")
        self.return_radio = QRadioButton("退回修改")
        self.group = QButtonGroup(self)
        for radio in (self.approve_radio, self.return_radio):
            self.group.addButton(radio)
            radios.addWidget(radio)
        radios.addStretch()
        self.add_field("decision", "审阅结果 *", row)
        self.comments = self.add_field(
            "comments", "处理意见 *", text_box(report.review_comments, 110)
        )

    def submit(self) -> None:
        if not (self.approve_radio.isChecked() or self.return_radio.isChecked()):
            raise ValidationError("请选择“同意”或“退回修改”。", field="decision")
        visits.review_report(
            self.ctx.write_uow(),
            self.report.id,
            self.approve_radio.isChecked(),
            self.comments.toPlainText(),
            self.report.version,
        )

    def reload_version(self) -> bool:
        self.report = visits.report_detail(self.ctx.read_uow(), self.report.id)
        return True


class ArchiveDialog(VisitFormDialog):
    """文员归档 by 回访归档类别."""

    def __init__(self, ctx: AppContext, report: ReportDetail, parent: QWidget | None = None):
        super().__init__(parent, "归档回访资料", "归档")
        self.ctx, self.report = ctx, report
        self.set_intro(
            _report_intro(report)
            + f"\n审阅人：{report.reviewer_name}    处理意见：{report.review_comments}"
        )
        self.category = self.add_field(
            "category_id",
            "归档类别 *",
            code_combo(ctx, "visit_archive", report.archive_category_id),
        )
        self.note = self.add_field("note", "归档说明", line(report.archive_note, WIDE))

    def submit(self) -> None:
        visits.archive_report(
            self.ctx.write_uow(),
            self.report.id,
            self.category.current_id() or 0,
            self.note.text(),
            self.report.version,
        )

    def reload_version(self) -> bool:
        self.report = visits.report_detail(self.ctx.read_uow(), self.report.id)
        return True


__all__ = [
    "AppointDialog", "ArchiveDialog", "BatchPlanDialog", "CancelPlanDialog", "CheckList",
    "PlanDialog", "RecordDialog", "ReportDialog", "ReviewDialog", "SubmitReportDialog",
]  # fmt: skip
