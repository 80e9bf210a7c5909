"""CustomerCombo: the pinyin drop-down over the customers the user sees.

It opens with the most recently followed customers (service_desk_lists.CHOICE_LIMIT);
when that first window is full, typing asks the service again (name, pinyin, initials,
phone or contact), so every visible customer can be found however long the archive.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer

from app.services.core.errors import ServiceError
from app.services.service_desk import lists as service_desk_lists
from app.services.service_desk.lists import customer_choices
from app.ui.common.form_dialog import FIELD_WIDTH
from app.ui.common.pinyin_combo import PinyinCombo
from app.ui.context import AppContext

CHOICE_LIMIT = service_desk_lists.CHOICE_LIMIT  # the first window; typing searches all


class CustomerCombo(PinyinCombo):
    def __init__(self, ctx: AppContext, current_id: int | None = None, parent=None):
        super().__init__(parent, placeholder="输入客户名称、拼音首字母或电话")
        self.ctx = ctx
        self.setMinimumWidth(FIELD_WIDTH + 80)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(lambda: self.search(self.lineEdit().text()))
        self.truncated = False
        self.search("", current_id)
        self.lineEdit().textEdited.connect(self._typed)

    def _typed(self, _text: str) -> None:
        if self.truncated:
            self._timer.start()

    def search(self, text: str, current_id: int | None = None) -> None:
        """Reload the choices from the service (all visible customers matching `text`)."""
        keep = current_id if current_id is not None else self.current_id()
        try:
            rows = customer_choices(self.ctx.read_uow(), text, CHOICE_LIMIT, include_id=keep)
        except ServiceError:
            rows = []
        if not text.strip():
            self.truncated = len(rows) >= CHOICE_LIMIT
        typed = self.lineEdit().text()
        self.set_items([(r.id, r.label, r) for r in rows], keep)
        if text.strip() and self.lineEdit().text() != typed:
            self.lineEdit().setText(typed)  # keep what the user is typing
            self.completer_.complete()
