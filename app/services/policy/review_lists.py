"""评审 (规则 3) as a ListSource for the shared list component, and one review's detail.

Scope is exactly reviews.visible_reviews: the chairman, admin and sales admin see every review,
a manager the reviews of the team's reps, a rep only the rep's own. Decisions and
statements go through app.services.policy.reviews (which checks the role and refuses a second
decision); this module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.models import Customer, CustomerReview, Role, User
from app.models.review import REVIEW_STATUS
from app.services.access import roles
from app.services.core.errors import NotFound
from app.services.core.uow import Actor, UnitOfWork, logged_in
from app.services.customers.list_columns import customer_column
from app.services.lists.spec import Column, ListSource, text_search
from app.services.policy.reviews import OUTCOMES, visible_reviews

STATUS_LABELS = REVIEW_STATUS

_Owner = aliased(User, name="review_owner")
_Decider = aliased(User, name="review_decider")
_NewOwner = aliased(User, name="review_new_owner")


def _base(uow: UnitOfWork):
    actor = logged_in(uow)
    stmt = (
        select(CustomerReview.id)
        .select_from(CustomerReview)
        .join(Customer, Customer.id == CustomerReview.customer_id)
        .outerjoin(_Owner, _Owner.id == CustomerReview.owner_id)
        .outerjoin(_Decider, _Decider.id == CustomerReview.decided_by_id)
    )
    return visible_reviews(actor, stmt)


def _columns() -> list[Column]:
    return [
        customer_column(220),
        Column("owner", "归属销售", _Owner.full_name, groupable=True, filterable=True, width=80),
        Column("deadline", "开发期限", CustomerReview.deadline, kind="date", width=95),
        Column("opened_at", "进入评审", CustomerReview.opened_at, kind="datetime", width=125),
        Column("status", "状态", CustomerReview.status, labels=STATUS_LABELS, groupable=True,
               filterable=True, width=70),
        Column("statement", "陈述", CustomerReview.statement, width=200),
        Column("outcome", "结果", CustomerReview.outcome, labels=OUTCOMES, groupable=True,
               filterable=True, width=60),
        Column("comments", "意见", CustomerReview.comments, width=200),
        Column("decider", "决定人", _Decider.full_name, groupable=True, width=80, visible=False),
        Column("decided_at", "决定时间", CustomerReview.decided_at, kind="datetime", width=125,
               visible=False),
    ]  # fmt: skip


def reviews_source(actor: Actor | None = None) -> ListSource:
    """The review list. The screen starts it filtered to 待评审 (status "open")."""
    return ListSource(
        key="reviews",
        title="客户评审",
        id_expr=CustomerReview.id,
        base=_base,
        columns=_columns(),
        search=text_search(Customer.name, _Owner.full_name, CustomerReview.statement),
        search_hint="客户名称、归属销售或陈述",
        default_sort=[("opened_at", True)],
        default_date_key="opened_at",
        open_entity="review",
    )


@dataclass(frozen=True)
class ReviewDetail:
    id: int
    customer_id: int
    customer_name: str
    customer_number: str
    owner_id: int | None
    owner_name: str
    deadline: date
    opened_at: datetime
    status: str
    statement: str
    statement_at: datetime | None
    outcome: str
    comments: str
    new_deadline: date | None
    new_owner_name: str
    decided_by: str
    decided_at: datetime | None
    version: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome, "")

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def review_detail(uow: UnitOfWork, review_id: int) -> ReviewDetail:
    """One review the actor may see, for the detail pane and the decision dialog."""
    actor = logged_in(uow)
    with uow:
        q = visible_reviews(
            actor,
            select(CustomerReview, Customer.name, Customer.number, _Owner.full_name,
                   _Decider.full_name, _NewOwner.full_name)
            .join(Customer, Customer.id == CustomerReview.customer_id)
            .outerjoin(_Owner, _Owner.id == CustomerReview.owner_id)
            .outerjoin(_Decider, _Decider.id == CustomerReview.decided_by_id)
            .outerjoin(_NewOwner, _NewOwner.id == CustomerReview.new_owner_id)
            .where(CustomerReview.id == review_id),
        )  # fmt: skip
        found = uow.session.execute(q).first()
        if found is None:
            raise NotFound("该评审不存在，或您无权查看。")
        r, name, number, owner, decider, new_owner = found
        return ReviewDetail(
            r.id, r.customer_id, name, number or "", r.owner_id, owner or "", r.deadline,
            r.opened_at, r.status, r.statement, r.statement_at, r.outcome, r.comments,
            r.new_deadline, new_owner or "", decider or "", r.decided_at, r.version,
        )  # fmt: skip


def reassign_choices(uow: UnitOfWork, review: ReviewDetail) -> list[tuple[int, str]]:
    """改派 targets: active reps and managers other than the current owner; a manager
    only the own team's (as reviews.decide requires)."""
    actor = logged_in(uow)
    if actor.role not in roles.CAN_DECIDE_REVIEWS:
        return []
    with uow:
        q = select(User.id, User.full_name).where(
            User.is_active.is_(True), User.role.in_(roles.CAN_OWN_CUSTOMERS)
        )
        if review.owner_id is not None:
            q = q.where(User.id != review.owner_id)
        if actor.role == Role.MANAGER:
            q = q.where(User.team_id == actor.team_id)
        return list(uow.session.execute(q.order_by(User.full_name)).tuples())
