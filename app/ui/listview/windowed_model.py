"""A table model that holds only the ordered ids and fetches rows a page at a time.

Search, sort and filters run in the database (app.services.lists.query); here we keep the
id array (8 bytes a row) and an LRU cache of pages, so a million-row list stays small.
A new query first fetches one window of ids (LIMIT), so the first rows show at once.
The row count then comes from a COUNT query on a background thread, started once the
view has painted those rows (the database drivers release the GIL while the database
works, so the count does not slow the user down the way building a million Python ints
did), and the list grows to that many rows. The ids past the first window are read when
something needs them: a row scrolled to (the next few thousand by a larger LIMIT, a far
row, such as the end, by reading them all), `ids`, `ensure_complete()` (export, print,
batch actions) or `row_of_id()`; a list longer than GROW_LIMIT also reads them all on a
thread once counted, so that a far jump usually finds them there. Fixed row heights in
the view keep Qt from measuring every row.
"""

from __future__ import annotations

import logging
import time
from array import array
from collections import OrderedDict
from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from app.services.lists import query as list_query
from app.services.lists.spec import Column, ListQuery, ListSource
from app.ui.common.tasks import Task
from app.ui.context import AppContext

log = logging.getLogger(__name__)
Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200
FIRST_WINDOW = PAGE_SIZE  # ids fetched before the list is shown
GROW_LIMIT = 20_000  # rows up to here are reached by a larger LIMIT; past it, read all ids
MAX_PAGES = 60  # ~12k rows cached
VERSION_CHUNK = 2000  # ids per read of the rows' versions for a batch action
COUNT_FALLBACK_MS = 250  # start the count this late when the view does not paint
DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
USER = int(Qt.ItemDataRole.UserRole.value)
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_CENTER = int(Qt.AlignmentFlag.AlignCenter.value)


def _alignment(col: Column) -> int:
    if col.is_numeric:
        return _RIGHT
    return _CENTER if col.kind == "bool" else _LEFT


class _Page:
    """Rows of one page as read, and each row's texts once formatted for display."""

    __slots__ = ("rows", "texts")

    def __init__(self, rows: list):
        self.rows = rows
        self.texts: list[tuple[str, ...] | None] = [None] * len(rows)


class WindowedTableModel(QAbstractTableModel):
    loaded = Signal(int)  # the row count is final (counted, or every id read)

    def __init__(self, ctx: AppContext, source: ListSource, keys: Sequence[str], parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.source = source
        self.columns: list[Column] = [source.column(k) for k in keys]
        self._alignments = [_alignment(c) for c in self.columns]
        self.query = ListQuery()
        self._ids = array("q")  # the ids read so far: a prefix of the list
        self._rows = 0  # what rowCount() says: the count once known, else len(_ids)
        self._all_ids = True  # every id of the query is in _ids
        self._pages: OrderedDict[int, _Page] = OrderedDict()
        self.complete = True  # False until the row count is final
        self._generation = 0
        self._resync_pending = False
        self._reset_pending = False
        self._count_pending: tuple[int, ListQuery] | None = None
        self._count_timer = QTimer(self, singleShot=True, interval=COUNT_FALLBACK_MS)
        self._count_timer.timeout.connect(self.start_count)
        self._reader: Task | None = None  # the background read of every id

    # --- what the view asks -------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = DISPLAY):
        # Qt asks for seven roles per visible cell on every paint (~3,000 calls for a
        # full window): plain int compares first, texts formatted once per row.
        if role in (DISPLAY, TOOLTIP):
            r = index.row()
            if not 0 <= r < self._rows:
                return None
            c = index.column()
            if role == TOOLTIP and self.columns[c].formatter is None:
                return None
            texts = self._texts(r)
            return texts[c] if texts else ("" if role == DISPLAY else None)
        if role == ALIGNMENT:
            return self._alignments[index.column()]
        if role == USER and 0 <= index.row() < self._rows:
            return self.id_at(index.row())
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
        self._reader = None  # a running read stops at its next chunk
        first = list_query.fetch_first_ids(self.ctx.read_uow(), self.source, query, FIRST_WINDOW)
        self.beginResetModel()
        self.query = query
        self._ids = first
        self._rows = len(first)
        self._all_ids = len(first) < FIRST_WINDOW
        self._pages.clear()
        self.complete = self._all_ids
        self._resync_pending = self._reset_pending = False  # of the previous query
        self.endResetModel()
        if self.complete:
            self._count_pending = None
            self.loaded.emit(self._rows)
            return
        # The view starts the count once it has painted the first rows (start_count);
        # the timer covers a view that is not painted (hidden).
        self._count_pending = (self._generation, query)
        self._count_timer.start()

    def start_count(self) -> None:
        """Count the rows of the current query on a background thread (if still needed)."""
        if self._count_pending is None:
            return
        generation, query = self._count_pending
        self._count_pending = None
        self._count_timer.stop()
        if generation != self._generation or self.complete:
            return
        Task(lambda _p, _c: list_query.count(self.ctx.read_uow(), self.source, query),
             name="list-count").on_success(lambda n: self._alive() and self._on_count(generation, n)).on_failure(
            lambda _exc: None  # logged; the first window stays usable, the count partial
        ).run_in_background()  # fmt: skip

    @property
    def count_pending(self) -> bool:
        return self._count_pending is not None

    def _alive(self) -> bool:
        return shiboken6.isValid(self)  # the list may have closed while the task ran

    def _on_count(self, generation: int, n) -> None:
        if generation != self._generation or n is None or self.complete:
            return  # a newer query replaced this one, or every id was read meanwhile
        if n > self._rows:
            # Appending keeps the selection and the scroll position of the first window.
            self.beginInsertRows(QModelIndex(), self._rows, n - 1)
            self._rows = n
            self.endInsertRows()
        self.complete = True
        self.loaded.emit(self._rows)
        if n > GROW_LIMIT and not self._all_ids:
            self._read_ids_in_background(generation)

    def _read_ids_in_background(self, generation: int) -> None:
        """A long list's rows past GROW_LIMIT are reached by reading every id. Read them
        now, after the first rows and the count, so a jump far down (the scroll bar, the
        end) does not wait for them; a newer query stops the read at its next chunk."""
        query = self.query

        def stop() -> bool:
            time.sleep(0)  # let the GUI thread run between chunks
            return generation != self._generation

        def read(_progress, _cancelled):
            return list_query.fetch_ids(self.ctx.read_uow(), self.source, query, stop=stop)

        self._reader = Task(read, name="list-ids")
        self._reader.on_success(lambda ids: self._alive() and self._on_ids(generation, ids))
        self._reader.on_failure(lambda _e: self._alive() and self._on_ids(generation, None))
        self._reader.run_in_background()

    def _on_ids(self, generation: int, ids) -> None:
        if generation != self._generation:
            return
        self._reader = None  # done: read, or failed (a far row then reads them itself)
        if ids is not None and not self._all_ids:
            self._take(ids, every=True)

    @property
    def busy(self) -> bool:
        """Background work for the current query is still running: the count, or the
        read of every id (a long list)."""
        return not self.complete or self._reader is not None

    def _every_id(self) -> array:
        """Every id of the current query, read now — or, when the background read is
        under way, by waiting for it: a second read beside it would compete with it for
        the GIL row by row (SQLite: several seconds instead of well under one)."""
        reader = self._reader  # only ever the current query's (set_query drops it)
        if reader is not None:
            reader.wait()
            if reader.result is not None:
                return reader.result
        return list_query.fetch_ids(self.ctx.read_uow(), self.source, self.query)

    def ensure_complete(self) -> None:
        """Export, print and batch actions need every id: read them now if still pending."""
        if self._all_ids:
            return
        self._take(self._every_id(), every=True)
        self._resync()  # not inside a paint: apply the row count at once

    def _load_to(self, row: int) -> bool:
        """Read ids at least up to `row` (a row the view has whose id is not read yet).

        Near rows come from a larger LIMIT (ten times the ids read so far, whole pages,
        up to GROW_LIMIT); far ones, such as the end, from reading every id. False when
        `row` has no id (the data changed since the count)."""
        if row < len(self._ids):
            return True
        if self._all_ids:
            return False
        try:
            if row < GROW_LIMIT:
                want = max(row + 1, 10 * len(self._ids))
                limit = min(GROW_LIMIT, -(-want // PAGE_SIZE) * PAGE_SIZE)
                ids = list_query.fetch_first_ids(
                    self.ctx.read_uow(), self.source, self.query, limit
                )
                self._take(ids, every=len(ids) < limit)
            else:
                self._take(self._every_id(), every=True)
        except Exception:  # the rows read so far stay usable
            log.exception("reading the list's ids failed")
            return False
        return row < len(self._ids)

    def _take(self, ids: array, every: bool) -> None:
        """Adopt a longer prefix of the ids, or all of them. Rows already shown keep
        their place when the new ids start with the old ones; otherwise (the data
        changed in between) the list is reset to the new order. A change of the row
        count is applied from the event loop (_resync), since this may run in a paint."""
        same = ids[: len(self._ids)] == self._ids
        self._ids = ids
        self._all_ids = every
        if not same:
            self._pages.clear()
            self._reset_pending = True
        rows = len(ids) if every else max(self._rows, len(ids))
        if not same or rows != self._rows or (every and not self.complete):
            self._resync_pending = True
            QTimer.singleShot(0, self, self._resync)

    def _resync(self) -> None:
        if not self._resync_pending:
            return
        self._resync_pending = False
        rows = len(self._ids) if self._all_ids else max(self._rows, len(self._ids))
        if self._reset_pending:
            self._reset_pending = False
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
        elif rows > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, rows - 1)
            self._rows = rows
            self.endInsertRows()
        elif rows < self._rows:
            self.beginRemoveRows(QModelIndex(), rows, self._rows - 1)
            self._rows = rows
            self.endRemoveRows()
        if self._all_ids and not self.complete:
            self.complete = True
            self.loaded.emit(self._rows)

    def set_columns(self, keys: Sequence[str]) -> None:
        self.beginResetModel()
        self.columns = [self.source.column(k) for k in keys]
        self._alignments = [_alignment(c) for c in self.columns]
        self._pages.clear()
        self.endResetModel()

    @property
    def ids(self) -> array:
        """Every id of the list in display order (read now if not all read yet)."""
        self.ensure_complete()
        return self._ids

    @property
    def ids_loaded(self) -> int:
        """How many ids (a prefix of the list) have been read so far."""
        return len(self._ids)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def id_at(self, row: int) -> int | None:
        if 0 <= row < self._rows and self._load_to(row):
            return self._ids[row]
        return None

    def row_of_id(self, record_id: int) -> int:
        try:
            return self._ids.index(record_id)
        except ValueError:
            if self._all_ids:
                return -1
        self.ensure_complete()
        return self.row_of_id(record_id)

    def versions(self, ids: Sequence[int]) -> dict[int, int]:
        """Each row's version (source.version_expr) as the list last read it: from the
        cached pages, the rows not read yet now. A row gone since is left out."""
        seen = {r[0]: r[-1] for p in self._pages.values() for r in p.rows if r is not None}
        missing = [i for i in ids if i not in seen]
        for start in range(0, len(missing), VERSION_CHUNK):
            chunk = missing[start : start + VERSION_CHUNK]
            rows = list_query.fetch_rows(self.ctx.read_uow(), self.source, chunk, [], version=True)
            seen.update((r[0], r[-1]) for r in rows if r is not None)
        return {i: seen[i] for i in ids if i in seen}

    # --- paging ---------------------------------------------------------------

    def _page(self, row: int) -> _Page:
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            start = page_no * PAGE_SIZE
            self._load_to(min(start + PAGE_SIZE, self._rows) - 1)
            ids = self._ids[start : start + PAGE_SIZE]
            page = _Page(
                list_query.fetch_rows(self.ctx.read_uow(), self.source, ids, self.keys,
                                      version=self.source.version_expr is not None)
            )  # fmt: skip
            self._pages[page_no] = page
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page

    def _texts(self, row: int) -> tuple[str, ...] | None:
        """What each column shows for `row`, or None (a row deleted since it was listed)."""
        page, i = self._page(row), row % PAGE_SIZE
        if i >= len(page.rows) or page.rows[i] is None:
            return None
        texts = page.texts[i]
        if texts is None:
            values = page.rows[i]
            texts = page.texts[i] = tuple(
                col.display(values[n]) for n, col in enumerate(self.columns, 1)
            )
        return texts
