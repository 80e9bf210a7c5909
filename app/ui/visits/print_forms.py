"""The visit workflow's paper forms: 《客户回访计划》 (one plan, or a list of plans),
《客户回访记录表》, 《客户回访报告》 and the 回访准备资料 checklist.

Each builder turns service details into a PaperForm; app.ui.forms.paper_form paints it
for the preview, the printer and PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from app.services.visits.workflow import PlanDetail, Preparation, RecordDetail, ReportDetail, Step
from app.ui.forms.paper_form import (
    Field,
    FieldGrid,
    Heading,
    PaperForm,
    Paragraph,
    Signatures,
    Table,
    TextBox,
)

PLAN_TITLE = "客户回访计划"
RECORD_TITLE = "客户回访记录表"
REPORT_TITLE = "客户回访报告"
PREPARATION_TITLE = "客户回访准备资料"

# 满意度 1–5 as the paper form names them.
SATISFACTION = {5: "非常满意", 4: "满意", 3: "一般", 2: "不满意", 1: "很不满意"}


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d")


def minute(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def satisfaction_text(score: int | None) -> str:
    return f"{score} 分（{SATISFACTION[score]}）" if score in SATISFACTION else "未评"


def satisfaction_boxes(score: int | None) -> str:
    """The paper form's tick boxes: ■ for the chosen level, □ for the others."""
    return "  ".join(
        f"{'■' if score == n else '□'}{label}" for n, label in sorted(SATISFACTION.items())[::-1]
    )


def plan_period(plan: PlanDetail) -> str:
    if plan.planned_from == plan.planned_to:
        return day(plan.planned_from)
    return f"{day(plan.planned_from)} 至 {day(plan.planned_to)}"


# --- 《客户回访计划》 ---------------------------------------------------------------------


def _plan_fields(plan: PlanDetail) -> list[Field]:
    fields = [
        Field("客户名称", plan.customer_name),
        Field("客户编号", plan.customer_number),
        Field("负责人", plan.owner_name),
        Field("回访方式", plan.method_name),
        Field("回访人员", "、".join(plan.visitor_names), wide=True),
        Field("计划时间", plan_period(plan)),
        Field("状态", plan.status_label + ("（已逾期）" if plan.is_overdue else "")),
        Field("预约时间", minute(plan.appointment_at)),
        Field("预约地点", plan.appointment_place),
    ]
    if plan.ad_hoc:
        fields.append(Field("计划类型", "临时回访（无事先计划）", wide=True))
    return fields


def plan_form(plan: PlanDetail, company: str) -> PaperForm:
    blocks: list = [
        FieldGrid(_plan_fields(plan)),
        TextBox("回访目的", plan.purpose, min_lines=2),
        TextBox("回访内容", plan.content, min_lines=4),
        TextBox("预约说明", plan.appointment_note, min_lines=2),
        TextBox("备注", plan.remarks, min_lines=2),
    ]
    if plan.status == "cancelled":
        blocks.append(TextBox("取消原因", plan.cancel_reason, min_lines=1))
    blocks.append(Signatures([("制订人", plan.owner_name), ("主管审核", ""), ("日期", "")]))
    return PaperForm(PLAN_TITLE, company, blocks, number=f"计划编号：{plan.number}")


PLAN_LIST_HEADERS = [
    "序号", "客户名称", "负责人", "回访人员", "计划时间", "方式", "回访目的", "回访内容",
    "预约时间", "状态",
]  # fmt: skip
PLAN_LIST_WIDTHS = [4, 16, 6, 10, 12, 5, 14, 18, 10, 6]


def plans_form(plans: Sequence[PlanDetail], company: str, condition: str = "") -> PaperForm:
    """Several plans on one table form (landscape), e.g. a month's 回访计划."""
    rows = [
        [
            str(i),
            p.customer_name,
            p.owner_name,
            "、".join(p.visitor_names),
            plan_period(p),
            p.method_name,
            p.purpose,
            p.content,
            minute(p.appointment_at),
            p.status_label + ("（逾期）" if p.is_overdue else ""),
        ]
        for i, p in enumerate(plans, start=1)
    ]
    blocks: list = []
    if condition:
        blocks.append(Paragraph(f"范围：{condition}    共 {len(rows)} 项计划"))
    blocks += [
        Table(PLAN_LIST_HEADERS, rows, PLAN_LIST_WIDTHS, min_rows=5, centered=(0, 5, 9)),
        Signatures([("制表人", ""), ("主管审核", ""), ("日期", "")]),
    ]
    return PaperForm(PLAN_TITLE, company, blocks, landscape=True)


# --- 《客户回访记录表》 -------------------------------------------------------------------


def record_form(record: RecordDetail, company: str, plan: PlanDetail | None = None) -> PaperForm:
    fields = [
        Field("客户名称", record.customer_name),
        Field("回访人员", record.visitor_name),
        Field("回访时间", minute(record.visited_at)),
        Field("回访地点", record.place),
        Field("接待人", record.people_met),
        Field("下次回访", day(record.next_visit_date)),
    ]
    if plan is not None:
        kind = "临时回访" if plan.ad_hoc else f"{plan.number}（{plan_period(plan)}）"
        fields += [Field("回访计划", kind), Field("回访方式", plan.method_name)]
        if not plan.ad_hoc and plan.purpose:
            fields.append(Field("回访目的", plan.purpose, wide=True))
    fields.append(Field("客户满意度", satisfaction_boxes(record.satisfaction), wide=True))
    blocks = [
        FieldGrid(fields),
        TextBox("客户需求", record.needs, min_lines=4),
        TextBox("对售后服务的意见", record.service_opinion, min_lines=4),
        TextBox("存在问题", record.problems, min_lines=3),
        TextBox("处理措施 / 约定事项", record.actions, min_lines=3),
        Signatures([("回访人员签字", record.visitor_name), ("客户签字", ""), ("日期", "")]),
    ]
    return PaperForm(RECORD_TITLE, company, blocks, number=f"记录编号：{record.number}")


# --- 《客户回访报告》 ---------------------------------------------------------------------

STEP_HEADERS = ["步骤", "负责人", "期限", "状态", "完成时间"]


def step_rows(steps: Sequence[Step]) -> list[list[str]]:
    return [[s.name, s.owner_name, day(s.due), s.status, minute(s.done_at)] for s in steps]


def _record_summary(r: RecordDetail) -> str:
    parts = [
        f"需求：{r.needs}" if r.needs else "",
        f"意见：{r.service_opinion}" if r.service_opinion else "",
    ]
    return "\n".join(p for p in parts if p)


def report_form(report: ReportDetail, company: str) -> PaperForm:
    head = FieldGrid(
        [
            Field("报告标题", report.title, wide=True),
            Field("编写人", report.author_name),
            Field("提交时间", minute(report.submitted_at)),
            Field("状态", report.status_label),
            Field("回访记录", f"{len(report.records)} 份"),
        ]
    )
    records = Table(
        ["序号", "客户", "回访时间", "回访人员", "满意度", "客户需求与意见", "存在问题"],
        [
            [
                str(i),
                r.customer_name,
                minute(r.visited_at),
                r.visitor_name,
                SATISFACTION.get(r.satisfaction, "未评") if r.satisfaction else "未评",
                _record_summary(r),
                r.problems,
            ]
            for i, r in enumerate(report.records, start=1)
        ],
        [4, 21, 15, 8, 6, 25, 14],  # the customer's name and the time on one line each
        centered=(0, 4),
    )
    review = FieldGrid(
        [
            Field("审阅人", report.reviewer_name),
            Field("审阅期限", day(report.review_due)),
            Field("审阅时间", minute(report.reviewed_at)),
            Field("审阅结果", _review_result(report)),
        ]
    )
    archive = FieldGrid(
        [
            Field("归档类别", report.archive_category_name),
            Field("归档期限", day(report.archive_due)),
            Field("归档人", report.archived_by_name),
            Field("归档时间", minute(report.archived_at)),
            Field("归档说明", report.archive_note, wide=True),
        ]
    )
    blocks = [
        head,
        Heading("一、回访记录汇总"),
        records,
        # Room to write by hand, small enough that a one-record report is one page.
        TextBox("主要结论", report.conclusions, min_lines=3),
        TextBox("改进建议", report.suggestions, min_lines=2),
        Heading("二、主管领导审阅"),
        review,
        TextBox("处理意见", report.review_comments, min_lines=2),
        Heading("三、资料归档"),
        archive,
    ]
    if report.steps:
        blocks += [
            Heading("四、流程进度"),
            Table(STEP_HEADERS, step_rows(report.steps), [10, 8, 8, 6, 10], centered=(2, 3)),
        ]
    blocks.append(
        Signatures(
            [
                ("编写人", report.author_name),
                ("主管领导", report.reviewer_name),
                ("归档文员", report.archived_by_name),
            ]
        )
    )
    return PaperForm(REPORT_TITLE, company, blocks, number=f"报告编号：{report.number}")


def _review_result(report: ReportDetail) -> str:
    if report.status in ("approved", "archived"):
        return "同意"
    if report.status == "returned":
        return "退回修改"
    return ""


# --- 准备回访资料 --------------------------------------------------------------------------


def preparation_form(prep: Preparation, company: str) -> PaperForm:
    plan = prep.plan
    summary = FieldGrid(
        [
            Field("客户名称", plan.customer_name),
            Field("计划时间", plan_period(plan)),
            Field("回访人员", "、".join(plan.visitor_names)),
            Field("回访方式", plan.method_name),
            Field("预约时间", minute(plan.appointment_at)),
            Field("预约地点", plan.appointment_place),
            Field("回访目的", plan.purpose, wide=True),
            Field("回访内容", plan.content, wide=True),
        ]
    )
    profile = FieldGrid([Field(label, value) for label, value in prep.profile])
    history = Table(
        ["日期", "类别", "内容摘要"],
        [list(h) for h in prep.history],
        [12, 7, 60],
        min_rows=3,
        centered=(0, 1),
    )
    traits = Table(
        ["序号", "客户特点 / 注意事项"],
        [[str(i), t] for i, t in enumerate(prep.traits, start=1)],
        [5, 75],
        min_rows=2,
        centered=(0,),
    )
    checklist = Table(
        ["序号", "准备事项", "已准备"],
        [[str(i), item, "□"] for i, item in enumerate(prep.checklist, start=1)],
        [5, 65, 10],
        min_rows=len(prep.checklist) + 2,
        centered=(0, 2),
    )
    blocks = [
        summary,
        Heading("一、客户基本情况"),
        profile,
        Heading("二、客户服务记录（最近）"),
        history,
        Heading("三、客户特点"),
        traits,
        Heading("四、准备事项"),
        checklist,
        Signatures([("准备人", "、".join(plan.visitor_names)), ("日期", "")]),
    ]
    return PaperForm(PREPARATION_TITLE, company, blocks, number=f"计划编号：{plan.number}")
