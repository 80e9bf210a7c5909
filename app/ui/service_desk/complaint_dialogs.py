"""The dialogs of a complaint: 登记/修改, 指派, 处理记录, 解决, 客户确认并关闭, 重新打开.

Each only collects input; app.services.service_desk.complaints checks who may act and in which state,
and names the field a message belongs to, shown under that field.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QPlainTextEdit, QWidget

from app.models.service_desk import COMPLAINT_KIND, SEVERITY
from app.services.access import roles
from app.services.admin import code_tables
from app.services.core import clock
from app.services.core.errors import ServiceError
from app.services.service_desk import complaints
from app.services.service_desk.complaints import ComplaintDetail, ComplaintForm
from app.ui.common.date_time_edit import DateTimeEdit
from app.ui.common.form_dialog import FIELD_WIDTH, FormDialog
from app.ui.common.pinyin_combo import PinyinCombo
from app.ui.context import AppContext
from app.ui.service_desk.customer_combo import CustomerCombo


def text_box(text: str = "", height: int = 90) -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setTabChangesFocus(True)
    box.setMinimumWidth(FIELD_WIDTH + 80)
    box.setFixedHeight(height)
    return box


def _code_combo(ctx: AppContext, table_key: str, current_id: int | None, none: bool):
    combo = PinyinCombo(allow_none=none)
    rows = code_tables.options(ctx.read_uow(), table_key, current_id)
    combo.set_items([(r.id, r.label, r) for r in rows], current_id)
    return combo


def _label_combo(labels: dict[str, str], current: str) -> PinyinCombo:
    combo = PinyinCombo(allow_none=False)
    combo.set_items(list(labels.items()), current)
    return combo


def _date_edit(day) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(day))
    return edit


def intro(d: ComplaintDetail) -> str:
    head = f"客户：{d.customer_name}（{d.customer_number}）　{d.kind_label}　{d.status_label}"
    words = d.customer_words if len(d.customer_words) <= 80 else d.customer_words[:80] + "…"
    return f"{head}\n客户原话：{words}"


class ComplaintDialog(FormDialog):
    """登记投诉/反馈 (detail None) or 修改 a registered one."""

    def __init__(
        self,
        ctx: AppContext,
        detail: ComplaintDetail | None = None,
        parent: QWidget | None = None,
        customer_id: int | None = None,
    ):
        title = "修改投诉/反馈" if detail else "登记投诉/反馈"
        super().__init__(parent, title, ok_text="保存" if detail else "登记")
        self.ctx, self.detail = ctx, detail
        form = complaints.form_of(detail, ctx.read_uow()) if detail else ComplaintForm()
        if detail:
            self.set_intro(f"客户：{detail.customer_name}（{detail.customer_number}）")
            self.customer = None
        else:
            self.customer = self.add_field("customer_id", "客户 *", CustomerCombo(ctx, customer_id))
        self.kind = self.add_field("kind", "类型", _label_combo(COMPLAINT_KIND, form.kind))
        self.channel = self.add_field(
            "channel_id", "反馈渠道 *", _code_combo(ctx, "feedback_channel", form.channel_id, False)
        )
        self.received_at = DateTimeEdit(form.received_at or clock.now())
        self.add_field("received_at", "受理时间", self.received_at)
        self.contact = self.add_line("contact_name", "反映人")
        self.contact.setText(form.contact_name)
        self.words = self.add_field("customer_words", "客户原话 *", text_box(form.customer_words))
        self.category = self.add_field(
            "category_id", "投诉类别", _code_combo(ctx, "complaint_type", form.category_id, True)
        )
        self.severity = self.add_field(
            "severity", "严重程度", _label_combo(SEVERITY, form.severity)
        )
        self.due = _date_edit(form.due_date or clock.now().date())
        self.due_auto = detail is None  # a new complaint: the due date follows the severity
        self.add_field("due_date", "处理期限", self.due)
        self.severity.current_id_changed.connect(lambda _v: self._severity_changed())
        self.due.dateChanged.connect(self._due_edited)
        self.received_at.dateTimeChanged.connect(lambda _v: self._severity_changed())
        self.handler = None
        if detail is None and ctx.actor.role in roles.CAN_ASSIGN_COMPLAINTS:
            self.handler = PinyinCombo(placeholder="可稍后指派")
            try:
                self.handler.set_items(complaints.handler_choices(ctx.read_uow()))
            except ServiceError as err:
                self.errors.show(err)
            self.add_field("handler_id", "处理人", self.handler)
        self.add_hint("投诉须选择投诉类别；处理期限按严重程度自动给出，可修改。")
        self._severity_changed()

    def _due_edited(self, *_args) -> None:
        if not self._setting_due:
            self.due_auto = False

    _setting_due = False

    def _severity_changed(self) -> None:
        if not self.due_auto:
            return
        try:
            with self.ctx.read_uow() as uow:
                due = complaints.default_due_date(
                    uow, self.severity.current_id() or "normal", self.received().date()
                )
        except ServiceError:
            return
        self._setting_due = True
        self.due.setDate(QDate(due))
        self._setting_due = False

    def received(self) -> datetime:
        return self.received_at.value()

    def complaint_form(self) -> ComplaintForm:
        return ComplaintForm(
            customer_id=self.customer.current_id() if self.customer else self.detail.customer_id,
            kind=self.kind.current_id() or "",
            channel_id=self.channel.current_id(),
            received_at=self.received(),
            contact_name=self.contact.text(),
            customer_words=self.words.toPlainText(),
            category_id=self.category.current_id(),
            severity=self.severity.current_id() or "",
            due_date=self.due.date().toPython(),
            handler_id=self.handler.current_id() if self.handler else None,
        )

    def submit(self) -> None:
        if self.detail is None:
            self.saved_id = complaints.register_complaint(
                self.ctx.write_uow(), self.complaint_form()
            )
        else:
            complaints.update_complaint(
                self.ctx.write_uow(), self.detail.id, self.detail.version, self.complaint_form()
            )
            self.saved_id = self.detail.id


class AssignDialog(FormDialog):
    """指派/改派处理人, optionally with a new 处理期限."""

    def __init__(self, ctx: AppContext, detail: ComplaintDetail, parent: QWidget | None = None):
        super().__init__(parent, "指派处理人", ok_text="指派")
        self.ctx, self.detail = ctx, detail
        self.set_intro(intro(detail))
        self.handler = PinyinCombo(placeholder="输入姓名或拼音首字母")
        self.handler.setMinimumWidth(FIELD_WIDTH)
        try:
            choices = complaints.handler_choices(ctx.read_uow())
        except ServiceError as err:
            choices = []
            self.errors.show(err)
        self.handler.set_items(choices, detail.handler_id)
        self.add_field("handler_id", "处理人 *", self.handler)
        self.due = self.add_field(
            "due_date", "处理期限", _date_edit(detail.due_date or clock.now().date())
        )

    def submit(self) -> None:
        due = self.due.date().toPython()
        complaints.assign_handler(
            self.ctx.write_uow(), self.detail.id, self.detail.version, self.handler.current_id(),
            due if due != self.detail.due_date else None,
        )  # fmt: skip


class _TextDialog(FormDialog):
    """One text box and one service call."""

    title = ""
    ok_text = "确定"
    field = ""
    label = ""
    hint = ""

    def __init__(self, ctx: AppContext, detail: ComplaintDetail, parent: QWidget | None = None):
        super().__init__(parent, self.title, ok_text=self.ok_text)
        self.ctx, self.detail = ctx, detail
        self.set_intro(intro(detail))
        self.text = self.add_field(self.field, self.label, text_box(self.initial(), 120))
        if self.hint:
            self.add_hint(self.hint)

    def initial(self) -> str:
        return ""

    def submit(self) -> None:
        self.call(
            self.ctx.write_uow(), self.detail.id, self.detail.version, self.text.toPlainText()
        )


class NoteDialog(_TextDialog):
    title, ok_text, field, label = "处理记录", "保存", "note", "处理记录 *"
    hint = "写下本次处理的经过；记录带日期和处理人，追加在已有记录之后。"
    call = staticmethod(complaints.add_note)


class ResolveDialog(_TextDialog):
    title, ok_text, field, label = "登记处理结果", "已解决", "resolution", "处理结果 *"
    hint = "登记后状态为“已解决”，再由客户确认后关闭。"
    call = staticmethod(complaints.resolve)


class CloseDialog(_TextDialog):
    title, ok_text, field, label = "客户确认并关闭", "关闭投诉", "confirmation", "客户确认意见 *"
    hint = "记录客户对处理结果的确认（原话、确认人和方式）。关闭后不能再修改。"
    call = staticmethod(complaints.close)

    def __init__(self, ctx: AppContext, detail: ComplaintDetail, parent: QWidget | None = None):
        super().__init__(ctx, detail, parent)
        self.set_intro(intro(detail) + f"\n处理结果：{detail.resolution}")


class ReopenDialog(_TextDialog):
    title, ok_text, field, label = "重新打开投诉", "重新打开", "reason", "原因 *"
    hint = "重新打开后回到“处理中”，原处理结果和客户确认记入处理记录。"
    call = staticmethod(complaints.reopen)
