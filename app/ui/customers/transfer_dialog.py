"""申请转让 (二.2): a rep asks to hand the selected customers of their own to another rep.
The receiving rep then agrees in 审批 → 转让申请, and the 市场总监 carries it out."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from app.services.customers import transfers
from app.ui.common.form_dialog import FIELD_WIDTH, FormDialog
from app.ui.context import AppContext
from app.ui.customers.fields import multiline


class TransferRequestDialog(FormDialog):
    def __init__(self, ctx: AppContext, ids: list[int], parent: QWidget | None = None):
        super().__init__(parent, "申请转让", "提交申请")
        self.ctx, self.ids, self.request_id = ctx, ids, None
        self.set_intro(
            f"把所选的 {len(ids)} 个本人名下的客户转让给另一位销售人员。\n"
            "接收方同意后，由市场总监执行（当事人双方申请，市场总监实施调换）。"
        )
        self.receiver = QComboBox()
        self.receiver.addItem("（请选择）", None)
        for uid, name in transfers.transfer_targets(ctx.read_uow()):
            self.receiver.addItem(name, uid)
        self.add_field("to_user_id", "接收方 *", self.receiver)
        self.reason = self.add_field("reason", "转让原因 *", multiline(60))
        self.reason.setMinimumWidth(FIELD_WIDTH + 80)

    def submit(self) -> None:
        self.request_id = transfers.request_transfer(
            self.ctx.write_uow(), self.ids, self.receiver.currentData() or 0,
            self.reason.toPlainText(),
        )  # fmt: skip
