"""客户服务 page: 客户投诉/反馈 and 寄样申请, each the shared ListView, the selected
record's detail and the actions the user may take on it now (the services decide; the
buttons only follow what the detail says is allowed)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import (
    QPushButton,
    QTabWidget,
)

from app.services.access import roles
from app.services.service_desk import complaints, samples
from app.services.service_desk.complaints import ComplaintDetail
from app.services.service_desk.lists import complaints_source, samples_source
from app.services.service_desk.samples import SampleDetail
from app.ui.common.style import ERROR_COLOR, HINT_COLOR
from app.ui.context import AppContext
from app.ui.listview.record_pane import RecordPane
from app.ui.service_desk.complaint_dialogs import (
    AssignDialog,
    CloseDialog,
    ComplaintDialog,
    NoteDialog,
    ReopenDialog,
    ResolveDialog,
)
from app.ui.service_desk.complaint_print import make_complaint_preview
from app.ui.service_desk.sample_dialogs import CancelDialog, DispatchDialog, SampleDialog

COMPLAINTS_TITLE = "客户投诉/反馈"
SAMPLES_TITLE = "寄样申请"


def _when(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.strftime(fmt) if value else ""


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td style='color:{HINT_COLOR};padding-right:12px' valign='top' nowrap>{k}</td>"
        f"<td>{v}</td></tr>"
        for k, v in rows
    )
    return f"<table cellspacing=3>{cells}</table>"


def _text(value: str) -> str:
    return escape(value or "").replace("\n", "<br>")


def complaint_html(d: ComplaintDetail) -> str:
    due = _when(d.due_date, "%Y-%m-%d")
    if d.is_overdue:
        due += f" <b style='color:{ERROR_COLOR}'>已超期</b>"
    rows = [
        ("客户", _text(f"{d.customer_name}（{d.customer_number}）　归属销售：{d.owner_name or '无'}")),
        ("类型/渠道", _text(f"{d.kind_label}　{d.channel}")),
        ("受理", _text(f"{_when(d.received_at)}　受理人：{d.received_by}"
                       + (f"　反映人：{d.contact_name}" if d.contact_name else ""))),
        ("客户原话", _text(d.customer_words)),
        ("类别/程度", _text(f"{d.category or '（未分类）'}　{d.severity_label}")),
        ("处理人", _text(d.handler_name or "（待指派）")),
        ("处理期限", due),
        ("状态", _text(d.status_label)),
    ]  # fmt: skip
    if d.handling_notes:
        rows.append(("处理记录", _text(d.handling_notes)))
    if d.resolution:
        rows.append(("处理结果", _text(f"{d.resolution}（{_when(d.resolved_at)}）")))
    if d.closed_at:
        rows.append(("客户确认", _text(d.customer_confirmation)))
        rows.append(("关闭", _text(f"{d.closed_by}　{_when(d.closed_at)}")))
    return _table(rows)


def sample_html(d: SampleDetail) -> str:
    rows = [
        ("客户", _text(f"{d.customer_name}（{d.customer_number}）")),
        ("申请", _text(f"{d.requested_by}　{_when(d.requested_at)}")),
        ("样品/资料", _text(d.items + (f"　数量：{d.quantity}" if d.quantity else ""))),
        ("收件", _text(f"{d.recipient}　{d.phone}\n{d.address}")),
        ("需寄达", _text(_when(d.needed_by, "%Y-%m-%d") or "未指定")),
        ("事由", _text(d.reason)),
        ("状态", _text(d.status_label)),
    ]
    if d.status == "dispatched":
        rows.append(("寄出", _text(f"{_when(d.dispatched_on, '%Y-%m-%d')}　{d.courier}　"
                                   f"单号 {d.tracking_no}　经办：{d.dispatched_by}")))  # fmt: skip
    if d.dispatch_note:
        rows.append(("备注", _text(d.dispatch_note)))
    return _table(rows)


class _DeskTab(RecordPane):
    """A RecordPane whose detail follows the selection; subclasses load, render and
    enable their buttons."""

    changed = Signal()
    entity = ""
    title = "客户服务"

    def __init__(self, ctx: AppContext, source, company: str, hint: str, parent=None):
        super().__init__(ctx, source, company, hint, parent)
        self.company = company
        self.list.open_record.connect(lambda _e, rid: self.select_record(rid))
        self.list.data_changed.connect(self._after_batch)

    def button(self, text: str, tip: str, slot, visible: bool = True) -> QPushButton:
        return self.add_button(text, slot, tip, visible)

    def reload(self) -> None:
        self.list.reload()
        self.show_selected()

    def _after_batch(self) -> None:
        self.show_selected()
        self.changed.emit()

    def _with(self, dialog_class) -> bool:
        """Open a dialog on the selected record as stored now."""
        d = self.fresh()
        if d is None:
            return False
        return self.run(dialog_class(self.ctx, d, self))

    def run(self, dialog) -> bool:
        accepted = dialog.exec() == dialog.DialogCode.Accepted
        record_id = getattr(dialog, "saved_id", None) or (
            dialog.detail.id if getattr(dialog, "detail", None) else None
        )
        if accepted or getattr(dialog, "stale", False):
            self.list.reload()
            if record_id is not None:
                self.select_record(record_id)
            else:
                self.show_selected()
        if accepted:
            self.changed.emit()
        return accepted


class ComplaintsTab(_DeskTab):
    entity = "complaint"
    empty = "请在上方列表中选择一条投诉或反馈。"

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        hint = "受理 → 指派 → 处理 → 解决 → 客户确认后关闭；超期提醒处理人和主管。"
        super().__init__(ctx, complaints_source(ctx.actor), company, hint, parent)
        role = ctx.actor.role
        self.register_button = self.button(
            "登记投诉…",
            "登记客户的投诉或反馈（客户原话）",
            self.register,
            complaints.may_register(ctx.actor),
        )
        self.edit_button = self.button("修改…", "修改登记内容", self.edit)
        self.assign_button = self.button(
            "指派…", "指派或改派处理人", self.assign, role in roles.CAN_ASSIGN_COMPLAINTS
        )
        self.note_button = self.button("处理记录…", "处理人追加处理经过", self.note)
        self.resolve_button = self.button("解决…", "处理人登记处理结果", self.resolve)
        self.close_button = self.button(
            "客户确认并关闭…", "记录客户的确认意见并关闭", self.close_complaint
        )
        self.reopen_button = self.button(
            "重新打开…", "客户仍不满意时重新处理", self.reopen, role in roles.CAN_REOPEN_COMPLAINTS
        )
        self.print_button = self.button("打印处理单…", "《客户投诉处理单》打印预览",
                                        self.print_form)  # fmt: skip
        self.follow_selection()

    def load(self, record_id: int) -> ComplaintDetail:
        return complaints.complaint_detail(self.ctx.read_uow(), record_id)

    def html(self, record) -> str:
        return complaint_html(record)

    def update_buttons(self) -> None:
        d = self.current
        self.edit_button.setEnabled(bool(d and d.can_edit))
        self.assign_button.setEnabled(bool(d and d.can_assign))
        self.note_button.setEnabled(bool(d and d.can_note))
        self.resolve_button.setEnabled(bool(d and d.can_resolve))
        self.close_button.setEnabled(bool(d and d.can_close))
        self.reopen_button.setEnabled(bool(d and d.can_reopen))
        self.print_button.setEnabled(d is not None)

    def register(self, customer_id: int | None = None) -> bool:
        return self.run(ComplaintDialog(self.ctx, None, self, customer_id=customer_id))

    def edit(self) -> bool:
        return self._with(ComplaintDialog)

    def assign(self) -> bool:
        return self._with(AssignDialog)

    def note(self) -> bool:
        return self._with(NoteDialog)

    def resolve(self) -> bool:
        return self._with(ResolveDialog)

    def close_complaint(self) -> bool:
        return self._with(CloseDialog)

    def reopen(self) -> bool:
        return self._with(ReopenDialog)

    def print_form(self) -> QPrintPreviewDialog | None:
        d = self.fresh()
        if d is None:
            return None
        preview = make_complaint_preview(self, d, self.company)
        preview.open()
        return preview


class SamplesTab(_DeskTab):
    entity = "sample_request"
    empty = "请在上方列表中选择一条寄样申请。"

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        hint = "样品和资料一律由销售内勤寄出：销售提交申请，内勤登记寄出日期、快递公司和单号。"
        super().__init__(ctx, samples_source(ctx.actor), company, hint, parent)
        is_admin = ctx.actor.role == samples.DISPATCH_ROLE
        self.file_button = self.button(
            "寄样申请…", "为客户申请寄送样品或资料", self.file_request, samples.may_file(ctx.actor)
        )
        self.edit_button = self.button("修改申请…", "申请人修改未寄出的申请", self.edit)
        self.dispatch_button = self.button(
            "登记寄出…",
            "登记寄出日期、快递公司和单号" if is_admin else "只有销售内勤可以登记寄出。",
            self.dispatch,
        )
        self.cancel_button = self.button("取消申请…", "申请人取消未寄出的申请", self.cancel)
        self.follow_selection()

    def load(self, record_id: int) -> SampleDetail:
        return samples.sample_detail(self.ctx.read_uow(), record_id)

    def html(self, record) -> str:
        return sample_html(record)

    def update_buttons(self) -> None:
        d = self.current
        self.edit_button.setEnabled(bool(d and d.can_edit))
        self.dispatch_button.setEnabled(bool(d and d.can_dispatch))
        self.cancel_button.setEnabled(bool(d and d.can_cancel))

    def file_request(self, customer_id: int | None = None) -> bool:
        return self.run(SampleDialog(self.ctx, None, self, customer_id=customer_id))

    def edit(self) -> bool:
        return self._with(SampleDialog)

    def dispatch(self) -> bool:
        return self._with(DispatchDialog)

    def cancel(self) -> bool:
        return self._with(CancelDialog)


class ServiceDeskPage(QTabWidget):
    """客户服务: the two tabs. `changed` after any saved action."""

    changed = Signal()

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.complaints = ComplaintsTab(ctx, company, self)
        self.samples = SamplesTab(ctx, company, self)
        self.addTab(self.complaints, COMPLAINTS_TITLE)
        self.addTab(self.samples, SAMPLES_TITLE)
        for tab in (self.complaints, self.samples):
            tab.changed.connect(self.changed)

    def reload(self) -> None:
        self.complaints.reload()
        self.samples.reload()

    def show_record_set(self, entity: str, ids, label: str) -> bool:
        """A grouped reminder: the tab's list narrowed to its records."""
        tab = {"complaint": self.complaints, "sample_request": self.samples}.get(entity)
        if tab is None:
            return False
        self.setCurrentWidget(tab)
        tab.list.show_rows(ids, label)
        return True

    def show_record(self, entity: str, record_id: int) -> bool:
        """Drill-through from a reminder: "complaint" or "sample_request"."""
        tab = {"complaint": self.complaints, "sample_request": self.samples}.get(entity)
        if tab is None:
            return False
        self.setCurrentWidget(tab)
        tab.list.reload()
        return tab.select_record(record_id)
