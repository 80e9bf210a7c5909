"""Registration, duplicate check (规则 1), numbering, search — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from app.services.admin import code_tables
from app.services.core import settings
from app.services.core.errors import PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers.card import get_customer
from app.services.customers.duplicates import DuplicateFound, check_duplicates
from app.services.customers.forms import ContactForm
from app.services.customers.recycle_bin import delete_customer
from app.services.customers.registration import register_customer
from app.services.customers.search import list_customer_ids, search_customers
from tests.services.customer_fixtures import NXH, fast_passwords, form, make_world, register


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    return make_world(db)


def test_register_sets_number_keys_pinyin_and_history(world):
    res = register(world, world.rep1, phone="0951-5012345", capital="500万")
    assert res.number == "KH202600001"
    card = get_customer(world.uow(world.rep1), res.customer_id)
    assert card.owner_name == "张三"
    assert card.registered_by_name == "张三"
    assert card.capital_amount == Decimal("5000000.00") and card.capital_unit == "万元"
    assert card.form.capital == "500万"
    assert card.labels["type_id"] == "企业"
    assert card.labels["coop_status_id"] == "待开发考察"
    assert [h.kind for h in card.ownership] == ["登记"]
    assert card.dev_deadline.isoformat() == "2026-09-02"
    assert register(world, world.rep1, "另一家公司").number == "KH202600002"


@pytest.mark.parametrize(
    "other",
    [
        "宁夏红枸杞产业集团（有限公司）",
        "宁夏红 枸杞产业集团",
        "宁夏红枸杞产业集团",
        "ＮＩＮＧ 宁夏红枸杞产业集团有限公司"[5:],
    ],
)
def test_duplicate_names_detected(world, other):
    register(world, world.rep1)
    with pytest.raises(DuplicateFound) as err:
        register(world, world.rep3, other)
    hit = err.value.hits[0]
    assert err.value.field == "name"
    assert hit.owner_name == "张三" and hit.status == "owned"
    # The other rep learns who and since when, but not the record's details.
    assert hit.customer_name == "" and hit.customer_number == ""
    assert "张三" in err.value.message and "2026-03-02" in err.value.message


@pytest.mark.parametrize(
    "phone", ["0951-5012345", "(0951)5012345", "09515012345", "（0951）501 2345"]
)
def test_duplicate_phone_spellings_detected(world, phone):
    register(world, world.rep1, phone="0951-5012345")
    with pytest.raises(DuplicateFound) as err:
        register(world, world.rep3, "完全不同的名字", phone=phone)
    assert err.value.field == "phone"
    assert err.value.hits[0].kind == "phone"


def test_duplicate_mobile_email_and_domain(world):
    register(
        world, world.rep1, principal_mobile="+86 138 0013 8000",
        email="Sales@NXH.com.cn", website="https://www.nxh.com.cn/about",
    )  # fmt: skip
    for kw, field in (
        ({"phone": "13800138000"}, "phone"),
        ({"email": "sales@nxh.com.cn"}, "email"),
        ({"website": "shop.nxh.com.cn"}, "website"),
    ):
        with pytest.raises(DuplicateFound) as err:
            register(world, world.rep2, "别的名字", **kw)
        assert err.value.field == field


def test_duplicate_in_recycle_bin_and_own(world):
    res = register(world, world.rep1)
    with pytest.raises(DuplicateFound) as err:
        register(world, world.rep1, "宁夏红枸杞产业集团")
    assert err.value.hits[0].status == "mine"
    assert err.value.hits[0].customer_number == res.number  # own record: may see it
    card = get_customer(world.uow(world.sales_admin), res.customer_id)
    delete_customer(world.uow(world.sales_admin), res.customer_id, card.version)
    with pytest.raises(DuplicateFound) as err:
        register(world, world.rep2, "宁夏红枸杞产业集团")
    assert err.value.hits[0].status == "deleted"
    assert "回收站" in err.value.message


def test_live_check_is_lenient(world):
    register(world, world.rep1, phone="0951-5012345")
    hits = check_duplicates(world.uow(world.rep3), form(world, "宁夏红", phone="0951-501234x"))
    assert hits == []
    hits = check_duplicates(world.uow(world.rep3), form(world, "宁夏红枸杞产业"))
    assert len(hits) == 1 and hits[0].customer_name == ""


def test_manager_override_records_reason(world):
    register(world, world.rep1)
    with pytest.raises(PermissionDenied):
        register_customer(world.uow(world.rep2), form(world), override_reason="想要")
    res = register_customer(
        world.uow(world.manager), form(world, owner_id=world.rep2.id), override_reason="董事长指示"
    )
    assert res.overridden
    card = get_customer(world.uow(world.manager), res.customer_id)
    assert card.ownership[0].reason == "公司特别指派：董事长指示"
    assert card.owner_name == "李四"
    # A third registration is still blocked (by the first record).
    with pytest.raises(DuplicateFound):
        register(world, world.rep3)


def test_late_registration_flag(world, fake_clock):
    late = register(
        world, world.rep1, "甲公司", first_contact_at=fake_clock.current - timedelta(hours=25)
    )
    ok = register(
        world, world.rep1, "乙公司", first_contact_at=fake_clock.current - timedelta(hours=23)
    )
    assert late.late_registration and not ok.late_registration


def test_first_contact_is_required_where_the_24_hour_rule_depends_on_it(world):
    """A new customer needs 首次接触时间; one from the company's own archive (客户来源 01)
    does not, and neither does an import (an existing archive's contacts are unknown)."""
    with pytest.raises(ValidationError, match="首次接触时间") as err:
        register(world, world.rep1, "丙公司", first_contact_at=None)
    assert "first_contact_at" in {e.field for e in err.value.every}
    with UnitOfWork(world.db, world.admin) as uow:
        archive = code_tables.find_item(uow, "source", "01")
    res = register(world, world.rep1, "丙公司", first_contact_at=None, source_id=archive)
    assert not res.late_registration
    # Editing a customer that has none does not ask for it.
    card = get_customer(world.uow(world.rep1), res.customer_id)
    assert card.form.first_contact_at is None


def test_number_pattern_setting(world):
    settings.update_settings(
        UnitOfWork(world.db, world.admin), {"customers.number_pattern": "C{yy}{mm}-{seq:03}"}
    )
    assert register(world, world.rep1).number == "C2603-001"
    assert register(world, world.rep1, "另一家").number == "C2603-002"


@pytest.mark.parametrize(
    "pattern, message",
    [("", "请填写编号格式"), ("KH{yyyy}", "必须且只能包含一个序号"), ("KH{year}{seq}", "只能使用")],
)
def test_a_bad_number_pattern_is_refused_when_saved(world, pattern, message):
    with pytest.raises(ValidationError, match=message) as err:
        settings.update_settings(world.uow(world.admin), {"customers.number_pattern": pattern})
    assert err.value.field == "customers.number_pattern"
    # Nothing stored: registration still numbers with the default pattern.
    assert register(world, world.rep1).number.startswith("KH2026")


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "😀😀😀"}, "name"),
        ({"name": "宁夏😀公司"}, "name"),
        ({"name": "宁" * 500}, "name"),
        ({"source_id": None}, "source_id"),
        ({"phone": "0951-50"}, "phone"),
        ({"phone": "电话号码"}, "phone"),
        ({"principal_mobile": "1380013800"}, "principal_mobile"),
        ({"email": "sales@"}, "email"),
        ({"email": "a b@c.com"}, "email"),
        ({"website": "http://不是网址"}, "website"),
        ({"website": "nxh"}, "website"),
        ({"capital": "很多钱"}, "capital"),
        ({"capital": "-5"}, "capital"),
        ({"capital": "500万块"}, "capital"),
        ({"age": "abc"}, "age"),
        ({"gender": "未知"}, "gender"),
        ({"latitude": 200}, "latitude"),
    ],
)
def test_bad_input_names_field_and_saves_nothing(world, kw, field):
    values = {"name": "宁夏好公司", **kw}
    with pytest.raises(ValidationError) as err:
        register_customer(world.uow(world.rep1), form(world, **values))
    assert err.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.message)
    assert list_customer_ids(world.uow(world.sales_admin)) == []


def test_bad_contact_saves_nothing(world):
    f = form(world, contacts=[ContactForm(name="王经理", mobile="123")])
    with pytest.raises(ValidationError) as err:
        register_customer(world.uow(world.rep1), f)
    assert err.value.field == "contacts[0].mobile"
    assert list_customer_ids(world.uow(world.sales_admin)) == []
    # and the number was not used up
    assert register(world, world.rep1).number == "KH202600001"


@pytest.mark.parametrize(
    "text, expected",
    [("500万", ("5000000.00", "万元")), ("5,000,000", ("5000000.00", "元")),
     ("50万元", ("500000.00", "万元")), ("1亿", ("100000000.00", "亿元")),
     ("100万美元", ("1000000.00", "万美元"))],
)  # fmt: skip
def test_registered_capital_forms(world, text, expected):
    res = register(world, world.rep1, capital=text)
    card = get_customer(world.uow(world.rep1), res.customer_id)
    assert (str(card.capital_amount), card.capital_unit) == expected
    assert card.form.capital == text


@pytest.mark.parametrize("text", ["nxh", "ningxiahong", "枸杞", "5012345", "NXH", "0951-501"])
def test_search_finds_by_initials_pinyin_text_and_phone(world, text):
    register(world, world.rep1, phone="0951-5012345")
    register(world, world.rep1, "银川新华百货商店", phone="0951-6000000")
    rows = search_customers(world.uow(world.rep1), text, 10)
    assert [r.name for r in rows] == [NXH]


def test_search_finds_contacts_and_polyphonic_surnames(world):
    register(
        world, world.rep1,
        contacts=[ContactForm(name="曾小贤", mobile="13912345678")],
    )  # fmt: skip
    for text in ("zengxiaoxian", "cengxiaoxian", "zxx", "曾小", "1391234"):
        assert [r.name for r in search_customers(world.uow(world.rep1), text)] == [NXH]


def test_personal_customer_name_is_not_a_duplicate_key(world):
    with UnitOfWork(world.db, world.admin) as uow:
        from app.services.admin import code_tables

        personal = code_tables.find_item(uow, "customer_type", "P")
    register(world, world.rep1, "张伟", type_id=personal, phone="13800000001")
    res = register(world, world.rep3, "张伟", type_id=personal, phone="13800000002")
    card = get_customer(world.uow(world.rep3), res.customer_id)
    assert card.is_personal and card.form.person_name == "张伟"


def test_only_sales_roles_register(world):
    for actor in (world.clerk, world.chairman):
        with pytest.raises(PermissionDenied):
            register(world, actor)
    with pytest.raises(ValidationError) as err:
        register(world, world.sales_admin)  # must name the owner
    assert err.value.field == "owner_id"
    res = register(world, world.sales_admin, owner_id=world.rep3.id)
    card = get_customer(world.uow(world.rep3), res.customer_id)
    assert card.owner_name == "王五" and card.registered_by_name == "李内勤"
    with pytest.raises(PermissionDenied):
        register(world, world.manager, "别人的客户", owner_id=world.rep3.id)  # other team
    with pytest.raises(PermissionDenied):
        register(world, world.rep1, "替别人登记", owner_id=world.rep2.id)


def test_first_contact_in_future_rejected(world, fake_clock):
    with pytest.raises(ValidationError) as err:
        register(world, world.rep1, first_contact_at=fake_clock.current + timedelta(days=1))
    assert err.value.field == "first_contact_at"
    assert isinstance(fake_clock.current, datetime)


def test_a_form_is_checked_as_a_whole(world):
    """Every bad field is reported at once (err.every), each at its field; the first is
    the error itself, so callers that show one message keep working."""
    from app.services.core.errors import ValidationError
    from app.services.customers.forms import CustomerForm
    from app.services.customers.registration import register_customer

    form = CustomerForm(name="宁", email="bad@", phone="12", age="abc")
    with pytest.raises(ValidationError) as caught:
        register_customer(UnitOfWork(world.db, world.rep1), form)
    fields = [e.field for e in caught.value.every]
    assert fields[0] == caught.value.field == "name"
    assert set(fields) >= {"name", "email", "phone", "source_id", "age"}


def test_the_sales_admin_checks_each_registration(world, fake_clock):
    """核对 (4.3.2): new registrations wait in 待核对; after a week unchecked they are a
    reminder for the sales admin; checking them (a batch on the list) ends it."""
    from app.services.customers.lists import customers_source
    from app.services.customers.registration import verify_registrations
    from app.services.lists import query as list_query
    from app.services.lists.spec import ListQuery
    from app.services.reminders import registry as reminders

    w = world
    cid = register(w, w.rep1).customer_id

    def checking(actor):
        items = reminders.collect(UnitOfWork(w.db, actor)).items
        return [r.target.record_id for r in items if r.kind == "registration_check"]

    src = customers_source()
    q = ListQuery(filters=(("verified", (False,)),))
    assert list(list_query.fetch_ids(UnitOfWork(w.db, w.sales_admin), src, q)) == [cid]
    assert checking(w.sales_admin) == []  # within the week
    fake_clock.advance(days=7, hours=1)
    assert checking(w.sales_admin) == [cid] and checking(w.rep1) == []
    with pytest.raises(PermissionDenied):
        verify_registrations(UnitOfWork(w.db, w.rep1), [cid])
    verify = next(a for a in src.batch_actions if a.key == "verify")
    assert verify.run(UnitOfWork(w.db, w.sales_admin), [cid]).done == 1
    assert verify.run(UnitOfWork(w.db, w.sales_admin), [cid]).done == 0  # already checked
    assert checking(w.sales_admin) == []
    assert list(list_query.fetch_ids(UnitOfWork(w.db, w.sales_admin), src, q)) == []
