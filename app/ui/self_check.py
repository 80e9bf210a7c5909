"""`--self-check`: what a built app must be able to do, end to end, without a display.

In a temporary folder: a new SQLite database with every migration, a first admin and a
sales rep, one customer registered, its card printed to PDF through the A4 painter with
the bundled CJK font, and the customer list exported to Excel and read back. Run by CI on
the PyInstaller build (`dist/crm-desktop/crm-desktop --self-check`), so a missing plugin,
font, migration or hidden import fails the build instead of an office's first start.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from app.models import Role

PASSWORD = "SelfCheck-2026"


def run(say: Callable[[str], None] = print) -> int:
    """0 when every step worked; otherwise 1, having said which step failed and why."""
    with tempfile.TemporaryDirectory(prefix="crm-self-check-") as tmp:
        folder = Path(tmp)
        step = "准备"
        try:
            for step, check in _steps(folder):
                say(f"{step}：{check()}")
        except Exception as exc:  # the point is to report any failure, not to crash
            say(f"自检失败（{step}）：{type(exc).__name__}: {exc}")
            return 1
    say("自检通过。")
    return 0


def _steps(folder: Path):
    from app.services.admin import auth, code_tables, users
    from app.services.admin.users import UserForm
    from app.services.core import clock
    from app.services.core.database import open_database
    from app.services.core.migrations import upgrade
    from app.services.core.uow import UnitOfWork
    from app.services.customers.card import get_customer
    from app.services.customers.forms import CustomerForm
    from app.services.customers.lists import customers_source
    from app.services.customers.registration import register_customer
    from app.services.lists.excel_export import export_list
    from app.services.lists.spec import ListQuery

    state: dict = {}

    def database() -> str:
        state["db"] = db = open_database(f"sqlite:///{folder / 'crm.sqlite3'}")
        upgrade(db.engine)
        return "数据库已建立，迁移已执行"

    def people() -> str:
        db = state["db"]
        admin = auth.setup_first_admin(
            UnitOfWork(db), "自检公司", "admin", "管理员", PASSWORD, PASSWORD
        )
        users.create_user(
            UnitOfWork(db, admin), UserForm("xiaoshou", "销售员", Role.SALES_REP, None),
            PASSWORD, PASSWORD,
        )  # fmt: skip
        clerk = auth.login(UnitOfWork(db), "xiaoshou", PASSWORD)
        auth.change_password(UnitOfWork(db, clerk), PASSWORD, PASSWORD + "!", PASSWORD + "!")
        state["actor"] = auth.login(UnitOfWork(db), "xiaoshou", PASSWORD + "!")
        return "管理员与销售员已建立"

    def customer() -> str:
        db, actor = state["db"], state["actor"]
        source = code_tables.list_items(UnitOfWork(db, actor), "source", include_inactive=False)
        form = CustomerForm(
            name="宁夏红枸杞产业集团有限公司", phone="0951-5000000",
            source_id=source[0].id, first_contact_at=clock.now(),
        )  # fmt: skip
        state["customer"] = register_customer(UnitOfWork(db, actor), form).customer_id
        return "客户已登记"

    def pdf() -> str:
        from app.ui.customers.card_print import card_form
        from app.ui.forms.paper_form import save_pdf

        card = get_customer(UnitOfWork(state["db"], state["actor"]), state["customer"])
        path = folder / "card.pdf"
        pages = save_pdf(str(path), card_form(card, "自检公司"))
        data = path.read_bytes()
        if not data.startswith(b"%PDF") or pages < 1:
            raise RuntimeError("PDF 文件无效")
        return f"客户档案已打印为 PDF（{pages} 页，{len(data):,} 字节）"

    def excel() -> str:
        from openpyxl import load_workbook

        source = customers_source()
        keys = [c.key for c in source.columns if c.visible]
        path = folder / "customers.xlsx"
        reader = UnitOfWork(state["db"], state["actor"], write=False)
        rows = export_list(reader, source, ListQuery(), keys, path)
        sheet = load_workbook(path, read_only=True).worksheets[0]
        names = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
        if rows != 1 or "宁夏红枸杞产业集团有限公司" not in names:
            raise RuntimeError("导出的 Excel 内容不对")
        return "客户列表已导出为 Excel 并读回"

    yield "数据库", database
    yield "用户", people
    yield "登记", customer
    yield "打印", pdf
    yield "导出", excel
    state["db"].dispose()
