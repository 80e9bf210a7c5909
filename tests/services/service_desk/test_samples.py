"""寄样申请 (规则 7): a rep files, only the sales admin records the dispatch, the requester
may cancel before that; visibility, list source, reminders."""

from datetime import timedelta

import pytest

from app.models import SampleRequest
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers.forms import ContactForm
from app.services.lists import query as list_query
from app.services.lists import summaries
from app.services.lists.spec import ListQuery
from app.services.reminders import registry as reminders
from app.services.reminders.engine import Severity
from app.services.service_desk import samples
from app.services.service_desk.lists import samples_source
from app.services.service_desk.samples import DispatchForm, SampleForm
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
    w.nxh = register(
        w, w.rep1, NXH, address="宁夏银川市金凤区宁安大街 88 号", phone="0951-5012345",
        contacts=[ContactForm(name="马丽", mobile="13909511234", is_primary=True),
                  ContactForm(name="杨帆", mobile="13800000000")],
    ).customer_id  # fmt: skip
    w.yc = register(w, w.rep2, YC, location="银川").customer_id
    w.wz = register(w, w.rep3, WZ).customer_id
    return w


def request_form(w, customer_id=None, **kw) -> SampleForm:
    base = samples.defaults_for(UnitOfWork(w.db, w.admin, write=False), customer_id or w.nxh)
    base.items = kw.pop("items", "枸杞原浆样品")
    base.quantity = kw.pop("quantity", "2 箱")
    base.reason = kw.pop("reason", "客户要求试用后下单")
    base.recipient = base.recipient or "收件人甲"  # customers without contacts
    base.phone = base.phone or "0951-6000000"
    base.address = base.address or "宁夏银川市兴庆区"
    for k, v in kw.items():
        setattr(base, k, v)
    return base


def file(w, actor, customer_id=None, **kw) -> int:
    return samples.file_request(UnitOfWork(w.db, actor), request_form(w, customer_id, **kw))


def row(w, rid) -> dict:
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        r = uow.session.get(SampleRequest, rid)
        return {col.key: getattr(r, col.key) for col in SampleRequest.__table__.columns}


def detail(w, actor, rid):
    return samples.sample_detail(UnitOfWork(w.db, actor), rid)


def dispatch(w, actor, rid, version, **kw):
    kw.setdefault("courier", "顺丰速运")
    kw.setdefault("tracking_no", "SF1234567890")
    samples.record_dispatch(UnitOfWork(w.db, actor), rid, version, DispatchForm(**kw))


def test_defaults_come_from_the_primary_contact_and_address(world):
    w = world
    f = samples.defaults_for(UnitOfWork(w.db, w.rep1, write=False), w.nxh)
    assert (f.recipient, f.phone, f.address) == (
        "马丽",
        "13909511234",
        "宁夏银川市金凤区宁安大街 88 号",
    )
    f = samples.defaults_for(UnitOfWork(w.db, w.rep2, write=False), w.yc)
    assert f.address == "银川"  # no address: the company location
    with pytest.raises(NotFound):
        samples.defaults_for(UnitOfWork(w.db, w.rep1, write=False), w.yc)


def test_file_validate_and_who_may_file(world, fake_clock):
    w = world
    rid = file(w, w.rep1)
    r = row(w, rid)
    assert (r["status"], r["requested_by_id"], r["requested_at"]) == (
        "requested",
        w.rep1.id,
        fake_clock(),
    )
    assert r["recipient"] == "马丽" and r["items"] == "枸杞原浆样品"  # fmt: skip

    before = set(list_query.fetch_ids(UnitOfWork(w.db, w.admin), samples_source(), ListQuery()))
    bad = [
        (dict(items=" "), "items", "请填写样品/资料名称。"),
        (dict(recipient=""), "recipient", "请填写收件人。"),
        (dict(phone=""), "phone", "请填写收件人电话。"),
        (dict(phone="无"), "phone", "收件人电话须包含号码。"),
        (dict(address=""), "address", "请填写收件地址。"),
        (dict(needed_by=fake_clock().date() - timedelta(days=1)), "needed_by",
         "需寄达日期不能早于今天。"),
        (dict(quantity="x" * 61), "quantity", "数量不能超过 60 字。"),
    ]  # fmt: skip
    for kw, field, message in bad:
        with pytest.raises(ValidationError) as err:
            file(w, w.rep1, **kw)
        assert (err.value.field, err.value.message) == (field, message)
    with pytest.raises(ValidationError, match="无权查看该客户"):
        file(w, w.rep3, w.nxh)
    for actor in (w.chairman, w.clerk, w.admin):
        with pytest.raises(PermissionDenied, match="寄样申请"):
            file(w, actor)
    after = set(list_query.fetch_ids(UnitOfWork(w.db, w.admin), samples_source(), ListQuery()))
    assert after == before
    assert file(w, w.manager, w.yc) and file(w, w.sales_admin, w.wz)  # manager, sales admin


def test_only_the_sales_admin_records_the_dispatch(world, fake_clock):
    w = world
    rid = file(w, w.rep1)
    d = detail(w, w.rep1, rid)
    assert d.can_cancel and d.can_edit and not d.can_dispatch
    snapshot = row(w, rid)
    for actor in (w.rep1, w.manager, w.admin, w.chairman):
        with pytest.raises(PermissionDenied) as err:
            dispatch(w, actor, rid, d.version)
        assert err.value.message == "只有销售内勤可以登记寄出。"
    assert row(w, rid) == snapshot  # nothing changed

    sa = detail(w, w.sales_admin, rid)
    assert sa.can_dispatch and not sa.can_cancel
    bad = [
        (dict(courier=""), "courier", "请填写快递公司。"),
        (dict(tracking_no=""), "tracking_no", "请填写快递单号。"),
        (dict(tracking_no="SF#12"), "tracking_no", "快递单号只能包含字母、数字和连字符。"),
        (dict(dispatched_on=fake_clock().date() + timedelta(days=1)), "dispatched_on",
         "寄出日期不能晚于今天。"),
        (dict(dispatched_on=fake_clock().date() - timedelta(days=1)), "dispatched_on",
         "寄出日期不能早于申请日期（2026-03-02）。"),
    ]  # fmt: skip
    for kw, field, message in bad:
        with pytest.raises(ValidationError) as err:
            dispatch(w, w.sales_admin, rid, sa.version, **kw)
        assert (err.value.field, err.value.message) == (field, message)
    with pytest.raises(ConflictError):
        dispatch(w, w.sales_admin, rid, sa.version + 1)
    assert row(w, rid) == snapshot

    fake_clock.advance(days=1)
    dispatch(w, w.sales_admin, rid, sa.version, note="附产品目录")
    d = detail(w, w.rep1, rid)  # the rep sees the status and the tracking number
    assert (d.status_label, d.courier, d.tracking_no) == ("已寄出", "顺丰速运", "SF1234567890")
    assert d.dispatched_on == fake_clock().date() and d.dispatched_by == "李内勤"
    assert not (d.can_cancel or d.can_edit or d.can_dispatch)
    with pytest.raises(ValidationError, match="已寄出"):
        samples.cancel_request(UnitOfWork(w.db, w.rep1), rid, d.version)
    with pytest.raises(ValidationError, match="已寄出"):
        dispatch(w, w.sales_admin, rid, d.version, tracking_no="SF999")


def test_requester_cancels_and_edits_before_dispatch(world):
    w = world
    rid = file(w, w.rep1)
    d = detail(w, w.rep1, rid)
    with pytest.raises(PermissionDenied, match="只有申请人"):
        samples.cancel_request(UnitOfWork(w.db, w.manager), rid, d.version)
    form = request_form(w, items="枸杞干果样品", needed_by=None)
    with pytest.raises(PermissionDenied, match="只有申请人"):
        samples.update_request(UnitOfWork(w.db, w.sales_admin), rid, d.version, form)
    samples.update_request(UnitOfWork(w.db, w.rep1), rid, d.version, form)
    assert row(w, rid)["items"] == "枸杞干果样品"
    with pytest.raises(ConflictError):
        samples.cancel_request(UnitOfWork(w.db, w.rep1), rid, d.version, "客户不要了")
    samples.cancel_request(UnitOfWork(w.db, w.rep1), rid, d.version + 1, "客户不要了")
    d = detail(w, w.rep1, rid)
    assert d.status == "cancelled" and d.dispatch_note == "取消：客户不要了"
    with pytest.raises(PermissionDenied):
        dispatch(w, w.rep1, rid, d.version)
    with pytest.raises(ValidationError, match="已取消"):
        dispatch(w, w.sales_admin, rid, d.version)


def test_visibility_list_batch_cancel_and_summary(world):
    w = world
    a = file(w, w.rep1)
    b = file(w, w.rep2, w.yc)
    c = file(w, w.rep3, w.wz)
    m = file(w, w.manager, w.nxh)

    def ids(actor):
        return set(
            list_query.fetch_ids(UnitOfWork(w.db, actor), samples_source(actor), ListQuery())
        )

    assert ids(w.rep1) == {a, m}  # own customer (the manager's request on it too)
    assert ids(w.rep2) == {b}
    assert ids(w.rep3) == {c}
    assert ids(w.manager) == {a, b, m}
    for actor in (w.sales_admin, w.chairman, w.admin, w.clerk):
        assert ids(actor) == {a, b, c, m}
    with pytest.raises(NotFound):
        detail(w, w.rep3, a)

    uow = UnitOfWork(w.db, w.sales_admin, write=False)
    src = samples_source(w.sales_admin)
    rows = list_query.fetch_rows(uow, src, [a], ["customer", "requester", "status", "recipient"])
    assert rows == [(a, NXH, "张三", "requested", "马丽")]
    summary = summaries.summarize(uow, src, ListQuery(), ["requester"])
    assert {g.labels[0]: g.count for g in summary.rows} == {
        "张三": 1, "李四": 1, "王五": 1, "赵主管": 1}  # fmt: skip

    # 批量取消: only the actor's own pending requests; the others are skipped with why.
    batch = next(x for x in samples_source(w.rep1).batch_actions if x.key == "cancel")
    result = batch.run(UnitOfWork(w.db, w.rep1), [a, m])
    assert result.done == 1 and "只有申请人" in result.message
    assert row(w, a)["status"] == "cancelled" and row(w, m)["status"] == "requested"
    assert samples_source(w.clerk).batch_actions == []


def test_reminders_for_sales_admin_and_requester(world, fake_clock):
    w = world

    def items(actor):
        got = reminders.collect(UnitOfWork(w.db, actor)).items
        return {r.target.record_id: r for r in got if r.target.entity == "sample_request"}

    plain = file(w, w.rep1)
    urgent = file(w, w.rep1, needed_by=fake_clock().date() + timedelta(days=1))
    sa = items(w.sales_admin)
    assert set(sa) == {plain, urgent}
    assert sa[plain].severity == Severity.WARNING
    assert sa[plain].kind == "sample_request" and NXH in sa[plain].title
    assert items(w.rep1) == {} and items(w.manager) == {}

    fake_clock.advance(days=2, hours=1)  # past needed_by; dispatch_days (2) also passed
    sa = items(w.sales_admin)
    assert sa[urgent].severity == Severity.URGENT
    assert sa[plain].severity == Severity.URGENT

    d = detail(w, w.sales_admin, plain)
    dispatch(w, w.sales_admin, plain, d.version)
    assert set(items(w.sales_admin)) == {urgent}
    mine = items(w.rep1)
    assert set(mine) == {plain} and mine[plain].title.startswith("样品已寄出")
    assert "SF1234567890" in mine[plain].title and mine[plain].severity == Severity.INFO
    fake_clock.advance(days=4)  # the notice lasts 3 days
    assert items(w.rep1) == {}


def test_a_read_only_grant_does_not_allow_acting_for_the_customer(world):
    """Issue 12.4: an approved 查阅授权 lets rep3 see rep1's customer, not act for it."""
    grant_read_access(world, world.rep3, world.nxh)
    with pytest.raises(PermissionDenied, match="查阅授权只能查看"):
        file(world, world.rep3, world.nxh)
