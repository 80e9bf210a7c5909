"""申请查阅授权: a rep asks the chairman to see a customer they may not open."""

from __future__ import annotations

from datetime import timedelta

from app.services.access import roles
from app.services.core import clock
from app.services.customers import grants
from app.ui.common.date_time_edit import DateTimeEdit
from app.ui.common.form_dialog import FormDialog
from app.ui.context import AppContext
from app.ui.customers.fields import multiline

DEFAULT_DAYS = 7


def can_request(ctx: AppContext) -> bool:
    return ctx.actor.role in roles.CAN_REQUEST_GRANTS


class GrantRequestDialog(FormDialog):
    def __init__(self, ctx: AppContext, customer_id: int, about: str, parent=None):
        super().__init__(parent, "申请查阅授权", "提交申请")
        self.ctx, self.customer_id = ctx, customer_id
        self.set_intro(f"{about}\n申请提交后由董事长审批，批准后可在截止时间前查阅该客户。")
        self.reason = self.add_field("reason", "申请理由", multiline(70))
        end = clock.now() + timedelta(days=DEFAULT_DAYS)
        self.valid_until = DateTimeEdit(end)
        self.add_field("valid_until", "授权截止", self.valid_until)
        self.grant_id: int | None = None

    def submit(self) -> None:
        self.grant_id = grants.request_grant(
            self.ctx.write_uow(),
            self.reason.toPlainText(),
            self.valid_until.value(),
            customer_id=self.customer_id,
        )
