"""The registration dialog: fields, live duplicate check, override, bad input."""

from datetime import datetime

import pytest

from app.services.admin import code_tables
from app.services.core.uow import UnitOfWork
from app.services.customers.card import get_customer
from app.services.customers.search import list_customer_ids
from app.ui.context import AppContext
from app.ui.customers.register_dialog import RegisterDialog
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register
from tests.ui.conftest import screenshot


@pytest.fixture
def world(sqlite_db, monkeypatch):
    fast_passwords(monkeypatch)
    return make_world(sqlite_db)


def ctx_of(world, actor):
    return AppContext(world.db, actor)


def open_dialog(qtbot, world, actor) -> RegisterDialog:
    dialog = RegisterDialog(ctx_of(world, actor))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(dialog, world, name=NXH, **values):
    w = dialog.form.widgets
    w["name"].setText(name)
    w["source_id"].set_current_id(world.source_id)
    w["first_contact_at"].setText(f"{datetime.now():%Y-%m-%d %H:%M}")
    for key, value in values.items():
        w[key].setText(value)


def test_register_through_the_dialog(qtbot, world):
    dialog = open_dialog(qtbot, world, world.rep1)
    with UnitOfWork(world.db, world.rep1) as uow:
        region = code_tables.resolve(uow, "region", "宁夏回族自治区")
    fill(dialog, world, phone="0951-5012345", capital="500万")
    dialog.form.widgets["region_id"].set_current_id(region)
    line = dialog.contacts.lines[0]
    line.widgets["name"].setText("刘经理")
    line.widgets["mobile"].setText("13909511234")
    dialog.check_now()
    assert "未发现重复客户" in dialog.duplicates.text()
    dialog.scroll.ensureWidgetVisible(line)
    screenshot(dialog, "customer_register_contacts")
    dialog.accept()
    assert dialog.result_ is not None, dialog.general_error.text()
    card = get_customer(UnitOfWork(world.db, world.rep1), dialog.result_.customer_id)
    assert card.form.name == NXH and card.owner_name == "张三"
    assert card.labels["region_id"] == "宁夏回族自治区"
    assert card.capital_unit == "万" or card.form.capital == "500万"
    assert [c.name for c in card.contacts] == ["刘经理"] and card.contacts[0].is_primary


def test_live_duplicate_blocks_a_rep(qtbot, world):
    register(world, world.rep3, phone="0951-5012345")
    dialog = open_dialog(qtbot, world, world.rep1)
    fill(dialog, world, name="宁夏红 枸杞产业集团")
    qtbot.waitUntil(lambda: bool(dialog.duplicates.hits), timeout=3000)
    text = dialog.duplicates.text()
    assert "王五" in text and "不能重复登记" in text
    assert NXH not in text  # a rep who may not see it learns only who owns it
    assert not dialog.register_button.isEnabled()
    assert dialog.override_box.isHidden()
    dialog.form.widgets["phone"].setText("(0951)5012345")
    dialog.form.widgets["name"].setText("银川某某贸易公司")
    qtbot.waitUntil(lambda: "电话相同" in dialog.duplicates.text(), timeout=3000)
    dialog.resize(1180, 760)
    screenshot(dialog, "customer_register_duplicate")
    dialog.accept()  # the service refuses too, even if the button were pressed
    assert dialog.result_ is None
    assert "王五" in dialog.error_for("phone")


def test_manager_overrides_with_reason(qtbot, world):
    register(world, world.rep3)
    dialog = open_dialog(qtbot, world, world.manager)
    fill(dialog, world, name="宁夏红枸杞产业集团（有限公司）")
    dialog.check_now()
    assert dialog.duplicates.hits and not dialog.override_box.isHidden()
    assert not dialog.register_button.isEnabled()
    dialog.override.setChecked(True)
    assert dialog.register_button.isEnabled()
    dialog.accept()
    assert dialog.result_ is None
    assert dialog.error_for("override_reason") == "请填写公司特别指派的理由。"
    dialog.override_reason.setText("董事长指示由一组跟进")
    dialog.accept()
    assert dialog.result_ is not None and dialog.result_.overridden
    card = get_customer(UnitOfWork(world.db, world.manager), dialog.result_.customer_id)
    assert "公司特别指派：董事长指示由一组跟进" in card.ownership[0].reason


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("name", "", "客户名称"),
        ("name", "     ", "客户名称"),
        ("name", "宁" * 500, "客户名称"),
        ("email", "not-an-email", "邮箱"),
        ("phone", "12", "“12”"),
    ],
)
def test_bad_input_shown_at_the_field(qtbot, world, field, value, expected):
    dialog = open_dialog(qtbot, world, world.rep1)
    fill(dialog, world)
    dialog.form.widgets[field].setText(value)
    dialog.accept()
    assert dialog.result_ is None
    message = dialog.error_for(field)
    assert expected in message, (message, dialog.general_error.text())
    assert list_customer_ids(UnitOfWork(world.db, world.admin)) == []


def test_missing_source_and_capital_with_unit(qtbot, world):
    dialog = open_dialog(qtbot, world, world.rep1)
    dialog.form.widgets["name"].setText(NXH)
    dialog.form.widgets["capital"].setText("5,000,000")
    dialog.accept()
    assert dialog.error_for("source_id") == "请选择客户来源。"
    assert "请填写首次接触时间" in dialog.error_for("first_contact_at")  # the 24-hour rule
    dialog.form.widgets["source_id"].set_current_id(world.source_id)
    dialog.form.widgets["first_contact_at"].setText(f"{datetime.now():%Y-%m-%d %H:%M}")
    dialog.accept()
    card = get_customer(UnitOfWork(world.db, world.rep1), dialog.result_.customer_id)
    assert card.capital_amount == 5000000


def test_contact_error_lands_on_its_line(qtbot, world):
    dialog = open_dialog(qtbot, world, world.rep1)
    fill(dialog, world)
    dialog.contacts.lines[0].widgets["name"].setText("刘经理")
    second = dialog.contacts.add_line()
    second.widgets["name"].setText("王会计")
    second.widgets["qq"].setText("abc")
    dialog.accept()
    assert dialog.result_ is None
    assert "QQ" in dialog.contacts.error_for(1, "qq")


def test_personal_group_only_for_personal_customers(qtbot, world):
    dialog = open_dialog(qtbot, world, world.rep1)
    group = dialog.form.groups["个人客户信息"]
    assert group.isHidden()
    with UnitOfWork(world.db, world.rep1) as uow:
        personal = code_tables.find_item(uow, "customer_type", "P")
    capital = dialog.form.widgets["capital"]
    assert not capital.isHidden()
    dialog.form.widgets["type_id"].set_current_id(personal)
    assert not group.isHidden()
    # a person has no 注册资金 or 经营范围: those rows go, label and field
    for name in ("capital", "business_scope"):
        label, cell = dialog.form.rows_of[name]
        assert label.isHidden() and cell.isHidden()


def test_rep_asks_for_a_grant_on_a_hidden_hit(qtbot, world):
    from app.services.customers import grants
    from app.ui.customers.grant_dialog import GrantRequestDialog

    register(world, world.rep3)
    dialog = open_dialog(qtbot, world, world.rep1)
    fill(dialog, world)
    dialog.check_now()
    hit = dialog.duplicates.hits[0]
    assert not hit.visible and hit.customer_name == ""
    ask = GrantRequestDialog(dialog.ctx, hit.customer_id, hit.message, dialog)
    qtbot.addWidget(ask)
    ask.accept()
    assert ask.errors.error_for("reason") == "请填写申请查阅的理由。"
    ask.reason.setPlainText("客户来电，需核对是否已有人跟进")
    ask.accept()
    assert ask.grant_id is not None
    rows = grants.list_grants(UnitOfWork(world.db, world.chairman), "pending")
    assert [r.id for r in rows] == [ask.grant_id]


def test_cancel_on_a_filled_form_asks_and_ctrl_s_registers(qtbot, world, monkeypatch):
    from PySide6.QtGui import QKeySequence, QShortcut
    from PySide6.QtWidgets import QMessageBox

    answers, asked = [], []

    def question(*_args, **_kwargs):
        asked.append(True)
        return answers.pop(0) if answers else QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", question)
    empty = open_dialog(qtbot, world, world.rep1)
    empty.reject()
    assert not empty.isVisible() and asked == []  # nothing typed: no question
    dialog = open_dialog(qtbot, world, world.rep1)
    fill(dialog, world)
    answers.append(QMessageBox.StandardButton.Cancel)
    dialog.reject()
    assert dialog.isVisible() and dialog.form.widgets["name"].text() == NXH  # 返回
    answers.append(QMessageBox.StandardButton.Discard)
    dialog.reject()
    assert not dialog.isVisible() and dialog.result_ is None  # 不保存: nothing registered
    again = open_dialog(qtbot, world, world.rep1)
    fill(again, world)
    save = next(
        s for s in again.findChildren(QShortcut)
        if s.key() == QKeySequence(QKeySequence.StandardKey.Save)
    )  # fmt: skip
    save.activated.emit()
    assert again.result_ is not None and again.result() == again.DialogCode.Accepted


def test_every_error_of_the_form_is_shown_at_once(qtbot, world):
    dialog = open_dialog(qtbot, world, world.rep1)
    dialog.form.widgets["name"].setText("宁")  # too short
    dialog.form.widgets["email"].setText("not-an-email")
    dialog.form.widgets["phone"].setText("12")
    dialog.accept()  # and no 客户来源
    assert dialog.result_ is None
    for field, expected in (("name", "至少需要 2 个字"), ("email", "邮箱"), ("phone", "“12”"),
                            ("source_id", "请选择客户来源"),
                            ("first_contact_at", "请填写首次接触时间")):  # fmt: skip
        assert expected in dialog.error_for(field), (field, dialog.error_for(field))
    fill(dialog, world, email="wang@nxh.com.cn", phone="0951-5012345")
    dialog.accept()
    assert dialog.result_ is not None
    assert all(dialog.error_for(f) == "" for f in ("name", "email", "phone", "source_id"))
