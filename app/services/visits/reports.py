"""客户回访, after the visit: 整理《客户回访报告》 (create_report, update_report,
submit_report) → 主管领导审阅 (review_report, 处理意见) → 文员归档 (archive_report)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm.attributes import flag_modified

from app.models import Customer, Role, User, VisitRecord, VisitReport
from app.services.access import roles
from app.services.admin import code_tables
from app.services.core import clock, settings
from app.services.core._internal import record_number
from app.services.core.errors import NotFound, PermissionDenied, ValidationError
from app.services.core.fields import text
from app.services.core.uow import Actor, UnitOfWork, logged_in
from app.services.visits._internal import RecordDetail, record_details, today, visible_report
from app.services.visits.checks import check_version, planner


def reportable_records(uow: UnitOfWork, limit: int = 300) -> list[RecordDetail]:
    """The actor's own records in no report yet, newest first (what a new report offers)."""
    actor = logged_in(uow)
    with uow:
        q = (
            select(VisitRecord)
            .where(VisitRecord.visitor_id == actor.id, VisitRecord.report_id.is_(None))
            .order_by(VisitRecord.visited_at.desc(), VisitRecord.id.desc())
            .limit(limit)
        )
        return record_details(uow, list(uow.session.scalars(q)))


def _report_fields(title, conclusions, suggestions) -> dict:
    return {
        "title": text(title, "title", "报告标题", 200, required=True),
        "conclusions": text(conclusions, "conclusions", "主要结论", 4000, required=True),
        "suggestions": text(suggestions, "suggestions", "改进建议", 4000),
    }


def _claim_records(uow: UnitOfWork, actor: Actor, record_ids, report_id: int | None):
    try:
        ids = list(dict.fromkeys(int(i) for i in record_ids or ()))
    except (TypeError, ValueError):
        raise ValidationError("所选回访记录无效。", field="record_ids") from None
    if not ids:
        raise ValidationError("回访报告至少要包含一条回访记录。", field="record_ids")
    records = uow.session.scalars(select(VisitRecord).where(VisitRecord.id.in_(ids))).all()
    if len(records) != len(ids) or any(r.visitor_id != actor.id for r in records):
        raise ValidationError("所选回访记录不存在，或不是您本人填写的。", field="record_ids")
    names = dict(
        uow.session.execute(
            select(Customer.id, Customer.name).where(
                Customer.id.in_({r.customer_id for r in records})
            )
        ).all()
    )
    for r in records:
        if r.report_id is not None and r.report_id != report_id:
            label = f"{names.get(r.customer_id, '')} {r.visited_at:%Y-%m-%d}"
            raise ValidationError(f"记录“{label}”已编入其他报告。", field="record_ids")
    return records


def create_report(
    uow: UnitOfWork, title: str, record_ids: list[int], conclusions: str, suggestions: str = ""
) -> int:
    """整理《客户回访报告》 (草稿) from the author's own records."""
    actor = planner(uow)
    with uow:
        fields = _report_fields(title, conclusions, suggestions)
        records = _claim_records(uow, actor, record_ids, None)
        number = record_number(uow, VisitReport, "visit_report", clock.now().date())
        report = VisitReport(author_id=actor.id, status="draft", number=number, **fields)
        uow.session.add(report)
        uow.flush()
        for r in records:
            r.report_id = report.id
        uow.commit()
        return report.id


def _own_report(uow: UnitOfWork, report_id: int, expected_version: int) -> VisitReport:
    actor = planner(uow)
    report = visible_report(uow, report_id)
    if report.author_id != actor.id:
        raise PermissionDenied("只有报告的撰写人可以修改或提交该报告。")
    if report.status not in ("draft", "returned"):
        raise ValidationError("报告已提交审阅，不能修改或重复提交。")
    check_version(report, expected_version)
    return report


def update_report(
    uow: UnitOfWork,
    report_id: int,
    title: str,
    record_ids: list[int],
    conclusions: str,
    suggestions: str,
    expected_version: int,
) -> None:
    with uow:
        report = _own_report(uow, report_id, expected_version)
        fields = _report_fields(title, conclusions, suggestions)
        records = _claim_records(uow, uow.actor, record_ids, report.id)
        keep = {r.id for r in records}
        for old in uow.session.scalars(
            select(VisitRecord).where(VisitRecord.report_id == report.id)
        ):
            if old.id not in keep:
                old.report_id = None
        for r in records:
            r.report_id = report.id
        for key, value in fields.items():
            setattr(report, key, value)
        flag_modified(report, "title")  # the record set counts as an edit of the report
        uow.commit()


def _reviewers(uow: UnitOfWork, author: User) -> list[tuple[int, str]]:
    who = [User.role == Role.CHAIRMAN]
    if author.team_id is not None:
        who.append(and_(User.role == Role.MANAGER, User.team_id == author.team_id))
    q = select(User.id, User.full_name, User.role).where(
        User.is_active.is_(True), User.id != author.id, or_(*who)
    )
    rows = sorted(uow.session.execute(q), key=lambda r: (r[2] != Role.MANAGER, r[1], r[0]))
    return [(uid, name) for uid, name, _role in rows]


def reviewer_choices(uow: UnitOfWork, author_id: int | None = None) -> list[tuple[int, str]]:
    """主管领导 for a report: the active managers of the author's team (other than the
    author) first, then every active chairman."""
    actor = logged_in(uow)
    with uow:
        author = uow.session.get(User, author_id or actor.id)
        if author is None:
            raise NotFound("该用户不存在。")
        return _reviewers(uow, author)


def submit_report(uow: UnitOfWork, report_id: int, reviewer_id: int, expected_version: int):
    with uow:
        report = _own_report(uow, report_id, expected_version)
        author = uow.session.get(User, report.author_id)
        if reviewer_id not in {uid for uid, _ in _reviewers(uow, author)}:
            raise ValidationError("请选择本组主管或董事长作为审阅人。", field="reviewer_id")
        has_records = uow.session.scalar(
            select(VisitRecord.id).where(VisitRecord.report_id == report.id).limit(1)
        )
        if has_records is None:
            raise ValidationError("回访报告至少要包含一条回访记录。", field="record_ids")
        days = settings.get(uow, "visits.review_days")  # before any change: one UPDATE
        report.status, report.reviewer_id = "submitted", reviewer_id
        report.submitted_at = clock.now()
        report.review_due = today() + timedelta(days=days)
        report.archive_due = None
        uow.commit()


def review_report(
    uow: UnitOfWork, report_id: int, approve: bool, comments: str, expected_version: int
) -> None:
    """主管领导审阅: 处理意见 is required; approve → 待归档, otherwise back to the author."""
    actor = logged_in(uow)
    with uow:
        report = visible_report(uow, report_id)
        if report.reviewer_id != actor.id:
            raise PermissionDenied("您不是该报告的审阅人，不能审阅。")
        if report.status != "submitted":
            raise ValidationError("该报告不在待审阅状态，不能审阅。")
        check_version(report, expected_version)
        comments = text(comments, "comments", "处理意见", 4000, required=True)
        days = settings.get(uow, "visits.archive_days")  # before any change: one UPDATE
        report.review_comments, report.reviewed_at = comments, clock.now()
        if approve:
            report.status = "approved"
            report.archive_due = today() + timedelta(days=days)
        else:
            report.status = "returned"
        uow.commit()


def archive_report(
    uow: UnitOfWork, report_id: int, category_id: int, note: str, expected_version: int
) -> None:
    """文员归档 by 回访归档类别."""
    actor = logged_in(uow)
    if actor.role not in roles.CAN_ARCHIVE_VISITS:
        raise PermissionDenied("只有文员或销售内勤可以归档回访资料。")
    note = text(note, "note", "归档说明", 200)
    with uow:
        report = visible_report(uow, report_id)
        if report.status != "approved":
            raise ValidationError("只有审阅通过的回访报告才能归档。")
        check_version(report, expected_version)
        if not category_id:
            raise ValidationError("请选择归档类别。", field="category_id")
        category = code_tables.check_item(
            uow, "visit_archive", category_id, field="category_id", label="归档类别"
        )
        report.archive_category_id, report.archive_note = category, note
        report.archived_by_id, report.archived_at = actor.id, clock.now()
        report.status = "archived"
        uow.commit()
