"""客户政策 pages: decide a 评审 through the page, recompute and confirm classes, and the
《客户维护表》 shortfall; screenshots of each."""

from datetime import timedelta

import pytest
from PySide6.QtCore import QDate

from app.models import Customer
from app.services.admin import code_tables
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import DealForm, FollowUpForm
from app.services.policy import reviews
from app.services.reminders.engine import Target
from app.ui.context import AppContext
from app.ui.policy import classification_page as classification_module
from app.ui.policy.policy_page import PolicyPage
from app.ui.policy.recompute_dialog import RecomputeDialog
from app.ui.policy.review_dialogs import DecisionDialog, StatementDialog
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register
from tests.ui.conftest import COMPANY, screenshot

YC = "银川枸杞贸易有限公司"
WZ = "吴忠滩羊肉业有限公司"


@pytest.fixture
def world(sqlite_db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    w.nxh = register(w, w.rep1, NXH, phone="0951-5012345").customer_id
    w.yc = register(w, w.rep2, YC).customer_id
    w.wz = register(w, w.rep1, WZ).customer_id
    fake_clock.advance(days=200)
    reviews.open_due_reviews(UnitOfWork(w.db, w.admin))
    w.r = {r.customer_id: r.id for r in reviews.list_reviews(UnitOfWork(w.db, w.admin))}
    return w


def page_for(qtbot, world, actor) -> PolicyPage:
    page = PolicyPage(AppContext(world.db, actor), COMPANY)
    qtbot.addWidget(page)
    page.resize(1200, 620)
    page.show()
    return page


def column(view, key) -> list[str]:
    model = view.model
    col = model.keys.index(key)
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def fake_exec(fill):
    def run(dialog):
        fill(dialog)
        dialog.accept()
        return dialog.result()

    return run


def test_rep_files_a_statement_and_manager_decides(qtbot, world, monkeypatch, fake_clock):
    w = world
    rep_page = page_for(qtbot, w, w.rep1)
    assert sorted(column(rep_page.reviews.list, "customer")) == sorted([NXH, WZ])
    assert not rep_page.reviews.decide_button.isVisible()
    assert rep_page.reviews.select_review(w.r[w.nxh])
    assert rep_page.reviews.statement_button.isEnabled()

    def empty_then_fill(dialog):
        dialog.accept()  # empty: the service's message sits under the field
        assert dialog.errors.error_for("statement") == "请填写陈述内容。"
        dialog.statement.setPlainText("客户预算推迟到明年一季度，已确认采购意向。")

    monkeypatch.setattr(StatementDialog, "exec", fake_exec(empty_then_fill), raising=False)
    assert rep_page.reviews.file_statement()
    assert "客户预算推迟" in rep_page.reviews.detail.toPlainText()

    page = page_for(qtbot, w, w.manager)
    assert sorted(column(page.reviews.list, "status")) == ["待评审"] * 3
    assert page.reviews.select_review(w.r[w.nxh])
    assert page.reviews.decide_button.isEnabled()
    assert not page.reviews.statement_button.isEnabled()  # not the manager's customer
    screenshot(page, "policy_reviews_page")

    seen = {}

    def decide(dialog):
        dialog.radios["extend"].setChecked(True)
        dialog.new_deadline.setDate(QDate(fake_clock().date()))  # not later than today
        dialog.comments.setPlainText("同意延期三个月")
        dialog.accept()
        seen["deadline"] = dialog.errors.error_for("new_deadline")
        seen["owner_enabled"] = dialog.new_owner.isEnabled()
        screenshot(dialog, "policy_review_decision_dialog")
        dialog.new_deadline.setDate(QDate(fake_clock().date() + timedelta(days=90)))

    monkeypatch.setattr(DecisionDialog, "exec", fake_exec(decide), raising=False)
    assert page.reviews.decide()
    assert seen == {"deadline": "请填写晚于今天的新开发期限。", "owner_enabled": False}
    assert page.reviews.current.outcome_label == "延期"
    text = page.reviews.detail.toPlainText()
    assert "已决定" in text and "同意延期三个月" in text and "赵主管" in text
    assert not page.reviews.decide_button.isEnabled()
    assert sorted(column(page.reviews.list, "customer")) == sorted([NXH, WZ, YC])

    # Another desktop decides 银川 while this one has its dialog open: refused.
    assert page.reviews.select_review(w.r[w.yc])
    stale = {}

    def reassign(dialog):
        dialog.radios["reassign"].setChecked(True)
        assert dialog.new_owner.isEnabled()
        assert dialog.new_owner.matching_ids("zs")  # 张三 by pinyin initials
        dialog.new_owner.set_current_id(w.rep1.id)
        dialog.comments.setPlainText("改由张三跟进")
        d = reviews.list_reviews(UnitOfWork(w.db, w.admin))
        other = next(r for r in d if r.customer_id == w.yc)
        reviews.decide(UnitOfWork(w.db, w.admin), other.id, other.version, "pool", "回收")
        dialog.accept()
        stale["error"] = dialog.error_label.text()
        dialog.reject()

    monkeypatch.setattr(DecisionDialog, "exec", fake_exec(reassign), raising=False)
    assert not page.reviews.decide()
    assert stale["error"] == "该评审已作出决定，不能再次处理。"


def test_reminder_opens_the_review_in_the_main_window(qtbot, world, monkeypatch):
    from app.ui.main_window import MainWindow
    from app.ui.pool.policy_sweeper import PolicySweeper

    monkeypatch.setattr(PolicySweeper, "start", lambda self: None)
    window = MainWindow(AppContext(world.db, world.manager))
    qtbot.addWidget(window)
    window.open_target(Target("review", world.r[world.yc]))
    assert window.stack.currentWidget() is window.policy_page
    assert window.policy_page.reviews.selected_id() == world.r[world.yc]
    window.close()


def test_classification_recompute_and_confirm(qtbot, world, monkeypatch, message_boxes):
    w = world
    followups.add_deal(UnitOfWork(w.db, w.rep1), w.nxh, DealForm(product="枸杞", amount="400000"))
    followups.add_deal(UnitOfWork(w.db, w.rep2), w.yc, DealForm(product="枸杞干", amount="1200000"))
    with UnitOfWork(w.db, w.admin) as uow:
        uow.session.get(Customer, w.yc).credit_level = "差"
        uow.commit()
    page = page_for(qtbot, w, w.manager)
    page.tabs.setCurrentWidget(page.classification)
    view = page.classification.list
    assert set(column(view, "grade")) == {"C"}  # new customers are C (一般或新增客户)
    shown = {}

    def untick_one(dialog):
        assert isinstance(dialog, RecomputeDialog)
        rows = {p.name: (p.current, p.proposed) for p in dialog.proposals}
        assert rows == {NXH: ("C", "B"), YC: ("C", "B")}  # WZ stays C: not proposed
        dialog.resize(980, 360)
        screenshot(dialog, "policy_classification_recompute")
        nxh = next(i for i, p in enumerate(dialog.proposals) if p.name == NXH)
        dialog.checks[nxh].setChecked(False)
        shown["summary"] = dialog.summary.text()

    monkeypatch.setattr(RecomputeDialog, "exec", fake_exec(untick_one), raising=False)
    page.classification.recompute()
    assert "共有 2 个客户" in shown["summary"] and "已选 1 个" in shown["summary"]
    assert message_boxes[-1][2] == "已确认 1 个客户的分类。"
    grades = dict(zip(column(view, "name"), column(view, "grade"), strict=True))
    assert grades == {NXH: "C", YC: "B", WZ: "C"}
    reasons = dict(zip(column(view, "name"), column(view, "class_reason"), strict=True))
    assert "信用等级差，降为 B 类" in reasons[YC]
    totals = dict(zip(column(view, "name"), column(view, "total_3y"), strict=True))
    assert totals[NXH] == "400,000.00"
    screenshot(page, "policy_classification_page")
    table = view.print_table()  # the printed 《客户分类表》
    assert table is not None
    # A rep cannot confirm: no button for them.
    assert not page_for(qtbot, w, w.rep1).classification.recompute_button.isVisible()
    monkeypatch.setattr(classification_module.classification, "propose", lambda uow: [])

    def nothing(dialog):
        shown["empty"] = dialog.summary.text()
        assert not dialog.confirm_button.isEnabled()
        dialog.reject()

    monkeypatch.setattr(RecomputeDialog, "exec", fake_exec(nothing), raising=False)
    page.classification.recompute()
    assert "无需调整" in shown["empty"]


def test_maintenance_table_shows_a_shortfall(qtbot, world, fake_clock):
    w = world
    with UnitOfWork(w.db, w.admin) as uow:
        for cid, grade in ((w.nxh, "A"), (w.yc, "B"), (w.wz, "C")):
            uow.session.get(Customer, cid).grade_id = code_tables.find_item(uow, "grade", grade)
        visit = code_tables.find_item(uow, "follow_method", "2")
        uow.commit()
    followups.add_follow_up(UnitOfWork(w.db, w.rep1), w.wz,
                            FollowUpForm(method_id=visit, content="上门拜访，了解季度需求"))  # fmt: skip
    followups.add_follow_up(UnitOfWork(w.db, w.rep2), w.yc,
                            FollowUpForm(method_id=visit, content="主管陪同拜访"))  # fmt: skip
    page = page_for(qtbot, w, w.manager)
    page.tabs.setCurrentWidget(page.maintenance)
    view = page.maintenance.list
    rows = {
        name: (grade, req, done, short, status)
        for name, grade, req, done, short, status in zip(
            column(view, "name"), column(view, "grade"), column(view, "required"),
            column(view, "done"), column(view, "shortfall"), column(view, "status"),
            strict=True,
        )
    }  # fmt: skip
    assert rows[NXH] == ("A", "1", "0", "1", "未达标")
    assert rows[YC] == ("B", "1", "1", "0", "已达标")
    assert rows[WZ] == ("C", "2", "1", "1", "未达标")
    assert column(view, "name")[-1] == YC  # the biggest shortfall first
    assert "A 类由公司领导拜访 1–2 次/月" in page.maintenance.legend.text()
    screenshot(page, "policy_maintenance_table")


def test_class_d_by_hand_with_a_reason(qtbot, world, monkeypatch, message_boxes):
    from app.ui.policy.class_d_dialog import ClassDDialog

    w = world
    page = page_for(qtbot, w, w.manager)
    page.tabs.setCurrentWidget(page.classification)
    view = page.classification.list
    assert page.classification.d_button.isVisible()
    page.classification.mark_d(lift=False)  # nothing selected
    assert message_boxes[-1][2] == "请先在列表中选择一个客户。"
    view.table.selectRow(column(view, "name").index(WZ))

    def fill(dialog):
        assert isinstance(dialog, ClassDDialog) and WZ in dialog.intro.text()
        dialog.accept()  # no reason: refused at the field
        assert "理由" in dialog.errors.error_for("reason")
        dialog.reason.setPlainText("拖欠货款半年未付")

    monkeypatch.setattr(ClassDDialog, "exec", fake_exec(fill), raising=False)
    page.classification.mark_d(lift=False)
    grades = dict(zip(column(view, "name"), column(view, "grade"), strict=True))
    assert grades[WZ] == "D"
    assert not page_for(qtbot, w, w.rep1).classification.d_button.isVisible()
