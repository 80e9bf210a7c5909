"""A record list's customer join asked as EXISTS (lists.pruning.joins_as_exists, used
for SQLite's first windows) finds exactly the rows of the join: for each role, with the
soft-deleted customer's records hidden, with a search term about the customer, and left
as a join when the sort needs the customer's columns. Run on both databases."""

import pytest
from sqlalchemy import select

from app.models import Customer
from app.services.core import hooks
from app.services.core.uow import UnitOfWork
from app.services.customers import recycle_bin
from app.services.customers.contact_lists import contacts_source
from app.services.customers.followup_lists import deals_source, follow_ups_source
from app.services.customers.forms import ContactForm
from app.services.lists import pruning
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from tests.services.customer_fixtures import (
    NXH,
    fast_passwords,
    make_world,
    records_of_every_kind,
    register,
)


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(db)

    def people(name, mobile):
        return [ContactForm(name=name, mobile=mobile, is_primary=True)]

    mine = register(w, w.rep1, NXH, contacts=people("马经理", "13900001111")).customer_id
    theirs = register(w, w.rep3, "银川枸杞贸易有限公司", phone="0951-7000001",
                      contacts=people("牛经理", "13900002222")).customer_id  # fmt: skip
    gone = register(w, w.rep1, "石嘴山化工有限公司", phone="0952-2000001",
                    contacts=people("杨经理", "13900003333")).customer_id  # fmt: skip
    for cid, owner in ((mine, w.rep1), (theirs, w.rep3), (gone, w.rep1)):
        records_of_every_kind(w, cid, owner, with_review=False)
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        version = uow.session.scalar(select(Customer.version).where(Customer.id == gone))
    recycle_bin.delete_customer(w.uow(w.admin), gone, version)
    w.ids = {"mine": mine, "theirs": theirs, "gone": gone}
    return w


def ids(w, actor, source, query: ListQuery, as_exists: bool) -> list[int]:
    """The list's ids as _ids reads them, with or without the EXISTS form."""
    with UnitOfWork(w.db, actor, write=False) as uow:
        order = list_query._order(source, query)
        stmt = list_query.filtered(uow, source, query)
        stmt = pruning.without_unused_joins(stmt, source.id_expr, *order)
        if as_exists:
            stmt = pruning.joins_as_exists(stmt, source.id_expr, *order)
        stmt = stmt.with_only_columns(source.id_expr).order_by(*order)
        sql = " ".join(str(stmt).split())
        rows = uow.session.execute(stmt.options(hooks.live_rows_only())).scalars().all()
        return rows, sql


@pytest.mark.parametrize("make", [contacts_source, follow_ups_source, deals_source])
def test_the_exists_form_finds_the_same_rows(world, make):
    w, source = world, make()
    for actor in (w.admin, w.sales_admin, w.manager, w.rep1, w.rep3):
        for query in (ListQuery(), ListQuery(search="石嘴山"), ListQuery(search="银川")):
            joined, _ = ids(w, actor, source, query, as_exists=False)
            asked, sql = ids(w, actor, source, query, as_exists=True)
            assert asked == joined, (actor.username, query.search)
            assert "EXISTS" in sql and "JOIN customers" not in sql
    # A rep never sees another rep's records, nor anyone the deleted customer's.
    mine, _ = ids(w, w.rep1, source, ListQuery(), as_exists=True)
    everything, _ = ids(w, w.admin, source, ListQuery(), as_exists=True)
    assert mine and len(mine) < len(everything)


def test_a_sort_by_the_customer_keeps_the_join(world):
    w, source = world, follow_ups_source()
    query = ListQuery(sort=(("customer", False),))  # by the customer's name
    joined, _ = ids(w, w.admin, source, query, as_exists=False)
    asked, sql = ids(w, w.admin, source, query, as_exists=True)
    assert asked == joined and "JOIN customers" in sql


def test_the_first_window_on_sqlite_uses_it(world):
    w, source = world, follow_ups_source()
    first = list(list_query.fetch_first_ids(UnitOfWork(w.db, w.rep1, write=False), source,
                                            ListQuery(), 50))  # fmt: skip
    joined, _ = ids(w, w.rep1, source, ListQuery(), as_exists=False)
    assert first == joined[:50]
