"""定为 D 类 / 撤销 D 类: a person's decision about one customer, with the reason the
document asks for (客户资源(暂行)管理办法 一.2.3: D 类为信誉有重大问题的客户)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services.policy import classification
from app.ui.common.form_dialog import FIELD_WIDTH, FormDialog
from app.ui.context import AppContext
from app.ui.customers.fields import multiline


class ClassDDialog(FormDialog):
    def __init__(
        self,
        ctx: AppContext,
        customer_id: int,
        name: str,
        lift: bool,
        parent: QWidget | None = None,
    ):
        title = "撤销 D 类" if lift else "定为 D 类"
        super().__init__(parent, title, "确定")
        self.ctx, self.customer_id, self.lift = ctx, customer_id, lift
        self.set_intro(
            f"客户：{name}\n"
            + ("撤销后为 C 类，下次重新计算时按成交额分类。" if lift
               else "D 类为信誉有重大问题的客户；重新计算不会改变它。")
        )  # fmt: skip
        self.reason = self.add_field("reason", "理由 *", multiline(70))
        self.reason.setMinimumWidth(FIELD_WIDTH + 80)

    def submit(self) -> None:
        act = classification.clear_class_d if self.lift else classification.set_class_d
        act(self.ctx.write_uow(), self.customer_id, self.reason.toPlainText())
