"""客户反馈/投诉: registration, visibility per role, the full lifecycle, refusals that
change nothing, optimistic locking, the list source and the reminders."""

from datetime import timedelta

import pytest

from app.models import Complaint
from app.services.admin import code_tables
from app.services.core import settings
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.lists import query as list_query
from app.services.lists import summaries
from app.services.lists.spec import ListQuery
from app.services.reminders import registry as reminders
from app.services.reminders.engine import Severity
from app.services.service_desk import complaints
from app.services.service_desk.complaints import ComplaintForm
from app.services.service_desk.lists import complaints_source, customer_choices
from tests.services.customer_fixtures import (
    NXH,
    fast_passwords,
    grant_read_access,
    make_world,
    register,
)

YC = "银川枸杞贸易有限公司"
WZ = "吴忠滩羊肉业有限公司"


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.nxh = register(w, w.rep1, NXH, phone="0951-5012345").customer_id
    w.yc = register(w, w.rep2, YC).customer_id
    w.wz = register(w, w.rep3, WZ).customer_id
    with UnitOfWork(db, w.admin) as uow:
        w.phone = code_tables.find_item(uow, "feedback_channel", "1")
        w.visit = code_tables.find_item(uow, "feedback_channel", "2")
        w.quality = code_tables.find_item(uow, "complaint_type", "01")
        w.delay = code_tables.find_item(uow, "complaint_type", "02")
    return w


def new_form(w, customer_id, **kw) -> ComplaintForm:
    kw.setdefault("channel_id", w.phone)
    kw.setdefault("category_id", w.quality)
    kw.setdefault("customer_words", "上周到货的枸杞有霉点，要求退换。")
    kw.setdefault("contact_name", "马经理")
    return ComplaintForm(customer_id=customer_id, **kw)


def file(w, actor, customer_id, **kw) -> int:
    return complaints.register_complaint(UnitOfWork(w.db, actor), new_form(w, customer_id, **kw))


def row(w, cid) -> dict:
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        c = uow.session.get(Complaint, cid)
        return {col.key: getattr(c, col.key) for col in Complaint.__table__.columns}


def detail(w, actor, cid):
    return complaints.complaint_detail(UnitOfWork(w.db, actor), cid)


def visible_ids(w, actor) -> set[int]:
    return set(list_query.fetch_ids(UnitOfWork(w.db, actor), complaints_source(actor), ListQuery()))


def test_register_defaults_and_validation(world, fake_clock):
    w = world
    cid = file(w, w.sales_admin, w.nxh, severity="serious")
    r = row(w, cid)
    assert r["status"] == "received" and r["handler_id"] is None
    assert r["channel"] == "电话" and r["received_by_id"] == w.sales_admin.id
    assert r["received_at"] == fake_clock()
    assert r["due_date"] == fake_clock().date() + timedelta(days=3)  # 较重: 3 days
    settings.update_settings(UnitOfWork(w.db, w.admin), {"complaints.due_days_critical": 2})
    critical = file(w, w.rep1, w.nxh, severity="critical", kind="feedback", category_id=None)
    assert row(w, critical)["kind"] == "feedback"  # feedback needs no category
    assert row(w, critical)["due_date"] == fake_clock().date() + timedelta(days=2)

    before = visible_ids(w, w.admin)
    bad = [
        (dict(customer_words="  "), "customer_words", "请填写客户原话。"),
        (dict(channel_id=None), "channel_id", "请选择反馈渠道。"),
        (dict(channel_id=w.quality), "channel_id", "反馈渠道的选项不存在，请重新选择。"),
        (dict(category_id=None), "category_id", "请选择投诉类别。"),
        (dict(severity="huge"), "severity", "请选择严重程度：一般、较重或严重。"),
        (dict(kind="praise"), "kind", "请选择类型：投诉或反馈。"),
        (dict(received_at=fake_clock() + timedelta(days=1)), "received_at",
         "受理时间不能晚于现在。"),
        (dict(due_date=fake_clock().date() - timedelta(days=3)), "due_date",
         "处理期限不能早于受理日期。"),
        (dict(customer_words="字" * 4001), "customer_words", "客户原话不能超过 4000 字。"),
    ]  # fmt: skip
    for kw, field, message in bad:
        with pytest.raises(ValidationError) as err:
            file(w, w.sales_admin, w.nxh, **kw)
        assert (err.value.field, err.value.message) == (field, message)
    with pytest.raises(ValidationError, match="请选择客户"):
        file(w, w.sales_admin, None)
    assert visible_ids(w, w.admin) == before  # nothing was saved


def test_who_may_register_and_who_sees(world):
    w = world
    with pytest.raises(PermissionDenied, match="董事长"):
        file(w, w.chairman, w.nxh)
    with pytest.raises(ValidationError, match="无权查看该客户") as err:
        file(w, w.rep3, w.nxh)  # rep3 does not see rep1's customer
    assert err.value.field == "customer_id"
    with pytest.raises(PermissionDenied, match="指派"):
        file(w, w.rep1, w.nxh, handler_id=w.rep1.id)  # a rep may not assign

    a = file(w, w.rep1, w.nxh)  # the rep registers on an own customer
    b = file(w, w.clerk, w.yc)  # the clerk sees every customer
    c = file(w, w.sales_admin, w.wz, handler_id=w.rep1.id)  # team-2 customer, rep1 handles
    assert row(w, c)["status"] == "handling"
    assert visible_ids(w, w.rep1) == {a, c}  # own customer + assigned to him
    assert visible_ids(w, w.rep2) == {b}
    assert visible_ids(w, w.rep3) == {c}
    assert visible_ids(w, w.manager) == {a, b, c}  # team 1 customers + team 1 handler
    for actor in (w.sales_admin, w.chairman, w.admin, w.clerk):
        assert visible_ids(w, actor) == {a, b, c}
    with pytest.raises(NotFound):
        detail(w, w.rep2, a)
    assert detail(w, w.rep3, c).customer_name == WZ


def test_full_lifecycle_with_refusals_that_change_nothing(world, fake_clock):
    w = world
    cid = file(w, w.sales_admin, w.nxh)
    d = detail(w, w.sales_admin, cid)
    assert d.can_assign and not d.can_note and not d.can_close

    # Assigning: a rep may not; a manager only the own team; a stale version conflicts.
    snapshot = row(w, cid)
    with pytest.raises(PermissionDenied):
        complaints.assign_handler(UnitOfWork(w.db, w.rep1), cid, d.version, w.rep1.id)
    with pytest.raises(PermissionDenied, match="本团队"):
        complaints.assign_handler(UnitOfWork(w.db, w.manager), cid, d.version, w.rep3.id)
    with pytest.raises(ValidationError, match="在职的处理人"):
        complaints.assign_handler(UnitOfWork(w.db, w.manager), cid, d.version, w.chairman.id)
    with pytest.raises(ConflictError):
        complaints.assign_handler(UnitOfWork(w.db, w.manager), cid, d.version + 1, w.rep1.id)
    assert row(w, cid) == snapshot
    complaints.assign_handler(UnitOfWork(w.db, w.manager), cid, d.version, w.rep1.id)
    d = detail(w, w.rep1, cid)
    assert (d.status, d.handler_name) == ("handling", "张三")
    assert d.can_note and d.can_resolve and not d.can_assign

    # Reassign (sales admin) leaves a line in the notes; then back to rep1.
    complaints.assign_handler(UnitOfWork(w.db, w.sales_admin), cid, d.version, w.rep2.id)
    d = detail(w, w.rep2, cid)
    assert "处理人由张三改为李四" in d.handling_notes
    with pytest.raises(ValidationError, match="已是李四"):
        complaints.assign_handler(UnitOfWork(w.db, w.sales_admin), cid, d.version, w.rep2.id)
    complaints.assign_handler(UnitOfWork(w.db, w.sales_admin), cid, d.version, w.rep1.id)
    d = detail(w, w.rep1, cid)

    # Notes and the resolution: only the handler.
    with pytest.raises(NotFound):  # rep2 no longer handles it and does not own the customer
        complaints.add_note(UnitOfWork(w.db, w.rep2), cid, d.version, "我来看看")
    with pytest.raises(PermissionDenied, match="只有该投诉的处理人"):
        complaints.add_note(UnitOfWork(w.db, w.manager), cid, d.version, "主管写的")
    with pytest.raises(ValidationError, match="请填写处理记录"):
        complaints.add_note(UnitOfWork(w.db, w.rep1), cid, d.version, " ")
    complaints.add_note(UnitOfWork(w.db, w.rep1), cid, d.version, "已电话联系客户，约定明日上门")
    d = detail(w, w.rep1, cid)
    assert "【2026-03-02 09:00 张三】已电话联系客户" in d.handling_notes
    with pytest.raises(ValidationError, match="须先登记处理结果"):
        complaints.close(UnitOfWork(w.db, w.sales_admin), cid, d.version, "满意")
    with pytest.raises(ValidationError, match="请填写处理结果"):
        complaints.resolve(UnitOfWork(w.db, w.rep1), cid, d.version, "")
    fake_clock.advance(days=1)
    complaints.resolve(UnitOfWork(w.db, w.rep1), cid, d.version, "上门换货 20 箱，赔付运费")
    d = detail(w, w.rep1, cid)
    assert d.status == "resolved" and d.resolved_at == fake_clock()
    assert d.can_close and not d.can_resolve
    assert detail(w, w.manager, cid).can_close  # the handler's team manager
    assert not detail(w, w.clerk, cid).can_close  # the clerk sees it but may not close

    # Closing needs the customer's confirmation; rep3 (another team) may not see it at all.
    snapshot = row(w, cid)
    with pytest.raises(ValidationError, match="请填写客户确认意见"):
        complaints.close(UnitOfWork(w.db, w.rep1), cid, d.version, "  ")
    with pytest.raises(NotFound):
        complaints.close(UnitOfWork(w.db, w.rep3), cid, d.version, "满意")
    with pytest.raises(PermissionDenied, match="处理人的主管或销售内勤"):
        complaints.close(UnitOfWork(w.db, w.clerk), cid, d.version, "满意")
    assert row(w, cid) == snapshot
    complaints.close(UnitOfWork(w.db, w.sales_admin), cid, d.version, "马经理电话确认满意")
    d = detail(w, w.sales_admin, cid)
    assert (d.status, d.closed_by, d.customer_confirmation) == (
        "closed",
        "李内勤",
        "马经理电话确认满意",
    )
    assert not (d.can_edit or d.can_assign or d.can_note or d.can_close) and d.can_reopen

    # A closed complaint cannot be edited.
    snapshot = row(w, cid)
    with pytest.raises(ValidationError, match="已关闭"):
        complaints.add_note(UnitOfWork(w.db, w.rep1), cid, d.version, "补充")
    with pytest.raises(ValidationError, match="已关闭"):
        complaints.update_complaint(UnitOfWork(w.db, w.sales_admin), cid, d.version,
                                    new_form(w, w.nxh, customer_words="改一下"))  # fmt: skip
    with pytest.raises(ValidationError, match="已关闭"):
        complaints.assign_handler(UnitOfWork(w.db, w.sales_admin), cid, d.version, w.rep2.id)
    # Reopen: SALES_ADMIN/MANAGER, with a reason.
    with pytest.raises(PermissionDenied, match="重新打开"):
        complaints.reopen(UnitOfWork(w.db, w.rep1), cid, d.version, "客户又来电")
    with pytest.raises(ValidationError, match="请填写重新打开的原因"):
        complaints.reopen(UnitOfWork(w.db, w.manager), cid, d.version, "")
    assert row(w, cid) == snapshot
    complaints.reopen(UnitOfWork(w.db, w.manager), cid, d.version, "客户反映换货仍有霉点")
    d = detail(w, w.rep1, cid)
    assert d.status == "handling" and d.resolution == "" and d.customer_confirmation == ""
    assert d.closed_at is None and "重新打开：客户反映换货仍有霉点" in d.handling_notes
    assert "原处理结果：上门换货 20 箱" in d.handling_notes
    with pytest.raises(ValidationError, match="只有已解决或已关闭"):
        complaints.reopen(UnitOfWork(w.db, w.manager), cid, d.version, "再开")


def test_update_and_stale_copy(world, fake_clock):
    w = world
    cid = file(w, w.sales_admin, w.nxh)
    d = detail(w, w.sales_admin, cid)
    form = complaints.form_of(d, UnitOfWork(w.db, w.sales_admin, write=False))
    assert form.channel_id == w.phone
    form.severity, form.category_id, form.channel_id = "critical", w.delay, w.visit
    form.due_date = fake_clock().date() + timedelta(days=1)
    complaints.update_complaint(UnitOfWork(w.db, w.sales_admin), cid, d.version, form)
    r = row(w, cid)
    assert (r["severity"], r["category_id"], r["channel"]) == ("critical", w.delay, "来访")
    with pytest.raises(ConflictError):  # the same old copy again
        complaints.update_complaint(UnitOfWork(w.db, w.sales_admin), cid, d.version, form)
    with pytest.raises(PermissionDenied, match="受理人、处理人"):
        complaints.update_complaint(UnitOfWork(w.db, w.rep1), cid, d.version + 1, form)
    assert row(w, cid) == r


def test_list_source_overdue_flag_summary_and_batch_assign(world, fake_clock):
    w = world
    ids = [file(w, w.sales_admin, w.nxh), file(w, w.sales_admin, w.yc),
           file(w, w.sales_admin, w.wz, severity="critical")]  # fmt: skip
    src = complaints_source(w.sales_admin)
    uow = UnitOfWork(w.db, w.sales_admin, write=False)
    rows = {
        r[0]: r for r in list_query.fetch_rows(uow, src, ids, ["customer", "status", "overdue"])
    }
    assert [rows[i][3] for i in ids] == [False, False, False]
    fake_clock.advance(days=3)  # the critical one (1 day) is overdue now
    rows = {
        r[0]: r for r in list_query.fetch_rows(uow, src, ids, ["customer", "status", "overdue"])
    }
    assert [rows[i][3] for i in ids] == [False, False, True]
    summary = summaries.summarize(uow, src, ListQuery(), ["severity"])
    assert {g.labels[0]: g.count for g in summary.rows} == {"一般": 2, "严重": 1}
    assert summary.total.count == 3
    only_late = ListQuery(filters=(("overdue", (True,)),))
    assert list(list_query.fetch_ids(uow, src, only_late)) == [ids[2]]

    # 批量指派处理人 by the manager: team-1 handler; the team-2 complaint is out of his sight.
    batch = next(a for a in complaints_source(w.manager).batch_actions if a.key == "assign")
    choices = dict(batch.param[2](UnitOfWork(w.db, w.manager, write=False)))
    assert set(choices.values()) == {"赵主管", "张三", "李四"}
    result = batch.run(UnitOfWork(w.db, w.manager), ids, handler=w.rep2.id)
    assert result.done == 2 and len(result.skipped) == 1
    assert "无权查看" in result.message
    assert row(w, ids[0])["handler_id"] == w.rep2.id and row(w, ids[2])["handler_id"] is None
    with pytest.raises(PermissionDenied, match="本团队"):  # a wrong handler stops it all
        batch.run(UnitOfWork(w.db, w.manager), ids, handler=w.rep3.id)
    assert complaints_source(w.rep1).batch_actions == []


def test_reminders_for_handler_manager_and_sales_admin(world, fake_clock):
    w = world

    def reminder_map(actor):
        items = reminders.collect(UnitOfWork(w.db, actor)).items
        return {r.target.record_id: r for r in items if r.target.entity == "complaint"}

    assigned = file(w, w.sales_admin, w.nxh, severity="critical", handler_id=w.rep1.id)
    unassigned = file(w, w.rep1, w.nxh)  # rep1's customer: team-1 manager and sales admin
    outsider = file(w, w.sales_admin, w.wz, handler_id=w.sales_admin.id, severity="critical")
    # Due tomorrow: the handler is warned; nobody else yet (except the unassigned one).
    r = reminder_map(w.rep1)
    assert set(r) == {assigned} and r[assigned].severity == Severity.WARNING
    assert r[assigned].kind == "complaint" and NXH in r[assigned].title
    assert set(reminder_map(w.manager)) == {unassigned}
    assert "待指派处理人" in reminder_map(w.manager)[unassigned].title
    assert unassigned in reminder_map(w.sales_admin)
    assert reminder_map(w.rep3) == {}  # team 2 has no manager and rep3 handles nothing
    assert reminder_map(w.chairman) == {}

    fake_clock.advance(days=3)
    r = reminder_map(w.rep1)
    assert r[assigned].severity == Severity.URGENT and "已超期 2 天" in r[assigned].title
    m = reminder_map(w.manager)
    assert set(m) == {assigned, unassigned}
    assert "超期未处理（处理人：张三）" in m[assigned].title
    sa = reminder_map(w.sales_admin)
    # The sales admin: the unassigned one, and the own overdue one; rep1 has a manager.
    assert set(sa) == {unassigned, outsider}
    assert sa[outsider].severity == Severity.URGENT

    # Resolved complaints no longer remind anybody.
    d = detail(w, w.rep1, assigned)
    complaints.resolve(UnitOfWork(w.db, w.rep1), assigned, d.version, "已换货")
    assert assigned not in reminder_map(w.rep1) and assigned not in reminder_map(w.manager)


def test_customer_choices_follow_visibility(world):
    w = world
    names = {c.label.split("（")[0] for c in customer_choices(UnitOfWork(w.db, w.rep1))}
    assert names == {NXH}
    all_names = {c.label.split("（")[0] for c in customer_choices(UnitOfWork(w.db, w.clerk))}
    assert all_names == {NXH, YC, WZ}
    found = customer_choices(UnitOfWork(w.db, w.sales_admin), "ycgq")
    assert [c.label.split("（")[0] for c in found] == [YC]
    choice = next(c for c in customer_choices(UnitOfWork(w.db, w.sales_admin)) if c.id == w.wz)
    assert choice.matches("wzty") and choice.matches("吴忠") and not choice.matches("nxh")
    one = customer_choices(UnitOfWork(w.db, w.sales_admin), "ycgq", include_id=w.wz)
    assert {c.id for c in one} == {w.yc, w.wz}
    assert customer_choices(UnitOfWork(w.db, w.rep1), include_id=w.wz)[0].id == w.nxh
    assert len(customer_choices(UnitOfWork(w.db, w.rep1), include_id=w.wz)) == 1


def test_a_read_only_grant_does_not_allow_acting_for_the_customer(world):
    """Issue 12.4: an approved 查阅授权 lets rep3 see rep1's customer, not act for it."""
    grant_read_access(world, world.rep3, world.nxh)
    with pytest.raises(PermissionDenied, match="查阅授权只能查看"):
        file(world, world.rep3, world.nxh)


def test_a_new_handler_is_reminded_at_once(world, fake_clock):
    """Assigned with a deadline ten days away: the handler sees it now, as a note; it
    becomes a warning the day before and urgent once late."""
    w = world
    today = fake_clock().date()
    far = file(w, w.sales_admin, w.nxh, handler_id=w.rep1.id, due_date=today + timedelta(days=10))

    def mine():
        items = reminders.collect(UnitOfWork(w.db, w.rep1)).items
        return {r.target.record_id: r for r in items if r.target.entity == "complaint"}

    assert mine()[far].severity == Severity.INFO
    assert f"处理期限 {today + timedelta(days=10):%Y-%m-%d}" in mine()[far].title
    fake_clock.advance(days=9)
    assert mine()[far].severity == Severity.WARNING
    fake_clock.advance(days=2)
    assert mine()[far].severity == Severity.URGENT
