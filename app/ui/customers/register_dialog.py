"""《客户资源信息登记表》: register a customer, with the live duplicate check (规则 1).

Typing a name, phone, email or website re-runs check_duplicates after a short pause.
A hit blocks 登记; a manager or admin may tick 公司特别指派 and give a reason instead.
Nothing is saved until register_customer succeeds; errors land at their field.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.models import Role
from app.services.access import roles
from app.services.core.errors import ServiceError, ValidationError
from app.services.customers.duplicates import DuplicateFound, check_duplicates
from app.services.customers.registration import RegisterResult, owner_choices, register_customer
from app.ui.common.dialog_fit import FittedDialog
from app.ui.common.pinyin_combo import PinyinCombo
from app.ui.common.style import ERROR_COLOR, HINT_COLOR, message_label
from app.ui.common.unsaved import form_state, may_close, save_shortcut
from app.ui.context import AppContext
from app.ui.customers.contact_fields import ContactLines
from app.ui.customers.duplicate_panel import DuplicatePanel
from app.ui.customers.fields import ErrorMap, label_text
from app.ui.customers.form_widget import CustomerFormWidget
from app.ui.customers.grant_dialog import GrantRequestDialog

TITLE = "客户资源信息登记表"
DEBOUNCE_MS = 400
BLOCKED_TIP = "存在重复客户，不能登记（先申请登记为原则）。"


class RegisterDialog(FittedDialog):
    open_customer = Signal(int)  # the user asked to view a visible duplicate

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.result_: RegisterResult | None = None
        self.setWindowTitle(f"登记新客户 — 《{TITLE}》")
        self.resize(1180, 760)

        heading = QLabel(f"《{TITLE}》")
        font = heading.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        heading.setFont(font)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = message_label(
            HINT_COLOR,
            "带 * 的为必填项；下拉框可输入拼音首字母、全拼或文字快速选择。",
            hidden=False,
        )

        self.form = CustomerFormWidget(ctx, registering=True)
        self.contacts = ContactLines(ctx)
        contacts_box = QGroupBox("联系人（第一位为主要联系人）")
        QVBoxLayout(contacts_box).addWidget(self.contacts)
        inner = QWidget()
        inner_column = QVBoxLayout(inner)
        inner_column.addWidget(self.form)
        inner_column.addWidget(contacts_box)
        inner_column.addStretch()
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(inner)

        self.general_error = message_label(ERROR_COLOR)
        self.errors = ErrorMap(self.general_error)
        side = QVBoxLayout()
        side.addWidget(label_text("归属销售", True))
        self.owner = PinyinCombo(allow_none=False)
        self.owner.set_items(owner_choices(ctx.read_uow()), ctx.actor.id)
        self.owner.setEnabled(ctx.actor.role != Role.SALES_REP)  # a rep registers for self
        side.addWidget(self.errors.wrap("owner_id", self.owner))
        self.duplicates = DuplicatePanel(ctx)
        self.duplicates.grant_requested.connect(self.request_grant)
        self.duplicates.open_requested.connect(self.open_customer)
        side.addWidget(self.duplicates)
        side.addWidget(self._override_box())
        side.addStretch()
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(340)

        body = QHBoxLayout()
        body.addWidget(self.scroll, 1)
        body.addWidget(side_widget)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.register_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.register_button.setText("登记")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        column = QVBoxLayout(self)
        column.addWidget(heading)
        column.addWidget(hint)
        column.addLayout(body, 1)
        column.addWidget(self.general_error)
        column.addWidget(self.buttons)

        self._shown_state: tuple | None = None
        save_shortcut(self, self.accept)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.check_now)
        self.form.duplicate_keys_changed.connect(self._keys_changed)

    def _override_box(self) -> QWidget:
        self.override_box = QGroupBox("公司特别指派")
        column = QVBoxLayout(self.override_box)
        self.override = QCheckBox("仍然登记（公司特别指派）")
        self.override.toggled.connect(lambda _on: self._update_blocked())
        self.override_reason = QLineEdit()
        self.override_reason.setPlaceholderText("指派理由（将记入归属变更记录）")
        column.addWidget(self.override)
        column.addWidget(self.errors.wrap("override_reason", self.override_reason))
        self.override_box.setHidden(True)
        return self.override_box

    def can_override(self) -> bool:
        return self.ctx.actor.role in roles.CAN_OVERRIDE_DUPLICATES

    # --- live duplicate check -------------------------------------------------------

    def _keys_changed(self) -> None:
        self.duplicates.set_checking()
        self._timer.start()

    def check_now(self) -> None:
        self._timer.stop()
        try:
            hits = check_duplicates(self.ctx.read_uow(), self.form.form())
        except ServiceError as err:
            self.errors.show(err)
            return
        self.duplicates.set_hits(hits)
        self._update_blocked()

    def _update_blocked(self) -> None:
        hits = bool(self.duplicates.hits)
        self.override_box.setHidden(not (hits and self.can_override()))
        blocked = hits and not (self.can_override() and self.override.isChecked())
        self.register_button.setEnabled(not blocked)
        self.register_button.setToolTip(BLOCKED_TIP if blocked else "")

    def request_grant(self, hit) -> None:
        dialog = GrantRequestDialog(self.ctx, hit.customer_id, hit.message, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            QMessageBox.information(self, "申请查阅授权", "申请已提交，请等待董事长审批。")

    # --- save -------------------------------------------------------------------------

    def _editors(self) -> list[QWidget]:
        return [self.form, self.contacts, self.owner]

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._shown_state is None:
            self._shown_state = form_state(self._editors())
            self.form.widgets["name"].setFocus()  # typing starts at 客户名称

    def reject(self) -> None:
        """取消 / Esc on a filled form: what was typed is not dropped without asking."""
        changed = self._shown_state is not None and form_state(self._editors()) != self._shown_state
        if may_close(self, changed, self.accept, "登记表中填写的内容"):
            super().reject()

    def accept(self) -> None:
        self.errors.clear()
        self.form.errors.clear()
        self.contacts.clear_errors()
        reason = None
        if self.can_override() and self.override.isChecked() and self.duplicates.hits:
            reason = self.override_reason.text().strip()
            if not reason:
                self.show_error(ValidationError("请填写公司特别指派的理由。", "override_reason"))
                return
        form = self.form.form()
        form.owner_id = self.owner.current_id()
        form.contacts = self.contacts.forms()
        try:
            self.result_ = register_customer(self.ctx.write_uow(), form, override_reason=reason)
        except DuplicateFound as err:
            self.duplicates.set_hits(err.hits)
            self._update_blocked()
            self.show_error(err)
            return
        except ServiceError as err:
            self.show_error(err)
            return
        super().accept()

    def show_error(self, err: ServiceError) -> None:
        field = err.field if isinstance(err, ValidationError) else None
        if field in self.errors.lines:
            self.errors.show(err)
        elif field in self.form.errors.lines:
            self.form.errors.show(err)
            self.scroll.ensureWidgetVisible(self.form.errors.widgets[field])
        elif not self.contacts.show(err):
            self.errors.show(err)

    def error_for(self, name: str) -> str:
        return self.errors.error_for(name) or self.form.errors.error_for(name)
