"""首次使用：create the company name and the first administrator."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QWidget

from app.services import demo
from app.services.admin import auth
from app.services.core import settings
from app.services.core.database import Database
from app.services.core.uow import Actor, UnitOfWork
from app.ui.common.form_dialog import FormDialog
from app.ui.common.tasks import ProgressTask


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
        # Or a demo office to try the app on, instead of an empty start.
        self.demo_button = self.buttons.addButton(
            "使用演示数据…", QDialogButtonBox.ButtonRole.ResetRole
        )
        self.demo_button.setAutoDefault(False)
        self.demo_button.setToolTip("建立一个有两个销售团队、数百位客户和半年业务记录的演示公司")
        self.demo_button.clicked.connect(self.use_demo)

    def use_demo(self) -> ProgressTask | None:
        answer = QMessageBox.question(
            self, "使用演示数据",
            f"将在这个数据库中建立演示公司“{demo.COMPANY}”及其账户和业务数据"
            f"（约需半分钟），所有账户的密码均为 {demo.PASSWORD}。\n"
            "演示数据库只用于试用；正式使用请另建一个空数据库。是否继续？",
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return None
        db = self.db

        def job(progress, _cancelled):
            from app.services.demo import builder

            builder.build(db, progress=progress)
            return auth.login(UnitOfWork(db, None), "neiqin", demo.PASSWORD)

        task = ProgressTask(self, "正在建立演示数据…", job)
        task.finished.connect(self._demo_ready)
        task.error.connect(lambda message: QMessageBox.warning(self, "使用演示数据", message))
        task.start()
        return task

    def _demo_ready(self, actor: Actor) -> None:
        self.actor = actor
        self.done(QDialog.DialogCode.Accepted)

    def submit(self) -> None:
        self.actor = auth.setup_first_admin(
            UnitOfWork(self.db, None),
            self.company.text(),
            self.username.text(),
            self.full_name.text(),
            self.password.text(),
            self.confirm.text(),
        )
