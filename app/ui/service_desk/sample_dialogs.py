"""The dialogs of a 寄样申请: file (or correct) a request, 登记寄出 (sales admin only),
取消申请 (the requester). app.services.service_desk.samples checks roles and states."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QWidget

from app.services.core import clock
from app.services.core.errors import ServiceError
from app.services.service_desk import samples
from app.services.service_desk.samples import DispatchForm, SampleDetail, SampleForm
from app.ui.common.form_dialog import FormDialog
from app.ui.context import AppContext
from app.ui.service_desk.complaint_dialogs import text_box
from app.ui.service_desk.customer_combo import CustomerCombo

COURIERS = [
    "顺丰速运",
    "中通快递",
    "圆通速递",
    "申通快递",
    "韵达快递",
    "京东物流",
    "EMS",
    "德邦快递",
]


class OptionalDate(QWidget):
    """A date that may be left out (需寄达日期)."""

    def __init__(self, text: str, day=None, parent=None):
        super().__init__(parent)
        self.check = QCheckBox(text)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setDate(QDate(day or clock.now().date()))
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.setChecked(day is not None)
        self.edit.setEnabled(day is not None)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check)
        row.addWidget(self.edit)
        row.addStretch()

    def value(self):
        return self.edit.date().toPython() if self.check.isChecked() else None


def detail_intro(d: SampleDetail) -> str:
    return (
        f"客户：{d.customer_name}（{d.customer_number}）\n申请人：{d.requested_by}"
        f"　{d.requested_at:%Y-%m-%d %H:%M}\n样品/资料：{d.items}　{d.quantity}\n"
        f"收件：{d.recipient}　{d.phone}\n收件地址：{d.address}"
    )


class SampleDialog(FormDialog):
    """寄样申请 (detail None) or the requester's correction of a pending one."""

    def __init__(
        self,
        ctx: AppContext,
        detail: SampleDetail | None = None,
        parent: QWidget | None = None,
        customer_id: int | None = None,
    ):
        super().__init__(
            parent, "修改寄样申请" if detail else "寄样申请", "保存" if detail else "提交申请"
        )
        self.ctx, self.detail = ctx, detail
        if detail:
            self.set_intro(f"客户：{detail.customer_name}（{detail.customer_number}）")
            self.customer = None
        else:
            self.customer = self.add_field("customer_id", "客户 *", CustomerCombo(ctx, customer_id))
            self.customer.current_id_changed.connect(self._customer_changed)
        self.items = self.add_field(
            "items", "样品/资料 *", text_box(detail.items if detail else "", 60)
        )
        self.quantity = self.add_line("quantity", "数量")
        self.recipient = self.add_line("recipient", "收件人 *")
        self.phone = self.add_line("phone", "收件人电话 *")
        self.address = self.add_line("address", "收件地址 *")
        self.needed_by = self.add_field(
            "needed_by", "需寄达日期", OptionalDate("指定", detail.needed_by if detail else None)
        )
        self.reason = self.add_field(
            "reason", "寄样事由", text_box(detail.reason if detail else "", 60)
        )
        self.add_hint("样品和资料一律由销售内勤寄出；收件信息默认取客户的主要联系人和地址。")
        if detail:
            self.quantity.setText(detail.quantity)
            self.recipient.setText(detail.recipient)
            self.phone.setText(detail.phone)
            self.address.setText(detail.address)
        elif self.customer.current_id():
            self._customer_changed(self.customer.current_id())

    def _customer_changed(self, customer_id) -> None:
        """A new customer: its contact and address, unless the user already typed some."""
        if not customer_id:
            return
        try:
            d = samples.defaults_for(self.ctx.read_uow(), customer_id)
        except ServiceError as err:
            self.errors.show(err)
            return
        for edit, value in ((self.recipient, d.recipient), (self.phone, d.phone),
                            (self.address, d.address)):  # fmt: skip
            if not edit.isModified():
                edit.setText(value)

    def sample_form(self) -> SampleForm:
        return SampleForm(
            customer_id=self.customer.current_id() if self.customer else self.detail.customer_id,
            items=self.items.toPlainText(),
            quantity=self.quantity.text(),
            recipient=self.recipient.text(),
            phone=self.phone.text(),
            address=self.address.text(),
            needed_by=self.needed_by.value(),
            reason=self.reason.toPlainText(),
        )

    def submit(self) -> None:
        if self.detail is None:
            self.saved_id = samples.file_request(self.ctx.write_uow(), self.sample_form())
        else:
            samples.update_request(
                self.ctx.write_uow(), self.detail.id, self.detail.version, self.sample_form()
            )
            self.saved_id = self.detail.id


class DispatchDialog(FormDialog):
    """登记寄出: date, courier, tracking number (the sales admin)."""

    def __init__(self, ctx: AppContext, detail: SampleDetail, parent: QWidget | None = None):
        from app.ui.common.pinyin_combo import PinyinCombo

        super().__init__(parent, "登记寄出", ok_text="登记寄出")
        self.ctx, self.detail = ctx, detail
        self.set_intro(detail_intro(detail))
        self.dispatched_on = QDateEdit()
        self.dispatched_on.setCalendarPopup(True)
        self.dispatched_on.setDisplayFormat("yyyy-MM-dd")
        self.dispatched_on.setDate(QDate(clock.now().date()))
        self.add_field("dispatched_on", "寄出日期 *", self.dispatched_on)
        self.courier = PinyinCombo(
            allow_none=True, placeholder="选择或输入快递公司", free_text=True
        )
        self.courier.set_items([(c, c) for c in COURIERS])
        self.add_field("courier", "快递公司 *", self.courier)
        self.tracking_no = self.add_line("tracking_no", "快递单号 *")
        self.note = self.add_line("note", "备注")

    def courier_text(self) -> str:
        return self.courier.current_id() or self.courier.text_value()

    def submit(self) -> None:
        samples.record_dispatch(
            self.ctx.write_uow(), self.detail.id, self.detail.version,
            DispatchForm(self.dispatched_on.date().toPython(), self.courier_text(),
                         self.tracking_no.text(), self.note.text()),
        )  # fmt: skip


class CancelDialog(FormDialog):
    def __init__(self, ctx: AppContext, detail: SampleDetail, parent: QWidget | None = None):
        super().__init__(parent, "取消寄样申请", ok_text="取消申请")
        self.cancel_button.setText("返回")
        self.ctx, self.detail = ctx, detail
        self.set_intro(detail_intro(detail))
        self.reason = self.add_line("reason", "取消原因")

    def submit(self) -> None:
        samples.cancel_request(
            self.ctx.write_uow(), self.detail.id, self.detail.version, self.reason.text()
        )
