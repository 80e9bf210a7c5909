"""The card's 附件 tab: add several files in the background, open, save as, delete."""

import pytest
from PySide6.QtGui import QDesktopServices

from app.services.core import settings
from app.ui.context import AppContext
from app.ui.customers.attachments_tab import AttachmentsTab
from tests.services.customer_fixtures import fast_passwords, make_world, register
from tests.ui.conftest import screenshot


@pytest.fixture
def world(sqlite_db, monkeypatch):
    fast_passwords(monkeypatch)
    w = make_world(sqlite_db)
    w.cid = register(w, w.rep1).customer_id
    return w


def make_tab(qtbot, world, actor, can_edit=True) -> AttachmentsTab:
    tab = AttachmentsTab(AppContext(world.db, actor), world.cid, can_edit)
    qtbot.addWidget(tab)
    tab.resize(800, 300)
    tab.show()
    return tab


def add(qtbot, tab, paths, note=""):
    with qtbot.waitSignal(tab.changed, timeout=10_000):
        tab.add_files([str(p) for p in paths], note)


def test_add_open_save_delete(qtbot, world, tmp_path, monkeypatch, message_boxes):
    contract = tmp_path / "购销合同.pdf"
    contract.write_bytes(b"%PDF-1.4 contract")
    licence = tmp_path / "营业执照.jpg"
    licence.write_bytes(b"\xff\xd8\xff jpeg")
    tab = make_tab(qtbot, world, world.rep1)
    assert not tab.open_button.isEnabled() and not tab.delete_button.isEnabled()
    add(qtbot, tab, [contract, licence, tmp_path / "不存在.doc"], "年度资料")
    assert sorted(r.file_name for r in tab.rows) == ["营业执照.jpg", "购销合同.pdf"]
    assert tab.table.item(0, 3).text() == "年度资料" and tab.table.item(0, 4).text() == "张三"
    # The missing file is reported; the two good ones are kept.
    [(kind, _title, text)] = message_boxes
    assert kind == "warning" and "无法读取文件“不存在.doc”" in text
    screenshot(tab, "customer_attachments_tab")

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    row = [r.file_name for r in tab.rows].index("购销合同.pdf")
    tab.table.selectRow(row)
    path = tab.open_selected()
    assert path.read_bytes() == b"%PDF-1.4 contract" and opened[0].toLocalFile() == str(path)
    target = tmp_path / "copy.pdf"
    assert tab.save_as(str(target)) and target.read_bytes() == b"%PDF-1.4 contract"
    tab.delete(confirm=False)
    assert [r.file_name for r in tab.rows] == ["营业执照.jpg"]


def test_too_big_file_is_refused_with_a_message(qtbot, world, tmp_path, message_boxes):
    settings.update_settings(world.uow(world.admin), {"customers.attachment_max_mb": 1})
    big = tmp_path / "扫描件.zip"
    big.write_bytes(b"0" * (1024 * 1024 + 10))
    tab = make_tab(qtbot, world, world.rep1)
    add(qtbot, tab, [big])
    assert tab.rows == []
    assert "超过了单个附件 1 MB 的上限" in message_boxes[0][2]


def test_a_reader_opens_but_does_not_change(qtbot, world, tmp_path, message_boxes):
    doc = tmp_path / "说明.txt"
    doc.write_bytes("客户资料".encode())
    add(qtbot, make_tab(qtbot, world, world.rep1), [doc])
    tab = make_tab(qtbot, world, world.chairman, can_edit=False)
    tab.table.selectRow(0)
    assert tab.open_button.isEnabled() and tab.save_button.isEnabled()
    assert not tab.add_button.isEnabled() and not tab.delete_button.isEnabled()
    assert (
        tab.save_as(str(tmp_path / "c.txt"))
        and (tmp_path / "c.txt").read_bytes() == doc.read_bytes()
    )


def test_an_executable_shows_its_real_type_and_is_not_opened_without_asking(
    qtbot, world, tmp_path, message_boxes, monkeypatch
):
    """Issue 12.14: the real extension is a column; opening a program asks first."""
    from PySide6.QtWidgets import QMessageBox

    setup = tmp_path / "报价单.exe"
    setup.write_bytes(b"MZ not really a program")
    tab = make_tab(qtbot, world, world.rep1)
    add(qtbot, tab, [setup])
    assert tab.table.item(0, 1).text() == "EXE（可执行）"
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    tab.table.selectRow(0)
    assert tab.open_selected() is None and opened == []  # the answer was 否
    assert message_boxes[-1][0] == "question" and "可执行文件（.exe）" in message_boxes[-1][2]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert tab.open_selected() is not None and len(opened) == 1
