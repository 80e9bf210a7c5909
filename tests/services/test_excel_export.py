"""Excel export of a list view, read back with openpyxl."""

import os
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import select

from app.models import Team
from app.services import listing
from app.services.admin_lists import users_source
from app.services.errors import ServiceError
from app.services.excel_export import ExportCancelled, export_list
from app.services.listing import ListQuery
from app.services.uow import UnitOfWork
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
    summary = listing.summarize(R(db, admin), src, q, ["role"])
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
    assert rows[0] == ("角色", "数量") and rows[-1][0] == "合计" and rows[-1][1] == 30
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
    from app.services.excel_export import export_summary

    db, admin = world
    src = users_source()
    s = listing.summarize(R(db, admin), src, ListQuery(), ["team", "role"])
    export_summary(src, ListQuery(), s, tmp_path / "汇总.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "汇总.xlsx")["汇总"].iter_rows(values_only=True))
    assert rows[0] == ("团队", "角色", "数量")
    assert sum(r[2] for r in rows[1:-1]) == rows[-1][2] == 31
