"""The 操作日志 reads like a log: Chinese table and field names, people and code values by
name, statuses by label, dates without ISO's T, and no layout changes among the events."""

from app.services.admin.lists import audit_source
from app.services.core.uow import UnitOfWork
from app.services.customers import ownership
from app.services.lists import prefs as list_prefs
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register


def audit_lines(w, table: str) -> list[str]:
    src = audit_source()
    q = ListQuery(filters=(("table_name", (table,)),), sort=(("at", False),))
    ids = list_query.fetch_ids(UnitOfWork(w.db, w.admin, write=False), src, q)
    rows = list_query.fetch_rows(UnitOfWork(w.db, w.admin, write=False), src, ids,
                                 ["table_name", "changes"])  # fmt: skip
    return [f"{src.column('table_name').display(r[1])}｜{src.column('changes').display(r[2])}"
            for r in rows]  # fmt: skip


def test_the_audit_log_names_people_codes_and_dates(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(db)
    cid = register(w, w.rep1, NXH).customer_id
    ownership.transfer(UnitOfWork(db, w.manager), [cid], w.rep2.id, "张三调岗")
    lines = audit_lines(w, "customers")
    created, moved = lines[0], lines[-1]
    assert created.startswith("客户｜客户编号：KH") and f"客户名称：{NXH}" in created
    assert "归属销售：张三" in created and "客户类型：企业" in created  # names, not ids
    assert "归属时间：2026-03-02 09:00" in created  # not 2026-03-02T09:00:00
    assert "（空）" not in created and "pinyin" not in created  # blanks, derived keys
    company = audit_lines(w, "settings")
    assert any("设置项：公司名称" in line for line in company), company
    assert "_id" not in created and "{" not in created  # no raw field names, no dict dumps
    assert "归属销售：张三 → 李四" in moved
    history = audit_lines(w, "ownership_changes")
    assert history and history[-1].startswith("归属变更｜")
    assert "原归属：张三" in history[-1] and "新归属：李四" in history[-1]


def test_layout_changes_are_not_business_events(db, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(db)
    list_prefs.save_layout(UnitOfWork(db, w.rep1), "customers", {"widths": {"name": 300}})
    assert audit_lines(w, "list_preferences") == []


def test_every_field_of_every_table_has_a_chinese_name():
    """操作日志 never shows a column's code name (last_sales_action_at, overridden …)."""
    from app.models import Base
    from app.services.admin.audit_text import _DERIVED, FIELD_LABELS, TABLE_FIELD_LABELS
    from app.services.core.hooks import _SKIP

    missing = [
        f"{t.name}.{c.name}"
        for t in Base.metadata.sorted_tables
        for c in t.columns
        if c.name != "id" and c.name not in _SKIP and not _DERIVED.fullmatch(c.name)
        and c.name not in FIELD_LABELS and c.name not in TABLE_FIELD_LABELS.get(t.name, {})
    ]  # fmt: skip
    assert missing == []


def test_sales_action_kinds_and_key_kinds_read_as_words():
    from app.services.admin.audit_text import describe

    text = describe("customers", {"last_sales_action_kind": [None, "follow_up"]}, {})
    assert text == "最近销售动作：跟进"
    assert describe("customer_keys", {"kind": "phone", "overridden": False}, {}) == (
        "类别：电话；公司特别指派：否"
    )
