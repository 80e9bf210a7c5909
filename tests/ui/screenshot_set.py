"""The screenshot set of issue 15, at one screen size: the login, the main window with the
待办提醒 window, the registration dialog, the customer card with its 尚未保存 prompt, the
save-conflict prompt, the audit log and a printed customer list (PDF rendered by
pdftoppm). Run in its own process, because the screen size is the Qt platform's:

    QT_QPA_PLATFORM=offscreen:configfile=screen.json python -m tests.ui.screenshot_set OUT

It prints one JSON line per screen: its file and whether every window fitted the screen
with its buttons inside it (test_screenshot_set.py checks them)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QMessageBox,
    QWidget,
)

from app.models import Role
from app.services.admin import auth, code_tables, users
from app.services.admin.users import UserForm
from app.services.core import clock
from app.services.core.database import open_database
from app.services.core.migrations import upgrade
from app.services.core.uow import UnitOfWork
from app.services.customers import followups
from app.services.customers.followups import FollowUpForm
from app.services.customers.forms import ContactForm, CustomerForm
from app.services.customers.registration import register_customer
from app.services.customers.updates import update_customer
from app.ui.common.chinese import install_chinese
from app.ui.common.fonts import install_fonts
from app.ui.context import AppContext
from app.ui.customers.card_dialog import CustomerCardDialog
from app.ui.customers.register_dialog import RegisterDialog
from app.ui.listview.table_printer import save_pdf
from app.ui.login.db_connector import DatabaseConnector
from app.ui.login.login_dialog import LoginDialog
from app.ui.main_window import MainWindow

COMPANY = "华东精密仪器有限公司"
PASSWORD = "Passw0rd-2026"
NAMES = ["宁夏红枸杞产业集团有限公司", "银川塞上江南枸杞酒业有限公司", "中卫沙坡头旅游有限公司",
         "吴忠塞上食品厂", "石嘴山煤业有限公司", "固原六盘山药业有限公司"]  # fmt: skip


def build_office(path: Path):
    """A small office on a fresh SQLite file: an admin, a sales admin, a rep with six
    customers and their follow-ups (some due, so the reminders have something to say)."""
    db = open_database(f"sqlite:///{path}")
    upgrade(db.engine)
    admin = auth.setup_first_admin(UnitOfWork(db, None), COMPANY, "admin", "王建国",
                                   PASSWORD, PASSWORD)  # fmt: skip
    for name, full, role in (
        ("neiqin", "李内勤", Role.SALES_ADMIN),
        ("rep1", "张三", Role.SALES_REP),
    ):
        uid = users.create_user(UnitOfWork(db, admin), UserForm(name, full, role, None),
                                PASSWORD, PASSWORD)  # fmt: skip
        with db.sessions() as s, s.begin():
            from app.models import User

            s.get(User, uid).must_change_password = False
    login = {u: auth.login(UnitOfWork(db, None), u, PASSWORD) for u in ("neiqin", "rep1")}
    with UnitOfWork(db, admin) as uow:
        expo = code_tables.find_item(uow, "source", "04")
    ids = []
    for i, name in enumerate(NAMES):
        form = CustomerForm(name=name, source_id=expo, phone=f"0951-50{i:05d}",
                            first_contact_at=clock.now() - timedelta(hours=2),
                            contacts=[ContactForm(name="刘经理", mobile=f"1390951{i:04d}",
                                                  is_primary=True)])  # fmt: skip
        cid = register_customer(UnitOfWork(db, login["rep1"]), form).customer_id
        followups.add_follow_up(UnitOfWork(db, login["rep1"]), cid, FollowUpForm(
            at=clock.now() - timedelta(minutes=30), content="电话沟通报价",
            next_date=clock.now().date()))  # fmt: skip
        ids.append(cid)
    return db, admin, login, ids


class Shots:
    def __init__(self, out: Path, size: str):
        self.out, self.size = out, size
        screen = QApplication.primaryScreen().availableGeometry()
        self.screen_w, self.screen_h = screen.width(), screen.height()
        self.results: list[dict] = []

    def fits(self, w: QWidget) -> bool:
        """The window is on the screen, and so is every visible button outside its scroll
        areas (inside one, a button is reached by scrolling)."""
        frame = w.frameGeometry()
        if frame.width() > self.screen_w or frame.height() > self.screen_h:
            return False
        for b in w.findChildren(QAbstractButton):
            if b.isVisible() and b.window() is w and not _scrolled(b, w):
                top_left = b.mapTo(w, QPoint(0, 0))
                if top_left.y() + b.height() > w.height() or top_left.x() + b.width() > w.width():
                    return False
        return True

    def save(self, name: str, image: QPixmap, *windows: QWidget) -> None:
        path = self.out / f"{self.size}-{name}.png"
        image.save(str(path))
        self.results.append({"name": name, "file": str(path),
                             "fits": all(self.fits(w) for w in windows),
                             "sizes": [[w.width(), w.height()] for w in windows]})  # fmt: skip


def _scrolled(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def over(back: QWidget, front: QWidget) -> QPixmap:
    """`front` (a prompt) painted centred over `back`, as the user sees them."""
    image = back.grab()
    top = front.grab()
    painter = QPainter(image)
    painter.drawPixmap((image.width() - top.width()) // 2, (image.height() - top.height()) // 3,
                       top)  # fmt: skip
    painter.end()
    return image


def answer_prompt_later(shots: Shots, name: str, back: QWidget, button) -> None:
    """When the modal prompt is up: its picture over `back`, then press `button`."""

    def grab():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, grab)
            return
        QApplication.processEvents()
        shots.save(name, over(back, box), box)
        box.button(button).click()

    QTimer.singleShot(100, grab)


def run(out: Path, size: str) -> list[dict]:
    app = QApplication.instance() or QApplication([])
    install_fonts(app)
    install_chinese(app)
    shots = Shots(out, size)
    tmp = Path(tempfile.mkdtemp())
    db, admin, login, ids = build_office(tmp / "crm.sqlite3")

    connector = DatabaseConnector(db.url)
    connector.connect()
    dialog = LoginDialog(connector)
    dialog.show()
    QApplication.processEvents()
    shots.save("login", dialog.grab(), dialog)
    dialog.close()

    ctx = AppContext(db, login["rep1"])
    window = MainWindow(ctx)
    window.showMaximized()
    window.show_reminders()
    reminders = window.reminder_window
    deadline = time.monotonic() + 20
    while reminders.reading() and time.monotonic() < deadline:  # read in the background
        QApplication.processEvents()
        time.sleep(0.01)
    QApplication.processEvents()
    shots.save("main_window", window.grab(), window)
    shots.save("reminder_window", over(window, reminders), reminders)

    register = RegisterDialog(ctx, window)
    register.resize(1180, 900)  # as tall as a desktop user left it: it must shrink to fit
    register.show()
    for _ in range(3):
        QApplication.processEvents()
    shots.save("registration_dialog", register.grab(), register)
    register.hide()

    card = CustomerCardDialog(ctx, ids[0], COMPANY, window)
    card.show()
    QApplication.processEvents()
    card.form.widgets["remarks"].setPlainText("电话里说下月采购，等报价")
    answer_prompt_later(shots, "card_unsaved_prompt", card, QMessageBox.StandardButton.Cancel)
    card.close()  # 尚未保存 → 返回
    QApplication.processEvents()
    update_customer(UnitOfWork(db, login["neiqin"]), ids[0], card.card.version,
                    {"demand": "内勤改过：灌装线二期"})  # fmt: skip
    answer_prompt_later(shots, "conflict_prompt", card, QMessageBox.StandardButton.No)
    card.save()  # 保存冲突: both sides shown
    QApplication.processEvents()
    card.hide()

    admin_window = MainWindow(AppContext(db, admin))
    admin_window.showMaximized()
    admin_window.reminder_window.hide()
    page = admin_window.settings_page
    admin_window.nav.setCurrentItem(admin_window.settings_item)
    page.setCurrentWidget(page.audit_page)
    page.audit_page.reload()
    QApplication.processEvents()
    shots.save("audit_log", admin_window.grab(), admin_window)

    pdf = tmp / "customers.pdf"
    listing = window.customer_page.list_page.list
    listing.reload()
    save_pdf(str(pdf), listing.print_table())  # what 另存为 PDF writes, without its message
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(out / f"{size}-printed_list")], check=True)  # fmt: skip
    page_png = next(out.glob(f"{size}-printed_list*.png"))
    shots.results.append({"name": "printed_list", "file": str(page_png), "fits": True,
                          "text": subprocess.run(["pdftotext", str(pdf), "-"],
                                                 capture_output=True, text=True).stdout})  # fmt: skip
    for w in (window, admin_window):
        w.close()
    db.dispose()
    return shots.results


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    size = f"{app.primaryScreen().size().width()}x{app.primaryScreen().size().height()}"
    for row in run(out, size):
        print(json.dumps(row, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
