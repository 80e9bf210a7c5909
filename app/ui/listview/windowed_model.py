"""A table model that holds only the ordered ids and fetches rows a page at a time.

Search, sort and filters run in the database (app.services.listing); here we keep the
id array (8 bytes a row) and an LRU cache of pages, so a million-row list stays small.
A new query first fetches one window of ids (LIMIT), so the first rows show at once;
the complete id list (which a million rows take a second to read) follows from a
background thread and is appended as rows. Fixed row heights in the view keep Qt from
measuring every row.
"""

from __future__ import annotations

import logging
import threading
from array import array
from collections import OrderedDict
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.services import listing
from app.services.listing import Column, ListQuery, ListSource
from app.ui.context import AppContext
from app.ui.listview.uow import read_uow

log = logging.getLogger(__name__)
Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200
FIRST_WINDOW = PAGE_SIZE  # ids fetched before the list is shown
MAX_PAGES = 60  # ~12k rows cached


class WindowedTableModel(QAbstractTableModel):
    loaded = Signal(int)  # all ids are known: the row count is final
    _rest_ready = Signal(int, object)  # (query generation, ids or None) from the thread

    def __init__(self, ctx: AppContext, source: ListSource, keys: Sequence[str], parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.source = source
        self.columns: list[Column] = [source.column(k) for k in keys]
        self.query = ListQuery()
        self._ids = array("q")
        self._pages: OrderedDict[int, list] = OrderedDict()
        self.complete = True  # False while the rest of the ids are still loading
        self._generation = 0
        self._rest_ready.connect(self._on_rest)

    # --- what the view asks -------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            row = self._row(index.row())
            return col.display(row[index.column() + 1]) if row else ""
        if role == Qt.ItemDataRole.ToolTipRole and col.formatter is not None:
            row = self._row(index.row())
            return col.display(row[index.column() + 1]) if row else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col.is_numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col.kind == "bool":
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].label
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    "点击排序，按住 Shift 点击添加第二排序"
                    if self.columns[section].sortable
                    else None
                )
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    # --- what the list view tells it ----------------------------------------

    def set_query(self, query: ListQuery) -> None:
        self._generation += 1
        first = listing.fetch_first_ids(read_uow(self.ctx), self.source, query, FIRST_WINDOW)
        self.beginResetModel()
        self.query = query
        self._ids = first
        self._pages.clear()
        self.complete = len(first) < FIRST_WINDOW
        self.endResetModel()
        if self.complete:
            self.loaded.emit(len(first))
            return
        generation = self._generation
        threading.Thread(
            target=self._load_rest, args=(generation, query), name="list-ids", daemon=True
        ).start()

    def _load_rest(self, generation: int, query: ListQuery) -> None:
        try:
            ids = listing.fetch_ids(read_uow(self.ctx), self.source, query)
        except Exception:  # the first window stays usable; the count says it is partial
            log.exception("loading the list's ids failed")
            ids = None
        try:
            self._rest_ready.emit(generation, ids)
        except RuntimeError:
            pass  # the list was closed meanwhile

    def _on_rest(self, generation: int, ids) -> None:
        if generation != self._generation or ids is None:
            return  # a newer query replaced this one
        self._take_all(ids)

    def _take_all(self, ids: array) -> None:
        shown = len(self._ids)
        if ids[:shown] != self._ids:  # the data changed in between: show the new order
            self.beginResetModel()
            self._ids = ids
            self._pages.clear()
            self.endResetModel()
        elif len(ids) > shown:
            # Appending keeps the selection and the scroll position of the first window.
            self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
            self._ids = ids
            self.endInsertRows()
        self.complete = True
        self.loaded.emit(len(ids))

    def ensure_complete(self) -> None:
        """Export, print and batch actions need every id: load them now if still pending."""
        if self.complete:
            return
        self._generation += 1  # the background result, when it comes, is stale
        self._take_all(listing.fetch_ids(read_uow(self.ctx), self.source, self.query))

    def set_columns(self, keys: Sequence[str]) -> None:
        self.beginResetModel()
        self.columns = [self.source.column(k) for k in keys]
        self._pages.clear()
        self.endResetModel()

    def refresh_rows(self) -> None:
        """Re-read the cached rows (after an edit) without re-running the search."""
        self._pages.clear()
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(self.columns) - 1)
            )

    @property
    def ids(self) -> array:
        return self._ids

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of_id(self, record_id: int) -> int:
        try:
            return self._ids.index(record_id)
        except ValueError:
            if self.complete:
                return -1
        self.ensure_complete()
        return self.row_of_id(record_id)

    # --- paging ---------------------------------------------------------------

    def _row(self, row: int):
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            start = page_no * PAGE_SIZE
            page = listing.fetch_rows(
                read_uow(self.ctx), self.source, self._ids[start : start + PAGE_SIZE], self.keys
            )
            self._pages[page_no] = page
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[row % PAGE_SIZE]
