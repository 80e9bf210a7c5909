"""客户列表: the shared ListView over customers_source() with a column per active
自定义字段 (re-read on reload), plus 登记新客户, 导入 and 回收站."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout, QWidget

from app.services.access import roles
from app.services.admin import extra_fields
from app.services.core.errors import ServiceError
from app.services.customers.card import get_customer
from app.services.customers.import_template import can_import
from app.services.customers.lists import customers_source
from app.services.lists import prefs as list_prefs
from app.ui.common.messages import show_service_error
from app.ui.common.style import menu_button
from app.ui.context import AppContext
from app.ui.customers.card_dialog import CustomerCardDialog
from app.ui.customers.card_print import make_card_preview
from app.ui.customers.card_windows import open_card
from app.ui.customers.import_dialog import ImportDialog
from app.ui.customers.merge_dialog import MergeDialog, ProposeMergeDialog
from app.ui.customers.ownership_actions import ReclaimDialog, set_protected
from app.ui.customers.recycle_bin import RecycleBinDialog
from app.ui.customers.register_dialog import RegisterDialog
from app.ui.customers.transfer_dialog import TransferRequestDialog
from app.ui.listview import ListView


def _read_defs(ctx: AppContext) -> list[extra_fields.ExtraFieldRow]:
    try:
        return extra_fields.list_defs(ctx.read_uow(), active_only=True)
    except ServiceError:
        return []


def _signature(defs) -> tuple:
    return tuple((d.key, d.label, d.field_type, d.code_table_key) for d in defs)


class CustomerListView(ListView):
    """The shared ListView over customers_source(defs). reload() first re-reads the
    自定义字段 definitions: a field the admin added (or renamed, or deactivated) since
    the list was built shows up (or goes) without reopening the window."""

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        defs = _read_defs(ctx)
        self._defs_sig = _signature(defs)
        self._ready = False  # ListView.__init__ reloads once before we are built
        super().__init__(ctx, customers_source(defs), company, parent)
        self._ready = True

    def reload(self) -> None:
        if self._ready:
            self.refresh_fields(reload=False)
        super().reload()

    def refresh_fields(self, reload: bool = True) -> bool:
        """Rebuild the columns if the definitions changed; True if they did."""
        defs = _read_defs(self.ctx)
        sig = _signature(defs)
        if sig == self._defs_sig:
            return False
        self._defs_sig = sig
        old = {c.key for c in self.source.columns}
        source = customers_source(defs)
        self.source = self.model.source = source
        known = {c.key for c in source.columns}
        keys = [k for k in self.visible_keys() if k in known]
        keys += [c.key for c in source.columns if c.key not in old and c.visible]
        self._filters = {k: v for k, v in self._filters.items() if k in known}
        self._sort = [(k, d) for k, d in self._sort if k in known] or list(source.default_sort)
        self._set_keys(keys)
        self._rebuild_filter_menu()
        self._rebuild_date_columns()
        if reload:
            super().reload()
        return True

    def _initial_keys(self) -> list[str]:
        """The saved layout, plus any column added since it was saved (a new field)."""
        keys = super()._initial_keys()
        try:
            layout = list_prefs.load_layout(self.ctx.read_uow(), self.source.key) or {}
        except ServiceError:
            layout = {}
        if layout:
            mentioned = set(layout.get("columns", [])) | set(layout.get("hidden", []))
            keys += [c.key for c in self.source.columns if c.visible and c.key not in mentioned]
        return list(dict.fromkeys(keys))

    def _rebuild_filter_menu(self) -> None:
        menu = self.filter_button.menu()
        menu.clear()
        for col in self.source.columns:
            if col.filterable or col.groupable:
                menu.addAction(col.label, lambda c=col: self.edit_filter(c.key))
        menu.addSeparator()
        menu.addAction("清除全部筛选", self.clear_filters)

    def _rebuild_date_columns(self) -> None:
        current = self.date_column.currentData()
        self.date_column.blockSignals(True)
        self.date_column.clear()
        for col in self.source.date_columns:
            self.date_column.addItem(col.label, col.key)
        self.date_column.setCurrentIndex(max(0, self.date_column.findData(current)))
        self.date_column.blockSignals(False)


class CustomerListPage(QWidget):
    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx, self.company = ctx, company
        self.cards: dict[int, CustomerCardDialog] = {}  # open cards, one per customer
        self.list = CustomerListView(ctx, company)
        self.list.open_record.connect(self._open_record)
        self.register_button = QPushButton("登记新客户…")
        self.register_button.clicked.connect(self.register)
        self.register_button.setVisible(ctx.actor.role in roles.CAN_REGISTER_CUSTOMERS)
        self.print_card_button = QPushButton("打印客户档案…")
        self.print_card_button.setToolTip("打印所选客户的《客户档案》卡片")
        self.print_card_button.clicked.connect(self.print_card)
        self.import_button = QPushButton("导入…")
        self.import_button.setToolTip("从 Excel 文件（.xlsx）批量导入客户；可下载模板")
        self.import_button.clicked.connect(self.import_customers)
        self.import_button.setVisible(can_import(ctx.actor.role))
        self.bin_button = QPushButton("回收站…")
        self.bin_button.clicked.connect(self.recycle_bin)
        self.bin_button.setVisible(ctx.actor.role in roles.CAN_DELETE_CUSTOMERS)
        self.reclaim_button = QPushButton("收回公海…")
        self.reclaim_button.setToolTip(
            "把所选客户收回公海（须填写原因）；改派请用“批量操作 → 分配给…”"
        )
        self.reclaim_button.clicked.connect(self.reclaim)
        self.reclaim_button.setVisible(ctx.actor.role in roles.CAN_RETURN_TO_POOL)
        self.protect_button, protect_menu = menu_button("保护")
        self.protect_button.setToolTip("受保护的客户不会因长期无销售动作被自动回收公海")
        protect_menu.addAction("保护所选客户", lambda: self.protect(True))
        protect_menu.addAction("取消保护", lambda: self.protect(False))
        self.protect_button.setFlat(False)
        self.protect_button.setVisible(ctx.actor.role in roles.CAN_PROTECT_CUSTOMERS)
        self.transfer_button = QPushButton("申请转让…")
        self.transfer_button.setToolTip(
            "把所选的本人客户转让给另一位销售：接收方同意后由市场总监执行"
        )
        self.transfer_button.clicked.connect(self.request_transfer)
        self.transfer_button.setVisible(ctx.actor.role in roles.CAN_REQUEST_TRANSFERS)
        may_merge = ctx.actor.role in roles.CAN_MERGE_CUSTOMERS
        self.merge_button = QPushButton("合并客户…" if may_merge else "申请合并…")
        self.merge_button.setToolTip(
            "所选的两个客户是同一家：并排比较后合并为一条，历史记录全部保留"
            if may_merge
            else "所选的两个客户是同一家：提交合并申请，由销售内勤核实后合并"
        )
        self.merge_button.clicked.connect(self.merge_selected)
        self.merge_button.setVisible(may_merge or ctx.actor.role in roles.CAN_PROPOSE_MERGES)
        top = QHBoxLayout()
        top.setContentsMargins(6, 6, 6, 0)
        top.addWidget(self.register_button)
        top.addWidget(self.import_button)
        top.addWidget(self.print_card_button)
        top.addWidget(self.bin_button)
        top.addWidget(self.reclaim_button)
        top.addWidget(self.protect_button)
        top.addWidget(self.merge_button)
        top.addWidget(self.transfer_button)
        top.addStretch()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.list)
        self._set_empty_hint()

    merged = Signal(int)  # two customers became one (the kept id): 客户合并 reloads
    go_to_pool = Signal()  # the empty list's 到公海领取: the main window opens the pool
    customers_changed = Signal()  # customers went to the pool: the pool page reloads

    def _set_empty_hint(self) -> None:
        role = self.ctx.actor.role
        actions = []
        if role in roles.CAN_REGISTER_CUSTOMERS:
            actions.append(("登记新客户…", self.register))
        if can_import(role):
            actions.append(("从 Excel 导入…", self.import_customers))
        if role in roles.CAN_CLAIM_FROM_POOL:
            actions.append(("到公海领取…", self.go_to_pool.emit))
        text = "还没有客户。" if role not in roles.CAN_CLAIM_FROM_POOL else "您名下还没有客户。"
        self.list.set_empty_hint(text + ("从下面开始：" if actions else ""), actions)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.list.refresh_fields()  # a field the admin just added appears at once

    def import_customers(self) -> ImportDialog | None:
        if not can_import(self.ctx.actor.role):
            return None
        dialog = ImportDialog(self.ctx, self)
        dialog.imported.connect(lambda _result: self.list.reload())
        dialog.open()
        return dialog

    def print_card(self) -> QPrintPreviewDialog | None:
        """《客户档案》 of the selected customer: the card's own A4 form, previewed."""
        ids = self.list.selected_ids()
        if not ids:
            QMessageBox.information(self, "打印客户档案", "请先在列表中选择一个客户。")
            return None
        try:
            card = get_customer(self.ctx.write_uow(), ids[0])
        except ServiceError as err:
            show_service_error(self, err, "客户档案")
            return None
        preview = make_card_preview(self, card, self.company)
        preview.open()
        return preview

    def _open_record(self, entity: str, record_id: int) -> None:
        if entity == "customer":
            self.open_customer(record_id)

    def open_customer(self, customer_id: int) -> CustomerCardDialog | None:
        return open_card(self, self.ctx, self.company, self.cards, customer_id, self.list.reload)

    def register(self) -> RegisterDialog:
        dialog = RegisterDialog(self.ctx, self)
        dialog.open_customer.connect(self.open_customer)
        dialog.accepted.connect(lambda: self._registered(dialog))
        dialog.open()
        return dialog

    def _registered(self, dialog: RegisterDialog) -> None:
        result = dialog.result_
        self.list.reload()
        text = f"客户已登记，客户编号：{result.number}。"
        if result.late_registration:
            text += "\n注意：距首次接触已超过规定时限，本次登记将标记为逾期登记。"
        QMessageBox.information(self, "登记成功", text)
        self.open_customer(result.customer_id)

    def reclaim(self) -> ReclaimDialog | None:
        ids = self.list.selected_ids()
        if not ids:
            QMessageBox.information(self, "收回公海", "请先在列表中选择要收回的客户。")
            return None
        dialog = ReclaimDialog(self.ctx, ids, self)
        if dialog.exec() == dialog.DialogCode.Accepted:
            QMessageBox.information(self, "收回公海", f"已将 {dialog.reclaimed} 个客户收回公海。")
            self.list.reload()
            self.customers_changed.emit()
        return dialog

    def protect(self, protected: bool) -> None:
        ids = self.list.selected_ids()
        what = "保护" if protected else "取消保护"
        if not ids:
            QMessageBox.information(self, what, "请先在列表中选择客户。")
            return
        done, refused = set_protected(self.ctx, ids, protected)
        text = f"已{what} {done} 个客户。"
        if refused:
            text += f"\n{len(refused)} 个未能{what}：{refused[0]}"
        QMessageBox.information(self, what, text)
        self.list.reload()

    def merge_selected(self) -> MergeDialog | ProposeMergeDialog | None:
        """合并客户 (or a rep's 申请合并) of the two selected customers; the first stays."""
        ids = self.list.selected_ids()
        title = self.merge_button.text().rstrip("…")
        if len(ids) != 2:
            QMessageBox.information(self, title, "请在列表中选择两个客户（按住 Ctrl 点选）。")
            return None
        if self.ctx.actor.role in roles.CAN_MERGE_CUSTOMERS:
            dialog = MergeDialog(self.ctx, ids[0], ids[1], self)
            dialog.accepted.connect(lambda: self._merged(dialog.kept_id))
        else:
            try:
                cards = [get_customer(self.ctx.write_uow(), cid) for cid in ids]
            except ServiceError as err:
                show_service_error(self, err, title)
                return None
            names = [(c.id, f"{c.number}  {c.form.name}") for c in cards]
            dialog = ProposeMergeDialog(self.ctx, names, self)
            dialog.accepted.connect(lambda: QMessageBox.information(
                self, title, "合并申请已提交，销售内勤核实后会处理。"))  # fmt: skip
        dialog.open()
        return dialog

    def request_transfer(self) -> TransferRequestDialog | None:
        ids = self.list.selected_ids()
        if not ids:
            QMessageBox.information(self, "申请转让", "请先在列表中选择本人名下要转让的客户。")
            return None
        dialog = TransferRequestDialog(self.ctx, ids, self)
        dialog.accepted.connect(lambda: QMessageBox.information(
            self, "申请转让", "转让申请已提交，接收方同意后由市场总监执行。"))  # fmt: skip
        dialog.open()
        return dialog

    def _merged(self, kept_id: int) -> None:
        self.list.reload()
        self.merged.emit(kept_id)

    def recycle_bin(self) -> RecycleBinDialog:
        dialog = RecycleBinDialog(self.ctx, self.company, self)
        dialog.restored.connect(lambda _id: self.list.reload())
        dialog.open()
        return dialog
