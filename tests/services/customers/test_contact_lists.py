"""The address book (通讯录) list source: visibility scope per role, search, drill-through."""

from datetime import timedelta

import pytest

from app.services.core import clock
from app.services.core.errors import NotFound
from app.services.core.uow import UnitOfWork
from app.services.customers import contacts, grants
from app.services.customers.contact_lists import contacts_source, customer_of_contact
from app.services.customers.forms import ContactForm
from app.services.lists import query as list_query
from app.services.lists import summaries
from app.services.lists.spec import ListQuery
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register


@pytest.fixture
def world(db, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.c1 = register(
        w, w.rep1, NXH, contacts=[ContactForm(name="单田芳", mobile="139 0951 2345")]
    ).customer_id
    contacts.add_contact(w.uow(w.rep1), w.c1, ContactForm(name="曾国藩", phone="0951-5111111"))
    w.c2 = register(
        w, w.rep2, "石嘴山煤业股份有限公司", contacts=[ContactForm(name="李红梅", qq="88776655")]
    ).customer_id
    w.c3 = register(
        w, w.rep3, "北京中关村软件有限公司", contacts=[ContactForm(name="单雄信", email="x@zgc.cn")]
    ).customer_id
    return w


def names(w, actor, query=None) -> list[str]:
    src = contacts_source()
    ids = list_query.fetch_ids(UnitOfWork(w.db, actor, write=False), src, query or ListQuery())
    rows = list_query.fetch_rows(UnitOfWork(w.db, actor, write=False), src, ids, ["name"])
    return sorted(r[1] for r in rows)


def test_each_role_sees_only_contacts_of_visible_customers(world):
    w = world
    assert names(w, w.rep1) == sorted(["单田芳", "曾国藩"])
    assert names(w, w.rep2) == ["李红梅"]
    assert names(w, w.rep3) == ["单雄信"]
    assert names(w, w.manager) == sorted(["单田芳", "曾国藩", "李红梅"])  # team 1
    everyone = sorted(["单田芳", "曾国藩", "李红梅", "单雄信"])
    for actor in (w.sales_admin, w.chairman, w.admin, w.clerk):
        assert names(w, actor) == everyone


@pytest.mark.parametrize(
    "text, found",
    [
        ("单田芳", ["单田芳"]),
        ("shantianfang", ["单田芳"]),  # polyphonic surname: both readings
        ("dantianfang", ["单田芳"]),
        ("stf", ["单田芳"]),
        ("zengguofan", ["曾国藩"]),
        ("zgf", ["曾国藩"]),
        ("5111111", ["曾国藩"]),  # landline digits, typed without the area code
        ("13909512345", ["单田芳"]),  # mobile typed without spaces
        ("枸杞", ["单田芳", "曾国藩"]),  # by the customer's name
        ("nxh", ["单田芳", "曾国藩"]),
        ("单", ["单田芳"]),  # 单雄信 belongs to another rep's customer
        ("88776655", []),  # another rep's contact's QQ: never found
        ("%_'\\", []),
    ],
)
def test_search_by_name_pinyin_initials_and_phone_stays_in_scope(world, text, found):
    assert names(world, world.rep1, ListQuery(search=text)) == sorted(found)


def test_sales_admin_search_covers_everyone(world):
    w = world
    assert names(w, w.sales_admin, ListQuery(search="单")) == ["单田芳", "单雄信"]
    assert names(w, w.sales_admin, ListQuery(search="88776655")) == ["李红梅"]


def test_columns_show_customer_position_and_primary_flag(world):
    w = world
    src = contacts_source()
    uow = UnitOfWork(w.db, w.rep1, write=False)
    ids = list_query.fetch_ids(uow, src, ListQuery(sort=(("name", False),)))
    keys = ["name", "customer", "position", "mobile", "phone", "is_primary"]
    rows = list_query.fetch_rows(UnitOfWork(w.db, w.rep1, write=False), src, ids, keys)
    by_name = {r[1]: r for r in rows}
    assert by_name["单田芳"][2] == NXH
    assert by_name["单田芳"][6] is True and by_name["曾国藩"][6] is False
    assert src.column("is_primary").display(True) == "是"
    assert src.open_entity == "contact"


def test_deleted_contact_disappears(world):
    w = world
    kid = next(r.id for r in contacts.list_contacts(w.uow(w.rep1), w.c1) if r.name == "曾国藩")
    contacts.delete_contact(w.uow(w.rep1), kid)
    assert names(w, w.rep1) == ["单田芳"]


def test_grant_opens_the_other_reps_contacts_until_it_ends(world, fake_clock):
    w = world
    gid = grants.request_grant(
        w.uow(w.rep3), "协助跟进", clock.now() + timedelta(days=3), customer_id=w.c1
    )
    assert names(w, w.rep3) == ["单雄信"]
    grants.decide_grant(w.uow(w.chairman), gid, True)
    assert names(w, w.rep3) == sorted(["单田芳", "曾国藩", "单雄信"])
    fake_clock.advance(days=4)
    assert names(w, w.rep3) == ["单雄信"]


def test_customer_of_contact_is_scoped(world):
    w = world
    kid = next(iter(r.id for r in contacts.list_contacts(w.uow(w.rep1), w.c1)))
    assert customer_of_contact(UnitOfWork(w.db, w.rep1, write=False), kid) == w.c1
    with pytest.raises(NotFound):
        customer_of_contact(UnitOfWork(w.db, w.rep3, write=False), kid)


def test_export_and_summary_hold_only_visible_contacts(world, tmp_path):
    import openpyxl

    from app.services.lists.excel_export import export_list

    w = world
    src = contacts_source()
    path = tmp_path / "book.xlsx"
    export_list(UnitOfWork(w.db, w.rep1, write=False), src, ListQuery(), ["name", "customer"], path)
    sheet = openpyxl.load_workbook(path).active
    assert [c.value for c in sheet[1]] == ["姓名", "客户"]
    assert sorted(c.value for c in sheet["A"][1:]) == sorted(["单田芳", "曾国藩"])
    s = summaries.summarize(UnitOfWork(w.db, w.rep1, write=False), src, ListQuery(), ["customer"])
    assert [(r.labels, r.count) for r in s.rows] == [((NXH,), 2)]
    # Asking for another rep's contact ids directly returns nothing for them.
    theirs = list_query.fetch_ids(UnitOfWork(w.db, w.rep3, write=False), src, ListQuery())
    rows = list_query.fetch_rows(UnitOfWork(w.db, w.rep1, write=False), src, theirs, ["name"])
    assert rows == [None]
