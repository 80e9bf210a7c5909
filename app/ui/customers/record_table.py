"""The read-only table the customer card's tabs show a customer's records in, and the
tab around it (RecordTab) that the 联系人, 跟进记录 and 成交记录 tabs share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.core.errors import ServiceError
from app.ui.common.messages import show_service_error


def record_table(labels: Sequence[str], widths: Sequence[int]) -> QTableWidget:
    """One row per record, whole-row single selection, no editing in place."""
    table = QTableWidget(0, len(labels))
    table.setHorizontalHeaderLabels(list(labels))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for i, width in enumerate(widths):
        table.setColumnWidth(i, width)
    return table


@dataclass(frozen=True)
class TabColumn:
    label: str
    width: int | None  # None: the last column takes what is left
    value: Callable[[Any], str]
    right: bool = False  # amounts and quantities
    tooltip: Callable[[Any], str] | None = None


class RecordTab(QWidget):
    """A card tab: one customer's records of a kind in a record_table under a row of
    buttons. Subclasses say what to read (load) and what the buttons do; a change
    reloads the tab and emits `changed` so the card can show what moved with it."""

    changed = Signal()
    what = ""  # the records' name in error messages ("联系人")
    columns: Sequence[TabColumn] = ()

    def __init__(self, ctx, customer_id: int, can_edit: bool, parent=None):
        super().__init__(parent)
        self.ctx, self.customer_id, self.can_edit = ctx, customer_id, can_edit
        self.rows: list = []
        self.table = record_table(
            [c.label for c in self.columns], [c.width for c in self.columns if c.width]
        )
        self.button_bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.addLayout(self.button_bar)
        layout.addWidget(self.table)

    def add_buttons(self, *specs: tuple[str, Callable[[], None]]) -> None:
        """Buttons that change records: enabled only where the actor may edit."""
        for text, slot in specs:
            button = QPushButton(text)
            button.clicked.connect(slot)
            button.setEnabled(self.can_edit)
            self.button_bar.addWidget(button)
            self.buttons[text] = button

    def load(self, uow) -> list:
        raise NotImplementedError

    def reload(self) -> None:
        try:
            self.rows = self.load(self.ctx.read_uow())
        except ServiceError as err:
            show_service_error(self, err, self.what)
            self.rows = []
        self.table.setRowCount(len(self.rows))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, row in enumerate(self.rows):
            for c, col in enumerate(self.columns):
                item = QTableWidgetItem(col.value(row))
                if col.right:
                    item.setTextAlignment(right)
                if col.tooltip is not None:
                    item.setToolTip(col.tooltip(row))
                self.table.setItem(r, c, item)

    def selected(self):
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def done(self) -> None:
        self.reload()
        self.changed.emit()

    def open_dialog(self, dialog) -> None:
        """A form dialog; a stale edit (someone else's change) reloads too."""
        if dialog.exec() or getattr(dialog, "stale", False):
            self.done()

    def run(self, call: Callable[[], object]) -> None:
        try:
            call()
        except ServiceError as err:
            show_service_error(self, err, self.what)
        self.done()
