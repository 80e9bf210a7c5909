"""主窗口: navigation on the left, the chosen module on the right."""

from __future__ import annotations

from time import monotonic

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.models import Role
from app.services.access import roles
from app.services.admin import auth
from app.services.core.errors import ServiceError
from app.services.reminders.engine import Target
from app.ui import help_window, keyboard
from app.ui.admin.settings_page import SettingsPage
from app.ui.common import prefs
from app.ui.common.style import HINT_COLOR, message_label
from app.ui.context import AppContext
from app.ui.customers.customer_page import CustomerPage
from app.ui.forms import letterhead
from app.ui.login.change_password_dialog import ChangePasswordDialog
from app.ui.policy.policy_page import PolicyPage
from app.ui.pool.policy_sweeper import PolicySweeper
from app.ui.pool.pool_page import PoolPage
from app.ui.reminders.reminder_window import ReminderWindow
from app.ui.service_desk.service_desk_page import ServiceDeskPage
from app.ui.visits.visits_page import VisitsPage
from app.ui.work.work_page import WorkPage

SWEEP_AFTER_LOGIN_MS = 20_000  # after the reminders of a login have been read
REMINDERS_MIN_GAP_S = 3  # the count is not read again more often on window activation
REMINDERS_EVERY_MS = 5 * 60_000  # time-based items (due at 14:00) appear without a click

SETTINGS = "系统设置"
CUSTOMERS = "客户档案"
POOL = "公海客户"
POLICY = "客户政策"  # 评审, 客户分类表, 客户维护表
# Reminders about 查阅授权 and 信息变更审批 open the customer page's 审批 tab.
APPROVAL_TARGETS = (
    "change_request",
    "access_grant",
    "merge_proposal",
    "transfer_request",
    "rule_change",
)
# Module pages after 客户政策: nav label, page class (ctx, company), tooltip, and the
# reminder target entities the page opens (its show_record(entity, id) -> bool).
MODULES = [
    (
        "回访管理",
        VisitsPage,
        "回访计划、回访记录、回访报告",
        ("visit_plan", "visit_record", "visit_report"),
    ),
    ("客户服务", ServiceDeskPage, "客户投诉/反馈、寄样申请", ("complaint", "sample_request")),
    ("工作计划", WorkPage, "工作计划、日程、日常记事", ("work_plan", "daily_note")),
]
# 使用说明's section for each module page (F1).
HELP_SECTIONS = {"回访管理": "visits", "客户服务": "service_desk", "工作计划": "work"}
# Modules of the product that are not built yet: listed, greyed out, not selectable.
NOT_YET_OPEN = ("统计报表",)
NOT_OPEN_TIP = "该模块尚未开放"
ADMIN_ONLY_TIP = "仅系统管理员可以使用系统设置"
POOL_ROLES_TIP = "公海客户仅对销售、管理岗位开放"


class MainWindow(QMainWindow):
    logout_requested = Signal()
    closed = Signal()  # closed by the user (not by logout): the application ends

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._logging_out = False
        self.resize(1100, 680)

        self.nav = QListWidget()
        self.nav.setMinimumWidth(150)
        self.nav.setMaximumWidth(220)
        self.nav.setStyleSheet(
            "QListWidget { outline: 0; } QListWidget::item { padding: 7px 12px; }"
        )
        nav_font = self.nav.font()
        nav_font.setPointSize(nav_font.pointSize() + 1)
        self.nav.setFont(nav_font)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._welcome_page())
        self.settings_page: SettingsPage | None = None
        self.customer_page = CustomerPage(ctx, self._company())
        self.stack.addWidget(self.customer_page)
        self.pool_page: PoolPage | None = None
        if ctx.actor.role in roles.SEES_POOL:
            self.pool_page = PoolPage(ctx, self._company())
            self.pool_page.customers_changed.connect(self.customer_page.list_page.list.reload)
            self.customer_page.list_page.customers_changed.connect(self.pool_page.reload)
            self.customer_page.list_page.go_to_pool.connect(
                lambda: self.nav.setCurrentItem(self.pool_item)
            )
            self.stack.addWidget(self.pool_page)
        self.policy_page = PolicyPage(ctx, self._company())
        self.policy_page.customers_changed.connect(self._policy_changed)
        self.stack.addWidget(self.policy_page)
        self._build_nav()
        # The pool and review sweep: shortly after login (never on its critical path: the
        # window and its reminders come first) and hourly while the window is open.
        self.sweeper = PolicySweeper(ctx.db, self)
        self.sweeper.finished.connect(self._after_sweep)
        self.sweeper.progressed.connect(self._sweep_progress)
        QTimer.singleShot(SWEEP_AFTER_LOGIN_MS, self.sweeper, self.sweeper.start)

        splitter = QSplitter()
        splitter.setObjectName("main_splitter")
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([170, 930])
        self.setCentralWidget(splitter)

        self.reminder_window = ReminderWindow(ctx, self)
        self.reminder_window.open_target.connect(self.open_target)
        self._build_menus()
        self._build_status_bar()
        self.reminder_window.count_changed.connect(self._show_reminder_count)
        self.reminder_button.setText("待办提醒：正在读取…")  # read in the background
        self._reminders_read_at = monotonic()
        self.reminder_timer = QTimer(self)
        self.reminder_timer.timeout.connect(self._refresh_reminders)
        self.reminder_timer.start(REMINDERS_EVERY_MS)
        self.refresh_title()
        self.refresh_letterhead()
        self._restore_geometry()
        if self.settings_page is not None:
            self.nav.setCurrentItem(self.settings_item)

    # --- layout -------------------------------------------------------------

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addStretch(1)
        self.welcome_label = QLabel()
        self.welcome_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.welcome_label.font()
        font.setPointSize(font.pointSize() + 6)
        self.welcome_label.setFont(font)
        column.addWidget(self.welcome_label)
        hint = message_label(HINT_COLOR, "您的待办事项请见“帮助 → 待办提醒”。", hidden=False)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(hint)
        column.addStretch(2)
        return page

    def _company(self) -> str:
        try:
            return auth.company_name(self.ctx.write_uow())
        except ServiceError:
            return ""

    def _build_nav(self) -> None:
        self.customers_item = QListWidgetItem(CUSTOMERS)
        self.nav.addItem(self.customers_item)
        self.pool_item = QListWidgetItem(POOL)
        self.nav.addItem(self.pool_item)
        if self.pool_page is None:
            self.pool_item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.pool_item.setToolTip(POOL_ROLES_TIP)
        self.policy_item = QListWidgetItem(POLICY)
        self.policy_item.setToolTip("评审、客户分类表、客户等级分类表、客户维护表")
        self.nav.addItem(self.policy_item)
        company = self._company()
        self.modules: list[tuple[QListWidgetItem, QWidget]] = []
        self.module_for: dict[str, tuple[QListWidgetItem, QWidget]] = {}
        for label, page_class, tip, entities in MODULES:
            page = page_class(self.ctx, company)
            self.stack.addWidget(page)
            item = QListWidgetItem(label)
            item.setToolTip(tip)
            self.nav.addItem(item)
            self.modules.append((item, page))
            self.module_for.update({entity: (item, page) for entity in entities})
            self._connect_module(page)
        for name in NOT_YET_OPEN:
            item = QListWidgetItem(name)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            item.setToolTip(NOT_OPEN_TIP)
            self.nav.addItem(item)
        self.settings_item = QListWidgetItem(SETTINGS)
        self.nav.addItem(self.settings_item)
        if self.ctx.actor.role == Role.ADMIN:
            self.settings_page = SettingsPage(self.ctx)
            self.settings_page.security_page.saved.connect(self.refresh_title)
            self.settings_page.security_page.saved.connect(self.refresh_letterhead)
            self.settings_page.users_page.changed.connect(self._refresh_reminders)
            self.stack.addWidget(self.settings_page)
        else:
            self.settings_item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.settings_item.setToolTip(ADMIN_ONLY_TIP)
        self.nav.currentItemChanged.connect(self._nav_changed)

    def _nav_changed(self, item: QListWidgetItem | None) -> None:
        if item is self.settings_item and self.settings_page is not None:
            self.stack.setCurrentWidget(self.settings_page)
        elif item is self.customers_item:
            self.stack.setCurrentWidget(self.customer_page)
        elif item is self.pool_item and self.pool_page is not None:
            self.stack.setCurrentWidget(self.pool_page)
        elif item is self.policy_item:
            self.stack.setCurrentWidget(self.policy_page)
            self.policy_page.reload()
        elif (page := self._module_page(item)) is not None:
            self.stack.setCurrentWidget(page)
            page.reload()
        else:
            self.stack.setCurrentIndex(0)

    def _build_menus(self) -> None:
        self.shortcut_rows: list[tuple[str, str]] = []  # for 帮助 → 快捷键

        def action(menu, text: str, slot, keys: str | None = None, tip: str = "") -> QAction:
            act = QAction(text, self)
            if keys:
                act.setShortcut(QKeySequence(keys))
                self.shortcut_rows.append((keys, text.rstrip("…").split("(&")[0]))
            act.setToolTip(f"{tip or text}（{keys}）" if keys else tip or text)
            act.triggered.connect(slot)
            menu.addAction(act)
            return act

        file_menu = self.menuBar().addMenu("文件(&F)")
        self.new_customer_action = action(
            file_menu, "新建客户…", self.new_customer, keyboard.NEW_CUSTOMER, "登记新客户"
        )
        file_menu.addSeparator()
        quit_action = QAction("退出(&X)", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view = self.menuBar().addMenu("查看(&V)")
        # Ctrl+F belongs to each list (the one shown answers it): only labelled here.
        find = QAction(f"查找\t{keyboard.FIND}", self)
        find.triggered.connect(self.find_in_list)
        view.addAction(find)
        self.shortcut_rows.append((keyboard.FIND, "查找：光标到当前列表的搜索框"))
        action(view, "刷新", self.reload_list, keyboard.RELOAD, "重新读取当前列表")
        view.addSeparator()
        self.page_actions = []
        for index in range(self.nav.count()):
            item, keys = self.nav.item(index), keyboard.page_key(index)
            act = action(view, f"转到“{item.text()}”", lambda _c=False, it=item: self.go_to(it),
                         keys)  # fmt: skip
            act.setEnabled(bool(item.flags() & Qt.ItemFlag.ItemIsEnabled))
            self.page_actions.append(act)

        lists = self.menuBar().addMenu("列表(&L)")
        action(lists, "打印预览…", self.preview_list, keyboard.PRINT_PREVIEW, "打印当前列表")
        action(lists, "导出 Excel…", self.export_list, keyboard.EXPORT, "当前列表导出为 Excel")

        account = self.menuBar().addMenu("账户(&A)")
        self.change_password_action = QAction("修改密码…", self)
        self.change_password_action.triggered.connect(self.change_password)
        self.logout_action = QAction("注销", self)
        self.logout_action.triggered.connect(self.logout)
        account.addAction(self.change_password_action)
        account.addAction(self.logout_action)

        help_menu = self.menuBar().addMenu("帮助(&H)")
        self.reminders_action = QAction("待办提醒…", self)
        self.reminders_action.triggered.connect(self.show_reminders)
        help_menu.addAction(self.reminders_action)
        action(help_menu, "使用说明", self.show_help, keyboard.HELP, "本页面和本角色的使用说明")
        shortcuts = QAction("快捷键…", self)
        shortcuts.triggered.connect(self.show_shortcuts)
        help_menu.addAction(shortcuts)
        about = QAction("关于", self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    # --- keyboard -------------------------------------------------------------

    def go_to(self, item: QListWidgetItem) -> None:
        if item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.nav.setCurrentItem(item)

    def new_customer(self):
        self.nav.setCurrentItem(self.customers_item)
        self.customer_page.setCurrentWidget(self.customer_page.list_page)
        return self.customer_page.list_page.register()

    def _current_list(self):
        return keyboard.current_list(self.stack.currentWidget())

    def find_in_list(self) -> None:
        if (view := self._current_list()) is not None:
            view.search.setFocus()
            view.search.selectAll()

    def reload_list(self) -> None:
        if (view := self._current_list()) is not None:
            view.reload()

    def preview_list(self) -> None:
        if (view := self._current_list()) is not None:
            view.print_preview()

    def export_list(self) -> None:
        if (view := self._current_list()) is not None:
            view.export_excel()

    def help_section(self) -> str:
        """The section of 使用说明 for the page shown (the role's own on the welcome page)."""
        item = self.nav.currentItem()
        sections = {
            id(self.customers_item): "customers", id(self.pool_item): "pool",
            id(self.policy_item): "policy", id(self.settings_item): "settings",
        }  # fmt: skip
        sections.update({id(it): HELP_SECTIONS.get(it.text(), "") for it, _page in self.modules})
        found = sections.get(id(item)) if item is not None else None
        return found or help_window.ROLE_SECTIONS.get(self.ctx.actor.role, "")

    def show_help(self) -> help_window.HelpWindow:
        if getattr(self, "help_window", None) is None:
            self.help_window = help_window.HelpWindow(self)
        self.help_window.show_section(self.help_section())
        return self.help_window

    def show_shortcuts(self) -> keyboard.ShortcutsDialog:
        dialog = keyboard.ShortcutsDialog(self.shortcut_rows, self)
        dialog.show()
        return dialog

    def _build_status_bar(self) -> None:
        actor = self.ctx.actor
        self.user_label = QLabel(
            f"用户：{actor.full_name}（{actor.role_label}）  数据库：{self.ctx.db.description}"
        )
        # A long database path must not set the window's minimum width.
        self.user_label.setMinimumWidth(100)
        self.user_label.setToolTip(self.user_label.text())
        self.statusBar().addWidget(self.user_label, 1)
        self.reminder_button = QPushButton()
        self.reminder_button.setFlat(True)
        self.reminder_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.reminder_button.clicked.connect(self.show_reminders)
        self.statusBar().addPermanentWidget(self.reminder_button)

    def _show_reminder_count(self, count: int) -> None:
        self.reminder_button.setText(f"待办提醒：{count} 项" if count else "暂无待办")

    def refresh_title(self) -> None:
        company = self._company()
        # Qt adds the application's display name (客户资源管理系统) to the title.
        self.setWindowTitle(company or APP_NAME)
        self.welcome_label.setText(f"{company or APP_NAME}\n欢迎您，{self.ctx.actor.full_name}")

    # --- actions ------------------------------------------------------------

    def show_reminders(self) -> None:
        # Right after login the window has just read them: not a second time.
        if monotonic() - self._reminders_read_at > REMINDERS_MIN_GAP_S:
            self._refresh_reminders()
        self.reminder_window.show()
        self.reminder_window.raise_()
        self.reminder_window.activateWindow()

    def _sweep_progress(self, done: int, total: int) -> None:
        self.statusBar().showMessage(f"正在回收超期无销售动作的客户：{done:,} / {total:,}", 5_000)

    def _after_sweep(self, message: str) -> None:
        if not message:
            return
        self.statusBar().showMessage(message, 15_000)
        self.customer_page.list_page.list.reload()
        if self.pool_page is not None:
            self.pool_page.reload()
        self.policy_page.reload()
        self._refresh_reminders()

    def refresh_letterhead(self) -> None:
        """Printed forms carry the company's address, phone and logo from 系统设置."""
        try:
            letterhead.refresh(self.ctx.read_uow())
        except ServiceError:
            pass  # the forms print without them; the next login reads them again

    def _module_page(self, item: QListWidgetItem | None) -> QWidget | None:
        # QListWidgetItem is not hashable: find the page by identity.
        return next((page for it, page in self.modules if it is item), None)

    def _connect_module(self, page: QWidget) -> None:
        """A module's records feed the reminders; a visit record also logs a follow-up."""
        if hasattr(page, "customers_changed"):
            page.customers_changed.connect(self._policy_changed)
        if hasattr(page, "changed"):
            page.changed.connect(self._refresh_reminders)
        if hasattr(page, "open_target"):
            page.open_target.connect(self.open_target)

    def _policy_changed(self) -> None:
        self.customer_page.list_page.list.reload()
        if self.pool_page is not None:
            self.pool_page.reload()
        self._refresh_reminders()

    def _refresh_reminders(self) -> None:
        # reminder_window is created after the pages; signals only fire later.
        self.reminder_window.refresh()
        self._reminders_read_at = monotonic()

    def event(self, event) -> bool:
        # Back from a dialog (a saved follow-up, a handled complaint, a card closed):
        # the status bar's count is read again, at most every few seconds.
        if (
            event.type() == QEvent.Type.WindowActivate
            and hasattr(self, "reminder_timer")  # set up
            and monotonic() - self._reminders_read_at > REMINDERS_MIN_GAP_S
        ):
            self._refresh_reminders()
        return super().event(event)

    def change_password(self) -> bool:
        return (
            ChangePasswordDialog(self.ctx, self).exec() == ChangePasswordDialog.DialogCode.Accepted
        )

    def open_target(self, target: Target) -> None:
        """Drill through from a reminder to the record it is about."""
        if target.entity == "own_password":
            if self.change_password():
                self.reminder_window.refresh()
        elif target.ids and target.entity == "customer":
            self.nav.setCurrentItem(self.customers_item)
            self.customer_page.show_customers(target.ids, f"待办提醒：{target.label}")
            self.raise_()
            self.activateWindow()
        elif target.ids and target.entity in self.module_for:
            item, page = self.module_for[target.entity]
            self.nav.setCurrentItem(item)
            page.show_record_set(target.entity, target.ids, f"待办提醒：{target.label}")
            self.raise_()
            self.activateWindow()
        elif target.entity == "user" and self.settings_page is not None:
            self.nav.setCurrentItem(self.settings_item)
            if not self.settings_page.show_user(target.record_id):
                QMessageBox.information(self, "待办提醒", "该用户已不存在。")
            self.raise_()
            self.activateWindow()
        elif target.entity == "customer":
            self.nav.setCurrentItem(self.customers_item)
            self.customer_page.open_customer(target.record_id)
        elif target.entity == "review":
            self.nav.setCurrentItem(self.policy_item)
            if not self.policy_page.show_review(target.record_id):
                QMessageBox.information(self, "待办提醒", "该评审已不存在，或您无权查看。")
            self.raise_()
            self.activateWindow()
        elif target.entity == "class_sheet":
            self.nav.setCurrentItem(self.policy_item)
            if not self.policy_page.show_class_sheet(target.record_id):
                QMessageBox.information(self, "待办提醒", "该分类表已不存在。")
            self.raise_()
            self.activateWindow()
        elif target.entity in self.module_for:
            item, page = self.module_for[target.entity]
            self.nav.setCurrentItem(item)
            if not page.show_record(target.entity, target.record_id):
                QMessageBox.information(self, "待办提醒", "该记录已不存在，或您无权查看。")
            self.raise_()
            self.activateWindow()
        elif target.entity in APPROVAL_TARGETS and self.customer_page.approvals is not None:
            self.nav.setCurrentItem(self.customers_item)
            self.customer_page.show_tab(self.customer_page.approvals)
            self.customer_page.approvals.show_target(target.entity, target.record_id)
            self.raise_()
            self.activateWindow()
        else:
            QMessageBox.information(self, "待办提醒", "无法打开这条提醒对应的记录。")

    def about(self) -> None:
        QMessageBox.about(
            self,
            f"关于{APP_NAME}",
            f"{APP_NAME}\n版本 {__version__}\n\n数据库：{self.ctx.db.description}",
        )

    def logout(self) -> None:
        self._logging_out = True
        if not self.close():  # an unsaved edit the user went back to
            self._logging_out = False
            return
        self.logout_requested.emit()

    def _may_leave(self) -> bool:
        """Before logout or exit: a module holding unsaved text (日常记事) asks first."""
        return all(page.may_leave() for _item, page in self.modules if hasattr(page, "may_leave"))

    # --- persistence --------------------------------------------------------

    def _restore_geometry(self) -> None:
        stored = prefs.ui_settings()
        geometry = stored.value(prefs.MAIN_GEOMETRY)
        state = stored.value(prefs.MAIN_STATE)
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event) -> None:
        if not self._may_leave():
            event.ignore()
            return
        self.sweeper.stop()
        stored = prefs.ui_settings()
        stored.setValue(prefs.MAIN_GEOMETRY, self.saveGeometry())
        stored.setValue(prefs.MAIN_STATE, self.saveState())
        self.reminder_window.close()
        super().closeEvent(event)
        if not self._logging_out:
            self.closed.emit()
