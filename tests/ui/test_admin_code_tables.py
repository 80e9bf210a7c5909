"""系统设置 → 代码表: add, reorder, deactivate, delete (refused while in use), new table."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.models import Role
from app.services.admin import auth, code_tables
from app.services.core import clock
from app.services.core.uow import UnitOfWork
from app.services.customers.forms import CustomerForm
from app.services.customers.registration import register_customer
from app.ui.admin.code_table_dialogs import CodeItemDialog, CodeTableDialog
from app.ui.admin.code_tables_page import CodeTablesPage
from tests.ui.conftest import COMPANY, PASSWORD, add_user, screenshot


def fake_exec(fill):
    def run(dialog):
        fill(dialog)
        dialog.accept()
        return dialog.result()

    return run


def make_page(qtbot, ctx, table_key="source") -> CodeTablesPage:
    page = CodeTablesPage(ctx, COMPANY)
    qtbot.addWidget(page)
    page.resize(1000, 560)
    page.show()
    assert page.select_table(table_key)
    qtbot.waitUntil(page.list_view.isVisible)  # the list reads its rows when shown
    return page


def names(page) -> list[str]:
    model = page.list_view.model
    col = model.keys.index("name")
    return [model.index(r, col).data() for r in range(model.rowCount())]


def select(page, name: str) -> None:
    model = page.list_view.model
    col = model.keys.index("name")
    row = next(r for r in range(model.rowCount()) if model.index(r, col).data() == name)
    page.list_view.table.selectRow(row)


def yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


def test_add_with_field_error_then_reorder_and_deactivate(qtbot, admin_ctx, monkeypatch):
    page = make_page(qtbot, admin_ctx)
    tables = [page.tables.item(i).text() for i in range(page.tables.count())]
    assert "客户来源（6）" in tables and "行业" in "".join(tables)
    assert names(page)[:2] == ["公司原有客户信息库", "销售内勤接听电话"]

    errors = []

    def bad_then_good(d: CodeItemDialog):
        d.code.setText("04")  # taken by 展会
        d.name.setText("行业协会")
        d.accept()
        errors.append(d.errors.error_for("code"))
        screenshot(d, "code_item_dialog_error")
        d.code.setText("06")

    monkeypatch.setattr(CodeItemDialog, "exec", fake_exec(bad_then_good))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert errors == ["代码“04”已存在。"]
    assert names(page)[-1] == "行业协会"
    assert page.list_view.selected_ids() == [page.selected().id]
    assert page.tables.currentItem().text() == "客户来源（7）"

    # 上移 twice: 行业协会 passes 其他 and 转介绍.
    qtbot.mouseClick(page.up_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.up_button, Qt.MouseButton.LeftButton)
    assert names(page)[-3:] == ["行业协会", "转介绍", "其他"]
    assert page.selected().name == "行业协会"
    qtbot.mouseClick(page.down_button, Qt.MouseButton.LeftButton)
    assert names(page)[-3:] == ["转介绍", "行业协会", "其他"]

    # 停用 / 启用: the options of a new record no longer offer it.
    assert page.active_button.text() == "停用"
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert page.selected().is_active is False
    assert page.active_button.text() == "启用"
    col = page.list_view.model.keys.index("is_active")
    row = page.list_view.model.row_of_id(page.selected().id)
    assert page.list_view.model.index(row, col).data() == "已停用"
    offered = {r.name for r in code_tables.options(admin_ctx.write_uow(), "source")}
    assert "行业协会" not in offered
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert page.selected().is_active is True

    # Edit the name; search by pinyin initials finds it.
    monkeypatch.setattr(CodeItemDialog, "exec", fake_exec(lambda d: d.name.setText("行业协会推荐")))
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    page.list_view.search.setText("hyxh")
    page.list_view.reload()
    assert names(page) == ["行业协会推荐"]
    page.list_view.search.clear()
    page.list_view.reload()
    select(page, "展会")
    screenshot(page, "code_table_editor")


def test_delete_in_use_is_refused_with_the_service_message(
    qtbot, admin_ctx, monkeypatch, message_boxes
):
    add_user(admin_ctx, "zhangsan", "张三", Role.SALES_REP)
    rep = auth.login(UnitOfWork(admin_ctx.db, None), "zhangsan", PASSWORD)
    with UnitOfWork(admin_ctx.db, admin_ctx.actor) as uow:
        expo = code_tables.find_item(uow, "source", "04")
    register_customer(
        UnitOfWork(admin_ctx.db, rep),
        CustomerForm(first_contact_at=clock.now(), name="宁夏红枸杞产业集团", source_id=expo),
    )
    page = make_page(qtbot, admin_ctx)
    yes(monkeypatch)
    select(page, "展会")
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    kind, title, text = message_boxes[-1]
    assert kind == "warning" and title == "不能删除"
    assert text.startswith("代码“展会”正被 1 条记录使用，不能删除。")
    assert "展会" in names(page)
    # An unused entry goes.
    select(page, "网站")
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert "网站" not in names(page)


def test_system_code_keeps_its_code(qtbot, admin_ctx, monkeypatch):
    page = make_page(qtbot, admin_ctx, "grade")
    select(page, "A")
    seen = []

    def edit(d: CodeItemDialog):
        seen.append((d.code.isReadOnly(), d.intro.text()))
        d.name.setText("A 类")

    monkeypatch.setattr(CodeItemDialog, "exec", fake_exec(edit))
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    assert seen[0][0] is True and "系统代码" in seen[0][1]
    assert names(page)[0] == "A 类"


def test_new_table_then_delete_it(qtbot, admin_ctx, monkeypatch, message_boxes):
    page = make_page(qtbot, admin_ctx)
    assert not page.delete_table_button.isEnabled()  # system table
    monkeypatch.setattr(CodeTableDialog, "exec", fake_exec(lambda d: d.name.setText("产品线")))
    qtbot.mouseClick(page.new_table_button, Qt.MouseButton.LeftButton)
    assert page.current_table().name == "产品线"
    assert page.list_view.model.rowCount() == 0
    monkeypatch.setattr(
        CodeItemDialog,
        "exec",
        fake_exec(lambda d: (d.code.setText("P1"), d.name.setText("精密仪器"))),
    )
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    yes(monkeypatch)
    qtbot.mouseClick(page.delete_table_button, Qt.MouseButton.LeftButton)
    assert message_boxes[-1][2] == "代码表“产品线”中还有代码，请先删除这些代码。"
    select(page, "精密仪器")
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.delete_table_button, Qt.MouseButton.LeftButton)
    assert all("产品线" not in page.tables.item(i).text() for i in range(page.tables.count()))
