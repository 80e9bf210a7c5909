"""What an empty list says: one line, and the button that starts the work (登记新客户,
导入, 从公海领取) — or, when a search or filter hides everything, the way back."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.common.style import HINT_COLOR


class EmptyHint(QWidget):
    """Drawn over a table's empty viewport (it follows the viewport's size)."""

    def __init__(self, viewport: QWidget):
        super().__init__(viewport)
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setStyleSheet(f"color:{HINT_COLOR}; font-size:14px")
        self.buttons = QHBoxLayout()
        column = QVBoxLayout(self)
        column.addStretch()
        column.addWidget(self.label)
        column.addLayout(self.buttons)
        column.addStretch()
        self._actions: list[QPushButton] = []
        viewport.installEventFilter(self)
        self.hide()

    def show_hint(self, text: str, actions: list[tuple[str, Callable[[], object]]]) -> None:
        self.label.setText(text)
        while (item := self.buttons.takeAt(0)) is not None:
            if item.widget() is not None:
                item.widget().deleteLater()
        self._actions = []
        self.buttons.addStretch()
        for label, slot in actions:
            button = QPushButton(label)
            button.clicked.connect(lambda _checked=False, f=slot: f())
            self.buttons.addWidget(button)
            self._actions.append(button)
        self.buttons.addStretch()
        self.resize(self.parentWidget().size())
        self.show()
        self.raise_()

    def button_texts(self) -> list[str]:
        return [b.text() for b in self._actions]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.resize(event.size())
        return False
