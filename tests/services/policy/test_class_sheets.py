"""《客户等级分类表》 (暂行办法 一.3, 附表二): fill → 提交 → 审核 → 复核 → 备案, the classes
applied on 复核, the filed sheet a frozen copy; wrong roles, second approvals and 退回."""

from datetime import date

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import ClassSheet, CodeItem, Customer
from app.services.core import settings
from app.services.core.errors import (
    ConflictError,
    PermissionDenied,
    ServiceError,
    ValidationError,
)
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import DealForm
from app.services.lists import excel_export
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from app.services.policy import class_sheets as sheets
from app.services.policy import classification
from app.services.policy.class_sheet_lists import (
    class_sheet_rows_source,
    class_sheets_source,
    sheet_detail,
    sheet_rows,
)
from app.services.reminders import registry as reminders
from app.services.reminders.engine import Target
from tests.services.customer_fixtures import fast_passwords, make_world, register

BIG, SMALL = "宁波大成电器有限公司", "杭州小本贸易有限公司"


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.big = register(w, w.rep1, BIG).customer_id  # team 1
    w.small = register(w, w.rep3, SMALL).customer_id  # team 2
    followups.add_deal(UnitOfWork(w.db, w.rep1), w.big, DealForm(product="风扇", amount="400000"))
    return w


def name_settlement_manager(w, username="chair"):
    settings.update_settings(UnitOfWork(w.db, w.admin), {"class.settlement_managers": username})


def grade(w, cid):
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        c = uow.session.get(Customer, cid)
        code = uow.session.scalar(select(CodeItem.code).where(CodeItem.id == c.grade_id))
        return code, c.class_reason, c.name


def detail(w, sid, actor=None):
    return sheet_detail(UnitOfWork(w.db, actor or w.sales_admin), sid)


def rows_by_customer(w, sid, actor=None):
    return {r.customer_id: r for r in sheet_rows(UnitOfWork(w.db, actor or w.sales_admin), sid)}


def test_a_customer_goes_through_the_cycle_to_a_filed_sheet(world, tmp_path):
    w = world
    assert grade(w, w.big)[0] == "C"  # a new customer is C (一.2.3)
    with pytest.raises(PermissionDenied):  # only the filler (default: the sales admin) opens it
        sheets.open_sheet(UnitOfWork(w.db, w.rep1))
    sid = sheets.open_sheet(UnitOfWork(w.db, w.sales_admin))
    d = detail(w, sid)
    assert (d.title, d.period, d.period_end, d.status_label) == (
        "2026年第1季度", "quarterly", date(2026, 3, 31), "填写中")  # fmt: skip
    assert d.may_fill and not d.may_review and not d.may_check
    with pytest.raises(ValidationError, match="已经建立"):
        sheets.open_sheet(UnitOfWork(w.db, w.sales_admin))
    rows = rows_by_customer(w, sid)
    big = rows[w.big]
    assert (big.current, big.proposed, big.total_3y) == ("C", "B", 400000)
    assert "达到 B 类标准" in big.basis
    small = rows[w.small]
    assert (small.current, small.proposed) == ("C", "C")

    # The filler fills: D is a person's decision and needs a reason.
    uow = UnitOfWork(w.db, w.sales_admin)
    with pytest.raises(ValidationError, match="理由"):
        sheets.update_row(uow, small.id, small.version, "D", "")
    with pytest.raises(PermissionDenied):
        sheets.update_row(UnitOfWork(w.db, w.rep3), small.id, small.version, "D", "", "逾期")
    sheets.update_row(uow, small.id, small.version, "D", "货款逾期一年", "拖欠货款 12 万元")
    with pytest.raises(ConflictError):  # the same row from a stale copy
        sheets.update_row(uow, small.id, small.version, "C", "")
    with pytest.raises(ValidationError):
        sheets.update_row(uow, big.id, big.version, "E", "")

    # 提交: only the filler, once.
    with pytest.raises(PermissionDenied):
        sheets.submit_sheet(UnitOfWork(w.db, w.rep1), sid, d.version)
    sheets.submit_sheet(UnitOfWork(w.db, w.sales_admin), sid, d.version)
    d = detail(w, sid)
    with pytest.raises(ValidationError, match="不能重复提交"):
        sheets.submit_sheet(UnitOfWork(w.db, w.sales_admin), sid, d.version)
    with pytest.raises(ValidationError, match="填写中才能修改"):
        sheets.update_row(uow, big.id, big.version, "A", "")

    # 审核: a manager, once; a rep or the sales admin may not.
    for actor in (w.rep1, w.sales_admin, w.chairman):
        with pytest.raises(PermissionDenied):
            sheets.approve_sheet(UnitOfWork(w.db, actor), sid, d.version)
    assert detail(w, sid, w.manager).may_review
    sheets.approve_sheet(UnitOfWork(w.db, w.manager), sid, d.version)
    d = detail(w, sid)
    with pytest.raises(ValidationError, match="不能重复审核"):
        sheets.approve_sheet(UnitOfWork(w.db, w.manager), sid, d.version)
    assert detail(w, sid).version == d.version  # the refused second approval changed nothing

    # 复核: the 结算经理 named in settings (none yet: a clear message).
    with pytest.raises(PermissionDenied, match="尚未指定结算经理"):
        sheets.check_sheet(UnitOfWork(w.db, w.chairman), sid, d.version)
    name_settlement_manager(w)
    for actor in (w.manager, w.sales_admin, w.rep1):
        with pytest.raises(PermissionDenied):
            sheets.check_sheet(UnitOfWork(w.db, actor), sid, d.version)
    assert detail(w, sid, w.chairman).may_check
    assert sheets.check_sheet(UnitOfWork(w.db, w.chairman), sid, d.version) == 2
    d = detail(w, sid)
    assert (d.status_label, d.filed_on, d.checker, d.applied) == (
        "已复核备案", date(2026, 3, 2), "董事长", 2)  # fmt: skip
    with pytest.raises(ValidationError, match="不能再修改或重复复核"):
        sheets.check_sheet(UnitOfWork(w.db, w.chairman), sid, d.version)

    # The classes reached the customers through the confirm path.
    code, reason, _ = grade(w, w.big)
    assert code == "B" and "2026年第1季度客户等级分类表" in reason
    code, reason, _ = grade(w, w.small)
    assert code == "D" and "拖欠货款 12 万元" in reason

    # The filed sheet is a frozen copy: later changes to the customers leave it alone.
    before = rows_by_customer(w, sid)
    classification.clear_class_d(UnitOfWork(w.db, w.sales_admin), w.small, "货款已结清")
    with UnitOfWork(w.db, w.admin) as u:
        u.session.get(Customer, w.big).name = "宁波大成电器集团有限公司"
        u.commit()
    after = rows_by_customer(w, sid)
    assert after == before
    assert (after[w.big].customer, after[w.small].proposed) == (BIG, "D")
    assert all(r.applied for r in after.values())
    with pytest.raises(ValidationError):
        sheets.update_row(uow, big.id, after[w.big].version, "A", "")

    # Excel through the list export path, read back.
    path = tmp_path / "分类表.xlsx"
    source = class_sheet_rows_source(sid)
    keys = [c.key for c in source.columns if c.visible]
    n = excel_export.export_list(UnitOfWork(w.db, w.sales_admin), source, ListQuery(), keys, path)
    assert n == 2
    ws = load_workbook(path).worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][:4] == ["客户编号", "客户名称", "归属销售", "近三年销售额(元)"]
    assert {v[1] for v in values[1:]} == {BIG, SMALL}
    assert {v[7] for v in values[1:]} == {"B", "D"}


def test_a_rep_sees_only_own_rows_and_a_manager_the_team(world):
    w = world
    sid = sheets.open_sheet(UnitOfWork(w.db, w.sales_admin))
    assert set(rows_by_customer(w, sid, w.rep1)) == {w.big}
    assert set(rows_by_customer(w, sid, w.rep3)) == {w.small}
    assert set(rows_by_customer(w, sid, w.manager)) == {w.big}
    assert set(rows_by_customer(w, sid, w.clerk)) == {w.big, w.small}
    d = detail(w, sid, w.rep1)
    assert (d.rows_visible, d.rows_total, d.may_fill) == (1, 2, False)
    source = class_sheet_rows_source(sid)
    for actor, names in ((w.rep1, {BIG}), (w.rep2, set()), (w.sales_admin, {BIG, SMALL})):
        uow = UnitOfWork(w.db, actor, write=False)
        ids = list(list_query.fetch_ids(uow, source, ListQuery()))
        shown = list_query.fetch_rows(UnitOfWork(w.db, actor, write=False), source, ids,
                                      ["customer"])  # fmt: skip
        assert {r[1] for r in shown} == names
    sheets_seen = list_query.fetch_ids(UnitOfWork(w.db, w.rep2), class_sheets_source(), ListQuery())
    assert list(sheets_seen) == [sid]  # which sheets exist is no secret; their rows are


def test_returned_at_review_and_at_check_goes_back_to_filling(world):
    w = world
    name_settlement_manager(w)
    sid = sheets.open_sheet(UnitOfWork(w.db, w.sales_admin))
    sheets.submit_sheet(UnitOfWork(w.db, w.sales_admin), sid, detail(w, sid).version)
    v = detail(w, sid).version
    with pytest.raises(ValidationError, match="理由"):
        sheets.return_sheet(UnitOfWork(w.db, w.manager), sid, v, "  ")
    for actor in (w.rep1, w.chairman):  # the 结算经理 returns only at 复核
        with pytest.raises(PermissionDenied):
            sheets.return_sheet(UnitOfWork(w.db, actor), sid, v, "不对")
    sheets.return_sheet(UnitOfWork(w.db, w.manager), sid, v, "B 类客户的财务状况未核实")
    d = detail(w, sid)
    assert (d.status, d.return_reason, d.returned_by) == (
        "filling", "B 类客户的财务状况未核实", "赵主管")  # fmt: skip
    with pytest.raises(ValidationError, match="不能退回"):
        sheets.return_sheet(UnitOfWork(w.db, w.manager), sid, d.version, "再退一次")

    sheets.submit_sheet(UnitOfWork(w.db, w.sales_admin), sid, d.version)
    sheets.approve_sheet(UnitOfWork(w.db, w.manager), sid, detail(w, sid).version)
    v = detail(w, sid).version
    with pytest.raises(PermissionDenied):  # past 审核, the manager no longer returns it
        sheets.return_sheet(UnitOfWork(w.db, w.manager), sid, v, "再看看")
    sheets.return_sheet(UnitOfWork(w.db, w.chairman), sid, v, "请附上信誉等级依据")
    d = detail(w, sid)
    assert (d.status, d.reviewer, d.return_reason) == ("filling", "", "请附上信誉等级依据")
    assert grade(w, w.big)[0] == "C"  # nothing applied before 复核


def test_each_step_reminds_whoever_must_act(world, fake_clock):
    w = world
    name_settlement_manager(w)

    def kinds(actor):
        items = reminders.collect(UnitOfWork(w.db, actor)).items
        return [i for i in items if i.kind == "class_sheet"]

    fake_clock.advance(days=10)  # 2026-03-12: the quarter ends in 19 days, not yet due
    assert kinds(w.sales_admin) == []
    fake_clock.advance(days=15)  # 2026-03-27: within the 7 warning days, no sheet yet
    [due] = kinds(w.sales_admin)
    assert "2026年第1季度" in due.title and due.target == Target("class_sheet", 0)
    assert kinds(w.rep1) == [] and kinds(w.manager) == []
    sid = sheets.open_sheet(UnitOfWork(w.db, w.sales_admin))
    [due] = kinds(w.sales_admin)
    assert due.target.record_id == sid and "填写" in due.title
    sheets.submit_sheet(UnitOfWork(w.db, w.sales_admin), sid, detail(w, sid).version)
    assert kinds(w.sales_admin) == [] and kinds(w.chairman) == []
    [todo] = kinds(w.manager)
    assert "审核" in todo.title and todo.target.record_id == sid
    sheets.approve_sheet(UnitOfWork(w.db, w.manager), sid, detail(w, sid).version)
    assert kinds(w.manager) == []
    [todo] = kinds(w.chairman)
    assert "复核" in todo.title
    sheets.check_sheet(UnitOfWork(w.db, w.chairman), sid, detail(w, sid).version)
    assert kinds(w.chairman) == [] and kinds(w.sales_admin) == []
    fake_clock.advance(days=10)  # 2026-04-06: the next quarter is not yet due
    assert kinds(w.sales_admin) == []
    fake_clock.advance(days=264)  # 2026-12-26: the 4th quarter and the yearly update are due
    titles = sorted(r.title for r in kinds(w.sales_admin))
    assert len(titles) == 2 and "2026年度更新" in titles[0] + titles[1]
    assert any("2026年第4季度" in t for t in titles)


def test_yearly_update_and_monthly_setting(world, fake_clock):
    w = world
    settings.update_settings(UnitOfWork(w.db, w.admin), {"class.sheet_monthly": 1})
    sid = sheets.open_sheet(UnitOfWork(w.db, w.sales_admin))
    assert (detail(w, sid).title, detail(w, sid).period_end) == ("2026年3月", date(2026, 3, 31))
    yid = sheets.open_sheet(UnitOfWork(w.db, w.sales_admin), "yearly")
    assert (detail(w, yid).title, detail(w, yid).period_label) == ("2026年度更新", "年度更新")
    with pytest.raises(ValidationError):
        sheets.open_sheet(UnitOfWork(w.db, w.sales_admin), "weekly")


def test_people_settings_must_name_active_users(world):
    w = world
    for key in ("class.settlement_managers", "class.sheet_fillers"):
        with pytest.raises(ValidationError, match="不是在职用户"):
            settings.update_settings(UnitOfWork(w.db, w.admin), {key: "nobody"})
    settings.update_settings(UnitOfWork(w.db, w.admin), {"class.sheet_fillers": "clerk"})
    with pytest.raises(PermissionDenied):  # the sales admin is no longer the filler
        sheets.open_sheet(UnitOfWork(w.db, w.sales_admin))
    assert sheets.open_sheet(UnitOfWork(w.db, w.clerk))
    settings.update_settings(UnitOfWork(w.db, w.admin), {"class.settlement_managers": "rep1"})
    with pytest.raises(PermissionDenied, match="可以查看全部客户"):  # a rep sees only own rows
        sheets.check_sheet(UnitOfWork(w.db, w.rep1), 1, 1)


def test_refresh_while_filling_keeps_the_fillers_changes(world):
    w = world
    sid = sheets.open_sheet(UnitOfWork(w.db, w.sales_admin))
    rows = rows_by_customer(w, sid)
    small = rows[w.small]
    sheets.update_row(UnitOfWork(w.db, w.sales_admin), small.id, small.version, "B", "老客户")
    new = register(w, w.rep2, "温州新来电器有限公司").customer_id
    followups.add_deal(UnitOfWork(w.db, w.rep1), w.big, DealForm(product="风扇", amount="700000"))
    v = detail(w, sid).version
    with pytest.raises(PermissionDenied):
        sheets.refresh_sheet(UnitOfWork(w.db, w.manager), sid, v)
    assert sheets.refresh_sheet(UnitOfWork(w.db, w.sales_admin), sid, v) == 3
    rows = rows_by_customer(w, sid)
    assert (rows[w.big].total_3y, rows[w.big].proposed) == (1_100_000, "A")
    assert (rows[w.small].proposed, rows[w.small].remark) == ("B", "老客户")
    assert rows[new].proposed == "C"
    sheets.submit_sheet(UnitOfWork(w.db, w.sales_admin), sid, v)
    with pytest.raises(ValidationError, match="填写中才能重新计算"):
        sheets.refresh_sheet(UnitOfWork(w.db, w.sales_admin), sid, detail(w, sid).version)


@hyp_settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.text(max_size=320))
@example(text="备注\x00空字符")
@example(text="\ud800残缺")
def test_any_remark_or_reason_is_stored_or_refused_in_chinese(world, text):
    w = world
    with UnitOfWork(w.db, w.sales_admin, write=False) as uow:
        sid = uow.session.scalar(select(ClassSheet.id))
    sid = sid or sheets.open_sheet(UnitOfWork(w.db, w.sales_admin))
    row = rows_by_customer(w, sid)[w.small]
    try:
        sheets.update_row(UnitOfWork(w.db, w.sales_admin), row.id, row.version, "D", text, text)
    except ServiceError as err:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(err))
        assert rows_by_customer(w, sid)[w.small] == row  # nothing changed
        return
    after = rows_by_customer(w, sid)[w.small]
    assert (after.remark, after.d_reason, after.proposed) == (text.strip(), text.strip(), "D")
