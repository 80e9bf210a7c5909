"""Contact (联系人) inputs: one compact line per contact for the registration form, and
the full contact dialog used by the card's 联系人 tab."""

from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.admin import code_tables
from app.services.core.errors import ServiceError, ValidationError
from app.services.customers import contacts
from app.services.customers.card import ContactRow
from app.services.customers.forms import ContactForm
from app.ui.common.form_dialog import FormDialog
from app.ui.common.pinyin_combo import PinyinCombo
from app.ui.common.style import ERROR_COLOR, message_label
from app.ui.context import AppContext
from app.ui.customers.fields import DATE_HINT, ErrorMap, label_text, multiline, read, write

LINE_FIELDS = [
    ("name", "姓名", True),
    ("gender", "性别", False),
    ("position_id", "职位", False),
    ("mobile", "手机", False),
    ("phone", "电话", False),
    ("email", "邮箱", False),
    ("wechat", "微信", False),
    ("qq", "QQ", False),
]
PER_ROW = 4
_INDEXED = re.compile(r"^contacts\[(\d+)\]\.(\w+)$")


def gender_combo() -> PinyinCombo:
    combo = PinyinCombo()
    combo.set_items([("男", "男"), ("女", "女")])
    return combo


def position_combo(ctx: AppContext, current_id: int | None = None) -> PinyinCombo:
    combo = PinyinCombo()
    rows = code_tables.options(ctx.read_uow(), "position", current_id)
    combo.set_items([(r.id, r.label, r) for r in rows], current_id)
    return combo


class ContactLine(QWidget):
    """One contact of the registration form: a row of small inputs and a 删除 button."""

    remove_requested = Signal(object)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.errors = ErrorMap(message_label(ERROR_COLOR))
        self.widgets: dict[str, QWidget] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        for i, (name, label, required) in enumerate(LINE_FIELDS):
            if name == "gender":
                widget = gender_combo()
            elif name == "position_id":
                widget = position_combo(ctx)
            else:
                widget = QLineEdit()
            self.widgets[name] = widget
            # Two rows of four label+input pairs: fits the form's width without scrolling.
            row, col = divmod(i, PER_ROW)
            caption = label_text(label, required)
            caption.setMinimumWidth(0)  # short captions: leave the width to the inputs
            grid.addWidget(caption, row, col * 2)
            grid.addWidget(self.errors.wrap(name, widget), row, col * 2 + 1)
            grid.setColumnStretch(col * 2 + 1, 1)
        self.remove_button = QPushButton("删除")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        grid.addWidget(self.remove_button, 0, PER_ROW * 2)

    def is_blank(self) -> bool:
        return all(read(w) in (None, "") for w in self.widgets.values())

    def form(self, primary: bool) -> ContactForm:
        values = {name: read(w) for name, w in self.widgets.items()}
        return ContactForm(**values, is_primary=primary)


class ContactLines(QWidget):
    """The registration form's contacts; the first filled line is the primary one."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.lines: list[ContactLine] = []
        self._sent: list[ContactLine] = []  # lines in the order last submitted
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton("添加联系人")
        self.add_button.clicked.connect(self.add_line)
        self.column.addWidget(self.add_button)
        self.add_line()

    def add_line(self) -> ContactLine:
        line = ContactLine(self.ctx)
        line.remove_requested.connect(self._remove)
        self.column.insertWidget(len(self.lines), line)
        self.lines.append(line)
        return line

    def _remove(self, line: ContactLine) -> None:
        self.lines.remove(line)
        line.setParent(None)
        line.deleteLater()

    def forms(self) -> list[ContactForm]:
        self._sent = [ln for ln in self.lines if not ln.is_blank()]
        return [ln.form(i == 0) for i, ln in enumerate(self._sent)]

    def clear_errors(self) -> None:
        for line in self.lines:
            line.errors.clear()

    def show(self, err: ServiceError) -> bool:
        """Put a `contacts[i].field` error on its line; False if it is not a contact error."""
        field = err.field if isinstance(err, ValidationError) else None
        m = _INDEXED.match(field or "")
        if not m or int(m[1]) >= len(self._sent):
            return False
        line = self._sent[int(m[1])]
        line.errors.show(ValidationError(str(err), field=m[2]))
        return True

    def error_for(self, index: int, name: str) -> str:
        return self.lines[index].errors.error_for(name)


class ContactDialog(FormDialog):
    """Add or edit one contact of a customer (the card's 联系人 tab)."""

    def __init__(self, ctx: AppContext, customer_id: int, row: ContactRow | None, parent=None):
        super().__init__(parent, "编辑联系人" if row else "添加联系人", "保存")
        self.ctx, self.customer_id, self.row = ctx, customer_id, row
        self.name = self.add_line("name", label_text("姓名", True).text())
        self.gender = self.add_field("gender", "性别", gender_combo())
        self.position = self.add_field(
            "position_id", "职位", position_combo(ctx, row.position_id if row else None)
        )
        self.mobile = self.add_line("mobile", "手机")
        self.phone = self.add_line("phone", "电话")
        self.email = self.add_line("email", "邮箱")
        self.wechat = self.add_line("wechat", "微信")
        self.qq = self.add_line("qq", "QQ")
        self.birthday = self.add_line("birthday", "生日")
        self.birthday.setPlaceholderText(DATE_HINT)
        self.hobbies = self.add_line("hobbies", "爱好")
        self.remarks = self.add_field("remarks", "备注", multiline())
        self.primary = QCheckBox("设为主要联系人")
        self.form.addRow("", self.primary)
        if row is not None:
            for name in ("name", "gender", "mobile", "phone", "email", "wechat", "qq", "hobbies"):
                write(getattr(self, name), getattr(row, name))
            write(self.position, row.position_id)
            write(self.birthday, row.birthday)
            write(self.remarks, row.remarks)
            self.primary.setChecked(row.is_primary)
            # Moving the flag away is done by choosing another contact as primary.
            self.primary.setEnabled(not row.is_primary)

    def contact_form(self) -> ContactForm:
        names = ("name", "gender", "mobile", "phone", "email", "wechat", "qq", "hobbies")
        values = {n: read(getattr(self, n)) for n in names}
        birthday = self.birthday.text().strip()
        return ContactForm(
            **values,
            position_id=self.position.current_id(),
            birthday=birthday or None,
            remarks=read(self.remarks),
            is_primary=self.primary.isChecked(),
        )

    def submit(self) -> None:
        form = self.contact_form()
        if self.row is None:
            contacts.add_contact(self.ctx.write_uow(), self.customer_id, form)
        else:
            contacts.update_contact(self.ctx.write_uow(), self.row.id, self.row.version, form)
