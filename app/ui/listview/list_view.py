"""ListView: search, sort, time slice, filters, saved filters, group-by, batch actions,
Excel export and print — for any ListSource. Entity screens only declare their source."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.services.core import clock
from app.services.core.date_ranges import QUICK_RANGES, quick_range
from app.services.core.errors import ServiceError
from app.services.lists import excel_export
from app.services.lists import prefs as list_prefs
from app.services.lists import query as list_query
from app.services.lists.spec import BatchAction, ListQuery, ListSource
from app.ui import keyboard
from app.ui.common import file_dialogs
from app.ui.common.status_text import StatusText
from app.ui.common.style import menu_button
from app.ui.common.tasks import ProgressTask
from app.ui.context import AppContext
from app.ui.listview.dialogs import ColumnsDialog, SummaryDialog, ValueFilterDialog
from app.ui.listview.empty_hint import EmptyHint
from app.ui.listview.table_printer import MAX_PRINT_ROWS, PrintTable, rows_as_text
from app.ui.listview.windowed_model import WindowedTableModel

ALL_TIME = "全部时间"
CUSTOM = "自定义"
ROW_HEIGHT = 26


class ListView(QWidget):
    open_record = Signal(str, int)  # entity, id — double-click drills through
    data_changed = Signal()  # a batch action changed records

    def __init__(self, ctx: AppContext, source: ListSource, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx, self.source, self.company = ctx, source, company
        self._sort: list[tuple[str, bool]] = list(source.default_sort)
        self._filters: dict[str, tuple] = {}
        self._rows: tuple[int, ...] = ()  # just these records (a reminder's group)
        self._rows_label = ""
        self._widths: dict[str, int] = {}
        self._loading_layout = False
        keys = self._initial_keys()
        self.model = WindowedTableModel(ctx, source, keys, self)
        self.model.loaded.connect(self._show_count)
        self._build()
        self._apply_widths()
        self._load_saved_filters(apply_default=True)
        # A list reads its rows when first shown (or reloaded), not when built: the main
        # window builds twenty at login, most on pages nobody opens.
        self._first_load_pending = True

    # --- construction ---------------------------------------------------------

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.source.search_hint + "（回车或稍候即搜索）")
        self.search.setToolTip(f"查找（{keyboard.FIND}）")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)
        self._search_timer = QTimer(self, singleShot=True, interval=300)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.reload)

        self.date_column = QComboBox()
        for col in self.source.date_columns:
            self.date_column.addItem(col.label, col.key)
        self.date_range = QComboBox()
        self.date_range.addItems([ALL_TIME, *QUICK_RANGES, CUSTOM])
        today = QDate.currentDate()
        self.date_from, self.date_to = QDateEdit(today.addMonths(-1)), QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._custom_dates_changed)
        self.date_range.currentTextChanged.connect(self._range_changed)
        self.date_column.currentIndexChanged.connect(lambda _i: self._range_changed())
        has_dates = bool(self.source.date_columns)
        self._set_custom_enabled(False)

        self.filter_button, filter_menu = menu_button("筛选")
        for col in self.source.columns:
            if col.filterable or col.groupable:
                filter_menu.addAction(col.label, lambda c=col: self.edit_filter(c.key))
        filter_menu.addSeparator()
        filter_menu.addAction("清除全部筛选", self.clear_filters)

        self.saved = QComboBox()
        self.saved.setMinimumWidth(120)
        self.saved.activated.connect(self._apply_saved)
        save_btn, save_menu = menu_button("方案")
        save_menu.addAction("保存当前筛选为方案…", lambda: self.save_current_filter(False))
        save_menu.addAction("保存并设为默认…", lambda: self.save_current_filter(True))
        save_menu.addAction("删除所选方案", self.delete_saved_filter)

        # Toolbars, not plain rows: when the window is narrow, what does not fit folds
        # into the toolbar's » menu instead of forcing the whole window wider.
        row1 = self._toolbar()
        row1.addWidget(self.search)
        if has_dates:
            for w in (
                self.date_column,
                self.date_range,
                self.date_from,
                QLabel(" 至 "),
                self.date_to,
            ):
                row1.addWidget(w)
        if not filter_menu.isEmpty():
            row1.addWidget(self.filter_button)
        row1.addWidget(QLabel(" 方案："))
        row1.addWidget(self.saved)
        row1.addWidget(save_btn)

        self.batch_button, batch_menu = menu_button("批量操作")
        for action in self.source.batch_actions:
            batch_menu.addAction(action.label, lambda a=action: self.run_batch(a))
        row2 = self._toolbar()
        if self.source.batch_actions:
            row2.addWidget(self.batch_button)
        for text, slot, keys in [
            ("分组汇总…", self.show_summary, None),
            ("导出 Excel…", self.export_excel, keyboard.EXPORT),
            ("打印预览…", self.print_preview, keyboard.PRINT_PREVIEW),
            ("另存 PDF…", self.save_pdf, None),
            ("列设置…", self.edit_columns, None),
            ("刷新", self.reload, keyboard.RELOAD),
        ]:
            action = row2.addAction(text)
            action.triggered.connect(lambda _checked=False, f=slot: f())
            if keys:  # the main window's menus carry the key itself
                action.setToolTip(f"{text.rstrip('…')}（{keys}）")
        # Neither label changes its size with its text (see StatusText), so a search
        # repaints the labels and the rows, not the whole list.
        self.filter_label = StatusText()
        self.filter_label.setStyleSheet("color:#555")
        self.count_label = QLabel()
        self.count_label.setMinimumWidth(
            self.count_label.fontMetrics().horizontalAdvance(" 共 1000000+ 条（正在统计…） ")
        )
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        status = QHBoxLayout()
        status.addWidget(row2)
        status.addWidget(self.filter_label, 1)
        status.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(False)  # sorting is ours, in SQL
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(ROW_HEIGHT)
        vh.setMinimumWidth(48)
        vh.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setSectionsMovable(True)
        hh.setSortIndicatorShown(True)
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        hh.sectionClicked.connect(self._header_clicked)
        hh.sectionMoved.connect(lambda *_: self._save_layout_soon())
        hh.sectionResized.connect(self._section_resized)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.viewport().installEventFilter(self)
        self.empty_hint = EmptyHint(self.table.viewport())
        # What an empty list offers when nothing hides the rows: set by the page.
        self.empty_text = "暂无记录。"
        self.empty_actions: list[tuple[str, Callable[[], object]]] = []
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        self._layout_timer = QTimer(self, singleShot=True, interval=800)
        self._layout_timer.timeout.connect(self.save_layout)

        # Shown while the list is narrowed to a set of records (a grouped reminder's
        # customers): what they are, and the way back to every record.
        self.rows_bar = QWidget()
        rows_lay = QHBoxLayout(self.rows_bar)
        rows_lay.setContentsMargins(0, 0, 0, 0)
        self.rows_text = QLabel()
        self.rows_text.setStyleSheet("color:#0b5394; font-weight:bold")
        show_all = QPushButton("显示全部记录")
        show_all.clicked.connect(self.clear_rows)
        rows_lay.addWidget(self.rows_text, 1)
        rows_lay.addWidget(show_all)
        self.rows_bar.hide()

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(row1)
        lay.addWidget(self.rows_bar)
        lay.addLayout(status)
        lay.addWidget(self.table)

    def eventFilter(self, obj, event) -> bool:
        # The row count is asked for once the first rows are painted, so that counting
        # never competes with showing them.
        if (
            event.type() == QEvent.Type.Paint
            and obj is self.table.viewport()
            and self.model.count_pending
        ):
            QTimer.singleShot(0, self.model, self.model.start_count)
        return super().eventFilter(obj, event)

    def _toolbar(self) -> QToolBar:
        bar = QToolBar(self)
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.setStyleSheet("QToolBar { border: none; spacing: 4px; }")
        return bar

    # --- the query -------------------------------------------------------------

    def query(self) -> ListQuery:
        date_key, start, end = None, None, None
        choice = self.date_range.currentText()
        if self.source.date_columns and choice != ALL_TIME:
            date_key = self.date_column.currentData()
            if choice == CUSTOM:
                start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
            else:
                start, end = quick_range(choice, clock.now().date())
        return ListQuery(
            search=self.search.text(),
            sort=tuple(self._sort),
            date_key=date_key,
            date_from=start,
            date_to=end,
            filters=tuple(sorted(self._filters.items())),
            rows=self._rows,
            rows_label=self._rows_label,
        )

    def show_rows(self, ids, label: str) -> None:
        """Just these records, every other condition cleared (a reminder's drill-through)."""
        self._rows, self._rows_label = tuple(ids), label
        self.clear_all_conditions()

    def clear_rows(self) -> None:
        self._rows, self._rows_label = (), ""
        self.reload()

    def _show_rows_bar(self) -> None:
        self.rows_bar.setVisible(bool(self._rows))
        if self._rows:
            self.rows_text.setText(f"仅显示：{self._rows_label}（{len(self._rows):,} 条）")

    def set_query(self, q: ListQuery) -> None:
        """Show a saved query in the controls, then run it."""
        widgets = (self.search, self.date_range, self.date_column, self.date_from, self.date_to)
        for w in widgets:
            w.blockSignals(True)
        self.search.setText(q.search)
        self._sort = list(q.sort) or list(self.source.default_sort)
        self._filters = dict(q.filters)
        self._rows, self._rows_label = q.rows, q.rows_label
        if q.date_key and (q.date_from or q.date_to):
            self.date_column.setCurrentIndex(max(0, self.date_column.findData(q.date_key)))
            self.date_range.setCurrentText(CUSTOM)
            self.date_from.setDate(QDate(q.date_from or date(2000, 1, 1)))
            self.date_to.setDate(QDate(q.date_to or clock.now().date()))
            self._set_custom_enabled(True)
        else:
            self.date_range.setCurrentText(ALL_TIME)
            self._set_custom_enabled(False)
        for w in widgets:
            w.blockSignals(False)
        self.reload()

    def showEvent(self, event) -> None:  # noqa: N802
        if self._first_load_pending:
            self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        self._first_load_pending = False
        self._search_timer.stop()
        try:
            self.model.set_query(self.query())
        except ServiceError as exc:
            QMessageBox.warning(self, "查询失败", str(exc))
            return
        self._show_sort_indicator()
        self._show_count()
        self._show_rows_bar()
        desc = self.model.query.describe(self.source)
        self.filter_label.setText("" if desc == "全部记录" else f"条件：{desc}   ")

    def _show_count(self, *_args) -> None:
        rows = self.model.rowCount()
        if self.model.complete:
            self.count_label.setText(f"共 {rows} 条")
        else:
            self.count_label.setText(f"共 {rows}+ 条（正在统计…）")
        self._show_empty_hint()

    def set_empty_hint(self, text: str, actions=()) -> None:
        """What the list says when it has no records at all, and the buttons to start."""
        self.empty_text, self.empty_actions = text, list(actions)
        self._show_empty_hint()

    def _show_empty_hint(self) -> None:
        if self.model.rowCount() or not self.model.complete:
            self.empty_hint.hide()
        elif self.model.query.describe(self.source) != "全部记录":
            self.empty_hint.show_hint(
                "没有符合条件的记录。", [("清除搜索和筛选", self.clear_all_conditions)]
            )
        else:
            self.empty_hint.show_hint(self.empty_text, self.empty_actions)

    def clear_all_conditions(self) -> None:
        """Back to every record: no search text, no filter, all time."""
        self.search.clear()
        self._filters.clear()
        if self.source.date_columns:
            self.date_range.blockSignals(True)
            self.date_range.setCurrentText(ALL_TIME)
            self.date_range.blockSignals(False)
            self._set_custom_enabled(False)
        self.reload()

    def _range_changed(self, *_):
        custom = self.date_range.currentText() == CUSTOM
        self._set_custom_enabled(custom)
        self.reload()

    def _custom_dates_changed(self, *_):
        if self.date_range.currentText() == CUSTOM:
            self.reload()

    def _set_custom_enabled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)

    # --- sorting ---------------------------------------------------------------

    def _header_clicked(self, logical: int) -> None:
        col = self.model.columns[logical]
        if not col.sortable:
            return
        shift = bool(QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.sort_by(col.key, add=shift)

    def sort_by(self, key: str, add: bool = False) -> None:
        """Click: sort by this column (again: reverse). Shift-click: add/flip a second key."""
        current = dict(self._sort)
        if add and self._sort:
            if key in current:
                self._sort = [(k, (not d) if k == key else d) for k, d in self._sort]
            else:
                self._sort = [*self._sort[:1], (key, False)]
        else:
            first = self._sort[0] if self._sort else None
            desc = (not first[1]) if first and first[0] == key else False
            self._sort = [(key, desc)]
        self.reload()

    def _show_sort_indicator(self) -> None:
        hh = self.table.horizontalHeader()
        if not self._sort:
            hh.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            return
        key, desc = self._sort[0]
        keys = self.model.keys
        if key in keys:
            hh.setSortIndicator(
                keys.index(key),
                Qt.SortOrder.DescendingOrder if desc else Qt.SortOrder.AscendingOrder,
            )

    # --- filters ---------------------------------------------------------------

    def edit_filter(self, key: str) -> None:
        col = self.source.column(key)
        try:
            values = list_query.distinct_values(self.ctx.read_uow(), self.source, key)
        except ServiceError as exc:
            QMessageBox.warning(self, "筛选", str(exc))
            return
        dialog = ValueFilterDialog(col, values, self._filters.get(key, ()), self)
        if dialog.exec():
            self.set_filter(key, dialog.chosen())

    def set_filter(self, key: str, values: tuple) -> None:
        if values:
            self._filters[key] = tuple(values)
        else:
            self._filters.pop(key, None)
        self.reload()

    def clear_filters(self) -> None:
        self._filters.clear()
        self.reload()

    # --- saved filters (方案) ----------------------------------------------------

    def _load_saved_filters(self, apply_default: bool = False) -> None:
        try:
            saved = list_prefs.saved_filters(self.ctx.read_uow(), self.source.key)
        except ServiceError:
            saved = []
        self.saved.blockSignals(True)
        self.saved.clear()
        self.saved.addItem("（无）", None)
        default = None
        for f in saved:
            self.saved.addItem(f.name + ("（默认）" if f.is_default else ""), f)
            if f.is_default:
                default = f
        self.saved.blockSignals(False)
        if apply_default and default is not None:
            self.saved.setCurrentIndex(self.saved.findData(default))
            self.set_query(default.query)

    def _apply_saved(self, index: int) -> None:
        f = self.saved.itemData(index)
        self.set_query(f.query if f else ListQuery(sort=tuple(self.source.default_sort)))

    def save_current_filter(self, as_default: bool) -> None:
        name, ok = QInputDialog.getText(self, "保存筛选方案", "方案名称：")
        if not ok:
            return
        try:
            list_prefs.save_filter(
                self.ctx.write_uow(), self.source.key, name, self.query(), as_default
            )
        except ServiceError as exc:
            QMessageBox.warning(self, "保存失败", str(exc))
            return
        self._load_saved_filters()
        self.saved.setCurrentIndex(max(0, self.saved.findText(name, Qt.MatchFlag.MatchStartsWith)))

    def delete_saved_filter(self) -> None:
        f = self.saved.currentData()
        if f is None:
            return
        try:
            list_prefs.delete_filter(self.ctx.write_uow(), f.id)
        except ServiceError as exc:
            QMessageBox.warning(self, "删除失败", str(exc))
        self._load_saved_filters()

    # --- columns and layout ----------------------------------------------------

    def _initial_keys(self) -> list[str]:
        default = [c.key for c in self.source.columns if c.visible]
        try:
            layout = list_prefs.load_layout(self.ctx.read_uow(), self.source.key)
        except ServiceError:
            layout = None
        if not layout:
            return default
        known = {c.key for c in self.source.columns}
        keys = [k for k in layout.get("columns", []) if k in known]
        self._widths = {k: int(v) for k, v in layout.get("widths", {}).items() if k in known}
        return keys or default

    def visible_keys(self) -> list[str]:
        """Columns in the order the user sees them (header drags included)."""
        hh = self.table.horizontalHeader()
        keys = self.model.keys
        return [keys[hh.logicalIndex(v)] for v in range(hh.count())]

    def edit_columns(self) -> None:
        dialog = ColumnsDialog(self.source.columns, self.visible_keys(), self)
        if dialog.exec():
            self._set_keys(dialog.chosen())
            self.save_layout()

    def _set_keys(self, keys: list[str]) -> None:
        self._loading_layout = True
        hh = self.table.horizontalHeader()
        hh.blockSignals(True)
        self.model.set_columns(keys)
        for v in range(hh.count()):  # undo any earlier drags: model order is the order now
            logical = hh.logicalIndex(v)
            if logical != v:
                hh.moveSection(hh.visualIndex(v), v)
        hh.blockSignals(False)
        self._apply_widths()
        self._loading_layout = False
        self._show_sort_indicator()

    def _apply_widths(self) -> None:
        self._loading_layout = True
        for i, col in enumerate(self.model.columns):
            self.table.setColumnWidth(i, self._widths.get(col.key, col.width))
        self._loading_layout = False

    def _section_resized(self, logical: int, _old: int, new: int) -> None:
        if self._loading_layout:
            return
        self._widths[self.model.columns[logical].key] = new
        self._save_layout_soon()

    def _save_layout_soon(self) -> None:
        if not self._loading_layout:
            self._layout_timer.start()

    def save_layout(self) -> None:
        keys = self.visible_keys()
        layout = {
            "columns": keys,
            "hidden": [c.key for c in self.source.columns if c.key not in keys],
            "widths": {k: self._widths[k] for k in keys if k in self._widths},
        }
        try:
            list_prefs.save_layout(self.ctx.write_uow(), self.source.key, layout)
        except ServiceError:
            pass  # losing a column width is not worth interrupting the user

    # --- selection and drill-through ------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.id_at(r) for r in rows]

    def _double_clicked(self, index) -> None:
        record_id = self.model.id_at(index.row())
        if record_id is not None and self.source.open_entity:
            self.open_record.emit(self.source.open_entity, record_id)

    def select_id(self, record_id: int) -> bool:
        row = self.model.row_of_id(record_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    # --- batch actions ---------------------------------------------------------

    def _batch_targets(self, action: BatchAction) -> list[int] | None:
        ids = self.selected_ids()
        if ids:
            scope = f"选中的 {len(ids)} 条记录"
        else:
            self.model.ensure_complete()
            ids = list(self.model.ids)
            scope = f"当前筛选结果的全部 {len(ids)} 条记录"
        if not ids:
            QMessageBox.information(self, action.label, "没有可操作的记录。")
            return None
        warn = "\n此操作不可撤销。" if action.destructive else ""
        answer = QMessageBox.question(
            self,
            f"批量{action.label}",
            f"确定对{scope}执行“{action.label}”吗？{warn}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return ids if answer == QMessageBox.StandardButton.Yes else None

    def run_batch(self, action: BatchAction) -> None:
        params = {}
        if action.param is not None:
            name, label, choices = action.param
            options = choices(self.ctx.read_uow())
            text, ok = QInputDialog.getItem(
                self, action.label, label, [o[1] for o in options], 0, False
            )
            if not ok:
                return
            params[name] = next(v for v, t in options if t == text)
        ids = self._batch_targets(action)
        if ids is None:
            return
        if action.versioned:  # the service refuses rows changed since the list read them
            params["versions"] = self.model.versions(ids)
        try:
            result = action.run(self.ctx.write_uow(), ids, **params)
        except ServiceError as exc:
            QMessageBox.warning(
                self, f"批量{action.label}失败", str(exc) + "\n没有任何记录被修改。"
            )
            return
        QMessageBox.information(self, f"批量{action.label}", result.message)
        self.reload()
        self.data_changed.emit()

    # --- summary, export, print -----------------------------------------------

    def show_summary(self) -> None:
        if not any(c.groupable for c in self.source.columns):
            QMessageBox.information(self, "分组汇总", "此列表没有可分组的字段。")
            return
        dialog = SummaryDialog(self, self)
        dialog.run()
        dialog.exec()

    def export_excel(self, path: str | None = None) -> ProgressTask | None:
        if path is None:
            path = file_dialogs.save_file(
                self,
                file_dialogs.EXPORT,
                "导出 Excel",
                excel_export.default_file_name(self.source),
                "Excel 文件 (*.xlsx)",
            )
            if not path:
                return None
        self.model.ensure_complete()
        ctx, source, query, keys = self.ctx, self.source, self.model.query, self.visible_keys()
        ids = self.model.ids

        def job(progress, cancelled):
            return excel_export.export_list(
                ctx.read_uow(),
                source,
                query,
                keys,
                path,
                ids=ids,
                progress=progress,
                cancelled=cancelled,
            )

        task = ProgressTask(self, "正在导出 Excel…", job)
        task.finished.connect(
            lambda n: QMessageBox.information(self, "导出完成", f"已导出 {n} 行到：\n{path}")
        )
        task.error.connect(lambda msg: QMessageBox.warning(self, "导出失败", msg))
        task.start()
        return task

    def print_table(self) -> PrintTable:
        keys = self.visible_keys()
        cols = [self.source.column(k) for k in keys]
        self.model.ensure_complete()
        ids = self.model.ids
        shown = ids[:MAX_PRINT_ROWS]
        list_query.record_output(self.ctx.read_uow(), self.source, shown, "print")
        rows = [
            r for r in list_query.fetch_rows(self.ctx.read_uow(), self.source, shown, keys) if r
        ]
        return PrintTable(
            title=self.source.title,
            company=self.company,
            condition=self.model.query.describe(self.source),
            headers=[c.label for c in cols],
            rows=rows_as_text(cols, rows),
            right_aligned=[c.is_numeric for c in cols],
            whole=[c.is_numeric or c.is_date for c in cols],
            truncated_from=len(ids) if len(ids) > MAX_PRINT_ROWS else None,
        )

    def print_preview(self) -> None:
        from app.ui.listview.print_preview import preview

        preview(self, self.print_table())

    def save_pdf(self, path: str | None = None) -> None:
        from app.ui.listview.table_printer import save_pdf

        if path is None:
            path = file_dialogs.save_file(
                self, file_dialogs.PDF, "另存为 PDF", f"{self.source.title}.pdf", "PDF 文件 (*.pdf)"
            )
            if not path:
                return
        try:
            pages = save_pdf(path, self.print_table())
        except RuntimeError as exc:
            QMessageBox.warning(self, "保存 PDF 失败", str(exc))
            return
        QMessageBox.information(self, "已保存", f"已保存 {pages} 页到：\n{path}")
