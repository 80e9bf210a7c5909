"""规则 6: visits required per class and month, 《客户维护表》 and the 客户维护 reminders."""

from datetime import date

import pytest

from app.models import Customer
from app.services.admin import code_tables
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import FollowUpForm
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from app.services.policy.maintenance import (
    maintenance_source,
    month_bounds,
    read_frequencies,
    reminder_due,
)
from app.services.reminders import registry as reminders
from tests.services.customer_fixtures import fast_passwords, make_world, register
from tests.services.helpers import set_rules

A, B, C, C3, D = (
    "甲类机床有限公司",
    "乙类仪表有限公司",
    "丙类五金有限公司",
    "丁组丙类商贸有限公司",
    "戊类小店",
)


@pytest.fixture
def world(db, monkeypatch, fake_clock):  # the clock starts on Monday 2026-03-02
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.ids = {
        A: register(w, w.rep1, A).customer_id,
        B: register(w, w.rep1, B).customer_id,
        C: register(w, w.rep1, C).customer_id,
        C3: register(w, w.rep3, C3).customer_id,
        D: register(w, w.rep2, D).customer_id,
    }
    with UnitOfWork(w.db, w.admin) as uow:
        for name, grade in ((A, "A"), (B, "B"), (C, "C"), (C3, "C"), (D, "D")):
            uow.session.get(Customer, w.ids[name]).grade_id = code_tables.find_item(
                uow, "grade", grade
            )
        uow.commit()
    fake_clock.advance(days=1)
    return w


def log(w, actor, name, code):
    with UnitOfWork(w.db, w.admin) as uow:
        method = code_tables.find_item(uow, "follow_method", code)
    followups.add_follow_up(
        UnitOfWork(w.db, actor), w.ids[name], FollowUpForm(method_id=method, content="上门拜访")
    )


def table(w, actor):
    src = maintenance_source()
    keys = ["grade", "by", "standard", "required", "done", "shortfall", "status"]
    ids = list_query.fetch_ids(UnitOfWork(w.db, actor, write=False), src, ListQuery())
    got = list_query.fetch_rows(UnitOfWork(w.db, actor, write=False), src, ids, ["name", *keys])
    return {r[1]: tuple(r[2:]) for r in got}


def due(w, actor):
    items = reminders.collect(UnitOfWork(w.db, actor, write=False)).items
    ids = {v: k for k, v in w.ids.items()}
    return sorted(ids[r.target.record_id] for r in items if r.kind == "maintenance")


def test_frequency_and_month(world):
    freq = read_frequencies(UnitOfWork(world.db, world.rep1, write=False))
    assert {g: (f.minimum, f.maximum, f.by) for g, f in freq.items()} == {
        "A": (1, 2, "公司领导"), "B": (1, 2, "市场部经理"), "C": (2, 4, "市场部专员"),
    }  # fmt: skip
    start, end = month_bounds(date(2026, 2, 14))
    assert (start.date(), end.date()) == (date(2026, 2, 1), date(2026, 3, 1))
    assert not reminder_due(date(2026, 3, 16), 1) and reminder_due(date(2026, 3, 16), 0)
    assert not reminder_due(date(2026, 3, 15), 0)
    assert reminder_due(date(2026, 3, 22), 1) and not reminder_due(date(2026, 3, 21), 1)
    assert reminder_due(date(2026, 2, 19), 1)  # February: its last 10 days start on the 19th


def test_maintenance_table_counts_this_months_visits(world, fake_clock):
    w = world
    log(w, w.rep1, C, "2")  # 拜访
    log(w, w.rep1, B, "1")  # 电话: not a visit
    got = table(w, w.admin)
    assert got[A] == ("A", "公司领导", "1–2 次/月", 1, 0, 1, "short")
    assert got[B] == ("B", "市场部经理", "1–2 次/月", 1, 0, 1, "short")
    assert got[C] == ("C", "市场部专员", "2–4 次/月", 2, 1, 1, "short")
    assert got[D] == ("D", "", "无固定要求", 0, 0, 0, "none")
    log(w, w.rep1, C, "2")
    assert table(w, w.admin)[C][4:] == (2, 0, "ok")
    assert set(table(w, w.rep1)) == {A, B, C}  # a rep sees only own customers
    assert set(table(w, w.manager)) == {A, B, C, D}  # team 1
    src = maintenance_source()
    short = ListQuery(filters=(("status", ("short",)),))
    ids = list_query.fetch_ids(UnitOfWork(w.db, w.admin, write=False), src, short)
    assert len(ids) == 3  # A, B and rep3's C
    assert src.column("status").display("short") == "未达标"
    # A new month starts from zero.
    fake_clock.advance(days=31)
    assert table(w, w.admin)[C][4:] == (0, 2, "short")


def test_reminders_go_to_the_right_person_late_in_the_month(world, fake_clock):
    w = world
    log(w, w.rep1, C, "2")
    everyone = (w.rep1, w.rep2, w.rep3, w.manager, w.chairman, w.sales_admin, w.admin)
    assert all(due(w, a) == [] for a in everyone)  # early in the month: quiet
    fake_clock.advance(days=13)  # 03-16: only customers with no visit at all
    assert due(w, w.chairman) == [A]
    assert due(w, w.manager) == [B]  # A is the company leaders' (二.3.1.1)
    assert due(w, w.rep1) == []  # C has one visit: not yet
    assert due(w, w.rep3) == [C3]
    assert due(w, w.rep2) == [] and due(w, w.admin) == [] and due(w, w.sales_admin) == []
    fake_clock.advance(days=6)  # 03-22: the last 10 days
    assert due(w, w.rep1) == [C]
    log(w, w.rep1, A, "2")  # the rep's visit to A is not its leader's
    assert due(w, w.chairman) == [A]
    log(w, w.manager, B, "2")  # the manager visits B
    assert due(w, w.manager) == []
    items = reminders.collect(UnitOfWork(w.db, w.chairman, write=False)).items
    (item,) = [r for r in items if r.kind == "maintenance"]
    assert "A 类客户" in item.title and "张三" in item.title and "还差 1 次" in item.title
    assert "其他人员拜访 1 次不计入" in item.title
    assert item.kind_label == "客户维护" and item.target.entity == "customer"
    fake_clock.advance(days=10)  # 04-01: a new month, quiet again
    assert all(due(w, a) == [] for a in everyone)


def test_frequencies_are_settings_read_at_query_time(world, fake_clock):
    w = world
    from app.services.core import settings
    from app.services.core.errors import ValidationError

    set_rules(w.db, w.admin, {"maint.min_C": 3, "maint.max_C": 5})
    got = table(w, w.admin)
    assert got[C] == ("C", "市场部专员", "3–5 次/月", 3, 0, 3, "short")
    # No requirement for A any more: the table says so and nobody is reminded.
    set_rules(w.db, w.admin, {"maint.min_A": 0})
    assert table(w, w.admin)[A][3:] == (0, 0, 0, "none")
    fake_clock.advance(days=13)
    assert due(w, w.chairman) == []
    fake_clock.advance(days=6)
    items = reminders.collect(UnitOfWork(w.db, w.rep1, write=False)).items
    (item,) = [r for r in items if r.kind == "maintenance"]
    assert "标准 3–5 次/月，还差 3 次" in item.title
    # A minimum above the maximum is refused as a whole; nothing is stored.
    with pytest.raises(ValidationError, match="不能大于"):
        settings.update_settings(w.uow(w.admin), {"maint.min_B": 4, "maint.max_B": 3})
    assert read_frequencies(UnitOfWork(w.db, w.admin, write=False))["B"].minimum == 1
