"""系统设置 on the shared list view: users (buttons + batch actions), custom fields,
and the 操作日志 tab."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.models import Role
from app.services.admin import auth, extra_fields, users
from app.services.core.errors import AuthError
from app.services.core.uow import UnitOfWork
from app.ui.admin.extra_field_dialog import ExtraFieldDialog
from app.ui.admin.settings_page import SettingsPage
from app.ui.admin.user_dialogs import ResetPasswordDialog, UserDialog
from tests.ui.conftest import PASSWORD, add_user, screenshot


def fake_exec(fill):
    def run(dialog):
        fill(dialog)
        dialog.accept()
        return dialog.result()

    return run


def make_settings(qtbot, ctx) -> SettingsPage:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    return page


def cell(list_view, record_id: int, key: str) -> str:
    model = list_view.model
    return model.index(model.row_of_id(record_id), model.keys.index(key)).data()


def yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


def test_users_tab_create_edit_reset_deactivate(qtbot, admin_ctx, monkeypatch):
    settings = make_settings(qtbot, admin_ctx)
    page = settings.users_page
    assert not page.edit_button.isEnabled()

    def create(d: UserDialog):
        d.username.setText("lisi")
        d.full_name.setText("李四")
        d.password.setText(PASSWORD)
        d.confirm.setText(PASSWORD)

    monkeypatch.setattr(UserDialog, "exec", fake_exec(create))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    lisi = page.selected()
    assert lisi.username == "lisi" and page.edit_button.isEnabled()
    assert cell(page.list_view, lisi.id, "role") == "销售人员"
    assert page.list_view.count_label.text() == "共 2 条"

    monkeypatch.setattr(UserDialog, "exec", fake_exec(lambda d: d.full_name.setText("李思")))
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    assert cell(page.list_view, lisi.id, "full_name") == "李思"
    assert page.selected().id == lisi.id

    def reset(d: ResetPasswordDialog):
        d.password.setText("Neu-Passw0rd!")
        d.confirm.setText("Neu-Passw0rd!")

    monkeypatch.setattr(ResetPasswordDialog, "exec", fake_exec(reset))
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    actor = auth.login(UnitOfWork(admin_ctx.db, None), "lisi", "Neu-Passw0rd!")
    assert actor.id == lisi.id

    yes(monkeypatch)
    page.reload()  # the login changed the row
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert page.selected().is_active is False
    assert cell(page.list_view, lisi.id, "is_active") == "否"
    assert page.active_button.text() == "启用"
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert page.selected().is_active is True

    # Search on the list view: by name.
    page.list_view.search.setText("李思")
    page.list_view.reload()
    assert list(page.list_view.model.ids) == [lisi.id]
    page.list_view.search.clear()
    page.list_view.reload()
    page.select_user(lisi.id)
    screenshot(settings, "settings_users_listview")


def test_users_batch_deactivate_and_unlock(qtbot, admin_ctx, monkeypatch, message_boxes):
    from app.services.core import settings as settings_service

    settings_service.update_settings(admin_ctx.write_uow(), {"security.max_failed_logins": 1})
    a = add_user(admin_ctx, "zhangsan", "张三", Role.SALES_REP)
    b = add_user(admin_ctx, "wangwu", "王五", Role.SALES_REP)
    try:
        auth.login(UnitOfWork(admin_ctx.db, None), "wangwu", "wrong")
    except AuthError:
        pass
    settings = make_settings(qtbot, admin_ctx)
    page = settings.users_page
    page.select_user(b)
    assert page.unlock_button.isEnabled()
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    assert not page.unlock_button.isEnabled()

    yes(monkeypatch)
    changed = []
    page.changed.connect(lambda: changed.append(1))
    page.list_view.table.selectAll()
    deactivate = next(x for x in page.list_view.source.batch_actions if x.key == "deactivate")
    page.list_view.run_batch(deactivate)
    assert message_boxes[-1][2] == "已处理 2 条。跳过 1 条：不能停用自己的账户"
    rows = {u.id: u for u in users.list_users(admin_ctx.write_uow())}
    assert not rows[a].is_active and not rows[b].is_active and rows[admin_ctx.actor.id].is_active
    assert changed == [1]


def test_audit_tab_lists_entries(qtbot, admin_ctx):
    users.create_team(admin_ctx.write_uow(), "华东一组")
    settings = make_settings(qtbot, admin_ctx)
    settings.setCurrentWidget(settings.audit_page)  # reloads on show
    view = settings.audit_page.list_view
    assert len(view.model.ids) >= 2  # the admin, the settings, the team …
    tables = [cell(view, i, "table_name") for i in view.model.ids]
    assert "团队" in tables and "用户" in tables
    team_row = view.model.ids[tables.index("团队")]
    assert cell(view, team_row, "action") == "新增"
    assert cell(view, team_row, "user") == "王建国"
    # A change made later shows up when the tab is shown again.
    settings.setCurrentWidget(settings.users_page)
    add_user(admin_ctx, "zhaoliu", "赵六", Role.CLERK)
    settings.setCurrentWidget(settings.audit_page)
    assert len(view.model.ids) == len(tables) + 1
    screenshot(settings, "settings_audit_log")


def test_extra_fields_tab(qtbot, admin_ctx, monkeypatch, message_boxes):
    settings = make_settings(qtbot, admin_ctx)
    page = settings.extra_fields_page
    errors = []

    def choice_without_table(d: ExtraFieldDialog):
        d.label.setText("产品线")
        assert d.type_combo.matching_ids("dmb") == ["choice"]  # 代码表选项 by initials
        d.type_combo.set_current_id("choice")
        assert d.table_combo.isEnabled()
        d.accept()
        errors.append(d.errors.error_for("code_table_key"))
        assert d.table_combo.matching_ids("hangye") == ["industry"]
        d.table_combo.set_current_id("industry")
        d.required.setChecked(True)

    monkeypatch.setattr(ExtraFieldDialog, "exec", fake_exec(choice_without_table))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert errors == ["请选择该字段使用的代码表。"]
    field = page.selected()
    assert field.label == "产品线" and field.code_table_key == "industry" and field.required
    assert cell(page.list_view, field.id, "field_type") == "代码表选项"
    assert cell(page.list_view, field.id, "code_table") == "行业"
    settings.setCurrentWidget(page)
    screenshot(settings, "settings_extra_fields")

    monkeypatch.setattr(ExtraFieldDialog, "exec", fake_exec(lambda d: d.label.setText("主营产品")))
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    assert cell(page.list_view, field.id, "label") == "主营产品"
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert extra_fields.list_defs(admin_ctx.write_uow())[0].is_active is False
    yes(monkeypatch)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert extra_fields.list_defs(admin_ctx.write_uow()) == []
    assert page.list_view.model.rowCount() == 0


def test_deactivating_a_rep_hands_the_customers_over_first(qtbot, sqlite_db, monkeypatch):
    from app.ui.admin.hand_over_dialog import HandOverDialog
    from app.ui.context import AppContext
    from tests.services.customer_fixtures import fast_passwords, make_world, register

    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    for i in range(4):
        register(w, w.rep1, f"交接客户{i}有限公司")
    ctx = AppContext(w.db, w.admin)
    settings = make_settings(qtbot, ctx)
    page = settings.users_page
    page.select_user(w.rep1.id)
    yes(monkeypatch)
    seen = {}

    def hand_over(dialog):
        seen["intro"] = dialog.intro.text()
        dialog.to_team.setChecked(True)
        dialog.team.set_current_id("一组")  # 李四 and 赵主管 (张三 leaves)
        screenshot(dialog, "hand_over_dialog")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(HandOverDialog, "exec", hand_over, raising=False)
    page.toggle_active()
    assert "名下还有 4 个客户" in seen["intro"]
    rows = {u.id: u for u in users.list_users(ctx.write_uow())}
    assert not rows[w.rep1.id].is_active
    assert users.owned_customer_count(ctx.read_uow(), w.rep1.id) == 0
    counts = [users.owned_customer_count(ctx.read_uow(), u) for u in (w.rep2.id, w.manager.id)]
    assert sorted(counts) == [2, 2]
