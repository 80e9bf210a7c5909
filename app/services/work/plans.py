"""工作计划 (work plans): by day, week or month, assigned by a manager to the reps of the
team, with a target; the assignee reports progress and marks it done; the assigner (or
the assignee's manager) may edit, cancel and 催办 (urge) it.

Who assigns to whom:
  manager          → members of the own team, and self
  admin, chairman  → anyone
  everyone else    → self only (own plans)

Who sees which plans (plan_scope): the admin and the chairman all; a manager own and the
team's; everyone else the plans assigned to or by them.

An urge sets urged_at/urged_by and counts; the assignee's next progress update (or
完成) clears urged_at, which takes the plan out of the 【催办】 reminders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from app.models import CodeItem, Customer, Role, User, WorkPlan
from app.models.work import PERIOD, WORK_STATUS
from app.services.access import roles
from app.services.access.visibility import customer_scope, ids_within
from app.services.admin import code_tables
from app.services.core import clock
from app.services.core._internal import load_row
from app.services.core.date_ranges import quick_range
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.uow import Actor, UnitOfWork, logged_in

KIND_TABLE = "work_plan_kind"
URGE_DENIED = "只有分派人或主管可以催办。"
MAX_TARGET = 4000
MAX_NOTE = 4000
MAX_URGE_NOTE = 200


def period_bounds(period: str, on: date) -> tuple[date, date]:
    """The day, the week (Monday–Sunday) or the month (1st–last) that contains `on`."""
    names = {"day": "今天", "week": "本周", "month": "本月"}
    if period in names:
        return quick_range(names[period], on)
    raise ValidationError("请选择计划周期：日计划、周计划或月计划。", field="period")


def _team(actor: Actor):
    return select(User.id).where(User.team_id == actor.team_id)


def plan_scope(actor: Actor | None) -> ColumnElement[bool]:
    """Which work plans the actor sees."""
    if actor is None:
        return false()
    if actor.role in roles.SEES_ALL_WORK_PLANS:
        return true()
    own = or_(WorkPlan.assignee_id == actor.id, WorkPlan.assigned_by_id == actor.id)
    if actor.role == Role.MANAGER and actor.team_id is not None:
        own = or_(own, WorkPlan.assignee_id.in_(_team(actor)))
    # An item about a customer (交付后回访) is seen through the customer as it is now.
    about_visible = or_(
        WorkPlan.customer_id.is_(None),
        ids_within(customer_scope(actor), WorkPlan.customer_id),
    )
    return and_(own, about_visible)


def _manages(uow: UnitOfWork, actor: Actor, user_id: int) -> bool:
    """The actor is a manager of the user's team (a manager manages self too)."""
    if actor.role != Role.MANAGER:
        return False
    if user_id == actor.id:
        return True
    if actor.team_id is None:
        return False
    team = uow.session.scalar(select(User.team_id).where(User.id == user_id))
    return team == actor.team_id


def _can_manage(uow: UnitOfWork, actor: Actor, plan: WorkPlan) -> bool:
    """Edit and cancel: the assigner, the assignee's manager, the admin or the chairman."""
    return (
        actor.role in roles.SEES_ALL_WORK_PLANS
        or plan.assigned_by_id == actor.id
        or _manages(uow, actor, plan.assignee_id)
    )


def _can_urge(uow: UnitOfWork, actor: Actor, plan: WorkPlan) -> bool:
    return (
        actor.role in roles.CAN_URGE_WORK_PLANS
        and plan.assignee_id != actor.id
        and _can_manage(uow, actor, plan)
    )


# --- forms and checks --------------------------------------------------------------


@dataclass
class WorkPlanForm:
    period: str = "week"
    on: date | None = None  # any day of the period; default today
    title: str = ""
    kind_id: int | None = None  # 工作计划类别
    target: str = ""
    target_qty: int | str | None = None
    due_date: date | None = None  # default: the period's last day
    assignee_id: int | None = None  # default: the actor


def _int_or_none(value, field: str, label: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        # "10家", "20 个", "1,000": the hint's own way of writing a count
        value = re.sub(r"\s*(家|个|位|次|件|台|人|单)$", "", value.strip()).replace(",", "")
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ValidationError(f"{label}必须是整数。", field=field) from None
    if isinstance(number, bool) or number < 0:
        raise ValidationError(f"{label}不能是负数。", field=field)
    if number > 1_000_000_000:
        raise ValidationError(f"{label}过大。", field=field)
    return number


def assignable_users(uow: UnitOfWork) -> list[tuple[int, str]]:
    """Who the actor may assign a plan to: (id, name), the actor first."""
    actor = logged_in(uow)
    with uow:
        return _assignable(uow, actor)


def _assignable(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str]]:
    q = select(User.id, User.full_name).where(User.is_active.is_(True))
    if actor.role in roles.SEES_ALL_WORK_PLANS:
        pass
    elif actor.role == Role.MANAGER and actor.team_id is not None:
        q = q.where(or_(User.team_id == actor.team_id, User.id == actor.id))
    else:
        q = q.where(User.id == actor.id)
    rows = [tuple(r) for r in uow.session.execute(q.order_by(User.full_name))]
    return sorted(rows, key=lambda r: r[0] != actor.id)


def _check_assignee(uow: UnitOfWork, actor: Actor, assignee_id, previous: int | None = None):
    if assignee_id in (None, "", 0):
        return actor.id
    try:
        assignee_id = int(assignee_id)
    except (TypeError, ValueError):
        raise ValidationError("执行人无效，请重新选择。", field="assignee_id") from None
    if assignee_id == previous:
        return assignee_id
    user = uow.session.get(User, assignee_id)
    if user is None or user.deleted_at is not None:
        raise ValidationError("执行人不存在，请重新选择。", field="assignee_id")
    if not user.is_active:
        raise ValidationError(f"“{user.full_name}”已停用，不能分派工作计划。", field="assignee_id")
    if assignee_id == actor.id or actor.role in roles.SEES_ALL_WORK_PLANS:
        return assignee_id
    if actor.role == Role.MANAGER:
        if actor.team_id is not None and user.team_id == actor.team_id:
            return assignee_id
        raise PermissionDenied(f"您只能给本组成员分派工作计划，“{user.full_name}”不在您的小组。")
    raise PermissionDenied("您只能为自己制订工作计划。")


def _checked(uow: UnitOfWork, actor: Actor, form: WorkPlanForm, plan: WorkPlan | None) -> dict:
    if form.period not in PERIOD:
        raise ValidationError("请选择计划周期：日计划、周计划或月计划。", field="period")
    on = form.on or clock.now().date()
    start, end = period_bounds(form.period, on)
    title = (form.title or "").strip()
    if not title:
        raise ValidationError("请填写计划标题。", field="title")
    if len(title) > 200:
        raise ValidationError("计划标题不能超过 200 字。", field="title")
    target = (form.target or "").strip()
    if len(target) > MAX_TARGET:
        raise ValidationError(f"计划目标不能超过 {MAX_TARGET} 字。", field="target")
    qty = _int_or_none(form.target_qty, "target_qty", "目标数量")
    due = form.due_date or end
    if due < start:
        raise ValidationError(
            f"完成期限不能早于计划周期的开始日期（{start:%Y-%m-%d}）。", field="due_date"
        )
    kind = code_tables.check_item(
        uow, KIND_TABLE, form.kind_id, field="kind_id", label="计划类别",
        previous_id=plan.kind_id if plan else None,
    )  # fmt: skip
    assignee = _check_assignee(uow, actor, form.assignee_id, plan.assignee_id if plan else None)
    return {
        "period": form.period, "period_start": start, "period_end": end, "title": title,
        "kind_id": kind, "target": target, "target_qty": qty, "due_date": due,
        "assignee_id": assignee,
    }  # fmt: skip


def _load(uow: UnitOfWork, plan_id: int, expected_version: int | None) -> WorkPlan:
    actor = logged_in(uow)
    stmt = select(WorkPlan).where(WorkPlan.id == plan_id, plan_scope(actor))
    return load_row(uow, stmt, expected_version, "该工作计划不存在，或您无权查看。")


def _require_open(plan: WorkPlan) -> None:
    if plan.status != "open":
        raise ValidationError(
            f"该工作计划{WORK_STATUS.get(plan.status, plan.status)}，不能再修改。"
        )


# --- writes -------------------------------------------------------------------------


def create_plan(uow: UnitOfWork, form: WorkPlanForm) -> int:
    """New plan: for self, or (manager/admin/chairman) assigned to someone."""
    actor = logged_in(uow)
    with uow:
        values = _checked(uow, actor, form, None)
        plan = WorkPlan(**values, assigned_by_id=actor.id, status="open", progress=0,
                        progress_note="", urge_count=0, urge_note="")  # fmt: skip
        uow.session.add(plan)
        uow.flush()
        uow.commit()
        return plan.id


def update_plan(uow: UnitOfWork, plan_id: int, expected_version: int, form: WorkPlanForm) -> None:
    """Change an open plan (the assigner, the assignee's manager, admin or chairman)."""
    actor = logged_in(uow)
    with uow:
        plan = _load(uow, plan_id, expected_version)
        if not _can_manage(uow, actor, plan):
            raise PermissionDenied("只有分派人或主管可以修改该工作计划。")
        _require_open(plan)
        for key, value in _checked(uow, actor, form, plan).items():
            setattr(plan, key, value)
        uow.commit()


def update_progress(
    uow: UnitOfWork,
    plan_id: int,
    expected_version: int,
    progress: int | str | None,
    done_qty: int | str | None = None,
    note: str = "",
) -> None:
    """The assignee's report: percent 0–100 (None: from done/target quantity), the
    quantity done and a note. Clears a pending 催办."""
    actor = logged_in(uow)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(f"进展说明不能超过 {MAX_NOTE} 字。", field="note")
    done = _int_or_none(done_qty, "done_qty", "完成数量")
    percent = _int_or_none(progress, "progress", "完成进度")
    if percent is not None and percent > 100:
        raise ValidationError("完成进度须在 0 到 100 之间。", field="progress")
    with uow:
        plan = _load(uow, plan_id, expected_version)
        if plan.assignee_id != actor.id:
            raise PermissionDenied("只有执行人可以更新工作计划的进度。")
        _require_open(plan)
        if percent is None:
            if done is not None and plan.target_qty:
                percent = min(100, done * 100 // plan.target_qty)
            else:
                percent = plan.progress
        plan.progress = percent
        if done is not None:
            plan.done_qty = done
        if note:
            plan.progress_note = note
        plan.urged_at = None  # the update answers the urge
        uow.commit()


def complete(uow: UnitOfWork, plan_id: int, expected_version: int, note: str = "") -> None:
    """完成: the assignee marks the plan done (progress 100)."""
    actor = logged_in(uow)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(f"完成说明不能超过 {MAX_NOTE} 字。", field="note")
    with uow:
        plan = _load(uow, plan_id, expected_version)
        if plan.assignee_id != actor.id:
            raise PermissionDenied("只有执行人可以将工作计划标记为完成。")
        _require_open(plan)
        plan.status, plan.progress, plan.completed_at = "done", 100, clock.now()
        if plan.target_qty is not None and plan.done_qty is None:
            plan.done_qty = plan.target_qty
        if note:
            plan.progress_note = note
        plan.urged_at = None
        uow.commit()


def cancel(uow: UnitOfWork, plan_id: int, expected_version: int, reason: str) -> None:
    """取消 an open plan (the assigner or a manager), with a reason."""
    actor = logged_in(uow)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写取消原因。", field="reason")
    if len(reason) > 200:
        raise ValidationError("取消原因不能超过 200 字。", field="reason")
    with uow:
        plan = _load(uow, plan_id, expected_version)
        _cancel(uow, actor, plan, reason)
        uow.commit()


def _cancel(uow: UnitOfWork, actor: Actor, plan: WorkPlan, reason: str) -> None:
    if not _can_manage(uow, actor, plan):
        raise PermissionDenied("只有分派人或主管可以取消该工作计划。")
    _require_open(plan)
    plan.status = "cancelled"
    plan.urged_at = None
    line = f"【取消】{reason}（{actor.full_name} {clock.now():%Y-%m-%d %H:%M}）"
    plan.progress_note = f"{plan.progress_note}\n{line}".strip()


def urge(uow: UnitOfWork, plan_id: int, expected_version: int, note: str = "") -> None:
    """催办: raises the plan in the assignee's reminders until the assignee updates it."""
    actor = logged_in(uow)
    note = _urge_note(note)
    with uow:
        plan = _load(uow, plan_id, expected_version)
        _urge(uow, actor, plan, note)
        uow.commit()


def _urge_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_URGE_NOTE:
        raise ValidationError(f"催办说明不能超过 {MAX_URGE_NOTE} 字。", field="note")
    return note


def _urge(uow: UnitOfWork, actor: Actor, plan: WorkPlan, note: str) -> None:
    if actor.role in roles.CAN_URGE_WORK_PLANS and plan.assignee_id == actor.id:
        raise ValidationError("不能催办自己的工作计划。")
    if not _can_urge(uow, actor, plan):
        raise PermissionDenied(URGE_DENIED)
    _require_open(plan)
    plan.urge_count = (plan.urge_count or 0) + 1
    plan.urged_at = clock.now()
    plan.urged_by_id = actor.id
    plan.urge_note = note


def batch_urge(uow: UnitOfWork, ids, note: str = "批量催办") -> tuple[int, list[tuple[int, str]]]:
    """催办 many plans; plans the actor may not urge (or closed ones) are skipped."""
    with uow:
        actor = logged_in(uow)
        if actor.role not in roles.CAN_URGE_WORK_PLANS:
            raise PermissionDenied(URGE_DENIED)
        note = _urge_note(note)
        return _batch(uow, ids, lambda plan: _urge(uow, actor, plan, note))


def batch_cancel(uow: UnitOfWork, ids, reason: str = "批量取消"):
    with uow:
        actor = logged_in(uow)
        return _batch(uow, ids, lambda plan: _cancel(uow, actor, plan, reason))


def _batch(uow: UnitOfWork, ids, apply) -> tuple[int, list[tuple[int, str]]]:
    actor = logged_in(uow)
    ids = list(ids)
    done, skipped = 0, []
    with uow:
        plans = {
            p.id: p
            for p in uow.session.scalars(
                select(WorkPlan).where(WorkPlan.id.in_(ids), plan_scope(actor))
            )
        }
        for pid in ids:
            plan = plans.get(pid)
            if plan is None:
                skipped.append((pid, "不存在或无权查看"))
                continue
            try:
                apply(plan)
            except (PermissionDenied, ValidationError) as err:
                skipped.append((pid, str(err).rstrip("。")))
                continue
            done += 1
        uow.commit()
    return done, skipped


# --- reads --------------------------------------------------------------------------

_Assignee = aliased(User, name="wp_assignee")
_Assigner = aliased(User, name="wp_assigner")
_Urger = aliased(User, name="wp_urger")


@dataclass(frozen=True)
class WorkPlanDetail:
    id: int
    period: str
    period_start: date
    period_end: date
    kind_id: int | None
    kind: str
    title: str
    target: str
    target_qty: int | None
    done_qty: int | None
    progress: int
    progress_note: str
    assignee_id: int
    assignee: str
    assigned_by_id: int
    assigned_by: str
    due_date: date
    status: str
    completed_at: datetime | None
    urge_count: int
    urged_at: datetime | None
    urged_by: str
    urge_note: str
    updated_at: datetime
    version: int
    can_manage: bool  # edit, cancel
    can_urge: bool
    can_update: bool  # the assignee: progress, 完成
    customer_id: int | None = None  # e.g. a 交付后回访 task's customer
    customer_name: str = ""

    @property
    def period_label(self) -> str:
        return PERIOD.get(self.period, self.period)

    @property
    def status_label(self) -> str:
        return WORK_STATUS.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_date < clock.now().date()

    @property
    def urge_pending(self) -> bool:
        return self.is_open and self.urged_at is not None

    def form(self) -> WorkPlanForm:
        return WorkPlanForm(self.period, self.period_start, self.title, self.kind_id,
                            self.target, self.target_qty, self.due_date, self.assignee_id)  # fmt: skip


def plan_detail(uow: UnitOfWork, plan_id: int) -> WorkPlanDetail:
    actor = logged_in(uow)
    with uow:
        row = uow.session.execute(
            select(WorkPlan, _Assignee.full_name, _Assigner.full_name, _Urger.full_name,
                   CodeItem.name, Customer.name)
            .join(_Assignee, _Assignee.id == WorkPlan.assignee_id)
            .join(_Assigner, _Assigner.id == WorkPlan.assigned_by_id)
            .outerjoin(_Urger, _Urger.id == WorkPlan.urged_by_id)
            .outerjoin(CodeItem, CodeItem.id == WorkPlan.kind_id)
            .outerjoin(Customer, Customer.id == WorkPlan.customer_id)
            .where(WorkPlan.id == plan_id, plan_scope(actor))
        ).first()  # fmt: skip
        if row is None:
            raise NotFound("该工作计划不存在，或您无权查看。")
        p, assignee, assigner, urger, kind, customer = row
        is_open = p.status == "open"
        return WorkPlanDetail(
            p.id, p.period, p.period_start, p.period_end, p.kind_id, kind or "", p.title,
            p.target, p.target_qty, p.done_qty, p.progress, p.progress_note, p.assignee_id,
            assignee, p.assigned_by_id, assigner, p.due_date, p.status, p.completed_at,
            p.urge_count, p.urged_at, urger or "", p.urge_note, p.updated_at, p.version,
            is_open and _can_manage(uow, actor, p), is_open and _can_urge(uow, actor, p),
            is_open and p.assignee_id == actor.id, p.customer_id, customer or "",
        )  # fmt: skip


def kind_options(uow: UnitOfWork, current_id: int | None = None):
    """工作计划类别 entries for the drop-down."""
    return code_tables.options(uow, KIND_TABLE, current_id)
