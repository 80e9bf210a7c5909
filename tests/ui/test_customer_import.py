"""导入客户 dialog and the customer list's 自定义字段 columns, through qtbot."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import func, select

from app.models import Customer
from app.services.admin import extra_fields
from app.services.core.uow import UnitOfWork
from app.ui.context import AppContext
from app.ui.customers.import_dialog import ImportDialog
from app.ui.customers.list_page import CustomerListPage
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register
from tests.services.customers.test_extra_field_columns import define_fields
from tests.ui.conftest import list_names, screenshot, show_page

HEAD = ["客户名称＊", "客户来源＊", "等级", "电话", "邮箱", "客户规模", "年采购额", "合作意向"]


@pytest.fixture
def world(sqlite_db, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    f = define_fields(w)
    register(w, w.rep1, NXH, phone="0951-5012345")
    return w, f


def xlsx(path, rows, headers=HEAD):
    wb = openpyxl.Workbook()
    wb.active.append(headers)
    for r in rows:
        wb.active.append(list(r))
    wb.save(path)
    return str(path)


def customer_count(w) -> int:
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(Customer))


def page_for(qtbot, w, actor) -> CustomerListPage:
    return show_page(qtbot, CustomerListPage, w.db, actor, (1200, 600))


def names(page) -> list[str]:
    return list_names(page)


def finish(qtbot, dialog):
    dialog.task.wait(30_000)
    qtbot.waitUntil(lambda: dialog.preview_button.isEnabled(), timeout=30_000)


def test_preview_shows_errors_by_row_and_import_waits(qtbot, world, tmp_path, message_boxes):
    w, _f = world
    page = page_for(qtbot, w, w.rep3)
    dialog = page.import_customers()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, ImportDialog) and not dialog.import_button.isEnabled()
    path = xlsx(tmp_path / "有错.xlsx", [
        ("银川塞上物流有限公司", "展会", "A", "0951-6012345", "wl@saishang.cn", "大型", 1200, "强烈"),
        ("", "展会", "", "", "", "", "", ""),
        ("吴忠乳业有限公司", "电视购物", "", "", "", "", "", ""),
        ("固原马铃薯有限公司", "展会", "", "12ab", "", "", "很多", ""),
        ("宁夏红枸杞产业集团（有限公司）", "展会", "", "", "", "", "", ""),
        ("中宁枸杞有限公司", "展会", "", "", "not-mail", "", "", "特别强"),
    ])  # fmt: skip
    dialog.set_path(path)
    dialog.resize(900, 520)
    dialog.run_preview()
    finish(qtbot, dialog)
    p = dialog.preview_
    assert p is not None and not p.ok
    table = [
        [dialog.errors.item(r, c).text() for c in range(3)] for r in range(dialog.errors.rowCount())
    ]
    assert ["3", "客户名称", "请填写客户名称。"] in table
    assert any(r[:2] == ["4", "客户来源"] and "电视购物" in r[2] for r in table)
    assert any(r[:2] == ["6", "客户名称"] and "张三" in r[2] for r in table)
    assert {r[0] for r in table} == {"3", "4", "5", "6", "7"}
    assert "5 行有错误" in dialog.status.text()
    assert not dialog.import_button.isEnabled()
    assert screenshot(dialog, "customer_import_errors").exists()
    assert dialog.run_import() is None and customer_count(w) == 1


def test_clean_file_imports_in_the_background_and_the_list_reloads(
    qtbot, world, tmp_path, message_boxes
):
    w, f = world
    page = page_for(qtbot, w, w.rep1)
    assert names(page) == [NXH]
    dialog = page.import_customers()
    qtbot.addWidget(dialog)
    path = xlsx(tmp_path / "好.xlsx", [
        ("银川塞上物流有限公司", "展会", "A", "0951-6012345", "", "大型", 1200, "强烈"),
        ("吴忠乳业有限公司", "04", "", "", "", "小型", "35.5", "M"),
    ])  # fmt: skip
    dialog.set_path(path)
    dialog.run_preview()
    finish(qtbot, dialog)
    assert dialog.preview_.ok and dialog.status.text() == "共 2 行，可以导入。"
    assert dialog.errors.rowCount() == 0 and dialog.import_button.isEnabled()
    dialog.run_import()
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=30_000)
    assert dialog.result_.count == 2 and customer_count(w) == 3
    assert message_boxes[-1][1] == "导入完成" and "已导入 2 个客户" in message_boxes[-1][2]
    assert names(page) == sorted([NXH, "银川塞上物流有限公司", "吴忠乳业有限公司"])
    # The extra fields are list columns, shown with the code item's name.
    model = page.list.model
    row = next(r for r in range(model.rowCount()) if "吴忠" in model.data(model.index(r, 1)))
    shown = {model.columns[c].label: model.data(model.index(row, c)) for c in range(len(model.columns))}  # fmt: skip
    assert shown["客户规模"] == "小型" and shown["年采购额"] == "35.5"
    assert shown["合作意向"] == "一般"
    page.list.table.horizontalScrollBar().setValue(page.list.table.horizontalScrollBar().maximum())
    screenshot(page, "customer_list_extra_fields")


def test_file_errors_are_shown_not_raised(qtbot, world, tmp_path):
    w, _f = world
    dialog = ImportDialog(AppContext(w.db, w.rep1))
    qtbot.addWidget(dialog)
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not an excel file at all")
    dialog.set_path(str(broken))
    dialog.run_preview()
    finish(qtbot, dialog)
    assert "不是有效的 Excel" in dialog.status.text() and not dialog.import_button.isEnabled()


def test_template_download(qtbot, world, tmp_path, message_boxes):
    w, _f = world
    dialog = ImportDialog(AppContext(w.db, w.sales_admin))
    qtbot.addWidget(dialog)
    target = str(tmp_path / "模板.xlsx")
    assert dialog.download_template(target) == target
    head = [c.value for c in openpyxl.load_workbook(target).worksheets[0][1]]
    assert "归属销售＊" in head and "合作意向" in head
    assert dialog.path() == target  # ready to be filled in and chosen


def test_import_button_only_for_roles_that_may_import(qtbot, world):
    w, _f = world
    for actor, shown in ((w.rep1, True), (w.sales_admin, True), (w.clerk, False),
                         (w.chairman, False)):  # fmt: skip
        page = page_for(qtbot, w, actor)
        assert page.import_button.isVisible() is shown
        if not shown:
            assert page.import_customers() is None


def test_a_new_field_appears_in_the_list_on_reload(qtbot, world):
    w, _f = world
    page = page_for(qtbot, w, w.sales_admin)
    assert "合作意向" in [c.label for c in page.list.model.columns]
    extra_fields.create_def(UnitOfWork(w.db, w.admin), "重点客户", "text")
    assert "重点客户" not in [c.label for c in page.list.model.columns]
    page.list.reload()
    assert "重点客户" in [c.label for c in page.list.model.columns]
    assert "重点客户" in [a.text() for a in page.list.filter_button.menu().actions()]
    assert "签约日期" in [page.list.date_column.itemText(i)
                         for i in range(page.list.date_column.count())]  # fmt: skip
    d = next(d for d in extra_fields.list_defs(UnitOfWork(w.db, w.admin)) if d.label == "重点客户")
    extra_fields.update_def(UnitOfWork(w.db, w.admin), d.id, d.version, is_active=False)
    assert page.list.refresh_fields() is True
    assert "重点客户" not in [c.label for c in page.list.model.columns]
    assert page.list.refresh_fields() is False
