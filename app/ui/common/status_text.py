"""A one-line status text whose changes never move the widgets around it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy


class StatusText(QLabel):
    """A label that takes the width its layout gives it instead of its text's width.

    A plain QLabel asks for a new size on every setText; in a list's status row that
    relaid out the toolbar beside it and repainted the whole list after each search.
    Text longer than the room ends in "…"; the whole text is in the tooltip.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def paintEvent(self, _event) -> None:
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter = QPainter(self)
        self.style().drawItemText(
            painter, rect, int(self.alignment().value), self.palette(), self.isEnabled(), shown,
            self.foregroundRole(),
        )  # fmt: skip
