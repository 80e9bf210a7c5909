"""首次使用：create the company name and the first administrator."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services.admin import auth
from app.services.core import settings
from app.services.core.database import Database
from app.services.core.uow import Actor, UnitOfWork
from app.ui.common.form_dialog import FormDialog


class SetupDialog(FormDialog):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent, "首次使用 — 初始化系统", ok_text="完成初始化")
        self.db = db
        self.actor: Actor | None = None
        self.set_intro(
            f"欢迎使用客户资源管理系统。这是一个新的数据库（{db.description}），"
            "请填写公司名称并创建第一个系统管理员账户。"
        )
        self.company = self.add_line("company_name", "公司名称：")
        self.username = self.add_line("username", "管理员用户名：")
        self.full_name = self.add_line("full_name", "姓名：")
        self.password = self.add_line("password", "密码：", password=True)
        self.confirm = self.add_line("password_confirm", "确认密码：", password=True)
        min_length = settings.SPECS["security.password_min_length"].default
        self.add_hint(f"密码至少 {min_length} 个字符，包含字母、数字、符号中的至少两类。")

    def submit(self) -> None:
        self.actor = auth.setup_first_admin(
            UnitOfWork(self.db, None),
            self.company.text(),
            self.username.text(),
            self.full_name.text(),
            self.password.text(),
            self.confirm.text(),
        )
