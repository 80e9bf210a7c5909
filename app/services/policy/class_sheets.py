"""《客户等级分类表》 (客户资源(暂行)管理办法 一.3, 附表二) as the document runs it:

    填写中 --提交--> 已提交 --审核 (市场部经理)--> 已审核 --复核 (结算经理)--> 已复核备案
       ^               |退回 (with a reason)          |退回
       +---------------+-------------------------------+

The responsible person (系统设置 class.sheet_fillers, default every 销售内勤) opens the
period's sheet — monthly or quarterly by setting, plus the yearly update — with a row for
every owned customer: the class the rule computes, the current class, and the figures it
rests on. The filler may change a row's class and remark while filling; setting or lifting
D needs a reason (D is a person's decision). On 复核 the rows' classes are applied through
policy._internal.apply_classes and the sheet is filed: its rows are a dated, read-only copy.

A second approval of the same step is refused with a message and changes nothing; every
step takes the version the user read (a stale copy is a ConflictError).
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from decimal import Decimal

from sqlalchemy import select, true
from sqlalchemy.exc import IntegrityError

from app.models import ClassSheet, ClassSheetRow, CodeItem, Customer, User
from app.models.class_sheet import SHEET_PERIODS, SHEET_STATUS
from app.services.access import roles
from app.services.core import clock, settings
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork, logged_in
from app.services.customers.classes import GRADES, class_thresholds, classify
from app.services.policy._internal import (
    ClassDecision,
    apply_classes,
    settlement_managers,
    sheet_fillers,
)
from app.services.policy.classification_lists import total_3y

PERIODS = SHEET_PERIODS
STATUS = SHEET_STATUS
# The status each step starts from, and what a second try of the step is told.
DONE_ALREADY = {
    "submitted": "该分类表已提交，不能重复提交。",
    "approved": "该分类表已审核，不能重复审核。",
    "filed": "该分类表已复核备案，不能再修改或重复复核。",
}


# The sheet lists every customer: the people who fill and 复核 it must see them all.
SEES_ALL_NEEDED = (
    "{who}须是可以查看全部客户的用户（销售内勤、董事长、系统管理员或客服文员），"
    "您的角色不能担任。请系统管理员在 系统设置 → 客户分类 中调整。"
)


def period_bounds(day: date, period: str) -> tuple[date, date, str]:
    """(first day, last day, title) of the period holding `day`."""
    if period == "monthly":
        start, months = day.replace(day=1), 1
        title = f"{day.year}年{day.month}月"
    elif period == "quarterly":
        q = (day.month - 1) // 3
        start, months = date(day.year, 3 * q + 1, 1), 3
        title = f"{day.year}年第{q + 1}季度"
    elif period == "yearly":
        start, months = date(day.year, 1, 1), 12
        title = f"{day.year}年度更新"
    else:
        raise ValidationError("请选择分类表的周期：月度、季度或年度更新。", field="period")
    last_month = start.month + months - 1
    end = date(start.year, last_month, monthrange(start.year, last_month)[1])
    return start, end, title


def regular_period(uow: UnitOfWork) -> str:
    """The period of the regular sheet, by setting: monthly or (default) quarterly."""
    with uow:
        return "monthly" if settings.get(uow, "class.sheet_monthly") else "quarterly"


def _require_filler(uow: UnitOfWork) -> None:
    actor = logged_in(uow)
    if actor.id in sheet_fillers(uow) and actor.role not in roles.CAN_FILL_CLASS_SHEETS:
        raise PermissionDenied(SEES_ALL_NEEDED.format(who="分类表填写人"))
    if actor.id not in sheet_fillers(uow):
        raise PermissionDenied(
            "只有系统设置中指定的分类表填写人（默认销售内勤）可以填写客户等级分类表。"
        )


def _sheet(
    uow: UnitOfWork, sheet_id: int, status: str, expected_version: int | None, already: str = ""
):
    """The sheet, in `status` and at the version read; `already`: what a step tried after
    the sheet moved past it is told (default: the second approval's message)."""
    sheet = uow.session.get(ClassSheet, sheet_id)
    if sheet is None:
        raise NotFound("该客户等级分类表不存在。")
    if sheet.status != status:
        order = list(STATUS)
        if order.index(sheet.status) > order.index(status):
            raise ValidationError(already or DONE_ALREADY[order[order.index(status) + 1]])
        raise ValidationError(f"该分类表目前是“{STATUS[sheet.status]}”，不能进行此操作。")
    if expected_version is not None and sheet.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)
    return sheet


def _computed_rows(uow: UnitOfWork) -> dict[int, dict]:
    """customer id -> the row the rule gives today, for every owned customer."""
    thresholds = class_thresholds(uow)
    q = (
        select(Customer.id, Customer.number, Customer.name, User.full_name, CodeItem.code,
               Customer.financial_status, Customer.credit_level, Customer.class_reason,
               total_3y())
        .outerjoin(CodeItem, Customer.grade_id == CodeItem.id)
        .outerjoin(User, Customer.owner_id == User.id)
        .where(Customer.is_in_pool.is_(False))
        .order_by(Customer.id)
    )  # fmt: skip
    out = {}
    for cid, number, name, owner, current, finance, credit, why, total in uow.session.execute(q):
        total = Decimal(str(total or 0))
        grade, basis = classify(total, thresholds, finance or "", credit or "")
        proposed = grade
        if current == "D":  # a person's decision: the sheet keeps it unless a person lifts it
            proposed, basis = "D", why or "D 类（由人决定）"
        out[cid] = dict(customer_number=number or "", customer_name=name, owner_name=owner or "",
                        current_class=current or "", computed_class=grade,
                        proposed_class=proposed, total_3y=total, financial_status=finance or "",
                        credit_level=credit or "", basis=basis[:300])  # fmt: skip
    return out


def open_sheet(uow: UnitOfWork, period: str = "") -> int:
    """The filler opens this period's sheet ("" = the regular one by setting, or "yearly"
    for the yearly update), one row per owned customer. Returns its id."""
    with uow:
        _require_filler(uow)
        period = period or regular_period(uow)
        start, end, title = period_bounds(clock.now().date(), period)
        exists = select(ClassSheet.id).where(
            ClassSheet.period == period, ClassSheet.period_start == start
        )
        if uow.session.scalar(exists) is not None:
            raise ValidationError(f"{title}的客户等级分类表已经建立，请在列表中打开它。")
        sheet = ClassSheet(period=period, period_start=start, period_end=end, title=title,
                           status="filling", filler_id=uow.actor.id)  # fmt: skip
        try:
            with uow.session.begin_nested():
                uow.session.add(sheet)
                uow.session.flush()
        except IntegrityError:  # another desktop opened it a moment ago
            raise ValidationError(f"{title}的客户等级分类表已经建立，请在列表中打开它。") from None
        for cid, values in _computed_rows(uow).items():
            uow.session.add(ClassSheetRow(sheet_id=sheet.id, customer_id=cid, **values))
        uow.commit()
        return sheet.id


def refresh_sheet(uow: UnitOfWork, sheet_id: int, expected_version: int) -> int:
    """重新计算 while filling: figures and computed classes as of today, rows added for
    new customers and dropped for those gone to the pool or deleted. A row the filler
    changed (another class, a D decision) keeps the filler's class. Returns the row count."""
    with uow:
        _require_filler(uow)
        sheet = _sheet(
            uow, sheet_id, "filling", expected_version, "该分类表已提交，填写中才能重新计算。"
        )
        rows = {r.customer_id: r for r in uow.session.scalars(
            select(ClassSheetRow).where(ClassSheetRow.sheet_id == sheet.id))}  # fmt: skip
        fresh = _computed_rows(uow)
        for cid, row in rows.items():
            if cid not in fresh:
                uow.session.delete(row)
        for cid, values in fresh.items():
            row = rows.get(cid)
            if row is None:
                uow.session.add(ClassSheetRow(sheet_id=sheet.id, customer_id=cid, **values))
                continue
            if row.proposed_class != row.computed_class or row.d_reason:
                values = {k: v for k, v in values.items() if k != "proposed_class"}
            for key, value in values.items():
                if getattr(row, key) != value:
                    setattr(row, key, value)
        uow.commit()
        return len(fresh)


def update_row(
    uow: UnitOfWork, row_id: int, expected_version: int, proposed_class: str, remark: str,
    reason: str = "",
) -> None:  # fmt: skip
    """The filler changes one row while filling: the class to confirm and a remark.
    Setting D, or lifting a customer's D, is a person's decision and needs a reason."""
    proposed_class = (proposed_class or "").strip().upper()
    if proposed_class not in GRADES:
        raise ValidationError("请选择类别 A、B、C 或 D。", field="proposed_class")
    remark, reason = (remark or "").strip(), (reason or "").strip()
    if len(remark) > 300:
        raise ValidationError("备注不能超过 300 字。", field="remark")
    if len(reason) > 280:
        raise ValidationError("理由不能超过 280 字。", field="reason")
    with uow:
        _require_filler(uow)
        row = uow.session.get(ClassSheetRow, row_id)
        if row is None:
            raise NotFound("该分类表行不存在。")
        _sheet(uow, row.sheet_id, "filling", None, "该分类表已提交，填写中才能修改。")
        if row.version != expected_version:
            raise ConflictError(CONFLICT_MESSAGE)
        d_change = (proposed_class == "D") != (row.current_class == "D")
        if d_change and not reason:
            what = "定为 D 类" if proposed_class == "D" else "撤销 D 类"
            raise ValidationError(f"请填写{what}的理由（D 类由人决定）。", field="reason")
        row.proposed_class, row.remark = proposed_class, remark
        row.d_reason = reason if d_change else ""
        uow.commit()


def submit_sheet(uow: UnitOfWork, sheet_id: int, expected_version: int) -> None:
    """填写人 submits the sheet to the department manager."""
    with uow:
        _require_filler(uow)
        sheet = _sheet(uow, sheet_id, "filling", expected_version)
        sheet.status, sheet.submitted_at = "submitted", clock.now()
        uow.commit()


def approve_sheet(uow: UnitOfWork, sheet_id: int, expected_version: int) -> None:
    """审核: the 市场部经理 (a manager) approves the submitted sheet."""
    actor = logged_in(uow)
    if actor.role not in roles.CAN_REVIEW_CLASS_SHEETS:
        raise PermissionDenied("只有市场部经理（销售主管）可以审核客户等级分类表。")
    with uow:
        sheet = _sheet(uow, sheet_id, "submitted", expected_version)
        sheet.status, sheet.reviewed_by_id, sheet.reviewed_at = "approved", actor.id, clock.now()
        uow.commit()


def _require_settlement_manager(uow: UnitOfWork) -> None:
    actor = logged_in(uow)
    named = settlement_managers(uow)
    if not named:
        raise PermissionDenied("尚未指定结算经理：请系统管理员在 系统设置 → 客户分类 中填写。")
    if actor.id not in named:
        raise PermissionDenied("只有系统设置中指定的结算经理可以复核客户等级分类表。")
    if actor.role not in roles.CAN_CHECK_CLASS_SHEETS:
        raise PermissionDenied(SEES_ALL_NEEDED.format(who="结算经理"))


def check_sheet(uow: UnitOfWork, sheet_id: int, expected_version: int) -> int:
    """复核 by the 结算经理: the rows' classes are applied to the customers and the sheet is
    filed (备案) as it stands. Returns how many customers' classes changed."""
    with uow:
        _require_settlement_manager(uow)
        sheet = _sheet(uow, sheet_id, "approved", expected_version)
        rows = list(uow.session.scalars(
            select(ClassSheetRow).where(ClassSheetRow.sheet_id == sheet.id)
        ))  # fmt: skip
        current = dict(uow.session.execute(
            select(Customer.id, CodeItem.code)
            .outerjoin(CodeItem, Customer.grade_id == CodeItem.id)
            .where(Customer.id.in_([r.customer_id for r in rows]))
        ).tuples().all())  # fmt: skip
        wanted = {}
        for r in rows:
            if r.customer_id not in current or current[r.customer_id] == r.proposed_class:
                continue  # deleted since, or already of that class
            wanted[r.customer_id] = ClassDecision(r.proposed_class, _reason(sheet, r),
                                                  by_person=bool(r.d_reason))  # fmt: skip
        done = apply_classes(uow, wanted, true())
        for r in rows:
            r.applied = r.customer_id in done
        now = clock.now()
        sheet.status, sheet.checked_by_id, sheet.checked_at = "filed", uow.actor.id, now
        sheet.filed_on, sheet.applied = now.date(), len(done)
        uow.commit()
        return len(done)


def _reason(sheet: ClassSheet, row: ClassSheetRow) -> str:
    if row.d_reason:
        what = "定为 D 类" if row.proposed_class == "D" else "撤销 D 类"
        return f"{what}：{row.d_reason}（{sheet.title}客户等级分类表）"
    text = (
        row.basis
        if row.proposed_class == row.computed_class
        else f"填写人定为 {row.proposed_class} 类"
    )
    if row.remark:
        text += f"；{row.remark}"
    return f"{text}（{sheet.title}客户等级分类表）"


def return_sheet(uow: UnitOfWork, sheet_id: int, expected_version: int, reason: str) -> None:
    """退回 with a reason: the manager at 审核, or the 结算经理 at 复核; back to 填写中."""
    actor = logged_in(uow)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写退回的理由。", field="reason")
    if len(reason) > 500:
        raise ValidationError("退回理由不能超过 500 字。", field="reason")
    with uow:
        sheet = uow.session.get(ClassSheet, sheet_id)
        if sheet is None:
            raise NotFound("该客户等级分类表不存在。")
        if sheet.status == "submitted":
            if actor.role not in roles.CAN_REVIEW_CLASS_SHEETS:
                raise PermissionDenied("只有市场部经理（销售主管）可以退回待审核的分类表。")
        elif sheet.status == "approved":
            _require_settlement_manager(uow)
        else:
            raise ValidationError(f"该分类表目前是“{STATUS[sheet.status]}”，不能退回。")
        if sheet.version != expected_version:
            raise ConflictError(CONFLICT_MESSAGE)
        sheet.status, sheet.submitted_at = "filling", None
        sheet.reviewed_by_id = sheet.reviewed_at = None
        sheet.return_reason, sheet.returned_by_id, sheet.returned_at = reason, actor.id, clock.now()
        uow.commit()


def fills_sheets(uow: UnitOfWork) -> bool:
    """Whether the actor is a responsible person who opens and fills the sheets."""
    with uow:
        actor = logged_in(uow)
        return actor.id in sheet_fillers(uow) and actor.role in roles.CAN_FILL_CLASS_SHEETS
