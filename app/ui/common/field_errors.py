"""Show a service's ValidationError next to the form field it names.

Services name fields (ValidationError.field); forms register their widgets under the
same names. An error without a known field goes to the form's general red label.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from app.services.core.errors import ServiceError, ValidationError
from app.ui.common.style import ERROR_COLOR, message_label, set_message


class FieldErrors:
    def __init__(self, form: QFormLayout, general: QLabel):
        self.form = form
        self.general = general
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}

    def add(
        self, name: str, label: str, widget: QWidget, *aliases: str, form: QFormLayout | None = None
    ) -> QWidget:
        """Add a form row whose error line sits right under the widget (in `form`, by
        default the form given at construction: a page may spread fields over groups)."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = message_label(ERROR_COLOR)
        column.addWidget(error)
        (form or self.form).addRow(label, box)
        for key in (name, *aliases):
            self.widgets[key] = widget
            self.labels[key] = error
        return widget

    def clear(self) -> None:
        for label in {id(lb): lb for lb in self.labels.values()}.values():
            set_message(label, "")
        set_message(self.general, "")

    def show(self, err: ServiceError) -> None:
        self.clear()
        show_errors(err, self.labels, self.widgets, self.general)

    def error_for(self, name: str) -> str:
        label = self.labels.get(name)
        return label.text() if label is not None else ""


def errors_of(err: ServiceError) -> list[ServiceError]:
    """All the errors a refusal carries: a form checked as a whole reports each field."""
    return list(err.every) if isinstance(err, ValidationError) else [err]


def show_errors(err: ServiceError, lines: dict, widgets: dict, general: QLabel) -> str | None:
    """Each error at its field's line, the rest on the general line; the first marked
    field gets the focus. Returns that field (None: only the general line)."""
    first, rest = None, []
    for e in errors_of(err):
        field = e.field if isinstance(e, ValidationError) else None
        if field in lines:
            set_message(lines[field], str(e))
            first = first or field
        else:
            rest.append(str(e))
    if rest:
        set_message(general, "\n".join(dict.fromkeys(rest)))
    if first is not None:
        widgets[first].setFocus()
    return first
