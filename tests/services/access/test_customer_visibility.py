"""Visibility (4.2.5): a role × operation matrix, 查阅授权 grants, and concurrency."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from app.services.core.errors import NotFound, PermissionDenied
from app.services.customers import grants, registration
from app.services.customers.card import get_customer
from app.services.customers.duplicates import DuplicateFound, check_duplicates
from app.services.customers.forms import ContactForm
from app.services.customers.recycle_bin import delete_customer
from app.services.customers.search import customer_rows, list_customer_ids, search_customers
from app.services.customers.updates import update_customer
from tests.services.customer_fixtures import fast_passwords, form, make_world, register


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    # c1: rep1 (一组), c2: rep2 (一组), c3: rep3 (二组). All names contain 枸杞.
    w.c1 = register(w, w.rep1, "甲枸杞贸易有限公司", phone="0951-5000001").customer_id
    w.c2 = register(w, w.rep2, "乙枸杞贸易有限公司", phone="0951-5000002").customer_id
    w.c3 = register(w, w.rep3, "丙枸杞贸易有限公司", phone="0951-5000003").customer_id
    return w


def _expected(w):
    every = {w.c1, w.c2, w.c3}
    return {
        "rep1": {w.c1},
        "rep2": {w.c2},
        "rep3": {w.c3},
        "manager": {w.c1, w.c2},
        "sales_admin": every,
        "chairman": every,
        "admin": every,
        "clerk": every,
    }


EDITORS = {"rep1": "c1", "rep2": "c2", "rep3": "c3", "manager": "c1 c2", "sales_admin": "c1 c2 c3", "admin": "c1 c2 c3", "chairman": "", "clerk": ""}  # fmt: skip


@pytest.mark.parametrize("role", list(EDITORS))
def test_role_operation_matrix(world, role):
    w = world
    actor = getattr(w, role)
    visible = _expected(w)[role]
    everyone = [w.c1, w.c2, w.c3]

    # get card
    for cid in everyone:
        if cid in visible:
            assert get_customer(w.uow(actor), cid).id == cid
        else:
            with pytest.raises(NotFound):
                get_customer(w.uow(actor), cid)
    # search: by text, pinyin, phone digits
    for text in ("枸杞", "gouqi", "50000"):
        found = {r.id for r in search_customers(w.uow(actor), text, 100)}
        assert found == visible, text
    # list ids for export / print, and rows for them
    assert set(list_customer_ids(w.uow(actor))) == visible
    assert {r.id for r in customer_rows(w.uow(actor), everyone)} == visible
    # update
    editable = {getattr(w, k) for k in EDITORS[role].split()}
    for cid in everyone:
        try:
            version = get_customer(w.uow(w.admin), cid).version
            update_customer(w.uow(actor), cid, version, {"remarks": f"{role} 改"})
            changed = True
        except (PermissionDenied, NotFound):
            changed = False
        assert changed == (cid in editable), cid


def test_duplicate_hit_hides_details_from_a_rep_who_cannot_see(world):
    w = world
    hits = check_duplicates(w.uow(w.rep3), form(w, "甲枸杞贸易"))
    assert [(h.customer_id, h.owner_name, h.customer_name) for h in hits] == [(w.c1, "张三", "")]
    hits = check_duplicates(w.uow(w.manager), form(w, "甲枸杞贸易"))
    assert hits[0].customer_name == "甲枸杞贸易有限公司"


def test_grant_on_one_customer(world, fake_clock):
    w = world
    until = fake_clock.current + timedelta(days=2)
    gid = grants.request_grant(w.uow(w.rep3), "协助跟进", until, customer_id=w.c1)
    with pytest.raises(NotFound):  # pending: nothing yet
        get_customer(w.uow(w.rep3), w.c1)
    for actor in (w.admin, w.sales_admin, w.manager, w.rep3):
        with pytest.raises(PermissionDenied):
            grants.decide_grant(w.uow(actor), gid, True)
    grants.decide_grant(w.uow(w.chairman), gid, True)
    card = get_customer(w.uow(w.rep3), w.c1)
    assert card.via_grant and not card.can_edit
    assert {r.id for r in search_customers(w.uow(w.rep3), "枸杞")} == {w.c1, w.c3}
    assert set(list_customer_ids(w.uow(w.rep3))) == {w.c1, w.c3}
    with pytest.raises(PermissionDenied):  # a grant is read-only
        update_customer(w.uow(w.rep3), w.c1, card.version, {"remarks": "x"})
    views = grants.list_views(w.uow(w.chairman), gid)
    assert [(v.user_name, v.customer_id) for v in views] == [("王五", w.c1)]
    # Own customer views are not logged.
    get_customer(w.uow(w.rep3), w.c3)
    assert len(grants.list_views(w.uow(w.chairman))) == 1
    # The grant ends at valid_until.
    fake_clock.advance(days=2, seconds=1)
    with pytest.raises(NotFound):
        get_customer(w.uow(w.rep3), w.c1)
    assert set(list_customer_ids(w.uow(w.rep3))) == {w.c3}


def test_grant_on_a_book_and_rejection(world, fake_clock):
    w = world
    until = fake_clock.current + timedelta(days=1)
    g1 = grants.request_grant(w.uow(w.rep3), "接手前熟悉", until, book_owner_id=w.rep2.id)
    g2 = grants.request_grant(w.uow(w.rep3), "看看", until, book_owner_id=w.rep1.id)
    grants.decide_grant(w.uow(w.chairman), g1, True, note="同意")
    grants.decide_grant(w.uow(w.chairman), g2, False, note="不同意")
    assert set(list_customer_ids(w.uow(w.rep3))) == {w.c2, w.c3}
    rows = {g.id: g for g in grants.list_grants(w.uow(w.rep3))}
    assert rows[g1].status_label == "已批准" and rows[g2].status_label == "已驳回"
    assert rows[g1].book_owner_name == "李四"
    assert len(grants.list_grants(w.uow(w.chairman), "approved")) == 1
    assert grants.list_grants(w.uow(w.rep1)) == []


def test_grant_request_validation(world, fake_clock):
    w = world
    until = fake_clock.current + timedelta(days=1)
    from app.services.core.errors import ValidationError

    with pytest.raises(ValidationError):
        grants.request_grant(w.uow(w.rep3), "", until, customer_id=w.c1)
    with pytest.raises(ValidationError):
        grants.request_grant(w.uow(w.rep3), "理由", fake_clock.current, customer_id=w.c1)
    with pytest.raises(ValidationError):
        grants.request_grant(w.uow(w.rep3), "理由", until, customer_id=w.c3)  # own
    with pytest.raises(PermissionDenied):
        grants.request_grant(w.uow(w.clerk), "理由", until, customer_id=w.c1)


def test_clerk_and_chairman_read_only(world):
    w = world
    for actor in (w.clerk, w.chairman):
        card = get_customer(w.uow(actor), w.c1)
        assert not card.can_edit
        with pytest.raises(PermissionDenied):
            delete_customer(w.uow(actor), w.c1, card.version)


def _race(world, barrier_after_check: bool, monkeypatch):
    """Two reps register the same company at the same moment."""
    w = world
    results, errors = [], []
    if barrier_after_check:
        barrier = threading.Barrier(2, timeout=20)
        real = registration.find_duplicates
        waited = set()

        def find_then_wait(uow, keys, exclude_id=None):
            hits = real(uow, keys, exclude_id)
            me = threading.get_ident()
            if me not in waited:
                waited.add(me)
                barrier.wait()  # both have passed the duplicate check
            return hits

        monkeypatch.setattr(registration, "find_duplicates", find_then_wait)

    def run(actor, name):
        try:
            results.append(register(w, actor, name, phone="0951-5012345"))
        except DuplicateFound as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(w.rep1, "宁夏红枸杞产业集团有限公司")),
        threading.Thread(target=run, args=(w.rep3, "宁夏红枸杞产业集团（有限公司）")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, errors


# PostgreSQL only: SQLite serializes writers with BEGIN IMMEDIATE (see the next test).
@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_concurrent_registration_exactly_one_wins_postgres(world, db, monkeypatch):
    results, errors = _race(world, True, monkeypatch)
    assert len(results) == 1 and len(errors) == 1
    winner = get_customer(world.uow(world.admin), results[0].customer_id)
    # The loser is told who won, and the winner's record is the only one.
    assert errors[0].hits[0].owner_name == winner.owner_name
    assert len(search_customers(world.uow(world.admin), "宁夏红")) == 1


def test_concurrent_registration_exactly_one_wins(world, monkeypatch):
    results, errors = _race(world, False, monkeypatch)
    assert len(results) == 1 and len(errors) == 1
    assert len(search_customers(world.uow(world.admin), "宁夏红")) == 1


def test_concurrent_numbers_are_unique(world):
    w = world
    numbers, failures = [], []

    def run(actor, prefix):
        for i in range(5):
            try:
                numbers.append(register(w, actor, f"{prefix}公司{i}号").number)
            except Exception as exc:  # pragma: no cover - reported below
                failures.append(exc)

    threads = [
        threading.Thread(target=run, args=(a, p)) for a, p in ((w.rep1, "东方"), (w.rep2, "西方"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    assert len(numbers) == 10 and len(set(numbers)) == 10


def test_printing_and_exporting_under_a_grant_are_logged(world, fake_clock, tmp_path):
    from app.services.core.uow import UnitOfWork
    from app.services.customers.lists import customers_source
    from app.services.lists import query as list_query
    from app.services.lists.excel_export import export_list
    from app.services.lists.spec import ListQuery

    w = world
    until = fake_clock() + timedelta(days=7)
    one = grants.request_grant(w.uow(w.rep3), "协助跟进", until, customer_id=w.c1)
    book = grants.request_grant(w.uow(w.rep3), "代管", until, book_owner_id=w.rep2.id)
    for gid in (one, book):
        grants.decide_grant(w.uow(w.chairman), gid, True)
    src = customers_source()

    def output(actor, action):
        uow = UnitOfWork(w.db, actor, write=False)
        ids = list_query.fetch_ids(uow, src, ListQuery())
        if action == "export":
            export_list(UnitOfWork(w.db, actor, write=False), src, ListQuery(), ["name"],
                        tmp_path / f"{actor.username}.xlsx")  # fmt: skip
        else:
            list_query.record_output(uow, src, ids, "print")
        return sorted(ids)

    assert output(w.rep3, "export") == sorted([w.c1, w.c2, w.c3])
    output(w.rep3, "print")
    views = [(v.customer_id, v.action) for v in grants.list_views(w.uow(w.chairman))]
    assert sorted(views) == sorted([(w.c1, "export"), (w.c2, "export"),
                                    (w.c1, "print"), (w.c2, "print")])  # fmt: skip
    by_grant = {gid: {v.customer_id for v in grants.list_views(w.uow(w.chairman), gid)}
                for gid in (one, book)}  # fmt: skip
    assert by_grant == {one: {w.c1}, book: {w.c2}}
    # Seeing by role (own customers, the team, every customer) is not a grant view.
    for actor in (w.rep1, w.manager, w.sales_admin, w.chairman):
        output(actor, "export")
    assert len(grants.list_views(w.uow(w.chairman))) == 4


def test_printing_the_address_book_under_a_grant_is_logged(world, fake_clock):
    from app.services.core.uow import UnitOfWork
    from app.services.customers import contacts
    from app.services.customers.contact_lists import contacts_source
    from app.services.lists import query as list_query
    from app.services.lists.spec import ListQuery

    w = world
    contacts.add_contact(w.uow(w.rep1), w.c1, ContactForm(name="刘经理", mobile="13909511234"))
    until = fake_clock() + timedelta(days=7)
    gid = grants.request_grant(w.uow(w.rep3), "协助跟进", until, customer_id=w.c1)
    grants.decide_grant(w.uow(w.chairman), gid, True)
    uow = UnitOfWork(w.db, w.rep3, write=False)
    ids = list_query.fetch_ids(uow, contacts_source(), ListQuery())
    assert ids  # rep3 sees the granted customer's contact
    list_query.record_output(uow, contacts_source(), ids, "print")
    assert [(v.customer_id, v.action) for v in grants.list_views(w.uow(w.chairman), gid)] == [
        (w.c1, "print")
    ]
