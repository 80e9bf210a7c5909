"""User-defined fields (自定义字段) as columns of the customer list: values, sort, filters,
time slice, group-by and Excel export — one test per need, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import openpyxl
import pytest

from app.services.admin import code_table_editing, extra_fields
from app.services.core.uow import UnitOfWork
from app.services.customers.lists import customers_source
from app.services.lists import query as list_query
from app.services.lists import summaries
from app.services.lists.excel_export import export_list
from app.services.lists.spec import ListQuery
from tests.services.customer_fixtures import World, fast_passwords, make_world, register


@dataclass
class Fields:
    text: str  # 客户规模
    number: str  # 年采购额
    date: str  # 签约日期
    choice: str  # 合作意向 (code table “意向程度”: H 强烈, M 一般, L 较弱)
    items: dict[str, int]  # code → item id


def define_fields(w: World, *, required: str = "") -> Fields:
    """Four extra fields, one of each type (`required`: the label of one that must be filled)."""
    a = w.admin
    code_table_editing.create_table(UnitOfWork(w.db, a), "意向程度", key="intent")
    items = {
        code: code_table_editing.add_item(UnitOfWork(w.db, a), "intent", code, name)
        for code, name in (("H", "强烈"), ("M", "一般"), ("L", "较弱"))
    }

    def make(label, kind, **kw):
        extra_fields.create_def(
            UnitOfWork(w.db, a), label, kind, required=(label == required), **kw
        )

    make("客户规模", "text")
    make("年采购额", "number")
    make("签约日期", "date")
    make("合作意向", "choice", code_table_key="intent")
    by_label = {d.label: d.key for d in extra_fields.list_defs(UnitOfWork(w.db, a))}
    return Fields(
        by_label["客户规模"],
        by_label["年采购额"],
        by_label["签约日期"],
        by_label["合作意向"],
        items,
    )


def source_for(w: World):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        defs = extra_fields.defs_in(uow)
    return customers_source(defs)


@pytest.fixture
def world(db, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    f = define_fields(w)
    rows = [  # owner, name, 规模, 采购额, 签约日期, 意向
        (w.rep1, "甲公司", "大型", 100, "2026-01-15", "H"),
        (w.rep1, "乙公司", "小型", 9, "2025-12-01", "L"),
        (w.rep2, "丙公司", "大型", 25.5, "2026-02-20", "M"),
        (w.rep3, "丁公司", None, None, None, None),
    ]
    for actor, name, size, amount, day, intent in rows:
        extra = {f.text: size, f.number: amount, f.date: day}
        extra[f.choice] = f.items[intent] if intent else None
        register(w, actor, name, extra={k: v for k, v in extra.items() if v is not None})
    return w, f


def R(w, actor=None):
    return UnitOfWork(w.db, actor or w.sales_admin, write=False)


def rows(w, src, query=None, keys=("name",), actor=None):
    query = query or ListQuery()
    ids = list_query.fetch_ids(R(w, actor), src, query)
    return [r[1:] for r in list_query.fetch_rows(R(w, actor), src, ids, list(keys))]


def test_each_active_field_is_a_column_with_typed_values(world):
    w, f = world
    src = source_for(w)
    labels = {c.key: (c.label, c.kind) for c in src.columns}
    assert labels[f.text] == ("客户规模", "text")
    assert labels[f.number] == ("年采购额", "number")
    assert labels[f.date] == ("签约日期", "date")
    assert labels[f.choice] == ("合作意向", "text")
    got = {r[0]: r[1:] for r in rows(w, src, keys=("name", f.text, f.number, f.date, f.choice))}
    assert got["甲公司"] == ("大型", 100, date(2026, 1, 15), "强烈")
    assert got["丙公司"] == ("大型", 25.5, date(2026, 2, 20), "一般")
    assert got["丁公司"] == (None, None, None, None)
    col = src.column(f.number)
    assert (col.display(100.0), col.display(25.5)) == ("100", "25.5")
    # Without definitions the list is the plain one; an inactive field is no column.
    assert f.text not in {c.key for c in customers_source().columns}
    d = next(d for d in extra_fields.list_defs(R(w, w.admin)) if d.key == f.text)
    extra_fields.update_def(UnitOfWork(w.db, w.admin), d.id, d.version, is_active=False)
    assert f.text not in {c.key for c in source_for(w).columns}


def test_number_sorts_numerically_and_date_by_date(world):
    w, f = world
    src = source_for(w)
    up = rows(w, src, ListQuery(sort=((f.number, False),)))
    assert [r[0] for r in up] == ["乙公司", "丙公司", "甲公司", "丁公司"]  # 9, 25.5, 100, empty
    down = rows(w, src, ListQuery(sort=((f.date, True),)))
    assert [r[0] for r in down] == ["丙公司", "甲公司", "乙公司", "丁公司"]


def test_choice_sorts_by_the_code_tables_order_and_filters_by_name(world):
    w, f = world
    src = source_for(w)
    ordered = rows(w, src, ListQuery(sort=((f.choice, False),)))
    assert [r[0] for r in ordered] == ["甲公司", "丙公司", "乙公司", "丁公司"]  # H, M, L
    values = dict(list_query.distinct_values(R(w), src, f.choice))
    assert {"强烈", "一般", "较弱", None} == set(values)
    picked = rows(w, src, ListQuery(filters=((f.choice, ("强烈", "较弱")),)))
    assert sorted(r[0] for r in picked) == ["乙公司", "甲公司"]
    empty = rows(w, src, ListQuery(filters=((f.choice, (None,)),)))
    assert [r[0] for r in empty] == ["丁公司"]


def test_text_and_number_filters(world):
    w, f = world
    src = source_for(w)
    big = rows(w, src, ListQuery(filters=((f.text, ("大型",)),)))
    assert sorted(r[0] for r in big) == ["丙公司", "甲公司"]
    assert dict(list_query.distinct_values(R(w), src, f.text))["大型"] == "大型"
    num = rows(w, src, ListQuery(filters=((f.number, (25.5, 9)),)))
    assert sorted(r[0] for r in num) == ["丙公司", "乙公司"]


def test_date_field_is_a_time_slice(world):
    w, f = world
    src = source_for(w)
    assert f.date in [c.key for c in src.date_columns]
    q = ListQuery(date_key=f.date, date_from=date(2026, 1, 1), date_to=date(2026, 2, 20))
    assert sorted(r[0] for r in rows(w, src, q)) == ["丙公司", "甲公司"]  # both ends included
    q = ListQuery(date_key=f.date, date_to=date(2026, 1, 14))
    assert [r[0] for r in rows(w, src, q)] == ["乙公司"]
    assert list_query.count(R(w), src, q) == 1


def test_group_by_choice_and_text_sums_the_number(world):
    w, f = world
    src = source_for(w)
    s = summaries.summarize(R(w), src, ListQuery(), [f.choice], [f.number])
    got = {r.labels[0]: (r.count, r.sums[f.number]) for r in s.rows}
    assert got == {"强烈": (1, 100), "一般": (1, 25.5), "较弱": (1, 9), "（空）": (1, 0)}
    assert s.total.sums[f.number] == pytest.approx(134.5)
    s = summaries.summarize(R(w), src, ListQuery(), [f.text, "owner"])
    got = {r.labels: r.count for r in s.rows}
    assert got[("大型", "张三")] == 1 and got[("大型", "李四")] == 1
    assert got[("（空）", "王五")] == 1
    # The default summary sums every number column, the extra one included.
    assert f.number in summaries.summarize(R(w), src, ListQuery(), [f.date]).sum_keys


def test_a_rep_sees_only_own_customers_values(world):
    w, f = world
    src = source_for(w)
    mine = rows(w, src, keys=("name", f.choice), actor=w.rep1)
    assert sorted(mine) == [("乙公司", "较弱"), ("甲公司", "强烈")]
    s = summaries.summarize(R(w, w.rep1), src, ListQuery(), [f.text], [f.number])
    assert s.total.count == 2 and s.total.sums[f.number] == 109


def test_export_includes_the_extra_columns_typed(world, tmp_path):
    w, f = world
    src = source_for(w)
    keys = ["name", f.text, f.number, f.date, f.choice]
    path = tmp_path / "客户.xlsx"
    q = ListQuery(sort=((f.number, True),))
    assert export_list(R(w), src, q, keys, path) == 4
    ws = openpyxl.load_workbook(path).active
    table = list(ws.iter_rows(values_only=True))
    assert table[0] == ("客户名称", "客户规模", "年采购额", "签约日期", "合作意向")
    assert table[1] == ("甲公司", "大型", 100, datetime(2026, 1, 15), "强烈")
    assert table[2] == ("丙公司", "大型", 25.5, datetime(2026, 2, 20), "一般")
    assert table[4] == ("丁公司", None, None, None, None)
    assert ws.cell(2, 3).number_format == "#,##0.##"
