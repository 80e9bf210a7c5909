"""Excel import of customers: template, preview (every bad-input class, by row and
column), all-or-nothing import through the registration code, permissions — on SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from app.models import AuditLog, Contact, Customer, CustomerKey, NumberCounter, OwnershipChange
from app.services.core.errors import ConflictError, PermissionDenied, ServiceError, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers import import_template
from app.services.customers import importer as customer_import
from app.services.customers.importer import ImportCancelled, ImportRejected
from app.services.customers.lists import customers_source
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register
from tests.services.customers.test_extra_field_columns import define_fields

HEAD = ["客户名称", "客户来源", "等级", "电话", "邮箱", "网站", "联系人", "联系人手机",
        "客户规模", "年采购额", "签约日期", "合作意向"]  # fmt: skip


@pytest.fixture
def world(db, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    return w, define_fields(w)


def xlsx(path, headers, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def U(w, actor):
    return UnitOfWork(w.db, actor)


def counts(w):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        s = uow.session

        def n(model):
            q = select(func.count()).select_from(model)
            return s.scalar(q.execution_options(include_deleted=True))

        counters = sorted(s.execute(select(NumberCounter.key, NumberCounter.value)).tuples())
        return (n(Customer), n(CustomerKey), n(OwnershipChange), n(Contact), counters)


def customer_named(w, name):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return uow.session.scalar(select(Customer).where(Customer.name == name))


GOOD = [
    ("银川塞上物流有限公司", "展会", "A", "0951-6012345", "wl@saishang.cn", "www.saishang.cn",
     "马六", "13995012345", "大型", "1,200.5", "2026-01-15", "强烈"),
    ("石嘴山煤业股份有限公司", "04", "B", "0952-2012345", "", "", "", "", "小型", 80,
     date(2025, 12, 1), "L"),
    ("吴忠乳业有限公司", "展会", "", "", "", "", "", "", "", "", "", ""),
]  # fmt: skip


def test_template_lists_the_columns_and_allowed_values(world, tmp_path):
    w, _f = world
    target = tmp_path / "模板.xlsx"
    data = import_template.template(U(w, w.rep1), target)
    assert target.read_bytes() == data
    wb = openpyxl.load_workbook(target)
    head = [c.value for c in wb.worksheets[0][1]]
    assert head[:2] == ["客户名称＊", "简称"] and "客户来源＊" in head
    assert {"客户规模", "年采购额", "签约日期", "合作意向"} <= set(head)
    assert "归属销售" not in " ".join(head)  # a rep always imports for himself
    notes = {r[0]: r for r in wb["填写说明"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert "展会" in notes["客户来源"][3] and notes["客户来源"][1] == "必填"
    assert "H 强烈" in notes["合作意向"][3]
    admin_head = [c.value for c in openpyxl.load_workbook(
        __import__("io").BytesIO(import_template.template(U(w, w.sales_admin)))
    ).worksheets[0][1]]  # fmt: skip
    assert "归属销售＊" in admin_head


def test_filled_template_imports_with_extra_fields_and_codes_by_name_or_code(world, tmp_path):
    w, f = world
    before = counts(w)
    wb = openpyxl.load_workbook(__import__("io").BytesIO(import_template.template(U(w, w.rep1))))
    ws = wb.worksheets[0]
    head = [c.value.rstrip("＊") for c in ws[1]]
    for row in GOOD:
        values = dict(zip(HEAD, row, strict=True))
        ws.append([values.get(h) for h in head])
    path = tmp_path / "客户.xlsx"
    wb.save(path)

    p = customer_import.preview(UnitOfWork(w.db, w.rep1, write=False), path)
    assert p.ok and p.rows == 3 and p.message == "共 3 行，可以导入。"
    assert counts(w) == before  # the preview wrote nothing
    seen = []
    result = customer_import.run(U(w, w.rep1), path, progress=lambda d, t: seen.append((d, t)))
    assert result.count == 3 and seen[-1] == (6, 6)
    assert all(n.startswith("KH2") for n in result.numbers) and len(set(result.numbers)) == 3

    c = customer_named(w, "银川塞上物流有限公司")
    assert c.owner_id == w.rep1.id and c.registered_by_id == w.rep1.id
    assert c.extra == {f.text: "大型", f.number: 1200.5, f.date: "2026-01-15",
                       f.choice: f.items["H"]}  # fmt: skip
    c2 = customer_named(w, "石嘴山煤业股份有限公司")
    assert c2.extra == {f.text: "小型", f.number: 80, f.date: "2025-12-01", f.choice: f.items["L"]}
    assert c2.source_id == c.source_id == w.source_id  # by name and by code "04"
    assert c.name_initials.startswith("ycsswl") or "ycss" in c.name_initials
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        s = uow.session
        keys = set(s.execute(select(CustomerKey.kind).where(CustomerKey.customer_id == c.id)))
        assert {k for (k,) in keys} == {"name", "phone", "email", "domain"}
        history = s.scalars(select(OwnershipChange).where(OwnershipChange.customer_id == c.id))
        assert [(h.kind, h.reason, h.to_user_id) for h in history] == [("登记", "登记", w.rep1.id)]
        contact = s.scalar(select(Contact).where(Contact.customer_id == c.id))
        assert (contact.name, contact.mobile, contact.is_primary) == ("马六", "13995012345", True)
        audited = s.scalar(
            select(func.count()).where(
                AuditLog.table_name == "customers", AuditLog.record_id.in_(result.customer_ids)
            )
        )
        assert audited >= 3
    # Found by pinyin initials and phone like any registered customer.
    src = customers_source()
    for text in ("ycss", "6012345", "塞上"):
        ids = list_query.fetch_ids(
            UnitOfWork(w.db, w.rep1, write=False), src, ListQuery(search=text)
        )
        assert list(ids) == [c.id]


def bad_rows(w):
    return [
        ("", "展会", "", "", "", "", "", "", "", "", "", ""),  # 2: name empty
        ("甲有限公司", "", "", "", "", "", "", "", "", "", "", ""),  # 3: source empty
        ("乙有限公司", "展会", "", "12ab", "", "", "", "", "", "", "", ""),  # 4: phone
        ("丙有限公司", "展会", "", "", "not-mail", "", "", "", "", "", "", ""),  # 5: email
        ("丁有限公司", "展会", "", "", "", "http://", "", "", "", "", "", ""),  # 6: URL
        ("戊有限公司", "电视购物", "", "", "", "", "", "", "", "", "", ""),  # 7: code
        ("己有限公司", "展会", "Z", "", "", "", "", "", "", "", "", ""),  # 8: code
        ("庚有限公司", "展会", "", "", "", "", "", "", "", "很多", "", ""),  # 9: number
        ("辛有限公司", "展会", "", "", "", "", "", "", "", "", "2026-02-30", ""),  # 10: date
        ("壬有限公司", "展会", "", "", "", "", "", "", "", "", "", "特别强"),  # 11: choice
        ("癸科技有限公司", "展会", "", "0951-7000001", "", "", "", "", "", "", "", ""),  # 12
        ("癸科技（有限公司）", "展会", "", "", "", "", "", "", "", "", "", ""),  # 13: = row 12
        (NXH, "展会", "", "", "", "", "", "", "", "", "", ""),  # 14: exists, rep1's
        ("子有限公司", "展会", "", "", "", "", "", "13800000000", "", "", "", ""),  # 15
        ("丑有限公司", "未知", "", "12ab", "x@", "", "", "", "", "很多", "", ""),  # 16: four
    ]


def test_preview_reports_every_bad_input_by_row_and_column(world, tmp_path):
    w, _f = world
    register(w, w.rep1, NXH, phone="0951-5012345")
    path = xlsx(tmp_path / "坏.xlsx", HEAD, bad_rows(w))
    before = counts(w)
    p = customer_import.preview(UnitOfWork(w.db, w.rep3, write=False), path)
    assert counts(w) == before
    by_row = {e.row: e for e in p.errors if e.row != 16}
    assert p.rows == 15 and not p.ok and set(by_row) == set(range(2, 16)) - {12}
    assert len([e for e in p.errors if e.row < 16]) == 13  # one error in each of these
    expect = {
        2: ("客户名称", "请填写客户名称"),
        3: ("客户来源", "请填写客户来源"),
        4: ("电话", "电话"),
        5: ("邮箱", "邮箱"),
        6: ("网站", "网"),
        7: ("客户来源", "“电视购物”不是有效的客户来源"),
        8: ("等级", "“Z”不是有效的等级"),
        9: ("年采购额", "必须是数字"),
        10: ("签约日期", "不是有效日期"),
        11: ("合作意向", "“特别强”不是有效的合作意向"),
        13: ("客户名称", "与第 12 行重复（客户名称相同）"),
        15: ("联系人", "请填写联系人姓名"),
    }
    for row, (column, words) in expect.items():
        assert by_row[row].column == column, by_row[row]
        assert words in by_row[row].message, by_row[row]
    assert by_row[7].text.startswith("第 7 行“客户来源”：")
    # A duplicate of another rep's customer says who owns it and since when — the same
    # words as registration — but nothing about the record itself.
    dup = by_row[14]
    assert dup.column == "客户名称"
    assert "该客户已由 张三 于" in dup.message and "不能重复登记" in dup.message
    number = customer_named(w, NXH).number
    assert number not in dup.message and "0951" not in dup.message
    # Every bad cell of a row is reported, not only the first.
    assert [e.column for e in p.errors if e.row == 16] == ["客户来源", "电话", "邮箱", "年采购额"]
    assert "其中 14 行有错误（17 处）" in p.message
    with pytest.raises(ImportRejected) as err:
        customer_import.run(U(w, w.rep3), path)
    assert len(err.value.preview.errors) == len(p.errors) and "未导入任何客户" in str(err.value)
    assert counts(w) == before


def test_one_bad_row_in_fifty_imports_nothing(world, tmp_path):
    w, _f = world
    register(w, w.rep1, NXH)
    rows = [(f"第{i}号贸易有限公司", "展会", "", f"0951-70{i:05d}", "", "", "", "", "", i,
             "", "") for i in range(1, 51)]  # fmt: skip
    rows[36] = rows[36][:4] + ("bad@",) + rows[36][5:]
    path = xlsx(tmp_path / "五十.xlsx", HEAD, rows)
    before = counts(w)
    with pytest.raises(ImportRejected) as err:
        customer_import.run(U(w, w.rep1), path)
    assert [(e.row, e.column) for e in err.value.preview.errors] == [(38, "邮箱")]
    assert counts(w) == before  # no customer, key, history, contact — counters unchanged


def test_a_failure_while_writing_rolls_back_every_row(world, tmp_path, monkeypatch):
    w, _f = world
    rows = [(f"第{i}号贸易有限公司", "展会") + ("",) * 10 for i in range(1, 51)]
    path = xlsx(tmp_path / "五十.xlsx", HEAD, rows)
    before = counts(w)
    real = customer_import.insert_registration
    calls = []

    def flaky(uow, p, *a, **kw):
        calls.append(1)
        if len(calls) == 30:
            raise ValidationError("磁盘出错（测试）")
        return real(uow, p, *a, **kw)

    monkeypatch.setattr(customer_import, "insert_registration", flaky)
    with pytest.raises(ValidationError):
        customer_import.run(U(w, w.rep1), path)
    assert len(calls) == 30 and counts(w) == before
    monkeypatch.setattr(customer_import, "insert_registration", real)
    assert customer_import.run(U(w, w.rep1), path).count == 50
    assert counts(w)[0] == before[0] + 50


def test_cancel_imports_nothing(world, tmp_path):
    w, _f = world
    rows = [(f"第{i}号贸易有限公司", "展会") + ("",) * 10 for i in range(1, 21)]
    path = xlsx(tmp_path / "二十.xlsx", HEAD, rows)
    before = counts(w)
    ticks = []
    with pytest.raises(ImportCancelled):
        customer_import.run(
            U(w, w.rep1), path, cancelled=lambda: len(ticks.append(1) or ticks) > 25
        )
    assert counts(w) == before


def test_who_may_import_and_for_whom(world, tmp_path):
    w, _f = world
    path = xlsx(tmp_path / "a.xlsx", ["客户名称", "客户来源", "归属销售"],
                [("甲贸易有限公司", "展会", "rep2"), ("乙贸易有限公司", "展会", "王五")])  # fmt: skip
    for actor in (w.clerk, w.chairman):
        for call in (
            lambda a: import_template.template(U(w, a)),
            lambda a: customer_import.preview(U(w, a), path),
            lambda a: customer_import.run(U(w, a), path),
        ):
            with pytest.raises(PermissionDenied):
                call(actor)
    # A rep's file with an owner column: the column is ignored, he owns every row.
    p = customer_import.preview(U(w, w.rep1), path)
    assert p.ok and p.ignored_columns == ["归属销售"] and "将被忽略" in p.message
    # The manager may only import for his own team (王五 is in team 2).
    p = customer_import.preview(U(w, w.manager), path)
    assert [(e.row, e.column) for e in p.errors] == [(3, "归属销售")]
    assert "本团队" in p.errors[0].message
    # The sales admin chooses the owner, by username or full name.
    result = customer_import.run(U(w, w.sales_admin), path)
    owners = {customer_named(w, n).owner_id for n in ("甲贸易有限公司", "乙贸易有限公司")}
    assert result.count == 2 and owners == {w.rep2.id, w.rep3.id}
    assert customer_named(w, "甲贸易有限公司").registered_by_id == w.sales_admin.id
    # …and must give one; an unknown name is an error at its cell.
    path2 = xlsx(tmp_path / "b.xlsx", ["客户名称", "客户来源", "归属销售"],
                 [("丙贸易有限公司", "展会", ""), ("丁贸易有限公司", "展会", "nobody")])  # fmt: skip
    p = customer_import.preview(U(w, w.admin), path2)
    assert [(e.row, e.column) for e in p.errors] == [(2, "归属销售"), (3, "归属销售")]
    assert "请填写归属销售" in p.errors[0].message and "找不到" in p.errors[1].message
    # Without the owner column at all the file is refused as a whole.
    path3 = xlsx(tmp_path / "c.xlsx", ["客户名称", "客户来源"], [("戊贸易有限公司", "展会")])
    with pytest.raises(ValidationError, match="缺少必填列：归属销售"):
        customer_import.preview(U(w, w.sales_admin), path3)


def test_required_extra_field(db, monkeypatch, tmp_path):
    fast_passwords(monkeypatch)
    w = make_world(db)
    define_fields(w, required="客户规模")
    path = xlsx(tmp_path / "a.xlsx", ["客户名称", "客户来源", "客户规模＊"],
                [("甲贸易有限公司", "展会", ""), ("乙贸易有限公司", "展会", "大型")])  # fmt: skip
    p = customer_import.preview(U(w, w.rep1), path)
    assert [(e.row, e.column, e.message) for e in p.errors] == [(2, "客户规模", "请填写客户规模。")]
    path = xlsx(tmp_path / "b.xlsx", ["客户名称", "客户来源"], [("甲贸易有限公司", "展会")])
    with pytest.raises(ValidationError, match="缺少必填列：客户规模"):
        customer_import.preview(U(w, w.rep1), path)


def test_file_problems_are_clear_messages(world, tmp_path):
    w, _f = world
    cases = []
    old = tmp_path / "旧格式.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    cases.append((old, "只能导入 .xlsx"))
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    cases.append((broken, "不是有效的 Excel"))
    text = tmp_path / "文本.xlsx"
    text.write_text("客户名称,客户来源\n甲,展会\n", encoding="utf-8")
    cases.append((text, "不是有效的 Excel"))
    cases.append((tmp_path / "没有.xlsx", "找不到文件"))
    cases.append((xlsx(tmp_path / "空.xlsx", HEAD, []), "没有要导入的数据行"))
    cases.append((xlsx(tmp_path / "缺列.xlsx", ["客户名称"], [("甲",)]), "缺少必填列：客户来源"))
    cases.append((xlsx(tmp_path / "重列.xlsx", ["客户名称", "客户来源", "客户名称"],
                       [("甲", "展会", "乙")]), "出现了两次"))  # fmt: skip
    big = [(f"公司{i}", "展会") for i in range(import_template.MAX_ROWS + 1)]
    cases.append(
        (xlsx(tmp_path / "太多.xlsx", ["客户名称", "客户来源"], big), "一次最多导入 5000 行")
    )
    before = counts(w)
    for path, words in cases:
        with pytest.raises(ValidationError) as err:
            customer_import.preview(U(w, w.rep1), path)
        assert words in str(err.value), (path.name, str(err.value))
        with pytest.raises(ServiceError):
            customer_import.run(U(w, w.rep1), path)
    assert counts(w) == before


def test_another_desk_writes_while_the_file_is_checked(world, tmp_path, monkeypatch):
    """Issue 12.13: checking the file does not hold the write lock — another desk's
    registration (or login bookkeeping) goes through meanwhile, not after the import."""
    import threading

    w, _f = world
    rows = [(f"第{i}号贸易有限公司", "展会") + ("",) * 10 for i in range(1, 21)]
    path = xlsx(tmp_path / "二十.xlsx", HEAD, rows)
    real = customer_import.find_duplicates
    other: dict = {}

    def checking(uow, keys):
        if "thread" not in other:  # first row being checked: another desk saves now

            def save():
                other["id"] = register(w, w.rep2, "另一张桌子的客户有限公司").customer_id

            other["thread"] = threading.Thread(target=save)
            other["thread"].start()
            other["thread"].join(5)
            other["done_during_check"] = not other["thread"].is_alive()
        return real(uow, keys)

    monkeypatch.setattr(customer_import, "find_duplicates", checking)
    assert customer_import.run(U(w, w.rep1), path).count == 20
    other["thread"].join(30)
    assert other["done_during_check"] and other["id"]


def test_a_customer_registered_between_check_and_write_refuses_the_import(
    world, tmp_path, monkeypatch
):
    w, _f = world
    rows = [(f"第{i}号贸易有限公司", "展会") + ("",) * 10 for i in range(1, 6)]
    path = xlsx(tmp_path / "五.xlsx", HEAD, rows)
    before = counts(w)
    real = customer_import._validate_all

    def then_someone_registers(*a, **kw):
        result = real(*a, **kw)
        register(w, w.rep2, "第3号贸易有限公司")  # another desk, after the check
        return result

    monkeypatch.setattr(customer_import, "_validate_all", then_someone_registers)
    with pytest.raises(ConflictError, match="未导入任何客户"):
        customer_import.run(U(w, w.rep1), path)
    assert counts(w)[0] == before[0] + 1  # only the other desk's customer
