"""公海客户 page: pool list, 领取/分配 by batch action, claim-to-open, sweep and its preview."""

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from app.services.admin import code_tables
from app.services.core.uow import UnitOfWork
from app.services.customers.card import get_customer
from app.services.pool import rules as pool
from app.ui.context import AppContext
from app.ui.pool import pool_page as pool_page_module
from app.ui.pool.pool_page import PoolPage
from app.ui.pool.returns_dialog import ReturnsPreviewDialog
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register
from tests.ui.conftest import list_names, screenshot, show_page

YC = "银川枸杞贸易有限公司"
WZ = "吴忠滩羊肉业有限公司"
ZW = "中卫硒砂瓜合作社"


def codes(w, grade, industry):
    with UnitOfWork(w.db, w.admin) as uow:
        return dict(
            grade_id=code_tables.resolve(uow, "grade", grade),
            industry_id=code_tables.resolve(uow, "industry", industry),
            region_id=code_tables.resolve(uow, "region", "64"),  # 宁夏回族自治区
        )


@pytest.fixture
def world(sqlite_db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    w.nxh = register(w, w.rep1, phone="0951-5012345", **codes(w, "B", "C")).customer_id
    w.yc = register(w, w.rep1, YC, phone="0951-6012345", **codes(w, "C", "F")).customer_id
    w.wz = register(w, w.rep2, WZ, phone="0953-2021188", **codes(w, "D", "A")).customer_id
    w.zw = register(w, w.rep3, ZW, **codes(w, "C", "A")).customer_id
    fake_clock.advance(days=1)
    pool.return_to_pool(UnitOfWork(w.db, w.admin), [w.nxh, w.yc, w.wz], "长期未跟进")
    return w


def page_for(qtbot, world, actor) -> PoolPage:
    return show_page(qtbot, PoolPage, world.db, actor, (1200, 560))


def names(page) -> list[str]:
    return list_names(page)


def say_yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


def action(page, key):
    return next(a for a in page.list.source.batch_actions if a.key == key)


def test_rep_sees_pool_and_claims_by_batch_action(qtbot, world, monkeypatch, message_boxes):
    page = page_for(qtbot, world, world.rep3)
    assert names(page) == sorted([NXH, YC, WZ])  # not rep3's own 中卫 customer
    assert [a.key for a in page.list.source.batch_actions] == ["claim"]
    assert page.preview_button.isVisible() and not page.sweep_button.isVisible()
    screenshot(page, "pool_page")
    page.list.select_id(world.nxh)
    say_yes(monkeypatch)
    page.list.run_batch(action(page, "claim"))
    assert message_boxes[-1][1] == "批量领取" and "已处理 1 条" in message_boxes[-1][2]
    assert names(page) == sorted([YC, WZ])
    card = get_customer(UnitOfWork(world.db, world.rep3), world.nxh)
    assert card.owner_name == "王五"
    # rep2 lost 吴忠 to the pool a day ago: the cool-down skips it, with the reason.
    page2 = page_for(qtbot, world, world.rep2)
    page2.list.table.selectAll()
    page2.list.run_batch(action(page2, "claim"))
    assert "已处理 1 条" in message_boxes[-1][2] and "天内不能再次领取" in message_boxes[-1][2]
    assert names(page2) == [WZ]


def test_manager_assigns_and_sweeps(qtbot, world, fake_clock, monkeypatch, message_boxes):
    page = page_for(qtbot, world, world.manager)
    assert page.sweep_button.isVisible()
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("李四", True))
    say_yes(monkeypatch)
    page.list.select_id(world.yc)
    page.list.run_batch(action(page, "assign"))
    assert "已处理 1 条" in message_boxes[-1][2]
    assert names(page) == sorted([NXH, WZ])
    fake_clock.advance(days=61)
    page.sweep()  # 李四's 银川 customer (assigned 61 days ago, no follow-up) returns
    assert message_boxes[-1][2].startswith("已将 2 个超期无销售动作的客户回收公海")
    assert names(page) == sorted([NXH, YC, WZ, ZW])


def test_double_click_claims_first_then_opens_the_card(qtbot, world, monkeypatch):
    page = page_for(qtbot, world, world.rep2)
    monkeypatch.setattr(pool_page_module, "confirm", lambda *a: False)
    assert page.open_customer(world.nxh) is None and page.cards == {}
    monkeypatch.setattr(pool_page_module, "confirm", lambda *a: True)
    card = page.open_customer(world.nxh)
    assert card is not None and card.card.owner_name == "李四"
    assert NXH not in names(page)
    admin_page = page_for(qtbot, world, world.sales_admin)
    assert admin_page.open_customer(world.yc).card.is_in_pool  # no claim needed


def test_clerk_sees_an_empty_pool(qtbot, world):
    page = page_for(qtbot, world, world.clerk)
    assert names(page) == [] and page.list.source.batch_actions == []
    assert not page.preview_button.isVisible()


def test_preview_lists_the_due_customer(qtbot, world, fake_clock):
    fake_clock.advance(days=55)
    page = page_for(qtbot, world, world.manager)
    dialog = page.preview()
    assert isinstance(dialog, ReturnsPreviewDialog)
    qtbot.addWidget(dialog)
    assert dialog.rows == []  # 中卫 is team 2's: the team-1 manager does not see it
    admin = AppContext(world.db, world.admin)
    soon = register(world, world.rep1, "灵武长枣种植专业合作社").customer_id
    fake_clock.advance(days=58)
    dialog = ReturnsPreviewDialog(admin, None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert [(r.name, r.overdue) for r in dialog.rows] == [
        (ZW, True),
        ("灵武长枣种植专业合作社", False),
    ]
    assert dialog.table.item(0, 3).text() == "王五" and dialog.table.item(0, 2).text() == "C"
    assert "已超期" in dialog.table.item(0, 7).text()
    assert dialog.table.item(1, 7).text() == "还剩 2 天"
    assert "共 2 个客户，其中已超期 1 个" in dialog.summary.text()
    screenshot(dialog, "pool_returns_preview")
    assert pool.sweep(UnitOfWork(world.db, world.admin)).moved == [world.zw]
    dialog.reload()
    assert [r.customer_id for r in dialog.rows] == [soon]
    dialog.days.setValue(1)  # the window narrows: nothing within a day
    assert dialog.rows == []
