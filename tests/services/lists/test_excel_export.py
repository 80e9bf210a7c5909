"""Excel export of a list view, read back with openpyxl."""

import os
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import select

from app.models import Team
from app.services.admin.lists import users_source
from app.services.core.errors import ServiceError
from app.services.core.uow import UnitOfWork
from app.services.lists import query as list_query
from app.services.lists import summaries
from app.services.lists.excel_export import ExportCancelled, export_list
from app.services.lists.spec import ListQuery
from tests.services.helpers import setup_admin
from tests.services.list_fixtures import bulk_users

START = datetime(2026, 1, 1, 8, 0)
KEYS = ["username", "full_name", "role", "team", "is_active", "created_at"]


@pytest.fixture
def world(db, fake_clock):
    admin = setup_admin(db)
    bulk_users(db, admin, 30, START)
    return db, admin


def R(db, admin):
    return UnitOfWork(db, admin, write=False)


def test_export_matches_the_view_and_types_cells(world, tmp_path):
    db, admin = world
    src = users_source()
    q = ListQuery(search="u00", sort=(("username", True),))
    summary = summaries.summarize(R(db, admin), src, q, ["role"])
    target = tmp_path / "用户.xlsx"
    n = export_list(R(db, admin), src, q, KEYS, target, summary=summary)
    assert n == 30
    wb = openpyxl.load_workbook(target)
    ws = wb["用户列表"]
    assert [c.value for c in ws[1]] == ["用户名", "姓名", "角色", "团队", "启用", "创建时间"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F31"
    first = [c.value for c in ws[2]]
    assert first[0] == "u0029" and first[2] == "销售内勤" and first[4] == "是"
    assert isinstance(first[5], datetime) and first[5] == datetime(2026, 1, 30, 8, 0)
    assert ws.column_dimensions["A"].width >= 8
    s = wb["汇总"]
    rows = list(s.iter_rows(values_only=True))
    assert rows[0] == ("角色", "记录数") and rows[-1][0] == "合计" and rows[-1][1] == 30
    assert "搜索“u00”" in [c for row in wb["说明"].iter_rows(values_only=True) for c in row][3]


def test_user_text_is_never_a_formula(world, tmp_path):
    db, admin = world
    with UnitOfWork(db, admin) as uow:
        team = uow.session.scalar(select(Team))
        team.name = '=HYPERLINK("http://evil","点我")'
        uow.commit()
    with UnitOfWork(db, admin) as uow:
        uow.session.add(Team(name="+1+1"))
        uow.commit()
    target = tmp_path / "x.xlsx"
    export_list(R(db, admin), users_source(), ListQuery(), ["username", "team"], target)
    ws = openpyxl.load_workbook(target).active
    teams = {c.value for c in ws["B"][1:]}
    assert '=HYPERLINK("http://evil","点我")' in teams
    for cell in ws["B"][1:]:
        assert cell.data_type != "f"


def test_group_labels_in_the_summary_sheet_are_text(world, tmp_path):
    from app.services.lists.excel_export import export_summary

    db, admin = world
    evil = ['=HYPERLINK("http://evil","点我")', "=cmd|' /C calc'!A0", "@SUM(1)", "-1+2"]
    with UnitOfWork(db, admin) as uow:
        for name in evil:
            uow.session.add(Team(name=name))
        uow.commit()
    with UnitOfWork(db, admin) as uow:
        teams = {t.name: t.id for t in uow.session.scalars(select(Team))}
        from app.models import User

        for i, user in enumerate(uow.session.scalars(select(User).order_by(User.id)).all()[:4]):
            user.team_id = teams[evil[i]]
        uow.commit()
    src = users_source()
    summary = summaries.summarize(R(db, admin), src, ListQuery(), ["team"])
    both = tmp_path / "both.xlsx"
    export_list(R(db, admin), src, ListQuery(), ["username", "team"], both, summary=summary)
    alone = tmp_path / "alone.xlsx"
    export_summary(src, ListQuery(), summary, alone)
    for path in (both, alone):
        wb = openpyxl.load_workbook(path)
        cells = [c for sheet in wb for row in sheet.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], path
        labels = {c.value for c in wb["汇总"]["A"]}
        assert set(evil) <= labels


def test_cancel_leaves_no_file(world, tmp_path):
    db, admin = world
    out = tmp_path / "out"
    out.mkdir()
    target = out / "c.xlsx"
    with pytest.raises(ExportCancelled, match="已取消"):
        export_list(R(db, admin), users_source(), ListQuery(), KEYS, target, cancelled=lambda: True)
    assert os.listdir(out) == []


def test_unwritable_or_missing_folder_says_why_and_leaves_nothing(world, tmp_path):
    db, admin = world
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(ServiceError, match="不存在"):
        export_list(R(db, admin), users_source(), ListQuery(), KEYS, tmp_path / "no" / "x.xlsx")
    # The target is a directory (like a file locked by another program: cannot be replaced).
    blocked = tmp_path / "blocked.xlsx"
    blocked.mkdir()
    with pytest.raises(ServiceError, match="导出失败"):
        export_list(R(db, admin), users_source(), ListQuery(), KEYS, blocked)
    assert sorted(os.listdir(tmp_path)) == ["blocked.xlsx"]


def test_progress_is_reported(world, tmp_path):
    db, admin = world
    seen = []
    export_list(
        R(db, admin),
        users_source(),
        ListQuery(),
        KEYS,
        tmp_path / "p.xlsx",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (31, 31)


def test_summary_alone_exports_with_subtotal_rows(world, tmp_path):
    from app.services.lists.excel_export import export_summary

    db, admin = world
    src = users_source()
    s = summaries.summarize(R(db, admin), src, ListQuery(), ["team", "role"])
    export_summary(src, ListQuery(), s, tmp_path / "汇总.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "汇总.xlsx")["汇总"].iter_rows(values_only=True))
    assert rows[0] == ("团队", "角色", "记录数")
    assert sum(r[2] for r in rows[1:-1]) == rows[-1][2] == 31


def _typed_source():
    """The users list plus a date, a money and an int column (computed in SQL)."""
    from datetime import date as _date  # noqa: F401  (documents the expected type)

    from sqlalchemy import Date, Numeric, cast, func, type_coerce

    from app.models import User
    from app.services.lists.spec import Column

    src = users_source()
    extra = [
        Column("day", "日期", type_coerce(func.date(User.created_at), Date), kind="date"),
        Column(
            "amount",
            "金额",
            cast(func.length(User.username) * 1000.25, Numeric(12, 2)),
            kind="money",
        ),
        Column("chars", "字数", func.length(User.full_name), kind="int"),
    ]
    src.columns = src.columns + extra
    return src


def test_cells_are_typed_and_formatted(world, tmp_path):
    from datetime import date

    db, admin = world
    src = _typed_source()
    target = tmp_path / "typed.xlsx"
    keys = ["username", "created_at", "day", "amount", "chars", "is_active", "locked_until"]
    q = ListQuery(sort=(("username", False),))
    export_list(R(db, admin), src, q, keys, target)
    wb = openpyxl.load_workbook(target)
    ws = wb.active
    header = ws[1]
    assert all(c.font.b for c in header) and header[0].fill.fgColor.rgb.endswith("DDE6F2")
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "u0001")
    assert row[0].data_type == "s"
    assert row[1].value == datetime(2026, 1, 2, 8, 0) and row[1].number_format == "yyyy-mm-dd hh:mm"
    assert row[2].value == datetime(2026, 1, 2) and row[2].number_format == "yyyy-mm-dd"
    assert row[3].value == 5001.25 and row[3].number_format == "#,##0.00"
    assert row[4].value == 3 and row[4].number_format == "0"  # 王芳1
    assert row[5].value == "是"
    assert row[6].value is None  # NULL: an empty cell
    first = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "u0000")
    assert first[2].value.date() == date(2026, 1, 1)
    # Read back cell by cell, the data equal what the list shows.
    rows = list_query.fetch_rows(
        R(db, admin), src, list_query.fetch_ids(R(db, admin), src, q), keys
    )
    assert [c.value for c in ws["A"][1:]] == [r[1] for r in rows]
    assert [c.value for c in ws["B"][1:]] == [r[2] for r in rows]
    assert [c.value for c in ws["E"][1:]] == [r[5] for r in rows]


def test_awkward_text_stays_text(world, tmp_path):
    from app.models import User

    db, admin = world
    awkward = {
        "u0000": "=1+1",
        "u0001": "#N/A",
        "u0002": "  前后空格  ",
        "u0003": "A&B <公司> \"引号\" 'x'",
        "u0004": "甲\x01乙",  # a control character Excel cannot hold: dropped
        "u0005": "@SUM(A1)",
        "u0006": "-2+3",
        "u0007": "1e5",
    }
    with UnitOfWork(db, admin) as uow:
        for u in uow.session.scalars(select(User).where(User.username.in_(awkward))):
            u.full_name = awkward[u.username]
        uow.commit()
    target = tmp_path / "text.xlsx"
    q = ListQuery(sort=(("username", False),))
    export_list(R(db, admin), users_source(), q, ["username", "full_name"], target)
    ws = openpyxl.load_workbook(target).active
    got = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(2, ws.max_row + 1)}
    expected = dict(awkward, u0004="甲乙")
    for username, text in expected.items():
        assert got[username].value == text
        assert got[username].data_type == "s"


def test_rows_fetched_in_batches_keep_the_view_order(world, tmp_path, monkeypatch):
    from app.services.lists import excel_export

    db, admin = world
    monkeypatch.setattr(excel_export, "EXPORT_BATCH", 7)  # 31 users: five batches
    src = users_source()
    q = ListQuery(sort=(("created_at", True),))
    target = tmp_path / "batches.xlsx"
    assert export_list(R(db, admin), src, q, KEYS, target) == 31
    ws = openpyxl.load_workbook(target).active
    ids = list_query.fetch_ids(R(db, admin), src, q)
    want = [r[1] for r in list_query.fetch_rows(R(db, admin), src, ids, ["username"])]
    assert [c.value for c in ws["A"][1:]] == want
    assert ws.auto_filter.ref == "A1:F32"
    # Every row is a row of its own, numbered in order (a reader in read-only mode too).
    ro = openpyxl.load_workbook(target, read_only=True).active
    assert [r[0] for r in ro.iter_rows(min_row=2, values_only=True)] == want
