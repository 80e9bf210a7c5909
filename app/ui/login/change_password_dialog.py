"""修改密码: voluntary from the 账户 menu, or forced after a reset or expiry."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services.admin import auth
from app.ui.common.form_dialog import FormDialog
from app.ui.common.style import WARNING_COLOR
from app.ui.context import AppContext


class ChangePasswordDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, forced: bool = False):
        super().__init__(parent, "修改密码", ok_text="修改密码")
        self.ctx = ctx
        if forced:
            self.set_intro(
                f"{ctx.actor.full_name}，您的密码已被管理员重置或已过期。"
                "为了账户安全，必须先修改密码才能继续使用；取消将注销登录。",
                WARNING_COLOR,
            )
            self.cancel_button.setText("注销")
        self.old = self.add_line("old_password", "原密码：", password=True)
        self.new = self.add_line("password", "新密码：", password=True)
        self.confirm = self.add_line("password_confirm", "确认新密码：", password=True)

    def submit(self) -> None:
        auth.change_password(
            self.ctx.write_uow(), self.old.text(), self.new.text(), self.confirm.text()
        )
