"""工作计划 and 日常记事 as ListSources for the shared list component.

Work plans are scoped by work_plans.plan_scope (a rep own, a manager own + team, the
admin and chairman all). Notes are the actor's own, for every role. Batch actions go
through app.services.work.plans, which checks each row.
"""

from __future__ import annotations

from sqlalchemy import Date, and_, bindparam, case, select
from sqlalchemy.orm import aliased

from app.models import CodeItem, Customer, DailyNote, User, WorkPlan
from app.models.work import PERIOD, WORK_STATUS
from app.services.access import roles
from app.services.core import clock
from app.services.core.uow import Actor, UnitOfWork, logged_in
from app.services.customers.list_columns import customer_column
from app.services.lists.spec import BatchAction, BatchResult, Column, ListSource, text_search
from app.services.work import plans as work_plans
from app.services.work.notes import note_search

_Assignee = aliased(User, name="wl_assignee")
_Assigner = aliased(User, name="wl_assigner")
_Urger = aliased(User, name="wl_urger")
_Kind = aliased(CodeItem, name="wl_kind")

NOTE_EXCERPT = 60


def _today():
    return clock.now().date()


def _overdue():
    # Bound when the query runs: a list may stay open past midnight, tests move the clock.
    today = bindparam(None, callable_=_today, type_=Date(), unique=True)
    return case((and_(WorkPlan.status == "open", WorkPlan.due_date < today), True), else_=False)


def _plans_base(uow: UnitOfWork):
    actor = logged_in(uow)
    return (
        select(WorkPlan.id)
        .select_from(WorkPlan)
        .join(_Assignee, _Assignee.id == WorkPlan.assignee_id)
        .join(_Assigner, _Assigner.id == WorkPlan.assigned_by_id)
        .outerjoin(_Urger, _Urger.id == WorkPlan.urged_by_id)
        .outerjoin(_Kind, _Kind.id == WorkPlan.kind_id)
        .outerjoin(Customer, Customer.id == WorkPlan.customer_id)
        .where(work_plans.plan_scope(actor))
    )


def _plan_columns() -> list[Column]:
    return [
        Column("period", "周期", WorkPlan.period, labels=PERIOD, groupable=True, filterable=True,
               width=70),
        Column("kind", "类别", _Kind.name, groupable=True, filterable=True, width=80),
        Column("title", "计划标题", WorkPlan.title, width=200),
        customer_column(160),
        Column("target", "目标", WorkPlan.target, width=180, visible=False),
        Column("target_qty", "目标数量", WorkPlan.target_qty, kind="int", width=70),
        Column("done_qty", "完成数量", WorkPlan.done_qty, kind="int", width=70),
        Column("assignee", "执行人", _Assignee.full_name, groupable=True, filterable=True,
               width=80, sort_expr=_Assignee.full_name),
        Column("assigned_by", "分派人", _Assigner.full_name, groupable=True, filterable=True,
               width=80),
        Column("period_start", "开始日期", WorkPlan.period_start, kind="date", width=95),
        Column("period_end", "结束日期", WorkPlan.period_end, kind="date", width=95,
               visible=False),
        Column("due_date", "完成期限", WorkPlan.due_date, kind="date", width=95),
        Column("progress", "进度", WorkPlan.progress, kind="int", width=60,
               formatter=lambda v: f"{v}%"),
        Column("status", "状态", WorkPlan.status, labels=WORK_STATUS, groupable=True,
               filterable=True, width=70),
        Column("overdue", "逾期", _overdue(), kind="bool", groupable=True, filterable=True,
               width=50),
        Column("urge_count", "催办次数", WorkPlan.urge_count, kind="int", width=70),
        Column("urged_at", "催办时间", WorkPlan.urged_at, kind="datetime", width=125),
        Column("urged_by", "催办人", _Urger.full_name, width=80, visible=False),
        Column("progress_note", "进展说明", WorkPlan.progress_note, width=200, visible=False),
        Column("completed_at", "完成时间", WorkPlan.completed_at, kind="datetime", width=125,
               visible=False),
        Column("updated_at", "更新时间", WorkPlan.updated_at, kind="datetime", width=125,
               visible=False),
    ]  # fmt: skip


def _batch_urge(uow: UnitOfWork, ids, **_params) -> BatchResult:
    done, skipped = work_plans.batch_urge(uow, ids)
    return BatchResult(done, skipped)


def _batch_cancel(uow: UnitOfWork, ids, **_params) -> BatchResult:
    done, skipped = work_plans.batch_cancel(uow, ids)
    return BatchResult(done, skipped)


def work_plans_source(actor: Actor | None = None) -> ListSource:
    """The plan list; 批量催办 only for those who may urge (managers, admin, chairman)."""
    actions = [
        BatchAction("urge", "催办", _batch_urge),
        BatchAction("cancel", "取消计划", _batch_cancel, destructive=True),
    ]
    if actor is not None and actor.role not in roles.CAN_URGE_WORK_PLANS:
        actions = [a for a in actions if a.key != "urge"]
    return ListSource(
        key="work_plans",
        title="工作计划",
        id_expr=WorkPlan.id,
        base=_plans_base,
        columns=_plan_columns(),
        search=text_search(
            WorkPlan.title,
            WorkPlan.target,
            WorkPlan.progress_note,
            _Assignee.full_name,
            Customer.name,
        ),  # fmt: skip
        search_hint="计划标题、目标、进展、执行人或客户",
        default_sort=[("due_date", False)],
        default_date_key="due_date",
        batch_actions=actions,
        open_entity="work_plan",
    )


# --- 日常记事 ------------------------------------------------------------------------


def _notes_base(uow: UnitOfWork):
    actor = logged_in(uow)
    return select(DailyNote.id).select_from(DailyNote).where(DailyNote.owner_id == actor.id)


def _excerpt(text: str) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= NOTE_EXCERPT else flat[:NOTE_EXCERPT] + "…"


def daily_notes_source() -> ListSource:
    return ListSource(
        key="daily_notes",
        title="日常记事",
        id_expr=DailyNote.id,
        base=_notes_base,
        columns=[
            Column("note_date", "日期", DailyNote.note_date, kind="date", width=95),
            Column("title", "标题", DailyNote.title, width=200),
            Column("content", "内容", DailyNote.content, width=360, formatter=_excerpt),
            Column("updated_at", "修改时间", DailyNote.updated_at, kind="datetime", width=125),
        ],
        search=note_search,
        search_hint="标题或内容",
        default_sort=[("note_date", True)],
        default_date_key="note_date",
        open_entity="daily_note",
    )
