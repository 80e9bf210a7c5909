"""《客户等级分类表》 lists: the sheets (every user sees which sheets exist and where each
stands), one sheet's rows, and a sheet's detail for its page and its printed form.

Who sees which rows: a row names a customer, so rows follow visibility.customer_scope —
roles that see every customer see the whole sheet (the filler and the 结算经理 must be
such users: access.roles.CAN_FILL_/CAN_CHECK_CLASS_SHEETS), a manager the rows of the
team's customers, a rep only the rep's own. The sheet's counts say how many rows exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select, true
from sqlalchemy.orm import aliased

from app.models import ClassSheet, ClassSheetRow, User
from app.services.access import roles
from app.services.access.visibility import customer_scope, ids_within
from app.services.core.errors import NotFound
from app.services.core.uow import Actor, UnitOfWork, logged_in
from app.services.lists.spec import Column, ListSource, text_search
from app.services.policy._internal import settlement_managers, sheet_fillers
from app.services.policy.class_sheets import PERIODS, STATUS

CLASS_LABELS = {"": "未分类", "A": "A", "B": "B", "C": "C", "D": "D"}
SHEET_TITLE = "客户等级分类表"

_Filler = aliased(User, name="sheet_filler")
_Reviewer = aliased(User, name="sheet_reviewer")
_Checker = aliased(User, name="sheet_checker")
_Returner = aliased(User, name="sheet_returner")


def rows_scope(actor: Actor):
    """The rows of a sheet the actor may see (see the module's note)."""
    if actor.role in roles.SEES_ALL_CUSTOMERS:
        return true()
    return ids_within(customer_scope(actor), ClassSheetRow.customer_id)


def _sheets_base(uow: UnitOfWork):
    logged_in(uow)
    return (
        select(ClassSheet.id)
        .select_from(ClassSheet)
        .outerjoin(_Filler, _Filler.id == ClassSheet.filler_id)
        .outerjoin(_Reviewer, _Reviewer.id == ClassSheet.reviewed_by_id)
        .outerjoin(_Checker, _Checker.id == ClassSheet.checked_by_id)
    )


def class_sheets_source() -> ListSource:
    cols = [
        Column("title", "分类表", ClassSheet.title, width=130),
        Column("period", "周期", ClassSheet.period, labels=PERIODS, groupable=True,
               filterable=True, width=70),
        Column("period_end", "截止日期", ClassSheet.period_end, kind="date", width=95),
        Column("status", "状态", ClassSheet.status, labels=STATUS, groupable=True,
               filterable=True, width=90),
        Column("filler", "填写人", _Filler.full_name, groupable=True, width=80),
        Column("submitted_at", "提交时间", ClassSheet.submitted_at, kind="datetime", width=125),
        Column("reviewer", "审核人", _Reviewer.full_name, width=80),
        Column("reviewed_at", "审核时间", ClassSheet.reviewed_at, kind="datetime", width=125),
        Column("checker", "复核人", _Checker.full_name, width=80),
        Column("filed_on", "备案日期", ClassSheet.filed_on, kind="date", width=95),
        Column("applied", "调整类别数", ClassSheet.applied, kind="int", width=80),
        Column("return_reason", "最近退回理由", ClassSheet.return_reason, width=200,
               visible=False),
    ]  # fmt: skip
    return ListSource(
        key="class_sheets",
        title=SHEET_TITLE,
        id_expr=ClassSheet.id,
        base=_sheets_base,
        columns=cols,
        search=text_search(ClassSheet.title),
        search_hint="分类表名称，如 2026年第4季度",
        default_sort=[("period_end", True)],
        default_date_key="period_end",
        open_entity="class_sheet",
    )


def _rows_base(sheet_id: int):
    def base(uow: UnitOfWork):
        actor = logged_in(uow)
        return (
            select(ClassSheetRow.id)
            .select_from(ClassSheetRow)
            .where(ClassSheetRow.sheet_id == sheet_id, rows_scope(actor))
        )

    return base


def row_columns() -> list[Column]:
    """The columns of 附表二 as the sheet keeps them (print and Excel use the same)."""
    R = ClassSheetRow
    return [
        Column("number", "客户编号", R.customer_number, width=120),
        Column("customer", "客户名称", R.customer_name, width=220),
        Column("owner", "归属销售", R.owner_name, groupable=True, filterable=True, width=80),
        Column("total_3y", "近三年销售额(元)", R.total_3y, kind="money", width=130),
        Column("financial_status", "财务状况", R.financial_status, groupable=True, width=80),
        Column("credit_level", "信誉等级", R.credit_level, groupable=True, width=70),
        Column("current", "原类别", R.current_class, labels=CLASS_LABELS, groupable=True,
               filterable=True, width=60),
        Column("proposed", "评定类别", R.proposed_class, labels=CLASS_LABELS, groupable=True,
               filterable=True, width=70),
        Column("basis", "分类依据", R.basis, width=260),
        Column("remark", "备注", R.remark, width=160),
        Column("d_reason", "D 类理由", R.d_reason, width=160),
        Column("applied", "已调整", R.applied, kind="bool", width=60),
    ]  # fmt: skip


def class_sheet_rows_source(sheet_id: int) -> ListSource:
    """One sheet's rows, as the actor may see them."""
    return ListSource(
        key="class_sheet_rows",
        title=SHEET_TITLE,
        id_expr=ClassSheetRow.id,
        base=_rows_base(sheet_id),
        columns=row_columns(),
        search=text_search(
            ClassSheetRow.customer_name, ClassSheetRow.customer_number, ClassSheetRow.owner_name
        ),  # fmt: skip
        search_hint="客户名称、编号或归属销售",
        default_sort=[("proposed", False), ("total_3y", True)],
        version_expr=ClassSheetRow.version,
    )


@dataclass(frozen=True)
class SheetDetail:
    id: int
    title: str
    period: str
    period_start: date
    period_end: date
    status: str
    filler: str
    submitted_at: datetime | None
    reviewer: str
    reviewed_at: datetime | None
    checker: str
    checked_at: datetime | None
    filed_on: date | None
    applied: int
    return_reason: str
    returned_by: str
    returned_at: datetime | None
    rows_total: int
    rows_visible: int
    version: int
    # what the actor may do now (the services check again)
    may_fill: bool
    may_review: bool
    may_check: bool

    @property
    def status_label(self) -> str:
        return STATUS[self.status]

    @property
    def period_label(self) -> str:
        return PERIODS[self.period]

    @property
    def is_filed(self) -> bool:
        return self.status == "filed"


@dataclass(frozen=True)
class SheetRow:
    id: int
    customer_id: int
    number: str
    customer: str
    owner: str
    total_3y: Decimal
    financial_status: str
    credit_level: str
    current: str
    proposed: str
    basis: str
    remark: str
    d_reason: str
    applied: bool
    version: int


def sheet_detail(uow: UnitOfWork, sheet_id: int) -> SheetDetail:
    actor = logged_in(uow)
    with uow:
        found = uow.session.execute(
            select(ClassSheet, _Filler.full_name, _Reviewer.full_name, _Checker.full_name,
                   _Returner.full_name)
            .outerjoin(_Filler, _Filler.id == ClassSheet.filler_id)
            .outerjoin(_Reviewer, _Reviewer.id == ClassSheet.reviewed_by_id)
            .outerjoin(_Checker, _Checker.id == ClassSheet.checked_by_id)
            .outerjoin(_Returner, _Returner.id == ClassSheet.returned_by_id)
            .where(ClassSheet.id == sheet_id)
        ).first()  # fmt: skip
        if found is None:
            raise NotFound("该客户等级分类表不存在。")
        s, filler, reviewer, checker, returner = found
        count = select(func.count(ClassSheetRow.id)).where(ClassSheetRow.sheet_id == s.id)
        total = uow.session.scalar(count)
        visible = uow.session.scalar(count.where(rows_scope(actor)))
        fills = actor.id in sheet_fillers(uow) and actor.role in roles.CAN_FILL_CLASS_SHEETS
        checks = actor.id in settlement_managers(uow) and actor.role in roles.CAN_CHECK_CLASS_SHEETS
        return SheetDetail(
            s.id, s.title, s.period, s.period_start, s.period_end, s.status, filler or "",
            s.submitted_at, reviewer or "", s.reviewed_at, checker or "", s.checked_at,
            s.filed_on, s.applied, s.return_reason, returner or "", s.returned_at, total,
            visible, s.version,
            may_fill=fills and s.status == "filling",
            may_review=actor.role in roles.CAN_REVIEW_CLASS_SHEETS and s.status == "submitted",
            may_check=checks and s.status == "approved",
        )  # fmt: skip


def sheet_rows(uow: UnitOfWork, sheet_id: int, row_ids: list[int] | None = None) -> list[SheetRow]:
    """The rows the actor may see (all, or the given ones), in the sheet's print order."""
    actor = logged_in(uow)
    with uow:
        R = ClassSheetRow
        q = select(R).where(R.sheet_id == sheet_id, rows_scope(actor))
        if row_ids is not None:
            q = q.where(R.id.in_(row_ids))
        q = q.order_by(R.proposed_class, R.total_3y.desc(), R.customer_name, R.id)
        return [
            SheetRow(r.id, r.customer_id, r.customer_number, r.customer_name, r.owner_name,
                     r.total_3y, r.financial_status, r.credit_level, r.current_class,
                     r.proposed_class, r.basis, r.remark, r.d_reason, r.applied, r.version)
            for r in uow.session.scalars(q)
        ]  # fmt: skip
