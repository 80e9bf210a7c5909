"""评审 (规则 3): when a customer's development window ends without a deal, a review opens.
The owner may file a statement (陈述); the owner's manager (or the admin) decides:
延期 (a new deadline), 改派 (another rep) or 回收 (back to the pool). Every outcome is
written to the ownership history. The chairman sees every open review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.models import Customer, CustomerReview, OwnershipChange, Role, User
from app.models.review import REVIEW_OUTCOMES
from app.services.access import roles
from app.services.core import clock
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork
from app.services.customers._internal import hand_over

OUTCOMES = REVIEW_OUTCOMES
HISTORY_KIND = {"extend": "延期", "reassign": "评审调整", "pool": "回收"}


@dataclass(frozen=True)
class ReviewRow:
    id: int
    customer_id: int
    customer_name: str
    owner_id: int | None
    owner_name: str
    deadline: date
    opened_at: datetime
    status: str
    statement: str
    outcome: str
    comments: str
    version: int


def open_due_reviews(uow: UnitOfWork) -> list[int]:
    """Open a review for every owned customer whose window has ended undeveloped.
    Idempotent; safe from several desktops (a unique index allows one open review)."""
    today = clock.now().date()
    opened = []
    with uow:
        due = uow.session.execute(
            select(Customer.id, Customer.owner_id, Customer.dev_deadline).where(
                Customer.owner_id.is_not(None),
                Customer.developed_on.is_(None),
                Customer.dev_deadline < today,
                ~select(CustomerReview.id)
                .where(CustomerReview.customer_id == Customer.id, CustomerReview.status == "open")
                .exists(),
            )
        ).all()
        for cid, owner_id, deadline in due:
            try:
                with uow.session.begin_nested():
                    uow.session.add(
                        CustomerReview(
                            customer_id=cid,
                            owner_id=owner_id,
                            deadline=deadline,
                            opened_at=clock.now(),
                        )
                    )
                opened.append(cid)
            except IntegrityError:
                continue  # another desktop opened it a moment ago
        uow.commit()
    return opened


def visible_reviews(actor, q):
    """Which reviews a user sees: chairman/admin all; a manager the team's; a rep own."""
    if actor.role in roles.SEES_ALL_REVIEWS:
        return q
    if actor.role == Role.MANAGER:
        team = select(User.id).where(User.team_id == actor.team_id)
        return q.where(CustomerReview.owner_id.in_(team))
    return q.where(CustomerReview.owner_id == actor.id)


def list_reviews(uow: UnitOfWork, status: str | None = "open") -> list[ReviewRow]:
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    owner = aliased(User)
    with uow:
        q = (
            select(CustomerReview, Customer.name, owner.full_name)
            .join(Customer, Customer.id == CustomerReview.customer_id)
            .outerjoin(owner, owner.id == CustomerReview.owner_id)
            .order_by(CustomerReview.opened_at, CustomerReview.id)
        )
        if status:
            q = q.where(CustomerReview.status == status)
        return [
            ReviewRow(r.id, r.customer_id, name, r.owner_id, oname or "", r.deadline, r.opened_at,
                      r.status, r.statement, r.outcome, r.comments, r.version)
            for r, name, oname in uow.session.execute(visible_reviews(uow.actor, q))
        ]  # fmt: skip


def _review(uow: UnitOfWork, review_id: int, expected_version: int | None) -> CustomerReview:
    review = uow.session.scalar(
        visible_reviews(uow.actor, select(CustomerReview).where(CustomerReview.id == review_id))
    )
    if review is None:
        raise NotFound("该评审不存在，或您无权查看。")
    if review.status != "open":
        raise ValidationError("该评审已作出决定，不能再次处理。")
    if expected_version is not None and review.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)
    return review


def file_statement(uow: UnitOfWork, review_id: int, expected_version: int, statement: str) -> None:
    """The owner's 陈述 of what happened during development. Versioned: a statement
    written from a stale copy (the review changed meanwhile) is refused, not overwritten."""
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError("请填写陈述内容。", field="statement")
    if len(statement) > 4000:
        raise ValidationError("陈述不能超过 4000 字。", field="statement")
    with uow:
        review = _review(uow, review_id, expected_version)
        if review.owner_id != uow.actor.id:
            raise PermissionDenied("只有该客户的归属销售可以提交陈述。")
        review.statement, review.statement_at = statement, clock.now()
        uow.commit()


def decide(
    uow: UnitOfWork,
    review_id: int,
    expected_version: int,
    outcome: str,
    comments: str,
    *,
    new_deadline: date | None = None,
    new_owner_id: int | None = None,
) -> None:
    """The manager's decision. Deciding twice is refused."""
    actor = uow.actor
    if actor is None or actor.role not in roles.CAN_DECIDE_REVIEWS:
        raise PermissionDenied("只有销售主管或系统管理员可以作出评审决定。")
    if outcome not in OUTCOMES:
        raise ValidationError("请选择评审结果：延期、改派或回收。", field="outcome")
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError("请填写评审意见。", field="comments")
    today, now = clock.now().date(), clock.now()
    with uow:
        review = _review(uow, review_id, expected_version)
        customer = uow.session.get(Customer, review.customer_id)
        history = OwnershipChange(customer_id=customer.id, from_user_id=customer.owner_id,
                                  kind=HISTORY_KIND[outcome], at=now, by_id=actor.id,
                                  reason=f"评审{OUTCOMES[outcome]}：{comments}")  # fmt: skip
        if outcome == "extend":
            if new_deadline is None or new_deadline <= today:
                raise ValidationError("请填写晚于今天的新开发期限。", field="new_deadline")
            customer.dev_deadline = new_deadline
            history.to_user_id = customer.owner_id
        elif outcome == "reassign":
            target = uow.session.get(User, new_owner_id) if new_owner_id else None
            if (
                target is None
                or not target.is_active
                or target.role not in roles.CAN_OWN_CUSTOMERS
                or target.id == customer.owner_id
            ):
                raise ValidationError("请选择另一位在职的销售人员。", field="new_owner_id")
            if actor.role == Role.MANAGER and target.team_id != actor.team_id:
                raise PermissionDenied("只能改派给本团队的销售人员。")
            if customer.owner_id is not None:
                hand_over(uow, customer.id, customer.owner_id, target.id)
            customer.owner_id, customer.owner_since = target.id, now
            customer.dev_deadline = new_deadline if new_deadline and new_deadline > today else None
            history.to_user_id = target.id
        else:
            customer.owner_id, customer.owner_since, customer.is_in_pool = None, now, True
        review.status, review.outcome, review.comments = "decided", outcome, comments
        review.new_deadline, review.new_owner_id = new_deadline, new_owner_id
        review.decided_by_id, review.decided_at = actor.id, now
        uow.session.add(history)
        uow.commit()
