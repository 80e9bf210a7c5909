"""转让申请 (二.2): the requests this user is party to (the 市场总监 and the office: all).
The receiving rep answers 同意 / 拒绝…; once both parties asked, the 市场总监 executes
(执行) or rejects (驳回…). The service decides who may do what; the buttons follow."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QWidget

from app.services.core.errors import ServiceError
from app.services.customers import transfers
from app.services.customers.transfer_lists import transfer_requests_source
from app.services.customers.transfers import TransferRow
from app.ui.common.form_dialog import FormDialog
from app.ui.common.messages import show_service_error
from app.ui.contacts.approval_queue import ApprovalQueue
from app.ui.context import AppContext


class TransferNoteDialog(FormDialog):
    """拒绝 (the receiver) or 驳回 (the director), with the reason both parties will read."""

    def __init__(self, ctx: AppContext, row: TransferRow, director: bool, parent=None):
        title = "驳回转让申请" if director else "拒绝转让申请"
        super().__init__(parent, title, ok_text="驳回" if director else "拒绝")
        self.ctx, self.row, self.director = ctx, row, director
        self.set_intro(describe(row))
        self.note = self.add_line("note", ("驳回" if director else "拒绝") + "理由 *：")

    def submit(self) -> None:
        decide = transfers.reject_transfer if self.director else transfers.decline_transfer
        decide(self.ctx.write_uow(), self.row.id, self.note.text())


def describe(r: TransferRow) -> str:
    names = "、".join(r.customers[:10]) + (
        f" 等 {len(r.customers)} 个" if len(r.customers) > 10 else ""
    )
    text = (f"{r.from_name} 申请把客户（{names}）转让给 {r.to_name}。\n原因：{r.reason}\n"
            f"状态：{r.status_label}")  # fmt: skip
    if r.note:
        text += f"\n{r.decider_name} 的意见：{r.note}"
    return text


class TransferRequestsPanel(ApprovalQueue):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        self.detail = QLabel("选中一条申请查看")
        self.detail.setWordWrap(True)
        self.director = transfers.can_execute(ctx.read_uow())
        super().__init__(ctx, transfer_requests_source(), False, self.detail, parent)
        self.approve_button.setText("同意")
        self.reject_button.setText("拒绝…")
        self.execute_button = QPushButton("执行")
        self.refuse_button = QPushButton("驳回…")
        bar = self.layout().itemAt(0).layout()
        for b in (self.execute_button, self.refuse_button):
            bar.insertWidget(bar.count() - 1, b)
            b.setVisible(self.director)
        for b in (self.approve_button, self.reject_button):
            b.setVisible(True)
        self.execute_button.clicked.connect(self.execute)
        self.refuse_button.clicked.connect(lambda: self._note(True))
        self.reload()

    def read(self, request_id: int) -> TransferRow | None:
        try:
            return transfers.transfer_detail(self.ctx.read_uow(), request_id)
        except ServiceError as err:
            show_service_error(self, err, "无法读取转让申请")
            return None

    def show_detail(self, r: TransferRow | None) -> None:
        self.detail.setText("选中一条申请查看" if r is None else describe(r))

    def _selection_changed(self) -> None:
        r = self.selected()
        receiver = r is not None and r.status == "requested" and r.to_user_id == self.ctx.actor.id
        self.approve_button.setEnabled(receiver)
        self.reject_button.setEnabled(receiver)
        for b in (getattr(self, "execute_button", None), getattr(self, "refuse_button", None)):
            if b is not None:
                b.setEnabled(r is not None and r.status == "agreed")
        self.show_detail(r)

    def decide(self, approve: bool):
        """同意 at once; 拒绝 asks for the reason."""
        r = self.selected()
        if r is None:
            return None
        if not approve:
            return self._note(False)
        try:
            transfers.agree_transfer(self.ctx.write_uow(), r.id)
        except ServiceError as err:
            show_service_error(self, err, "同意转让")
        self._decided(r.id)
        return None

    def execute(self) -> None:
        r = self.selected()
        if r is None:
            return
        try:
            moved = transfers.execute_transfer(self.ctx.write_uow(), r.id)
        except ServiceError as err:
            show_service_error(self, err, "执行转让")
        else:
            QMessageBox.information(self, "执行转让", f"已将 {moved} 个客户转给 {r.to_name}。")
        self._decided(r.id)

    def _note(self, director: bool) -> TransferNoteDialog | None:
        r = self.selected()
        if r is None:
            return None
        dialog = TransferNoteDialog(self.ctx, r, director, self)
        dialog.finished.connect(lambda _r: self._decided(r.id))
        dialog.open()
        return dialog

    def _decided(self, request_id: int) -> None:
        self.reload(select_id=request_id)
        self.changed.emit()
