"""Who may see and change which customers (4.2.5). Every customer read goes through here.

    q = select(Customer).where(customer_scope(uow.actor))

  sales rep   → own customers, plus customers under an approved, unexpired 查阅授权
                (one customer, or another rep's whole book)
  manager     → customers owned by members of the manager's team (users.team_id), and
                the manager's own; plus approved grants like a rep
  sales admin, chairman, admin → all customers
  clerk       → all customers, read only: the visit workflow (回访) starts from
                查询客户资料库 and the clerk archives visit records for any customer.
                Clerks never edit a customer (edit_scope is empty for them).

Pool customers (公海, owner_id NULL) are not in a rep's customer_scope; the pool screen
uses pool_scope(), which shows them to every sales role.
Soft-deleted customers are hidden by the session's soft-delete filter; the recycle bin
reads them with include_deleted and the same scope.
"""

from __future__ import annotations

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement, True_

from app.models import AccessGrant, Customer, Role, User
from app.services.access import roles
from app.services.core import clock
from app.services.core.errors import NotFound, PermissionDenied
from app.services.core.uow import Actor, UnitOfWork


def _team_members(actor: Actor):
    return select(User.id).where(User.team_id == actor.team_id).scalar_subquery()


def own_scope(actor: Actor | None) -> ColumnElement[bool]:
    """What the actor sees by role alone, without grants."""
    if actor is None:
        return false()
    if actor.role in roles.SEES_ALL_CUSTOMERS:
        return true()
    if actor.role == Role.MANAGER:
        if actor.team_id is None:
            return Customer.owner_id == actor.id
        return or_(Customer.owner_id == actor.id, Customer.owner_id.in_(_team_members(actor)))
    if actor.role == Role.SALES_REP:
        return Customer.owner_id == actor.id
    return false()


def active_grants(actor: Actor):
    """Approved, unexpired grants of the actor (a select of AccessGrant)."""
    return select(AccessGrant).where(
        AccessGrant.requester_id == actor.id,
        AccessGrant.status == "approved",
        AccessGrant.valid_until > clock.now(),
    )


def grant_scope(actor: Actor | None) -> ColumnElement[bool]:
    if actor is None or actor.role in roles.SEES_ALL_CUSTOMERS:
        return false()
    now = clock.now()
    base = and_(
        AccessGrant.requester_id == actor.id,
        AccessGrant.status == "approved",
        AccessGrant.valid_until > now,
    )
    by_customer = select(AccessGrant.customer_id).where(base, AccessGrant.customer_id.is_not(None))
    by_book = select(AccessGrant.book_owner_id).where(base, AccessGrant.book_owner_id.is_not(None))
    return or_(Customer.id.in_(by_customer), Customer.owner_id.in_(by_book))


def customer_scope(actor: Actor | None) -> ColumnElement[bool]:
    """THE read filter for customers (and everything hanging off a customer)."""
    if actor is None:
        return false()
    if actor.role in roles.SEES_ALL_CUSTOMERS:
        return true()
    return or_(own_scope(actor), grant_scope(actor))


def edit_scope(actor: Actor | None) -> ColumnElement[bool]:
    """Customers the actor may change. Grants are read-only; clerk and chairman edit nothing."""
    if actor is None:
        return false()
    if actor.role in roles.EDITS_ALL_CUSTOMERS:
        return true()
    if actor.role in roles.CAN_OWN_CUSTOMERS:
        return own_scope(actor)
    return false()


def ids_within(scope: ColumnElement[bool], *id_columns) -> ColumnElement[bool]:
    """Records that name customers by id (a plan, a record, a pair, a proposal, a merge):
    every named customer within `scope` (customer_scope, edit_scope …). Nothing to test
    when the scope is everyone, so a list of a million rows is not filtered row by row.
    Each is an EXISTS on the customer's primary key, correlated to the record, not an IN
    over every customer in scope: a list read newest first stops after its first window
    instead of collecting a team's quarter of a million customers first."""
    if isinstance(scope, True_):
        return true()
    return and_(*(
        select(Customer.id).where(Customer.id == col, scope).correlate_except(Customer).exists()
        for col in id_columns
    ))  # fmt: skip


def pool_scope(actor: Actor | None) -> ColumnElement[bool]:
    """Pool (公海) customers, for the pool screen: every sales role sees them."""
    if actor is None or actor.role == Role.CLERK:
        return false()
    # An equality (the column is never NULL): PostgreSQL serves only `=` from an index.
    return Customer.is_in_pool == True  # noqa: E712


def grant_for(session, actor: Actor, customer: Customer) -> int | None:
    """The id of the grant through which `actor` sees `customer`, or None when the actor
    sees it by role (or not at all)."""
    if actor.role in roles.SEES_ALL_CUSTOMERS:
        return None
    if customer.owner_id == actor.id:
        return None
    if actor.role == Role.MANAGER and actor.team_id is not None:
        team = session.scalar(select(User.team_id).where(User.id == customer.owner_id))
        if team == actor.team_id:
            return None
    return session.scalar(
        active_grants(actor)
        .where(
            or_(
                AccessGrant.customer_id == customer.id,
                and_(
                    AccessGrant.book_owner_id.is_not(None),
                    AccessGrant.book_owner_id == customer.owner_id,
                ),
            )
        )
        .with_only_columns(AccessGrant.id)
        .order_by(AccessGrant.valid_until.desc())
        .limit(1)
    )


NOT_VISIBLE = "客户不存在，或您无权查看该客户。"


def customer_of_record(uow: UnitOfWork, model, record_id: int, not_found: str) -> int:
    """The customer a record hanging off a customer (a contact, follow-up, deal) belongs
    to, if the actor may see that customer; else NotFound(`not_found`)."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        customer_id = uow.session.scalar(
            select(Customer.id)
            .join(model, model.customer_id == Customer.id)
            .where(model.id == record_id, customer_scope(uow.actor))
        )
    if customer_id is None:
        raise NotFound(not_found)
    return customer_id
