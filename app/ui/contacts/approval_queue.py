"""One approval queue: a shared list view of requests, 批准/驳回 for those who decide,
and a detail pane for the selected request. The grant and change-request panels fill in
what differs: the list source, how to read a request, its detail and its decision."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.services.lists.spec import ListSource
from app.ui.context import AppContext
from app.ui.listview import ListView


class ApprovalQueue(QWidget):
    changed = Signal()  # a decision was made: reminders may differ now

    def __init__(
        self, ctx: AppContext, source: ListSource, can_decide: bool, detail: QWidget, parent=None
    ):
        super().__init__(parent)
        self.ctx = ctx
        # The service decides who may decide; the buttons only follow it.
        self.can_decide = can_decide
        self.approve_button = QPushButton("批准…")
        self.reject_button = QPushButton("驳回…")
        self.refresh_button = QPushButton("刷新")
        bar = QHBoxLayout()
        bar.addStretch(1)
        for b in (self.approve_button, self.reject_button):
            b.setVisible(can_decide)
            bar.addWidget(b)
        bar.addWidget(self.refresh_button)
        # Deciders start on the pending requests.
        self.list_view = ListView(ctx, source)
        if can_decide:
            self.list_view.set_filter("status", ("pending",))
        self.model = self.list_view.model
        self.table = self.list_view.table
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list_view)
        splitter.addWidget(detail)
        splitter.setSizes([300, 180])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.refresh_button.clicked.connect(lambda: self.reload())
        self.approve_button.clicked.connect(lambda: self.decide(True))
        self.reject_button.clicked.connect(lambda: self.decide(False))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())

    # --- what a panel supplies ----------------------------------------------------

    def read(self, request_id: int):
        """The request as its service shows it to this user, or None."""
        raise NotImplementedError

    def show_detail(self, request) -> None:
        raise NotImplementedError

    def decide(self, approve: bool) -> None:
        raise NotImplementedError

    # --- shared behaviour ---------------------------------------------------------

    def selected(self):
        ids = self.list_view.selected_ids()
        return self.read(ids[0]) if ids else None

    def select_request(self, record_id: int) -> bool:
        """Select a request by id, showing every status if it is not in the current one."""
        if self.model.row_of_id(record_id) < 0:
            self.list_view.clear_filters()
        self.reload(select_id=record_id)
        selected = self.selected()
        return selected is not None and selected.id == record_id

    def reload(self, select_id: int | None = None) -> None:
        current = self.list_view.selected_ids()
        wanted = select_id if select_id is not None else (current[0] if current else None)
        self.list_view.reload()
        found = wanted is not None and self.list_view.select_id(wanted)
        if not found and self.model.rowCount():
            self.table.selectRow(0)  # show a request's detail straight away
        self._selection_changed()

    def _selection_changed(self) -> None:
        request = self.selected()
        pending = request is not None and request.status == "pending"
        self.approve_button.setEnabled(pending)
        self.reject_button.setEnabled(pending)
        self.show_detail(request)
