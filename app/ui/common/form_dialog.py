"""Base for the small modal forms: fields, inline errors, and OK/Cancel.

Subclasses add fields and implement submit(), which calls a service and raises
ServiceError on refusal; the dialog then stays open and shows the message.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.core.errors import ConflictError, ServiceError
from app.ui.common.dialog_fit import FittedDialog
from app.ui.common.field_errors import FieldErrors
from app.ui.common.style import ERROR_COLOR, HINT_COLOR, message_label
from app.ui.common.unsaved import form_state, may_close, save_shortcut

# The layout sizes the dialog (SetMinimumSize), so width comes from the fields.
FIELD_WIDTH = 280


class FormDialog(FittedDialog):
    def __init__(self, parent: QWidget | None, title: str, ok_text: str = "确定"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(20, 18, 20, 14)
        self.layout_.setSpacing(10)
        # Grow when an error line appears instead of squeezing the fields.
        self.layout_.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.intro = message_label(HINT_COLOR)
        self.layout_.addWidget(self.intro)
        self.form = QFormLayout()
        self.form.setVerticalSpacing(8)
        self.layout_.addLayout(self.form)
        self.error_label = message_label(ERROR_COLOR)
        self.layout_.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)
        self.errors = FieldErrors(self.form, self.error_label)
        # Set when the record changed underneath us: the caller reloads its list.
        self.stale = False
        self._shown_state: tuple | None = None  # what the fields held when shown
        save_shortcut(self, self.accept)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._shown_state is None:
            self._shown_state = form_state(self.errors.widgets.values())

    def has_unsaved_changes(self) -> bool:
        return (
            self._shown_state is not None
            and form_state(self.errors.widgets.values()) != self._shown_state
        )

    def reject(self) -> None:
        """取消 / Esc / the close box: typed values are not dropped without asking."""
        if may_close(self, self.has_unsaved_changes(), self.accept, "所做的修改"):
            super().reject()

    def set_intro(self, text: str, color: str = HINT_COLOR) -> None:
        self.intro.setText(text)
        self.intro.setStyleSheet(f"color: {color};")
        self.intro.setVisible(bool(text))

    def add_field(self, name: str, label: str, widget: QWidget, *aliases: str) -> QWidget:
        return self.errors.add(name, label, widget, *aliases)

    def add_line(self, name: str, label: str, *aliases: str, password: bool = False) -> QLineEdit:
        edit = QLineEdit()
        edit.setMinimumWidth(FIELD_WIDTH)
        if password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_field(name, label, edit, *aliases)
        return edit

    def add_hint(self, text: str) -> QLabel:
        hint = message_label(HINT_COLOR, text, hidden=False)
        self.form.addRow("", hint)
        return hint

    def accept(self) -> None:
        self.errors.clear()
        try:
            self.submit()
        except ServiceError as err:
            self.stale = self.stale or isinstance(err, ConflictError)
            self.errors.show(err)
            return
        super().accept()

    def submit(self) -> None:
        raise NotImplementedError
