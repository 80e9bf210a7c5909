"""客户服务 page: a complaint from the desk to closing, and a 寄样申请 to dispatch, through
the page's dialogs; errors at the field; reminders drill through; screenshots; the
《客户投诉处理单》 as a PDF."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from PySide6.QtCore import QDate

from app.models import SampleRequest
from app.services.admin import code_tables
from app.services.core.uow import UnitOfWork
from app.services.customers.forms import ContactForm
from app.services.reminders import registry as reminders
from app.ui.context import AppContext
from app.ui.forms.paper_form import save_pdf
from app.ui.service_desk.complaint_dialogs import (
    AssignDialog,
    CloseDialog,
    ComplaintDialog,
    NoteDialog,
    ResolveDialog,
)
from app.ui.service_desk.complaint_print import complaint_form
from app.ui.service_desk.sample_dialogs import DispatchDialog, SampleDialog
from app.ui.service_desk.service_desk_page import ServiceDeskPage
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register
from tests.ui.conftest import COMPANY, screenshot

YC = "银川枸杞贸易有限公司"


@pytest.fixture
def world(sqlite_db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    w.nxh = register(
        w, w.rep1, NXH, address="宁夏银川市金凤区宁安大街 88 号", phone="0951-5012345",
        contacts=[ContactForm(name="马丽", mobile="13909511234", is_primary=True)],
    ).customer_id  # fmt: skip
    w.yc = register(w, w.rep2, YC).customer_id
    with UnitOfWork(sqlite_db, w.admin) as uow:
        w.quality = code_tables.find_item(uow, "complaint_type", "01")
    return w


def page_for(qtbot, world, actor) -> ServiceDeskPage:
    page = ServiceDeskPage(AppContext(world.db, actor), COMPANY)
    qtbot.addWidget(page)
    page.resize(1250, 680)
    page.show()
    return page


def column(view, key) -> list[str]:
    model = view.model
    col = model.keys.index(key)
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def run_dialog(monkeypatch, cls, fill, shot: str | None = None):
    """exec() fills the dialog and presses OK; the dialog's accept() calls the service."""

    def exec_(self):
        self.show()
        fill(self)
        if shot:
            screenshot(self, shot)
        self.accept()
        return self.result()

    monkeypatch.setattr(cls, "exec", exec_, raising=False)


def test_complaint_from_desk_to_closed(qtbot, world, monkeypatch, fake_clock, tmp_path):
    w = world
    desk = page_for(qtbot, w, w.sales_admin)
    tab = desk.complaints
    assert tab.register_button.isVisible() and not tab.assign_button.isEnabled()

    def register(d: ComplaintDialog):
        d.accept()  # nothing chosen: the service's message sits under the customer field
        assert d.errors.error_for("customer_id") == "请选择客户。"
        assert w.nxh in d.customer.matching_ids("nxhgq")  # pinyin initials find it
        d.customer.set_current_id(w.nxh)
        d.accept()  # no words yet
        assert d.errors.error_for("customer_words") == "请填写客户原话。"
        d.words.setPlainText("上周到货的枸杞有霉点，要求退换 20 箱。")
        d.contact.setText("马经理")
        d.category.set_current_id(w.quality)
        d.severity.set_current_id("serious")  # 较重: due in 3 days
        assert d.due.date() == QDate(fake_clock().date() + timedelta(days=3))
        d.handler.set_current_id(w.rep1.id)

    run_dialog(monkeypatch, ComplaintDialog, register, "service_desk_register_complaint")
    assert tab.register()
    assert column(tab.list, "customer") == [NXH]
    assert column(tab.list, "status") == ["处理中"] and column(tab.list, "handler") == ["张三"]
    cid = tab.current.id
    assert "上周到货的枸杞有霉点" in tab.detail.toPlainText()
    assert tab.assign_button.isEnabled() and not tab.note_button.isEnabled()

    # The handler writes a note and the resolution from his own page.
    rep = page_for(qtbot, w, w.rep1)
    assert rep.show_record("complaint", cid)
    assert not rep.complaints.assign_button.isVisible()
    assert rep.complaints.note_button.isEnabled() and rep.complaints.resolve_button.isEnabled()
    run_dialog(
        monkeypatch, NoteDialog, lambda d: d.text.setPlainText("已电话联系马经理，明日上门。")
    )
    assert rep.complaints.note()
    assert "已电话联系马经理" in rep.complaints.detail.toPlainText()
    fake_clock.advance(hours=20)

    def resolve(d):
        d.accept()
        assert d.errors.error_for("resolution") == "请填写处理结果。"
        d.text.setPlainText("上门换货 20 箱，赔付运费 300 元。")

    run_dialog(monkeypatch, ResolveDialog, resolve)
    assert rep.complaints.resolve()
    assert rep.complaints.current.status == "resolved"
    assert rep.complaints.close_button.isEnabled()
    screenshot(rep, "service_desk_complaint_resolved_rep")

    # The sales admin records the customer's confirmation and closes it.
    assert desk.show_record("complaint", cid)

    def close(d):
        d.accept()
        assert d.errors.error_for("confirmation") == "请填写客户确认意见。"
        d.text.setPlainText("马经理电话确认：换货已收到，满意。")

    run_dialog(monkeypatch, CloseDialog, close, "service_desk_close_dialog")
    assert tab.close_complaint()
    assert column(tab.list, "status") == ["已关闭"]
    assert not (tab.edit_button.isEnabled() or tab.note_button.isEnabled())
    assert tab.reopen_button.isEnabled()
    screenshot(desk, "service_desk_complaints_closed")

    preview = tab.print_form()
    assert preview is not None and preview.windowTitle().startswith("打印预览 — 《客户投诉处理单》")
    preview.close()
    pdf = tmp_path / "complaint.pdf"
    assert save_pdf(str(pdf), complaint_form(tab.current, COMPANY)) >= 1
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        flat = "".join(text.split())
        for expected in ("客户投诉处理单", COMPANY, "上周到货的枸杞有霉点", "换货已收到，满意",
                         "已电话联系马经理", "处理人签字"):  # fmt: skip
            assert expected in flat, expected


def test_assign_errors_and_stale_copy(qtbot, world, monkeypatch):
    w = world
    desk = page_for(qtbot, w, w.sales_admin)

    def register(d):
        d.customer.set_current_id(w.yc)
        d.words.setPlainText("价格比去年高，希望给个说法。")
        d.kind.set_current_id("feedback")

    run_dialog(monkeypatch, ComplaintDialog, register)
    assert desk.complaints.register()
    assert column(desk.complaints.list, "kind") == ["反馈"]
    manager = page_for(qtbot, w, w.manager)
    assert manager.complaints.select_record(desk.complaints.current.id)

    def assign(d):
        d.accept()  # no handler chosen
        assert d.errors.error_for("handler_id") == "请选择一位在职的处理人。"
        assert set(d.handler.ids()) - {None} == {w.manager.id, w.rep1.id, w.rep2.id}
        d.handler.set_current_id(w.rep2.id)

    run_dialog(monkeypatch, AssignDialog, assign)
    assert manager.complaints.assign()
    assert column(manager.complaints.list, "handler") == ["李四"]

    # The sales admin's copy is stale now: the dialog says so and the list refreshes.
    stale = AssignDialog(desk.complaints.ctx, desk.complaints.current, desk)
    qtbot.addWidget(stale)
    stale.handler.set_current_id(w.rep1.id)
    stale.accept()
    assert stale.stale and "已被其他用户修改" in stale.error_label.text()


def test_sample_request_and_dispatch(qtbot, world, monkeypatch, fake_clock):
    w = world
    rep = page_for(qtbot, w, w.rep1)
    rep.setCurrentWidget(rep.samples)
    tab = rep.samples
    assert tab.file_button.isVisible() and not tab.dispatch_button.isEnabled()

    def fill(d: SampleDialog):
        assert d.customer.ids() == [None, w.nxh]  # only the rep's own customer
        d.customer.set_current_id(w.nxh)  # defaults from the primary contact and address
        assert (d.recipient.text(), d.phone.text()) == ("马丽", "13909511234")
        assert d.address.text() == "宁夏银川市金凤区宁安大街 88 号"
        d.accept()
        assert d.errors.error_for("items") == "请填写样品/资料名称。"
        d.items.setPlainText("枸杞原浆样品、产品目录")
        d.quantity.setText("2 箱")
        d.reason.setPlainText("客户要求试用后下单")

    run_dialog(monkeypatch, SampleDialog, fill, "service_desk_sample_request")
    assert tab.file_request()
    assert column(tab.list, "status") == ["待寄出"]
    rid = tab.current.id
    assert tab.cancel_button.isEnabled() and not tab.dispatch_button.isEnabled()

    # A rep who reaches the dispatch dialog anyway is refused and nothing changes.
    refused = DispatchDialog(tab.ctx, tab.current, tab)
    qtbot.addWidget(refused)
    refused.tracking_no.setText("SF1234567890")
    refused.courier.set_current_id("顺丰速运")
    refused.accept()
    assert refused.error_label.text() == "只有销售内勤可以登记寄出。"
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.get(SampleRequest, rid).status == "requested"

    items = reminders.collect(UnitOfWork(w.db, w.sales_admin)).items
    target = next(r.target for r in items if r.kind == "sample_request")
    assert target.entity == "sample_request" and target.record_id == rid
    desk = page_for(qtbot, w, w.sales_admin)
    assert desk.show_record(target.entity, target.record_id)
    assert desk.currentWidget() is desk.samples and desk.samples.dispatch_button.isEnabled()
    fake_clock.advance(hours=5)

    def dispatch(d: DispatchDialog):
        d.accept()
        assert d.errors.error_for("courier") == "请填写快递公司。"
        assert d.courier.matching_ids("sf") == ["顺丰速运"]
        d.courier.set_current_id("顺丰速运")
        d.tracking_no.setText("SF 1234#")
        d.accept()
        assert d.errors.error_for("tracking_no") == "快递单号只能包含字母、数字和连字符。"
        d.tracking_no.setText("SF1234567890")

    run_dialog(monkeypatch, DispatchDialog, dispatch, "service_desk_dispatch_dialog")
    assert desk.samples.dispatch()
    assert column(desk.samples.list, "tracking_no") == ["SF1234567890"]
    screenshot(desk, "service_desk_samples_dispatched")

    rep.reload()
    assert rep.show_record("sample_request", rid)
    assert "已寄出" in tab.detail.toPlainText() and "SF1234567890" in tab.detail.toPlainText()
    assert not tab.cancel_button.isEnabled()
    notice = [r for r in reminders.collect(UnitOfWork(w.db, w.rep1)).items
              if r.kind == "sample_request"]  # fmt: skip
    assert len(notice) == 1 and notice[0].title.startswith("样品已寄出")
    screenshot(rep, "service_desk_samples_rep")


def test_chairman_sees_all_but_registers_nothing(qtbot, world):
    w = world
    page = page_for(qtbot, w, w.chairman)
    assert not page.complaints.register_button.isVisible()
    assert not page.samples.file_button.isVisible()
    assert not page.show_record("complaint", 999)
    assert not page.show_record("customer", w.nxh)


def test_customer_combo_searches_the_service_when_the_first_window_is_full(
    qtbot, world, monkeypatch
):
    from app.ui.service_desk import customer_combo

    w = world
    monkeypatch.setattr(customer_combo, "CHOICE_LIMIT", 1)
    combo = customer_combo.CustomerCombo(AppContext(w.db, w.sales_admin))
    qtbot.addWidget(combo)
    assert combo.truncated and len([i for i in combo.ids() if i]) == 1
    combo.lineEdit().setText("ycgq")
    combo.search("ycgq")
    assert w.yc in combo.ids() and combo.lineEdit().text() == "ycgq"
    assert combo.matching_ids("ycgq") == [w.yc]
    rep = customer_combo.CustomerCombo(AppContext(w.db, w.rep1))
    qtbot.addWidget(rep)
    rep.search("ycgq")  # rep1 does not see YC: the service never offers it
    assert w.yc not in rep.ids()
