"""PinyinCombo: the drop-down every form uses (2.3 item 7).

Type the text, full pinyin or pinyin initials ("nx", "ningxia", "宁夏") and the popup
offers the matching entries. Items are chosen by id, never by label text.

Lists here are small (a code table, the users), so an in-memory proxy is fine; big
lists belong to the shared ListView.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from app.services.search.pinyin import match_rank

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the service row (e.g. CodeItemRow), if any
NONE_TEXT = ""


def _default_rank(text: str, label: str, row) -> int | None:
    """How well an entry matches (None: not at all); best matches are offered first.
    Service rows that know how to match (CodeItemRow.rank) use their stored keys."""
    if row is not None and hasattr(row, "rank"):
        return row.rank(text)
    if row is not None and hasattr(row, "matches"):
        return 2 if row.matches(text) else None
    return match_rank(text, label)


class PinyinFilter(QSortFilterProxyModel):
    """Entries matching the typed text, the best first (宁夏 before 山西 for "nx")."""

    def __init__(self, rank: Callable[[str, str, object], int | None], parent=None):
        super().__init__(parent)
        self._text = ""
        self._rank = rank

    def set_text(self, text: str) -> None:
        self._text = text.strip()
        self.invalidate()
        self.sort(0 if self._text else -1)  # no text: the list's own order

    def _rank_of(self, index) -> int | None:
        label = index.data(Qt.ItemDataRole.DisplayRole) or ""
        if not label:
            return None  # the empty "none" entry only when nothing is typed
        return self._rank(self._text, label, index.data(ROW_ROLE))

    def filterAcceptsRow(self, source_row, source_parent) -> bool:  # noqa: N802
        if not self._text:
            return True
        return self._rank_of(self.sourceModel().index(source_row, 0, source_parent)) is not None

    def lessThan(self, left, right) -> bool:  # noqa: N802
        a, b = self._rank_of(left), self._rank_of(right)
        if a != b:
            return (a if a is not None else 9) < (b if b is not None else 9)
        return left.row() < right.row()  # ties keep the list's order


class PinyinCompleter(QCompleter):
    """A completer whose filtering is ours: Qt's prefix match knows no pinyin."""

    def __init__(self, model: QStandardItemModel, rank, parent=None):
        super().__init__(parent)
        self.proxy = PinyinFilter(rank, self)
        self.proxy.setSourceModel(model)
        self.setModel(self.proxy)
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802
        self.proxy.set_text(path)
        return [""]  # everything the proxy lets through is a completion

    def pathFromIndex(self, index) -> str:  # noqa: N802
        return index.data(Qt.ItemDataRole.DisplayRole) or ""


class PinyinCombo(QComboBox):
    """Editable combo, items (id, label, row); `current_id()` is None for no choice."""

    current_id_changed = Signal(object)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        allow_none: bool = True,
        placeholder: str = "",
        rank: Callable[[str, str, object], int | None] = _default_rank,
        free_text: bool = False,
    ):
        super().__init__(parent)
        self.allow_none = allow_none
        self.free_text = free_text  # typed text that names no entry is kept (text_value)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        self.items_model = QStandardItemModel(self)
        self.setModel(self.items_model)
        self.completer_ = PinyinCompleter(self.items_model, rank, self)
        self.setCompleter(self.completer_)
        self.completer_.activated.connect(self._completed)
        self.lineEdit().setPlaceholderText(placeholder)
        self.setToolTip("可输入拼音首字母、全拼或文字快速选择")
        self.lineEdit().editingFinished.connect(self._commit_text)
        self.currentIndexChanged.connect(lambda _i: self.current_id_changed.emit(self.current_id()))

    # --- items ------------------------------------------------------------------

    def set_items(self, items, current_id=None) -> None:
        """items: (id, label) or (id, label, row). Keeps `current_id` selected if given."""
        self.blockSignals(True)
        self.items_model.clear()
        if self.allow_none:
            self._append(None, NONE_TEXT, None)
        for item in items:
            item_id, label = item[0], item[1]
            self._append(item_id, label, item[2] if len(item) > 2 else None)
        self.blockSignals(False)
        self.set_current_id(current_id)

    def _append(self, item_id, label: str, row) -> None:
        it = QStandardItem(label)
        it.setData(item_id, Qt.ItemDataRole.UserRole)
        it.setData(row, ROW_ROLE)
        self.items_model.appendRow(it)

    def ids(self) -> list:
        return [self.itemData(i) for i in range(self.count())]

    # --- selection --------------------------------------------------------------

    def current_id(self):
        i = self.currentIndex()
        return self.itemData(i) if i >= 0 else None

    def set_current_id(self, item_id) -> bool:
        # No choice: the empty entry, or the first one when a choice is required.
        i = self.findData(item_id) if item_id is not None else (0 if self.count() else -1)
        if i < 0 and item_id is not None:
            self.setCurrentIndex(0 if self.allow_none else -1)
            return False
        self.setCurrentIndex(i)
        if i < 0:
            self.setEditText("")
        return True

    def _completed(self, text) -> None:
        # activated[str] gives the label; labels within one list are unique.
        i = self.findText(str(text), Qt.MatchFlag.MatchExactly)
        if i >= 0:
            self.setCurrentIndex(i)

    def matching_ids(self, text: str) -> list:
        """What the popup offers for `text` (for tests and keyboard selection)."""
        self.completer_.proxy.set_text(text)
        proxy = self.completer_.proxy
        return [proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(proxy.rowCount())]

    def _commit_text(self) -> None:
        """Leaving the box: the typed text picks the entry it names, or the single match;
        anything else falls back to the current choice (unless free_text)."""
        text = self.currentText().strip()
        if not text:
            if self.allow_none:
                self.setCurrentIndex(0)
            return
        exact = self.findText(text, Qt.MatchFlag.MatchExactly)
        if exact >= 0:
            self.setCurrentIndex(exact)
            return
        found = [i for i in self.matching_ids(text) if i is not None]
        if len(found) == 1:
            self.set_current_id(found[0])
        elif self.free_text:
            self.blockSignals(True)
            self.setCurrentIndex(0 if self.allow_none else -1)
            self.blockSignals(False)
            self.setEditText(text)
        else:
            self.setEditText(self.itemText(self.currentIndex()))

    def text_value(self) -> str:
        """free_text combos: the chosen entry's label, or the text typed ("" for none)."""
        text = self.currentText().strip()
        return "" if self.current_id() is None and text == NONE_TEXT else text
