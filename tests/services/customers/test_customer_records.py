"""Update with optimistic locking, change requests (规则 9), recycle bin, contacts and the
address book, code tables, extra fields — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from app.services.admin import code_table_editing, code_tables, extra_fields
from app.services.core import settings
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers import change_requests, contacts
from app.services.customers.card import get_customer
from app.services.customers.duplicates import DuplicateFound
from app.services.customers.forms import ContactForm
from app.services.customers.recycle_bin import delete_customer, list_recycle_bin, restore_customer
from app.services.customers.search import search_customers
from app.services.customers.updates import update_customer
from tests.services.customer_fixtures import NXH, fast_passwords, form, make_world, register


@pytest.fixture
def world(db, fake_clock, monkeypatch):
    fast_passwords(monkeypatch)
    return make_world(db)


def card(w, actor, cid):
    return get_customer(w.uow(actor), cid)


# --- update ------------------------------------------------------------------------


def test_update_with_optimistic_locking_and_keys(world):
    w = world
    # The office lets reps change key fields directly (change approval switched off).
    settings.update_settings(UnitOfWork(w.db, w.admin), {"customers.change_approval": 0})
    cid = register(w, w.rep1, phone="0951-5012345").customer_id
    v = card(w, w.rep1, cid).version
    res = update_customer(
        w.uow(w.rep1),
        cid,
        v,
        {"name": "宁夏红枸杞集团", "phone": "0951-6000000", "demand": "枸杞原浆"},
    )
    assert set(res.applied) == {"name", "phone", "demand"} and res.change_request_id is None
    with pytest.raises(ConflictError):  # stale copy
        update_customer(w.uow(w.rep1), cid, v, {"remarks": "晚了"})
    # Keys follow the new values: the old phone is free, the new one is taken.
    register(w, w.rep2, "别家", phone="0951-5012345")
    with pytest.raises(DuplicateFound):
        register(w, w.rep2, "又一家", phone="09516000000")
    assert [r.id for r in search_customers(w.uow(w.rep1), "6000000")] == [cid]
    assert search_customers(w.uow(w.rep1), "nxhgq")[0].id == cid


def test_update_to_another_customers_name_is_refused(world):
    w = world
    register(w, w.rep1)
    other = register(w, w.rep1, "银川新华百货").customer_id
    with pytest.raises(DuplicateFound) as err:
        update_customer(
            w.uow(w.rep1), other, card(w, w.rep1, other).version, {"name": "宁夏红枸杞产业集团"}
        )
    assert err.value.field == "name"


def test_update_validation_saves_nothing(world):
    w = world
    cid = register(w, w.rep1).customer_id
    c = card(w, w.rep1, cid)
    with pytest.raises(ValidationError) as err:
        update_customer(w.uow(w.rep1), cid, c.version, {"remarks": "好", "email": "x@"})
    assert err.value.field == "email"
    assert card(w, w.rep1, cid).form.remarks == "" and card(w, w.rep1, cid).version == c.version


def test_change_request_path(world):
    w = world
    settings.update_settings(UnitOfWork(w.db, w.admin), {"customers.change_approval": 1})
    cid = register(w, w.rep1, phone="0951-5012345").customer_id
    res = update_customer(
        w.uow(w.rep1),
        cid,
        card(w, w.rep1, cid).version,
        {"phone": "0951-5099999", "remarks": "改备注", "address": "银川市金凤区"},
    )
    assert res.applied == ["remarks"] and set(res.pending) == {"phone", "address"}
    c = card(w, w.rep1, cid)
    assert c.form.phone == "0951-5012345" and c.form.remarks == "改备注"
    assert c.pending_change_requests == 1
    # A manager's edit is direct.
    update_customer(w.uow(w.manager), cid, c.version, {"fax": "0951-5000000"})
    with pytest.raises(PermissionDenied):
        change_requests.approve_change_request(w.uow(w.rep1), res.change_request_id)
    pending = change_requests.list_change_requests(w.uow(w.sales_admin))
    assert len(pending) == 1
    diff = {d.label: (d.old, d.new) for d in pending[0].diff}
    assert diff["电话"] == ("0951-5012345", "0951-5099999")
    assert change_requests.list_change_requests(w.uow(w.rep2)) == []
    change_requests.approve_change_request(w.uow(w.sales_admin), res.change_request_id, "核实")
    c = card(w, w.rep1, cid)
    assert c.form.phone == "0951-5099999" and c.form.address == "银川市金凤区"
    assert c.form.fax == "0951-5000000"
    assert [r.id for r in search_customers(w.uow(w.rep1), "5099999")] == [cid]
    with pytest.raises(ValidationError):
        change_requests.reject_change_request(w.uow(w.sales_admin), res.change_request_id)


def test_change_request_stale_and_reject(world):
    w = world
    settings.update_settings(UnitOfWork(w.db, w.admin), {"customers.change_approval": 1})
    cid = register(w, w.rep1).customer_id
    r1 = update_customer(w.uow(w.rep1), cid, card(w, w.rep1, cid).version, {"principal": "王总"})
    update_customer(w.uow(w.sales_admin), cid, card(w, w.rep1, cid).version, {"principal": "李总"})
    with pytest.raises(ConflictError):
        change_requests.approve_change_request(w.uow(w.sales_admin), r1.change_request_id)
    change_requests.reject_change_request(
        w.uow(w.sales_admin), r1.change_request_id, "已由内勤更新"
    )
    rows = change_requests.list_change_requests(w.uow(w.rep1), None)
    assert rows[0].status_label == "已驳回" and rows[0].note == "已由内勤更新"
    assert card(w, w.rep1, cid).form.principal == "李总"


def test_recycle_bin(world):
    w = world
    cid = register(w, w.rep1).customer_id
    with pytest.raises(PermissionDenied):
        delete_customer(w.uow(w.rep1), cid, card(w, w.rep1, cid).version)
    delete_customer(w.uow(w.manager), cid, card(w, w.rep1, cid).version)
    with pytest.raises(NotFound):
        card(w, w.rep1, cid)
    assert search_customers(w.uow(w.sales_admin), "nxh") == []
    assert [r.id for r in list_recycle_bin(w.uow(w.sales_admin))] == [cid]
    assert list_recycle_bin(w.uow(w.manager))[0].name == NXH
    restore_customer(w.uow(w.sales_admin), cid)
    assert card(w, w.rep1, cid).id == cid


# --- contacts --------------------------------------------------------------------------


def test_contacts_one_primary_and_address_book(world):
    w = world
    cid = register(
        w, w.rep1, contacts=[ContactForm(name="单田芳", mobile="13900000001")]
    ).customer_id
    other = register(w, w.rep3, "外组公司", contacts=[ContactForm(name="单雄信")]).customer_id
    first = card(w, w.rep1, cid).contacts[0]
    assert first.is_primary
    k2 = contacts.add_contact(w.uow(w.rep1), cid, ContactForm(name="曾国藩", phone="0951-5111111"))
    k3 = contacts.add_contact(
        w.uow(w.rep1), cid, ContactForm(name="区先生", is_primary=True, qq="123456")
    )
    rows = contacts.list_contacts(w.uow(w.rep1), cid)
    assert [(r.name, r.is_primary) for r in rows] == [
        ("区先生", True),
        ("单田芳", False),
        ("曾国藩", False),
    ]
    contacts.set_primary(w.uow(w.rep1), k2)
    assert [r.id for r in contacts.list_contacts(w.uow(w.rep1), cid) if r.is_primary] == [k2]
    contacts.delete_contact(w.uow(w.rep1), k2)
    rows = contacts.list_contacts(w.uow(w.rep1), cid)
    assert len(rows) == 2 and sum(r.is_primary for r in rows) == 1
    # Address book: only visible customers' contacts; polyphonic surnames both ways.
    for text in ("shan", "dantianfang", "stf", "单"):
        names = {r.name for r in contacts.address_book(w.uow(w.rep1), text)}
        assert names == {"单田芳"}, text
    assert {r.name for r in contacts.address_book(w.uow(w.rep1))} == {"单田芳", "区先生"}
    assert {r.name for r in contacts.address_book(w.uow(w.rep1), "ouxiansheng")} == {"区先生"}
    assert {r.name for r in contacts.address_book(w.uow(w.sales_admin), "单")} == {
        "单田芳",
        "单雄信",
    }
    with pytest.raises((PermissionDenied, NotFound)):
        contacts.add_contact(w.uow(w.rep1), other, ContactForm(name="偷看"))
    with pytest.raises(ValidationError) as err:
        contacts.add_contact(w.uow(w.rep1), cid, ContactForm(name="坏QQ", qq="abc"))
    assert err.value.field == "qq"
    v = [r for r in contacts.list_contacts(w.uow(w.rep1), cid) if r.id == k3][0].version
    contacts.update_contact(w.uow(w.rep1), k3, v, ContactForm(name="区志强", wechat="ozq"))
    with pytest.raises(ConflictError):
        contacts.update_contact(w.uow(w.rep1), k3, v, ContactForm(name="区志"))


# --- code tables -------------------------------------------------------------------------


def test_default_code_tables_exist(world):
    w = world
    tables = {t.key: t for t in code_tables.list_tables(w.uow(w.rep1))}
    expected = "customer_type source region industry position grade coop_status payment visit_method complaint_type"
    assert set(expected.split()) <= set(tables)
    names = lambda key: [i.name for i in code_tables.list_items(w.uow(w.rep1), key)]  # noqa: E731
    assert names("customer_type") == ["企业", "个人", "供应商"]
    assert names("grade") == ["A", "B", "C", "D"]
    assert names("coop_status") == ["待开发考察", "正常合作", "暂中止合作", "已终止合作"]
    assert names("visit_method") == ["电话", "走访", "邀请", "邮件"]
    assert "公司原有客户信息库" in names("source") and "销售内勤接听电话" in names("source")
    assert "宁夏回族自治区" in names("region") and len(names("region")) >= 34
    assert "制造业" in names("industry") and len(names("industry")) == 20
    region = code_tables.list_items(w.uow(w.rep1), "region")
    nx = [i for i in region if i.name == "宁夏回族自治区"][0]
    assert (
        nx.matches("nx") and nx.matches("ningxia") and nx.matches("宁夏") and not nx.matches("bj")
    )


def test_code_table_editing(world):
    w = world
    with pytest.raises(PermissionDenied):
        code_table_editing.add_item(w.uow(w.sales_admin), "source", "06", "老客户介绍")
    new = code_table_editing.add_item(w.uow(w.admin), "source", "06", "老客户介绍")
    with pytest.raises(ValidationError) as err:
        code_table_editing.add_item(w.uow(w.admin), "source", "06", "重复代码")
    assert err.value.field == "code"
    with pytest.raises(ValidationError) as err:
        code_table_editing.add_item(w.uow(w.admin), "source", "07", "   ")
    assert err.value.field == "name"
    items = code_tables.list_items(w.uow(w.admin), "source")
    ids = [i.id for i in items]
    code_table_editing.reorder(w.uow(w.admin), "source", [new] + [i for i in ids if i != new])
    assert code_tables.list_items(w.uow(w.admin), "source")[0].id == new
    code_table_editing.move_item(w.uow(w.admin), new, +1)
    assert code_tables.list_items(w.uow(w.admin), "source")[1].id == new
    # In use: cannot delete; deactivate instead. Old record keeps it; new ones cannot pick it.
    cid = register(w, w.rep1, source_id=new).customer_id
    with pytest.raises(ValidationError) as err:
        code_table_editing.delete_item(w.uow(w.admin), new)
    assert "正被 1 条记录使用" in err.value.message
    v = [i for i in code_tables.list_items(w.uow(w.admin), "source") if i.id == new][0].version
    code_table_editing.set_item_active(w.uow(w.admin), new, v, False)
    assert new not in [i.id for i in code_tables.options(w.uow(w.rep1), "source")]
    assert new in [i.id for i in code_tables.options(w.uow(w.rep1), "source", current_id=new)]
    c = card(w, w.rep1, cid)
    assert c.labels["source_id"] == "老客户介绍"
    update_customer(w.uow(w.rep1), cid, c.version, {"remarks": "仍可保存"})
    with pytest.raises(ValidationError) as err:
        register(w, w.rep1, "新公司", source_id=new)
    assert err.value.field == "source_id" and "已停用" in err.value.message
    # An unused entry can be deleted; a system entry cannot.
    spare = code_table_editing.add_item(w.uow(w.admin), "source", "08", "临时")
    code_table_editing.delete_item(w.uow(w.admin), spare)
    with UnitOfWork(w.db, w.admin) as uow:
        personal = code_tables.find_item(uow, "customer_type", "P")
    with pytest.raises(ValidationError):
        code_table_editing.delete_item(w.uow(w.admin), personal)


def test_new_code_table(world):
    w = world
    tid = code_table_editing.create_table(w.uow(w.admin), "产品系列")
    key = [t.key for t in code_tables.list_tables(w.uow(w.admin)) if t.id == tid][0]
    code_table_editing.add_item(w.uow(w.admin), key, "1", "枸杞原浆")
    with pytest.raises(ValidationError):
        code_table_editing.delete_table(w.uow(w.admin), key)
    with pytest.raises(ValidationError):
        code_table_editing.delete_table(w.uow(w.admin), "region")


# --- extra fields ------------------------------------------------------------------------


def test_extra_fields_typed_values(world):
    w = world
    tid = code_table_editing.create_table(w.uow(w.admin), "产品系列")
    tkey = [t.key for t in code_tables.list_tables(w.uow(w.admin)) if t.id == tid][0]
    item = code_table_editing.add_item(w.uow(w.admin), tkey, "1", "枸杞原浆")
    f_text = extra_fields.create_def(w.uow(w.admin), "微信公众号", "text")
    extra_fields.create_def(w.uow(w.admin), "年采购量", "number")
    extra_fields.create_def(w.uow(w.admin), "签约日期", "date")
    extra_fields.create_def(w.uow(w.admin), "关注产品", "choice", code_table_key=tkey)
    with pytest.raises(PermissionDenied):
        extra_fields.create_def(w.uow(w.rep1), "x", "text")
    defs = {d.label: d for d in extra_fields.list_defs(w.uow(w.rep1))}
    keys = {label: d.key for label, d in defs.items()}
    good = {
        keys["微信公众号"]: "nxh_gzh",
        keys["年采购量"]: "1,200.5",
        keys["签约日期"]: "2026/3/1",
        keys["关注产品"]: item,
    }
    cid = register(w, w.rep1, extra=good).customer_id
    c = card(w, w.rep1, cid)
    assert c.form.extra[keys["年采购量"]] == 1200.5
    assert c.form.extra[keys["签约日期"]] == "2026-03-01"
    assert ("关注产品", "枸杞原浆", item) in c.extra_display
    for label, bad in (("年采购量", "很多"), ("签约日期", "2026-02-30"), ("关注产品", 99999)):
        with pytest.raises(ValidationError) as err:
            register(w, w.rep1, "别的公司", extra={keys[label]: bad})
        assert err.value.field == f"extra.{keys[label]}"
    with pytest.raises(ValidationError):  # in use
        code_table_editing.delete_item(w.uow(w.admin), item)
    with pytest.raises(ValidationError):  # has values
        extra_fields.delete_def(w.uow(w.admin), f_text)
    extra_fields.update_def(
        w.uow(w.admin), defs["年采购量"].id, defs["年采购量"].version, required=True
    )
    with pytest.raises(ValidationError) as err:
        register(w, w.rep1, "第三家公司")
    assert err.value.field == f"extra.{keys['年采购量']}"


def test_form_roundtrip_from_card(world):
    """The card's form can be edited and saved as is (what the edit dialog does)."""
    w = world
    cid = register(w, w.rep1, capital="5,000,000", phone="0951-5012345").customer_id
    c = card(w, w.rep1, cid)
    from dataclasses import asdict

    values = {k: v for k, v in asdict(c.form).items() if k not in ("owner_id", "contacts")}
    res = update_customer(w.uow(w.rep1), cid, c.version, values)
    assert res.applied == []
    assert form(w).name == NXH


def test_reminders_for_pending_requests(world, fake_clock):
    from datetime import timedelta

    from app.services.customers import grants
    from app.services.reminders import registry as reminders

    w = world
    cid = register(w, w.rep1).customer_id
    grants.request_grant(
        w.uow(w.rep3), "协助", fake_clock.current + timedelta(days=1), customer_id=cid
    )
    kinds = [r.kind for r in reminders.collect(w.uow(w.chairman)).items]
    assert "access_grant" in kinds
    assert "access_grant" not in [r.kind for r in reminders.collect(w.uow(w.rep1)).items]
    settings.update_settings(UnitOfWork(w.db, w.admin), {"customers.change_approval": 1})
    update_customer(w.uow(w.rep1), cid, card(w, w.rep1, cid).version, {"name": "新名字公司"})
    items = reminders.collect(w.uow(w.sales_admin)).items
    assert any(r.kind == "customer_change_request" and "新名字" not in r.title for r in items)


def test_key_changes_go_to_the_sales_admin_by_default(world):
    """4.2.4 客户信息如有更改由销售员通知销售内勤更新: approval is on unless the office turns
    it off; a change that would make a duplicate is refused at once, not at approval."""
    w = world
    register(w, w.rep1)
    cid = register(w, w.rep1, "银川新华百货").customer_id
    res = update_customer(w.uow(w.rep1), cid, card(w, w.rep1, cid).version,
                          {"name": "银川新华百货股份有限公司", "remarks": "改名"})  # fmt: skip
    assert res.applied == ["remarks"] and res.pending == ["name"] and res.change_request_id
    other = register(w, w.rep1, "石嘴山煤业").customer_id
    with pytest.raises(DuplicateFound):
        update_customer(w.uow(w.rep1), other, card(w, w.rep1, other).version,
                        {"name": "宁夏红枸杞产业集团"})  # fmt: skip
