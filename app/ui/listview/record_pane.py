"""One module tab: the shared ListView over a source, the selected record's detail below
it, a hint line and a bar of action buttons that wraps when the window is narrow.

After follow_selection() the detail follows the selection: a subclass says how to read
a record (load), show it (html) and which buttons apply (update_buttons); `current`
holds the record shown, `fresh()` reads it again before an action."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from app.services.core.errors import ServiceError
from app.services.lists.spec import ListQuery, ListSource
from app.ui.common.flow_layout import flow_bar
from app.ui.common.messages import show_service_error
from app.ui.common.style import HINT_COLOR
from app.ui.context import AppContext
from app.ui.listview import ListView


class RecordPane(QWidget):
    title = ""  # the module's name, for message boxes
    empty = ""  # the detail's text while nothing is selected

    def __init__(
        self,
        ctx: AppContext,
        source: ListSource,
        company: str,
        hint: str,
        parent=None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.current = None
        self.list = ListView(ctx, source, company)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.buttons: dict[str, QPushButton] = {}
        self.bar_widget, self.bar = flow_bar()
        self.bar.setContentsMargins(6, 0, 6, 0)
        self.hint = QLabel(hint)
        self.hint.setStyleSheet(f"color:{HINT_COLOR}")
        self.hint.setWordWrap(True)  # a long hint must not set the window's minimum width
        self.hint.setMinimumWidth(120)
        self.hint.setContentsMargins(6, 6, 6, 0)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([340, 260])
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.hint)
        column.addWidget(self.bar_widget)
        column.addWidget(splitter, 1)

    def add_button(self, text: str, slot, tip: str = "", visible: bool = True) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())
        button.setVisible(visible)
        self.bar.addWidget(button)
        self.buttons[text] = button
        return button

    def selected_id(self) -> int | None:
        ids = self.list.selected_ids()
        return ids[0] if len(ids) == 1 else None

    def find_in_list(self, record_id: int) -> bool:
        """Select a record, clearing search, time slice and filters when they hide it.
        False: the user may not see it (or it is gone)."""
        if self.list.select_id(record_id):
            return True
        self.list.set_query(ListQuery())
        return self.list.select_id(record_id)

    def show_empty(self, text: str) -> None:
        self.detail.setHtml(f"<p style='color:{HINT_COLOR}'>{text}</p>")

    # --- the detail following the selection ------------------------------------------

    def follow_selection(self) -> None:
        """Call at the end of a subclass's __init__, once its buttons exist."""
        self.list.table.selectionModel().selectionChanged.connect(lambda *_: self.show_selected())
        self.list.model.modelReset.connect(self.show_selected)
        self.show_selected()

    def load(self, record_id: int):
        """The record's detail, read through a service (subclasses)."""
        raise NotImplementedError

    def html(self, record) -> str:
        raise NotImplementedError

    def update_buttons(self) -> None:
        """Enable the actions that apply to `current` (subclasses)."""

    def show_selected(self) -> None:
        rid = self.selected_id()
        self.current = None
        if rid is not None:
            try:
                self.current = self.load(rid)
            except ServiceError as err:
                self.detail.setPlainText(str(err))
        if rid is None:
            self.show_empty(self.empty)
        elif self.current is not None:
            self.detail.setHtml(self.html(self.current))
        self.update_buttons()

    def select_record(self, record_id: int) -> bool:
        """Select a record (from a reminder or after a save) and show it."""
        if not self.find_in_list(record_id):
            return False
        self.show_selected()
        return True

    def fresh(self):
        """The selected record as stored now (another user may have changed it)."""
        rid = self.selected_id()
        if rid is None:
            return None
        try:
            return self.load(rid)
        except ServiceError as err:
            show_service_error(self, err, self.title)
            return None
