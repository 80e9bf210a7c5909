"""The customer form (《客户资源信息登记表》 fields), shared by registration and the card.

Groups: 基本信息 / 联系方式 / 经营与需求 / 个人客户信息 (only for 个人) / 其他 / 自定义字段.
Every drop-down is a PinyinCombo filled from the code tables through the services.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.admin import code_tables, extra_fields
from app.services.customers.forms import CODE_FIELDS, FIELD_LABELS, CustomerForm
from app.ui.common.pinyin_combo import PinyinCombo
from app.ui.common.style import ERROR_COLOR, message_label
from app.ui.context import AppContext
from app.ui.customers.fields import (
    DATE_HINT,
    DATETIME_HINT,
    ErrorMap,
    label_text,
    multiline,
    read,
    shown,
    write,
)

# (field, wide?) per group; code fields become combos, the rest line edits.
GROUPS: list[tuple[str, list[tuple[str, bool]]]] = [
    ("基本信息", [
        ("name", False), ("short_name", False), ("type_id", False), ("source_id", False),
        ("industry_id", False), ("region_id", False), ("location", False),
        ("registered_on", False), ("first_contact_at", False), ("grade_id", False),
        ("coop_status_id", False), ("credit_level", False),
    ]),
    ("联系方式", [
        ("phone", False), ("fax", False), ("principal", False), ("principal_mobile", False),
        ("email", False), ("website", False), ("address", True),
    ]),
    ("经营与需求", [
        ("capital", False), ("payment_id", False), ("demand_time", False),
        ("expected_price", False), ("business_scope", True), ("demand", True),
    ]),
    ("个人客户信息", [
        ("person_name", False), ("gender", False), ("age", False), ("birthday", False),
        ("position_id", False), ("hobbies", False),
    ]),
    ("其他", [("latitude", False), ("longitude", False), ("remarks", True)]),
]  # fmt: skip
PERSONAL_GROUP = "个人客户信息"
REQUIRED = {"name", "source_id"}
MULTILINE = {"business_scope", "demand", "remarks"}
COMPANY_ONLY = ("capital", "business_scope")  # hidden for a 个人 customer
HINTS = {
    "registered_on": DATE_HINT,
    "birthday": DATE_HINT,
    "first_contact_at": DATETIME_HINT,
    "capital": "例：500万、5,000,000",
    "phone": "多个号码用 / 或逗号分隔",
    "website": "例：www.example.com",
    "latitude": "例：38.4872",
    "longitude": "例：106.2309",
}
# Typing in these re-runs the live duplicate check (规则 1).
DUPLICATE_FIELDS = ("name", "phone", "fax", "principal_mobile", "email", "website", "type_id")
PERSONAL_TYPE_CODE = "P"


class CustomerFormWidget(QWidget):
    duplicate_keys_changed = Signal()

    def __init__(
        self, ctx: AppContext, current: CustomerForm | None = None, parent=None,
        *, registering: bool = False,
    ):  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        # A registration needs 首次接触时间 (the 24-hour rule); an edit of an old record not.
        self.required = REQUIRED | ({"first_contact_at"} if registering else set())
        self.general_error = message_label(ERROR_COLOR)
        self.errors = ErrorMap(self.general_error)
        self.widgets: dict[str, QWidget] = {}
        self.extra_defs = extra_fields.list_defs(ctx.read_uow(), active_only=True)
        self._type_rows: dict = {}
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.groups: dict[str, QGroupBox] = {}
        self.rows_of: dict[str, tuple[QWidget, QWidget]] = {}  # field -> (label, cell)
        for title, names in GROUPS:
            column.addWidget(self._group(title, names, current))
        if self.extra_defs:
            column.addWidget(self._extra_group(current))
        column.addWidget(self.general_error)
        for name in DUPLICATE_FIELDS:
            w = self.widgets[name]
            if isinstance(w, PinyinCombo):
                w.current_id_changed.connect(lambda _v: self.duplicate_keys_changed.emit())
            else:
                w.textChanged.connect(lambda _t: self.duplicate_keys_changed.emit())
        self.widgets["type_id"].current_id_changed.connect(lambda _v: self._personal_visible())
        if current is not None:
            self.set_values(current)
        self._personal_visible()

    # --- construction -------------------------------------------------------------

    def _group(self, title: str, names, current: CustomerForm | None) -> QGroupBox:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        row, col = 0, 0
        for name, wide in names:
            widget = self._make(name, current)
            self.widgets[name] = widget
            cell = self.errors.wrap(name, widget)
            label = label_text(FIELD_LABELS[name], name in self.required)
            self.rows_of[name] = (label, cell)
            if wide:
                if col:
                    row, col = row + 1, 0
                grid.addWidget(label, row, 0)
                grid.addWidget(cell, row, 1, 1, 3)
                row += 1
                continue
            grid.addWidget(label, row, col * 2)
            grid.addWidget(cell, row, col * 2 + 1)
            row, col = (row, 1) if col == 0 else (row + 1, 0)
        self.groups[title] = box
        return box

    def _make(self, name: str, current: CustomerForm | None) -> QWidget:
        if name in CODE_FIELDS:
            combo = PinyinCombo(allow_none=name not in ("type_id", "coop_status_id"))
            current_id = getattr(current, name) if current is not None else None
            rows = code_tables.options(self.ctx.read_uow(), CODE_FIELDS[name], current_id)
            combo.set_items([(r.id, r.label, r) for r in rows])
            if name == "type_id":
                self._type_rows = {r.id: r for r in rows}
            return combo
        if name == "gender":
            combo = PinyinCombo()
            combo.set_items([("男", "男"), ("女", "女")])
            return combo
        if name == "registered_on":
            edit = QDateEdit(QDate.currentDate())
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            return edit
        if name in MULTILINE:
            return multiline()
        edit = QLineEdit()
        edit.setPlaceholderText(HINTS.get(name, ""))
        return edit

    def _extra_group(self, current: CustomerForm | None) -> QGroupBox:
        box = QGroupBox("自定义字段")
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        values = current.extra if current is not None else {}
        for i, d in enumerate(self.extra_defs):
            if d.field_type == "choice":
                widget = PinyinCombo()
                rows = code_tables.options(self.ctx.read_uow(), d.code_table_key, values.get(d.key))
                widget.set_items([(r.id, r.label, r) for r in rows])
            else:
                widget = QLineEdit()
                if d.field_type == "date":
                    widget.setPlaceholderText(DATE_HINT)
                elif d.field_type == "number":
                    widget.setPlaceholderText("数字")
            self.widgets[d.form_field] = widget
            cell = self.errors.wrap(d.form_field, widget)
            r, c = divmod(i, 2)
            grid.addWidget(label_text(d.label, d.required), r, c * 2)
            grid.addWidget(cell, r, c * 2 + 1)
        self.groups["自定义字段"] = box
        return box

    # --- values ---------------------------------------------------------------------

    def is_personal(self) -> bool:
        row = self._type_rows.get(self.widgets["type_id"].current_id())
        return row is not None and row.code == PERSONAL_TYPE_CODE

    def _personal_visible(self) -> None:
        # isHidden, not isVisible: the form may not be on screen yet.
        personal = self.is_personal()
        self.groups[PERSONAL_GROUP].setHidden(not personal)
        for name in COMPANY_ONLY:  # a person has no registered capital or business scope
            for widget in self.rows_of.get(name, ()):
                widget.setHidden(personal)

    def values(self) -> dict:
        """CustomerForm keyword values (without owner and contacts)."""
        out: dict = {}
        for name, widget in self.widgets.items():
            if name.startswith("extra."):
                continue
            if isinstance(widget, QDateEdit):
                out[name] = widget.date().toPython()
            else:
                out[name] = read(widget)
        out["extra"] = {d.key: read(self.widgets[d.form_field]) for d in self.extra_defs}
        return out

    def form(self) -> CustomerForm:
        return CustomerForm(**self.values())

    def set_values(self, form: CustomerForm) -> None:
        for name, widget in self.widgets.items():
            if name.startswith("extra."):
                continue
            value = getattr(form, name)
            if isinstance(widget, QDateEdit):
                if value is not None:
                    widget.setDate(QDate(value.year, value.month, value.day))
            else:
                write(widget, value)
        for d in self.extra_defs:
            write(self.widgets[d.form_field], (form.extra or {}).get(d.key))
        self._personal_visible()

    def changes(self, original: CustomerForm) -> dict:
        """Only the fields the user changed, for update_customer."""
        now = self.values()
        out = {}
        for name, value in now.items():
            if name == "extra":
                before = {d.key: (original.extra or {}).get(d.key) for d in self.extra_defs}
                if {k: shown(v) for k, v in value.items()} != {
                    k: shown(v) for k, v in before.items()
                }:
                    out["extra"] = value
            elif shown(value) != shown(getattr(original, name)):
                out[name] = value
        return out

    def set_read_only(self, read_only: bool) -> None:
        for widget in self.widgets.values():
            if isinstance(widget, QLineEdit) or hasattr(widget, "setReadOnly"):
                widget.setReadOnly(read_only)
            else:
                widget.setEnabled(not read_only)
