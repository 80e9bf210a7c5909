"""The live duplicate-check panel of the registration dialog (规则 1).

Shows each hit's message from the service. A hit the user may not see carries only
that safe text (who owns it, since when) — never the record's name or number — and,
for reps and managers, a button to ask for a 查阅授权.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.customers.duplicates import DuplicateHit
from app.ui.common.style import ERROR_COLOR, HINT_COLOR, SUCCESS_COLOR
from app.ui.customers.grant_dialog import can_request

CHECKING = "正在检查是否重复…"
NO_HITS = "未发现重复客户。"


class DuplicatePanel(QFrame):
    grant_requested = Signal(object)  # DuplicateHit
    open_requested = Signal(int)  # a visible hit's customer id

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.hits: list[DuplicateHit] = []
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(8, 6, 8, 6)
        self.title = QLabel("重复检查")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.column.addWidget(self.title)
        self.status = QLabel("输入客户名称、电话、邮箱或网站后自动检查。")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {HINT_COLOR};")
        self.column.addWidget(self.status)
        self.rows: list[QWidget] = []

    def set_checking(self) -> None:
        self.status.setText(CHECKING)
        self.status.setStyleSheet(f"color: {HINT_COLOR};")

    def set_hits(self, hits: list[DuplicateHit]) -> None:
        self.hits = hits
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        if not hits:
            self.status.setText(NO_HITS)
            self.status.setStyleSheet(f"color: {SUCCESS_COLOR};")
            return
        self.status.setText(f"发现 {len(hits)} 条可能重复的已登记客户：")
        self.status.setStyleSheet(f"color: {ERROR_COLOR};")
        for hit in hits:
            row = self._row(hit)
            self.rows.append(row)
            self.column.addWidget(row)

    def _row(self, hit: DuplicateHit) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        text = hit.message
        if hit.visible and hit.customer_name:
            text += f"\n客户：{hit.customer_name}（{hit.customer_number}）"
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {ERROR_COLOR};")
        line.addWidget(label, 1)
        if hit.visible:
            button = QPushButton("查看")
            button.clicked.connect(lambda: self.open_requested.emit(hit.customer_id))
            line.addWidget(button)
        elif hit.status == "owned" and can_request(self.ctx):
            button = QPushButton("申请查阅")
            button.clicked.connect(lambda: self.grant_requested.emit(hit))
            line.addWidget(button)
        return row

    def text(self) -> str:
        """Everything shown (for tests)."""
        parts = [self.status.text()]
        for row in self.rows:
            parts += [lb.text() for lb in row.findChildren(QLabel)]
        return "\n".join(parts)
