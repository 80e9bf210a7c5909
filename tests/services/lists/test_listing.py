"""The shared list machinery, exercised through the users list (SQLite and PostgreSQL)."""

from datetime import date, datetime

import pytest

from app.models import Role
from app.services.admin.lists import audit_source, users_source
from app.services.core.date_ranges import quick_range
from app.services.core.errors import PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.lists import prefs as list_prefs
from app.services.lists import pruning, summaries
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from tests.services.helpers import add_user, login, setup_admin
from tests.services.list_fixtures import bulk_users

START = datetime(2026, 1, 1, 8, 0)


@pytest.fixture
def world(db, fake_clock):
    admin = setup_admin(db)
    ids = bulk_users(db, admin, 120, START)
    return db, admin, ids


def R(db, admin):
    return UnitOfWork(db, admin, write=False)


def names(db, admin, q, source=None):
    source = source or users_source()
    ids = list_query.fetch_ids(R(db, admin), source, q)
    return [r[1] for r in list_query.fetch_rows(R(db, admin), source, ids, ["username"])]


def test_ids_first_then_rows_by_window(world):
    db, admin, _ = world
    src = users_source()
    q = ListQuery(sort=(("username", False),))
    ids = list_query.fetch_ids(R(db, admin), src, q)
    assert len(ids) == 121 == list_query.count(R(db, admin), src, q)
    window = list_query.fetch_rows(R(db, admin), src, ids[60:70], ["username", "role"])
    assert [r[1] for r in window] == [f"u{i:04d}" for i in range(59, 69)]  # "admin" first
    assert window[0][0] == ids[60]


def test_sort_by_any_column_both_ways_with_a_second_key(world):
    db, admin, _ = world
    src = users_source()
    for col in src.columns:
        if not col.sortable:
            continue
        for desc in (False, True):
            ids = list_query.fetch_ids(R(db, admin), src, ListQuery(sort=((col.key, desc),)))
            rows = list_query.fetch_rows(R(db, admin), src, ids, [col.key])
            values = [r[1] for r in rows if r[1] is not None]

            def key(v):
                return getattr(v, "value", v)

            assert values == sorted(values, key=key, reverse=desc), col.key
            # NULLs last either way, on both databases.
            nulls = [i for i, r in enumerate(rows) if r[1] is None]
            assert nulls == list(range(len(rows) - len(nulls), len(rows)))
    ids = list_query.fetch_ids(
        R(db, admin), src, ListQuery(sort=(("role", False), ("username", True)))
    )
    rows = list_query.fetch_rows(R(db, admin), src, ids, ["role", "username"])
    pairs = [(r[1].value if hasattr(r[1], "value") else r[1], r[2]) for r in rows]
    for a, b in zip(pairs, pairs[1:], strict=False):
        assert a[0] < b[0] or (a[0] == b[0] and a[1] > b[1])


@pytest.mark.parametrize(
    "text,expected",
    [
        ("u0001", ["u0001"]),
        ("王芳1", ["u0001", "u0011", "u0101", "u0111"]),  # 王芳1, 王芳11, 王芳101, 王芳111
        ("13900000042", ["u0042"]),
        ("%", []),
        ("_", []),
        ("u_001", []),
        ("'; DROP TABLE users; --", []),
        ("\\", []),
        ('"', []),
        ("😀", []),
        ("x" * 1000, []),
    ],
)
def test_search_is_literal_and_never_errors(world, text, expected):
    db, admin, _ = world
    got = names(db, admin, ListQuery(search=text, sort=(("username", False),)))
    assert got == expected


def test_time_slice_on_a_datetime_column(world, fake_clock):
    db, admin, _ = world
    q = ListQuery(
        date_key="created_at",
        date_from=date(2026, 1, 10),
        date_to=date(2026, 1, 12),
        sort=(("username", False),),
    )
    assert names(db, admin, q) == ["u0009", "u0010", "u0011"]
    first, last = quick_range("上月", date(2026, 3, 15))
    q = ListQuery(date_key="created_at", date_from=first, date_to=last)
    assert len(names(db, admin, q)) == 28  # February 2026


def test_quick_ranges():
    today = date(2026, 11, 29)  # a Sunday
    assert quick_range("今天", today) == (today, today)
    assert quick_range("本周", today) == (date(2026, 11, 23), date(2026, 11, 29))
    assert quick_range("上周", today) == (date(2026, 11, 16), date(2026, 11, 22))
    assert quick_range("本月", today) == (date(2026, 11, 1), date(2026, 11, 30))
    assert quick_range("上月", date(2026, 1, 5)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert quick_range("本季度", today) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quick_range("本年", today) == (date(2026, 1, 1), date(2026, 12, 31))


def test_column_filters_including_empty(world):
    db, admin, _ = world
    src = users_source()
    q = ListQuery(filters=(("role", ("clerk",)),))
    rows = list_query.fetch_rows(
        R(db, admin), src, list_query.fetch_ids(R(db, admin), src, q), ["role"]
    )
    assert len(rows) == 24 and {r[1] for r in rows} == {Role.CLERK}
    q = ListQuery(filters=(("team", (None,)),))
    assert list_query.count(R(db, admin), src, q) == 40 + 1  # every third user, and the admin


def test_group_by_one_and_two_columns(world):
    db, admin, _ = world
    src = users_source()
    s = summaries.summarize(R(db, admin), src, ListQuery(), ["role"])
    counts = {r.labels[0]: r.count for r in s.rows}
    assert counts == {
        "销售人员": 48,
        "销售主管": 24,
        "客服文员": 24,
        "销售内勤": 24,
        "系统管理员": 1,
    }
    assert s.total.count == 121
    s2 = summaries.summarize(R(db, admin), src, ListQuery(), ["team", "is_active"])
    assert sum(r.count for r in s2.rows) == 121
    sub = {r.labels[0]: r.count for r in s2.subtotals}
    assert sub["（空）"] == 41 and sub["华北组"] + sub["华南组"] == 80
    filtered = summaries.summarize(R(db, admin), src, ListQuery(search="张伟"), ["role"])
    assert filtered.total.count == 12


def test_group_by_joined_name_is_grouped_by_key_with_the_same_result(world):
    """summarize groups by users.team_id and names the groups afterwards; the figures
    are those of grouping by the joined name: equal names merge, a soft-deleted team
    reads as empty, filters and search still apply."""
    from collections import Counter

    from sqlalchemy import select

    from app.models import Team, User
    from app.services.core import clock

    db, admin, ids = world
    with UnitOfWork(db, admin) as uow:
        twin = Team(name="华北组")  # a second team with the same name
        gone = Team(name="撤销组")
        uow.session.add_all([twin, gone])
        uow.flush()
        users = uow.session.scalars(
            select(User).where(User.id.in_(ids[:20])).order_by(User.id)
        ).all()
        for i, u in enumerate(users):
            u.team_id = twin.id if i % 2 else gone.id
        gone.deleted_at = clock.now()
        uow.commit()
    src = users_source()
    for q in (ListQuery(), ListQuery(search="张伟"), ListQuery(filters=(("is_active", (True,)),))):
        s = summaries.summarize(R(db, admin), src, q, ["team", "role"])
        rows = list_query.fetch_rows(R(db, admin), src, list_query.fetch_ids(R(db, admin), src, q),
                                  ["team", "role"])  # fmt: skip
        want = Counter((r[1], getattr(r[2], "value", r[2])) for r in rows)
        got = {(r.values[0], getattr(r.values[1], "value", r.values[1])): r.count for r in s.rows}
        assert got == dict(want)
        assert len({r.labels for r in s.rows}) == len(s.rows)  # one row per label pair
    s = summaries.summarize(R(db, admin), src, ListQuery(), ["team"])
    counts = {r.labels[0]: r.count for r in s.rows}
    # 34 of u0020–u0119 in the first 华北组, 10 moved to its namesake; 33 + 10 + admin empty
    assert counts == {"华北组": 44, "华南组": 33, "（空）": 44}
    # The grouping itself is by the key column, not by the joined name.
    with UnitOfWork(db, admin, write=False) as uow:
        stmt = summaries._summary_statement(
            uow, src, ListQuery(), [src.column("team"), src.column("role")], []
        )
        sql = str(stmt.compile(dialect=db.engine.dialect))
    assert "GROUP BY users.team_id, users.role" in sql


def test_batch_action_checks_each_row(world):
    db, admin, ids = world
    src = users_source()
    deactivate = next(a for a in src.batch_actions if a.key == "deactivate")
    result = deactivate.run(UnitOfWork(db, admin), [admin.id, *ids[:10]])
    assert result.done == 8  # ids[0] and ids[7] were inactive already
    assert result.skipped == [(admin.id, "不能停用自己的账户")]
    assert "跳过 1 条" in result.message
    q = ListQuery(filters=(("is_active", (False,)),))
    assert list_query.count(R(db, admin), src, q) == 8 + 18


def test_lists_are_permission_checked(world):
    db, admin, _ = world
    add_user(db, admin, "rep", Role.SALES_REP)
    rep = login(db, "rep")
    for src in (users_source(), audit_source()):
        with pytest.raises(PermissionDenied):
            list_query.fetch_ids(R(db, rep), src, ListQuery())
    deactivate = next(a for a in users_source().batch_actions if a.key == "deactivate")
    with pytest.raises(PermissionDenied):
        deactivate.run(UnitOfWork(db, rep), [admin.id])


def test_audit_list_reads_the_trail(world):
    db, admin, _ = world
    src = audit_source()
    ids = list_query.fetch_ids(R(db, admin), src, ListQuery(filters=(("table_name", ("teams",)),)))
    rows = list_query.fetch_rows(R(db, admin), src, ids, ["user", "action", "changes"])
    assert len(rows) == 2 and all(r[1] == "王管理" and r[2] == "create" for r in rows)
    assert src.column("changes").display(rows[0][3]) in ("名称：华北组", "名称：华南组")


def test_saved_filters_and_layout_per_user(world):
    db, admin, _ = world
    q = ListQuery(
        search="张",
        sort=(("username", True),),
        date_key="created_at",
        date_from=date(2026, 1, 1),
        filters=(("role", ("sales_rep",)),),
    )
    fid = list_prefs.save_filter(UnitOfWork(db, admin), "users", "张姓销售", q, is_default=True)
    list_prefs.save_filter(UnitOfWork(db, admin), "users", "全部", ListQuery(), is_default=True)
    saved = {f.name: f for f in list_prefs.saved_filters(UnitOfWork(db, admin), "users")}
    assert saved["张姓销售"].query == q and not saved["张姓销售"].is_default
    assert saved["全部"].is_default and saved["全部"].query == ListQuery()  # the one default
    list_prefs.delete_filter(UnitOfWork(db, admin), fid)
    assert [f.name for f in list_prefs.saved_filters(UnitOfWork(db, admin), "users")] == ["全部"]
    layout = {"columns": ["full_name", "username"], "hidden": ["email"], "widths": {"username": 80}}
    list_prefs.save_layout(UnitOfWork(db, admin), "users", layout)
    assert list_prefs.load_layout(UnitOfWork(db, admin), "users") == layout
    add_user(db, admin, "other", Role.ADMIN)
    other = login(db, "other")
    assert list_prefs.load_layout(UnitOfWork(db, other), "users") is None
    assert list_prefs.saved_filters(UnitOfWork(db, other), "users") == []


def test_distinct_values_for_column_filters(world):
    db, admin, _ = world
    values = list_query.distinct_values(R(db, admin), users_source(), "team")
    assert values[0][1] in ("华北组", "华南组", "（空）")
    assert {label for _, label in values} == {"华北组", "华南组", "（空）"}


def test_audit_changes_read_in_chinese_and_hide_secrets():
    from app.services.admin.audit_text import describe

    text = describe(
        "users",
        {"full_name": ["李四", "李小四"], "password_hash": ["***", "***(已修改)"], "x_y": [1, 2]},
        {},
    )
    assert text == "姓名：李四 → 李小四；密码：已设置；x_y：1 → 2"


def test_first_ids_are_the_head_of_all_ids(world):
    db, admin, _ = world
    src = users_source()
    for q in (ListQuery(sort=(("role", True), ("username", False))), ListQuery(search="王")):
        everything = list_query.fetch_ids(R(db, admin), src, q)
        assert list_query.fetch_first_ids(R(db, admin), src, q, 7) == everything[:7]


def test_a_read_of_every_id_can_be_stopped_between_chunks(world, monkeypatch):
    db, admin, _ = world
    monkeypatch.setattr(list_query, "ID_CHUNK", 50)
    asked = []

    def stop_after_two() -> bool:
        asked.append(1)
        return len(asked) >= 2

    assert (
        list_query.fetch_ids(R(db, admin), users_source(), ListQuery(), stop=stop_after_two) is None
    )
    assert len(asked) == 2  # asked after each chunk of 50 ids; 121 ids would be three
    ids = list_query.fetch_ids(R(db, admin), users_source(), ListQuery(), stop=lambda: False)
    assert len(ids) == 121


def test_unused_left_joins_onto_unique_keys_are_left_out():
    """Only LEFT JOINs onto a one-column primary key that nothing refers to go; the rest
    of the statement (WHERE, inner joins, joins others depend on, DISTINCT) stays."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from app.models import Team, User

    Boss = aliased(User, name="boss")
    base = (
        select(User.id)
        .select_from(User)
        .outerjoin(Team, User.team_id == Team.id)
        .outerjoin(Boss, Boss.team_id == Team.id)  # not onto Boss's primary key
    )

    def sql(stmt):
        return " ".join(str(stmt).split())

    pruned = sql(pruning.without_unused_joins(base.where(User.is_active)))
    # Boss is joined on its team_id (not unique): kept, and with it the team it needs.
    assert "JOIN teams" in pruned and "JOIN users AS boss" in pruned
    only_team = select(User.id).select_from(User).outerjoin(Team, User.team_id == Team.id)
    assert "JOIN" not in sql(pruning.without_unused_joins(only_team.where(User.is_active)))
    assert "WHERE users.is_active" in sql(
        pruning.without_unused_joins(only_team.where(User.is_active))
    )
    # Referred to by the WHERE clause, by a selected expression, or an inner join: kept.
    assert "JOIN teams" in sql(pruning.without_unused_joins(only_team.where(Team.name == "x")))
    assert "JOIN teams" in sql(pruning.without_unused_joins(only_team, Team.name))
    inner = select(User.id).select_from(User).join(Team, User.team_id == Team.id)
    assert "JOIN teams" in sql(pruning.without_unused_joins(inner))
    assert "JOIN teams" in sql(pruning.without_unused_joins(only_team.distinct()))


def test_numbers_read_as_people_write_them():
    """Issue 15 (numbers): a quantity from a Numeric(14, 3) column is 5,000, not 5000.000."""
    from decimal import Decimal

    from app.services.lists.spec import Column

    qty = Column("quantity", "数量", None, kind="number")
    assert [qty.display(v) for v in (Decimal("5000.000"), Decimal("12.500"), 100.0, 7, Decimal("0"))] == [
        "5,000", "12.5", "100", "7", "0"
    ]  # fmt: skip
    assert qty.display(Decimal("1234567.250")) == "1,234,567.25"
    assert Column("amount", "金额", None, kind="money").display(Decimal("5000")) == "5,000.00"
