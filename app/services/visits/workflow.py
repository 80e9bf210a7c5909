"""客户回访 (SPEC "Visit workflow"): 查询客户资料库 → 明确回访对象 (visit_targets) →
《客户回访计划》 (create_plan/create_plans/update_plan) → 预约拜访时间 (appoint) →
准备回访资料 (preparation) → 实施回访, 《客户回访记录表》 (add_record/update_record) →
《客户回访报告》 (create_report/update_report/submit_report) → 主管领导审阅 (review_report,
处理意见) → 文员归档 (archive_report). This module is the workflow's one import point:
import everything from here. Each step lives in its own module — plans (targets, plans,
appointments), records (visit records), reports (reports, review, archive); the reads in
details, chain (the step chain, report detail, a customer's visits) and preparation.

Who may do what (checked in the step modules, tested in tests/services/visits/test_visits.py):
  plan, visit, record, report  SALES_REP, MANAGER, SALES_ADMIN, ADMIN — for customers they
                               look after (edit_scope: a rep the own, a manager the team's;
                               not via a read-only grant; not in the pool); CLERK, CHAIRMAN never
  change/cancel a plan         its owner, or SALES_ADMIN/ADMIN; appoint: also its visitors
  record                       a visitor of the plan (or its owner); only one's own record
  report                       its author, only draft/returned
  review                       only the reviewer appointed at submit (reviewer_choices)
  archive                      CLERK or SALES_ADMIN, approved reports only

Deviations from /tmp/w/visits-api.md (additions only; every name and field is as written):
  - RecordDetail.report_status is the status key ("draft", …, "" when in no report);
    RecordDetail.report_status_label gives the Chinese label.
  - Step.status may also be "已取消" (every step after 制订计划 of a cancelled plan).
  - ChainRow.report_id: when a plan's records are in several reports (two visitors each
    reporting), the least advanced one (what the chain still waits for).
  - A visitor fills at most one record per plan (a second one is refused: edit the first).
  - appoint refuses a date before today ("预约时间不能早于今天。"); a date before
    planned_from moves planned_from back (as a later one extends planned_to).
  - update_plan cannot change the customer (cancel and plan again).
  - Planning (create_plan(s), ad-hoc add_record, visit_targets) uses visibility.edit_scope,
    i.e. the API's "a rep: own customers": a customer seen only through a read-only 查阅授权
    is not planned for (its record would move another rep's follow-up clock).
  - visit_scope.record_scope also shows a visitor every record of the plan (co-visitors'
    records) and a reviewer the records of the report under review.
  - Constants for the UI: OPEN_PLAN, LOCKED_REPORT, PLAN_STATUS, REPORT_STATUS, STEP_NAMES, REPORT_AFTER_DAYS.
  - Extra reads for the dialogs: visitor_choices(uow) -> [(user id, name)] (active users of
    a planning role) and reportable_records(uow) -> [RecordDetail] (the actor's own records
    in no report, newest first).
"""

from app.models.visit import PLAN_STATUS, REPORT_STATUS
from app.services.visits._internal import (
    LOCKED_REPORT,
    OPEN_PLAN,
    REPORT_AFTER_DAYS,
    STEP_NAMES,
    PlanDetail,
    RecordDetail,
    ReportDetail,
    Step,
)
from app.services.visits.chain import ChainRow, customer_visits, report_detail
from app.services.visits.plans import (
    PlanForm,
    appoint,
    cancel_plan,
    create_plan,
    create_plans,
    plan_detail,
    update_plan,
    visit_targets,
    visitor_choices,
)
from app.services.visits.preparation import Preparation, preparation
from app.services.visits.records import RecordForm, add_record, record_detail, update_record
from app.services.visits.reports import (
    archive_report,
    create_report,
    reportable_records,
    review_report,
    reviewer_choices,
    submit_report,
    update_report,
)

__all__ = [
    "LOCKED_REPORT", "OPEN_PLAN", "PLAN_STATUS",
    "REPORT_AFTER_DAYS", "REPORT_STATUS", "STEP_NAMES", "ChainRow", "PlanDetail", "PlanForm",
    "Preparation", "RecordDetail", "RecordForm", "ReportDetail", "Step", "add_record", "appoint",
    "archive_report", "cancel_plan", "create_plan", "create_plans", "create_report",
    "customer_visits", "plan_detail", "preparation", "record_detail", "report_detail",
    "reportable_records", "review_report", "reviewer_choices", "submit_report", "update_plan",
    "update_record", "update_report", "visit_targets", "visitor_choices",
]  # fmt: skip
