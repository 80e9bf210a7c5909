"""日常记事 tab: the user's own notes in the shared list (search, time slice, print,
export) and an editor beside it. Notes are private: the services read only the
actor's own."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services.core import clock
from app.services.core.errors import ConflictError, ServiceError
from app.services.lists.spec import ListQuery
from app.services.work import notes as daily_notes
from app.services.work.lists import daily_notes_source
from app.services.work.notes import NoteForm, NoteRow
from app.ui.common.field_errors import FieldErrors
from app.ui.common.messages import confirm
from app.ui.common.style import ERROR_COLOR, HINT_COLOR, SUCCESS_COLOR, message_label, set_message
from app.ui.context import AppContext
from app.ui.listview import ListView


class NotesTab(QWidget):
    changed = Signal()  # a note was saved or deleted (the calendar shows notes)

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.note: NoteRow | None = None  # the note in the editor; None: a new one
        self._busy = False  # saving or restoring the selection: not a user's choice
        self.list = ListView(ctx, daily_notes_source(), company)
        self.list.open_record.connect(lambda _e, rid: self.select_note(rid))
        editor = QWidget()
        column = QVBoxLayout(editor)
        column.setContentsMargins(8, 6, 8, 6)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight:bold")
        column.addWidget(self.heading)
        form = QFormLayout()
        self.status = message_label(ERROR_COLOR)
        self.errors = FieldErrors(form, self.status)
        self.note_date = QDateEdit()
        self.note_date.setCalendarPopup(True)
        self.note_date.setDisplayFormat("yyyy-MM-dd")
        self.errors.add("note_date", "日期：", self.note_date)
        self.title = QLineEdit()
        self.title.setPlaceholderText("可不填：取内容的第一行")
        self.errors.add("title", "标题：", self.title)
        column.addLayout(form)
        self.content = QPlainTextEdit()
        self.content.setPlaceholderText("记事内容")
        column.addWidget(self.content, 1)
        self.errors.widgets["content"] = self.content
        self.errors.labels["content"] = self.status
        column.addWidget(self.status)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("新建记事")
        self.save_button = QPushButton("保存")
        self.delete_button = QPushButton("删除")
        self.new_button.clicked.connect(self.new_note)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        column.addLayout(buttons)
        hint = QLabel("记事仅本人可见。")
        hint.setStyleSheet(f"color:{HINT_COLOR}")
        column.addWidget(hint)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list)
        splitter.addWidget(editor)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.list.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.new_note()

    def reload(self) -> None:
        self.list.reload()

    # --- editor ---------------------------------------------------------------------

    def _fill(self, note: NoteRow | None) -> None:
        self.note = note
        self.errors.clear()
        self.note_date.setDate(QDate(note.note_date if note else clock.now().date()))
        self.title.setText(note.title if note else "")
        self.content.setPlainText(note.content if note else "")
        self.heading.setText("修改记事" if note else "新建记事")
        self.delete_button.setEnabled(note is not None)

    def _error(self, err: ServiceError) -> None:
        self.status.setStyleSheet(f"color: {ERROR_COLOR};")
        self.errors.show(err)

    def new_note(self, on=None) -> None:
        if not self.leave_ok():
            return
        self._busy = True
        self.list.table.clearSelection()
        self._busy = False
        self._fill(None)
        if on is not None:  # from a day of the calendar
            self.note_date.setDate(QDate(on))
        self.title.setFocus()

    def is_dirty(self) -> bool:
        """The editor holds text that is not saved."""
        title, content = self.title.text(), self.content.toPlainText()
        if self.note is None:
            return bool(title.strip() or content.strip())
        day = self.note_date.date().toPython()
        return (day, title, content) != (self.note.note_date, self.note.title, self.note.content)

    def leave_ok(self) -> bool:
        """Before the editor shows something else: save, discard or stay (nothing lost)."""
        if not self.is_dirty():
            return True
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self, "日常记事", "当前记事有未保存的修改，是否保存？",
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save,
        )  # fmt: skip
        if answer == buttons.Save:
            return self.save()
        return answer == buttons.Discard

    def _selected(self) -> None:
        ids = self.list.selected_ids()
        if self._busy or len(ids) != 1 or (self.note is not None and ids[0] == self.note.id):
            return
        target = ids[0]
        if not self.leave_ok():
            self._busy = True  # stay on the note being edited
            if self.note is None or not self.list.select_id(self.note.id):
                self.list.table.clearSelection()
            self._busy = False
            return
        self.select_note(target)

    def load(self, note_id: int) -> bool:
        try:
            self._fill(daily_notes.get_note(self.ctx.read_uow(), note_id))
        except ServiceError as err:
            self._error(err)
            return False
        return True

    def open_note(self, note_id: int) -> bool:
        """Show a note from elsewhere (the calendar): unsaved edits are asked about first."""
        if self.note is not None and self.note.id == note_id:
            return True
        if not self.leave_ok():
            return False
        return self.select_note(note_id)

    def select_note(self, note_id: int) -> bool:
        self._busy = True
        try:
            if not self.list.select_id(note_id):
                self.list.set_query(ListQuery())
                if not self.list.select_id(note_id):
                    return False
        finally:
            self._busy = False
        return self.load(note_id)

    def form(self) -> NoteForm:
        return NoteForm(self.note_date.date().toPython(), self.title.text(),
                        self.content.toPlainText())  # fmt: skip

    def save(self) -> bool:
        self.errors.clear()
        try:
            if self.note is None:
                note_id = daily_notes.create_note(self.ctx.write_uow(), self.form())
            else:
                note_id = self.note.id
                daily_notes.update_note(
                    self.ctx.write_uow(), note_id, self.note.version, self.form()
                )
        except ServiceError as err:
            self._error(err)
            return False
        self.list.reload()
        self.select_note(note_id)
        set_message(self.status, "已保存。", SUCCESS_COLOR)
        self.changed.emit()
        return True

    def delete(self) -> bool:
        if self.note is None:
            return False
        if not confirm(self, "删除记事", f"确定删除记事“{self.note.title}”吗？"):
            return False
        try:
            daily_notes.delete_note(self.ctx.write_uow(), self.note.id, self.note.version)
        except ServiceError as err:
            self._error(err)
            if isinstance(err, ConflictError):
                self.list.reload()
            return False
        self.list.reload()
        self._fill(None)
        self.changed.emit()
        return True
