"""收回公海 and 保护 by hand, on the customers selected in the list (市场部客户资源管理制度
二.3: 市场总监有权收回，改派 — 改派 is the list's 分配给…). Each asks for its reason."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services.core.errors import ServiceError, ValidationError
from app.services.pool import rules as pool
from app.ui.common.form_dialog import FIELD_WIDTH, FormDialog
from app.ui.context import AppContext
from app.ui.customers.fields import multiline


class ReclaimDialog(FormDialog):
    """收回公海: the selected customers go back to the public pool, with the reason."""

    def __init__(self, ctx: AppContext, ids: list[int], parent: QWidget | None = None):
        super().__init__(parent, "收回公海", "收回")
        self.ctx, self.ids, self.reclaimed = ctx, ids, 0
        self.set_intro(f"将所选的 {len(ids)} 个客户收回公海，由销售人员重新领取。")
        self.reason = self.add_field("reason", "收回原因 *", multiline(60))
        self.reason.setMinimumWidth(FIELD_WIDTH + 80)

    def submit(self) -> None:
        self.reclaimed = pool.return_to_pool(
            self.ctx.write_uow(), self.ids, self.reason.toPlainText()
        )
        if not self.reclaimed:
            raise ValidationError("所选客户都已在公海中，或不在您的管理范围内。")


def set_protected(ctx: AppContext, ids: list[int], protected: bool) -> tuple[int, list[str]]:
    """保护 / 取消保护 each selected customer: (how many, the refusals' messages)."""
    done, refused = 0, []
    for cid in ids:
        try:
            pool.set_protected(ctx.write_uow(), cid, protected)
            done += 1
        except ServiceError as err:
            refused.append(str(err))
    return done, refused
