"""The customer search — name, short name, number, principal, pinyin, initials, phone digits,
or a live contact's — used by the customer lists and the lists of other domains that
search by customer; and the plain customer rows it returns.

UI entry points (each takes a fresh UnitOfWork(db, actor)):
  search_customers(uow, text, limit=50) -> list[CustomerRow]
  list_customer_ids(uow, text="", *, limit=None) -> list[int]
  customer_rows(uow, ids) -> list[CustomerRow]
List sources search with customer_search (a WindowedSearch) and show CUSTOMER_SEARCH_HINT."""

from __future__ import annotations

from sqlalchemy import or_, select, union

from app.models import Contact, Customer
from app.services.access.visibility import customer_scope
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.customers._internal import CustomerRow, rows_of
from app.services.lists.spec import WindowedSearch
from app.services.search.pinyin import search_clause, search_keys
from app.services.search.search_index import MIN_CHARS as FTS_MIN_CHARS
from app.services.search.search_index import fts_candidates

# Every customer-based list searches the same way and says so the same way.
CUSTOMER_SEARCH_HINT = "客户名称、拼音、首字母、电话或联系人"


def _shortest_term(text: str) -> int:
    keys = search_keys(text)
    return min((len(t) for t in (keys.text, keys.pinyin, keys.digits) if t), default=0)


def _indexed_where(text: str):
    """Customer columns match, or a live contact matches. Written as
    `id IN (matching customers UNION customers of matching contacts)` so that each side
    can use its search index (migration 0004: FTS5 on SQLite, pg_trgm on PostgreSQL).
    A list's first window may use _first_window_where instead (lists.query.fetch_first_ids)."""
    customer_cols, contact_cols = _search_columns()
    by_customer = select(Customer.id).where(
        search_clause(text, **customer_cols),
        fts_candidates(Customer.id, "customers_fts", text, **customer_cols),
    )
    by_contact = select(Contact.customer_id).where(
        Contact.deleted_at.is_(None),
        search_clause(text, **contact_cols),
        fts_candidates(Contact.id, "contacts_fts", text, **contact_cols),
    )
    parts = [by_customer.correlate(None), by_contact.correlate(None)]
    merged = _merged_number(text)
    if merged is not None:
        parts.append(merged)
    return Customer.id.in_(union(*parts))


def _merged_number(text: str):
    """The customer a record merged away went into, when `text` is that record's number
    (an old printout or export still leads to the customer, issue 20). Read from the
    table, not the entity, so that the soft-delete filter does not hide the merged row."""
    term = text.strip().upper()
    if len(term) < 4 or " " in term:
        return None
    t = Customer.__table__
    return select(t.c.merged_into_id).where(t.c.number == term, t.c.merged_into_id.is_not(None))


def _search_columns():
    customer_cols = dict(
        text_columns=(Customer.name, Customer.short_name, Customer.number, Customer.principal),
        pinyin_columns=(
            Customer.name_pinyin,
            Customer.name_initials,
            Customer.short_pinyin,
            Customer.short_initials,
        ),
        digit_columns=(Customer.phone_digits,),
    )
    contact_cols = dict(
        text_columns=(Contact.name,),
        pinyin_columns=(Contact.name_pinyin, Contact.name_initials),
        digit_columns=(Contact.phone_digits,),
    )
    return customer_cols, contact_cols


def _first_window_where(text: str):
    """_indexed_where(text) shaped for a list's first window.

    No trigram index finds fewer than 3 characters, so the usual form reads every
    customer and contact before the first row is shown (68,000 matches for 伟); a
    longer term found in many rows (a city's pinyin: 24,000) is looked up and sorted
    row by row too. As a per-row test (own columns, or a live contact of this customer
    matches), a first window of `ORDER BY … LIMIT 200` walks the sort index and stops
    at the 200th match: milliseconds for a common fragment. For a rare one it would walk
    every row, so listing tries it within a time budget (for 3+ characters only after
    the indexed form ran long) and falls back to _indexed_where.
    """
    customer_cols, contact_cols = _search_columns()
    by_contact_row = (
        select(Contact.id)
        .where(
            Contact.customer_id == Customer.id,
            Contact.deleted_at.is_(None),
            search_clause(text, **contact_cols),
        )
        # OFFSET 0 keeps PostgreSQL from turning the test into one scan of every
        # contact up front (a hashed subplan): each candidate row is looked up by its
        # customer_id instead, so the window stops early there too.
        .offset(0)
        .exists()
    )
    merged = _merged_number(text)
    return or_(
        search_clause(text, **customer_cols),
        by_contact_row,
        *([Customer.id.in_(merged.scalar_subquery())] if merged is not None else []),
    )


def _no_index_finds(text: str) -> bool:
    return _shortest_term(text) < FTS_MIN_CHARS


# THE customer search: customer_search(text) is a WHERE clause on Customer.id.
customer_search = WindowedSearch(
    where=_indexed_where, first_window=_first_window_where, applies=_no_index_finds
)


def search_customers(uow: UnitOfWork, text: str, limit: int = 50) -> list[CustomerRow]:
    """The search box: Chinese text, full pinyin, initials, phone digits (also of contacts).
    Only customers the actor may see."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        q = (
            select(Customer)
            .where(customer_scope(uow.actor), customer_search(text))
            .order_by(Customer.registered_on.desc(), Customer.id.desc())
            .limit(max(1, min(int(limit), 1000)))
        )
        return rows_of(uow, list(uow.session.scalars(q)))


def list_customer_ids(uow: UnitOfWork, text: str = "", *, limit: int | None = None) -> list[int]:
    """Ids (newest first) for lists, export and print: the same scope as every read."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        q = select(Customer.id).where(customer_scope(uow.actor))
        if text and text.strip():
            q = q.where(customer_search(text))
        q = q.order_by(Customer.registered_on.desc(), Customer.id.desc())
        if limit:
            q = q.limit(limit)
        return list(uow.session.scalars(q))


def customer_rows(uow: UnitOfWork, ids: list[int]) -> list[CustomerRow]:
    """Rows for the given ids, in that order; ids the actor may not see are left out."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        found = {
            c.id: c
            for c in uow.session.scalars(
                select(Customer).where(Customer.id.in_(ids), customer_scope(uow.actor))
            )
        }
        return rows_of(uow, [found[i] for i in ids if i in found])
