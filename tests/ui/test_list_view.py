"""The shared list component, driven for real over the users list."""

import subprocess
import time
from datetime import datetime

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.models.user import Role, User
from app.services.admin.lists import audit_source, users_source
from app.services.core.uow import UnitOfWork
from app.services.lists import prefs as list_prefs
from app.ui.listview import ListView
from app.ui.listview.dialogs import SummaryDialog
from app.ui.listview.print_preview import make_preview
from tests.services.list_fixtures import bulk_users
from tests.ui.conftest import COMPANY, screenshot


@pytest.fixture
def view(qtbot, admin_ctx, fake_clock):
    bulk_users(admin_ctx.db, admin_ctx.actor, 300, datetime(2026, 1, 1, 8, 0))
    v = ListView(admin_ctx, users_source(), COMPANY)
    qtbot.addWidget(v)
    v.resize(1200, 600)
    v.show()
    settle(qtbot, v)
    return v


def settle(qtbot, view):
    """Wait for the background load of the full id list (lists over one window)."""
    qtbot.waitUntil(lambda: view.model.complete, timeout=15_000)


@pytest.fixture
def answer_yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    return shown


def cell(view, row, key):
    return view.model.data(view.model.index(row, view.model.keys.index(key)))


def test_model_passes_qt_model_tester(view, qtmodeltester):
    qtmodeltester.check(view.model)


def test_first_window_shows_at_once_and_the_rest_follows(qtbot, view, qtmodeltester):
    view.reload()
    qtmodeltester.check(view.model)  # stays attached: checks the rows appended below
    assert view.model.rowCount() == 200 and not view.model.complete
    assert view.count_label.text() == "共 200+ 条（正在统计…）"
    assert cell(view, 0, "username") == "admin"  # the first rows are there already
    view.table.selectRow(5)
    with qtbot.waitSignal(view.model.loaded, timeout=15_000):
        pass
    assert view.count_label.text() == "共 301 条"
    assert view.selected_ids() == [view.model.id_at(5)]  # appending kept the selection


def test_the_count_comes_first_and_ids_past_the_window_are_read_on_demand(
    qtbot, view, admin_ctx, monkeypatch
):
    from app.services.lists import query as list_query
    from app.ui.listview import windowed_model

    reads = []
    real_first, real_all = list_query.fetch_first_ids, list_query.fetch_ids
    monkeypatch.setattr(
        list_query, "fetch_first_ids", lambda *a: reads.append(a[-1]) or real_first(*a)
    )
    monkeypatch.setattr(list_query, "fetch_ids", lambda *a: reads.append("all") or real_all(*a))
    view.reload()
    with qtbot.waitSignal(view.model.loaded, timeout=15_000):
        pass
    # The count (a COUNT query on a thread) gives the real number of rows; no id past
    # the first window has been read for it.
    assert view.count_label.text() == "共 301 条" and view.model.rowCount() == 301
    assert view.model.ids_loaded == 200 and reads == [200]
    assert cell(view, 150, "username") == "u0149"  # inside the window: nothing read
    assert reads == [200]
    assert cell(view, 250, "username") == "u0249"  # near rows: a larger LIMIT
    assert reads == [200, 2000] and view.model.ids_loaded == 301
    assert cell(view, 300, "username") == "u0299"
    assert reads == [200, 2000]  # every id is known now (fewer than the LIMIT came)

    # A far row (past GROW_LIMIT) reads every id at once; so do select_id and `ids`.
    monkeypatch.setattr(windowed_model, "GROW_LIMIT", 250)
    view.reload()
    qtbot.waitUntil(lambda: view.model.complete, timeout=15_000)
    reads.clear()
    assert view.model.ids_loaded == 200
    assert cell(view, 299, "username") == "u0298" and reads == ["all"]
    view.reload()
    qtbot.waitUntil(lambda: view.model.complete, timeout=15_000)
    last = view.model.id_at(300)
    view.reload()
    assert view.model.ids_loaded == 200
    assert view.select_id(last) and view.selected_ids() == [last]
    assert view.model.rowCount() == 301 and view.count_label.text() == "共 301 条"
    view.reload()
    assert len(view.model.ids) == 301 and view.model.complete
    assert view.count_label.text() == "共 301 条"


def test_a_long_list_reads_its_ids_in_the_background_after_the_count(qtbot, view, monkeypatch):
    from app.services.lists import query as list_query
    from app.ui.listview import windowed_model

    monkeypatch.setattr(windowed_model, "GROW_LIMIT", 250)  # 301 rows: a "long" list
    monkeypatch.setattr(list_query, "ID_CHUNK", 100)
    reads = []
    real_all = list_query.fetch_ids

    def fetch_ids(*args, stop=None):
        reads.append(stop is not None)  # True: the background read
        return real_all(*args, stop=stop)

    monkeypatch.setattr(list_query, "fetch_ids", fetch_ids)
    view.reload()
    qtbot.waitUntil(lambda: view.model.ids_loaded == 301, timeout=15_000)
    assert reads == [True] and view.model.rowCount() == 301
    assert cell(view, 299, "username") == "u0298"  # far row: no read of its own
    assert reads == [True]

    # A far row asked for while the background read is still under way waits for it
    # instead of reading every id a second time beside it.
    def slow_fetch_ids(*args, stop=None):
        reads.append(stop is not None)
        if stop is not None:
            time.sleep(0.3)
        return real_all(*args, stop=stop)

    monkeypatch.setattr(list_query, "fetch_ids", slow_fetch_ids)
    reads.clear()
    view.reload()
    with qtbot.waitSignal(view.model.loaded, timeout=15_000):
        pass  # counted: the background read has just started
    assert view.model.ids_loaded == 200 and view.model.busy
    assert cell(view, 299, "username") == "u0298"
    assert reads == [True] and view.model.ids_loaded == 301
    qtbot.waitUntil(lambda: not view.model.busy, timeout=15_000)

    # A newer query stops an older read at its next chunk.
    stops = []
    monkeypatch.setattr(
        list_query,
        "fetch_ids",
        lambda *a, stop=None: stops.append(stop) or real_all(*a, stop=stop),
    )
    view.reload()
    qtbot.waitUntil(lambda: bool(stops), timeout=15_000)
    view.model._generation += 1  # what set_query does first
    assert stops[0]() is True


def test_rows_added_after_the_count_show_when_the_ids_are_read(qtbot, view, admin_ctx):
    view.reload()
    qtbot.waitUntil(lambda: view.model.complete, timeout=15_000)
    assert view.model.rowCount() == 301 and view.model.ids_loaded == 200
    with UnitOfWork(admin_ctx.db, admin_ctx.actor) as uow:  # one more user, created last
        uow.session.add(
            User(
                username="zz-new",
                full_name="新用户",
                role=Role.CLERK,
                password_hash="x",
                password_changed_at=datetime(2027, 1, 1, 8, 0),
                created_at=datetime(2027, 1, 1, 8, 0),
            )
        )
        uow.commit()
    view.model.ensure_complete()
    assert view.model.rowCount() == 302 and view.model.ids_loaded == 302
    assert cell(view, 301, "username") == "zz-new"
    view._show_count()
    assert view.count_label.text() == "共 302 条"


def test_opens_with_count_and_default_sort(view):
    assert view.count_label.text() == "共 301 条"
    assert cell(view, 0, "username") == "admin" and cell(view, 1, "username") == "u0000"
    # Far rows are fetched on demand by page.
    assert cell(view, 300, "username") == "u0299"


def test_search_box_and_sort_by_header_click(view, qtbot):
    view.search.setText("王芳1")  # keyClicks cannot type non-ASCII
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.count_label.text() == "共 12 条"  # 王芳1, 王芳11, 王芳101 … 王芳191
    view._header_clicked(view.model.keys.index("username"))  # same column: reverse
    assert cell(view, 0, "username") == "u0191"
    view.search.clear()
    view.reload()
    settle(qtbot, view)
    view.sort_by("role")
    view.sort_by("username", add=True)
    assert view.model.query.sort == (("role", False), ("username", False))
    view.sort_by("username", add=True)
    assert view.model.query.sort == (("role", False), ("username", True))


def test_time_slice_quick_range_and_custom(qtbot, view, fake_clock):
    fake_clock.current = datetime(2026, 2, 15, 10, 0)
    view.date_column.setCurrentIndex(view.date_column.findData("created_at"))
    view.date_range.setCurrentText("上月")  # January 2026: u0000..u0030
    assert view.count_label.text() == "共 31 条"
    assert "创建时间 2026-01-01 至 2026-01-31" in view.filter_label.text()
    view.date_range.setCurrentText("全部时间")
    settle(qtbot, view)
    assert view.count_label.text() == "共 301 条"


def test_column_filter_and_saved_filter(qtbot, view, admin_ctx):
    view.set_filter("role", ("clerk",))
    assert view.count_label.text() == "共 60 条"
    list_prefs.save_filter(admin_ctx.write_uow(), "users", "文员", view.query(), is_default=True)
    fresh = ListView(admin_ctx, users_source(), COMPANY)
    assert fresh.count_label.text() == "共 60 条"  # the default filter applies on open
    assert fresh.saved.currentText() == "文员（默认）"
    fresh.saved.setCurrentIndex(0)
    fresh._apply_saved(0)
    settle(qtbot, fresh)
    assert fresh.count_label.text() == "共 301 条"


def test_batch_action_on_selection(view, answer_yes):
    view.table.selectRow(1)
    view.table.selectionModel().select(
        view.model.index(2, 0),
        view.table.selectionModel().SelectionFlag.Select
        | view.table.selectionModel().SelectionFlag.Rows,
    )
    assert len(view.selected_ids()) == 2
    action = next(a for a in view.source.batch_actions if a.key == "deactivate")
    view.run_batch(action)
    assert answer_yes[-1].startswith("已处理 1 条")  # u0000 was already inactive


def test_columns_layout_is_remembered(view, admin_ctx):
    view._set_keys(["full_name", "username", "role"])
    view.table.setColumnWidth(0, 222)
    view._widths["full_name"] = 222
    view.save_layout()
    again = ListView(admin_ctx, users_source(), COMPANY)
    assert again.visible_keys() == ["full_name", "username", "role"]
    assert again.table.columnWidth(0) == 222


def test_export_runs_in_background_and_reads_back(view, qtbot, tmp_path, answer_yes):
    target = tmp_path / "users.xlsx"
    view.set_filter("role", ("clerk",))
    task = view.export_excel(str(target))
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    ws = openpyxl.load_workbook(target).active
    assert ws.max_row == 61 and ws["C1"].value == "角色" and ws["C2"].value == "客服文员"
    assert "已导出 60 行" in answer_yes[-1]


def test_print_to_pdf_has_header_pages_and_rows(view, tmp_path, answer_yes):
    pdf = tmp_path / "users.pdf"
    view.save_pdf(str(pdf))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "用户列表" in text and COMPANY in text and "全部记录" in text
    flat = text.replace(" ", "")  # pdftotext spaces glyphs as it measures them
    assert "第1页/共" in flat and "u0299" in text and "用户名" in text
    pages = text.count("\f")
    assert pages >= 3 and text.count("用户名") >= pages  # header repeated on every page
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(screenshot.__globals__["SCREENSHOTS"] / "list_print_page"),
        ],
        check=True,
    )


def test_print_preview_opens_without_a_printer(view, qtbot):
    dialog = make_preview(view, view.print_table())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.wait(50)
    screenshot(dialog, "list_print_preview")
    dialog.close()


def test_group_summary_dialog(view, qtbot):
    dialog = SummaryDialog(view, view)
    qtbot.addWidget(dialog)
    dialog.first.setCurrentIndex(dialog.first.findData("team"))
    dialog.second.setCurrentIndex(dialog.second.findData("role"))
    dialog.run()
    top = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert top[-1] == "合计" and dialog.tree.topLevelItem(len(top) - 1).text(1) == "301"
    assert set(top[:-1]) == {"华北组", "华南组", "（空）"}
    dialog.show()
    screenshot(dialog, "list_group_summary")


def test_screenshot_of_list(view):
    view.set_filter("is_active", (True,))
    screenshot(view, "list_view_users")


def test_audit_list_builds_from_the_same_component(qtbot, admin_ctx):
    v = ListView(admin_ctx, audit_source(), COMPANY)
    qtbot.addWidget(v)
    assert v.model.rowCount() == 0  # read when first shown, not when built
    v.show()
    assert v.count_label.text().startswith("共 ")
    assert v.model.rowCount() >= 2


def test_a_search_repaints_the_rows_without_moving_the_bars_around_them(qtbot, view):
    # The status texts keep their size whatever they say, so a new search does not relay
    # out (and repaint) the whole list; a long filter description is elided, whole in
    # the tooltip.
    bars = [w.geometry() for w in (view.search, view.batch_button.parentWidget(), view.table)]
    status = (view.filter_label.geometry(), view.count_label.geometry())
    view.search.setText("张" * 200)
    view.reload()
    qtbot.wait(50)
    assert [
        w.geometry() for w in (view.search, view.batch_button.parentWidget(), view.table)
    ] == bars
    assert (view.filter_label.geometry(), view.count_label.geometry()) == status
    assert "张" * 200 in view.filter_label.toolTip()
    assert view.count_label.text() == "共 0 条"


def test_cells_show_formatted_texts_and_alignment(view):
    model = view.model
    row = next(r for r in range(model.rowCount()) if cell(view, r, "username") == "u0002")
    index = model.index(row, model.keys.index("created_at"))
    assert model.data(index) == "2026-01-03 08:00"  # a datetime as the user reads it
    assert model.data(index, Qt.ItemDataRole.UserRole) == model.id_at(row)
    flags = model.data(index, Qt.ItemDataRole.TextAlignmentRole)
    assert flags == int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
    assert model.data(index, Qt.ItemDataRole.DecorationRole) is None
