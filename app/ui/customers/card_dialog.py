"""客户档案 card: 基本信息 (edit with optimistic locking), 联系人, 跟进记录, 成交记录,
回访, 归属变更, and 打印.

Attachments come with a later module; its tab is added then.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.core.errors import ConflictError, ServiceError, ValidationError
from app.services.customers.card import CustomerCard, get_customer
from app.services.customers.forms import FIELD_LABELS
from app.services.customers.updates import update_customer
from app.services.service_desk import complaints, samples
from app.ui.common.dialog_fit import FittedDialog
from app.ui.common.style import (
    ERROR_COLOR,
    HINT_COLOR,
    SUCCESS_COLOR,
    WARNING_COLOR,
    message_label,
    set_message,
)
from app.ui.common.unsaved import BACK, SAVE, ask_unsaved, save_shortcut
from app.ui.context import AppContext
from app.ui.customers.attachments_tab import AttachmentsTab
from app.ui.customers.card_print import make_card_preview
from app.ui.customers.contacts_tab import ContactsTab
from app.ui.customers.deals_tab import DealsTab
from app.ui.customers.fields import shown
from app.ui.customers.followups_tab import FollowUpsTab
from app.ui.customers.form_widget import CustomerFormWidget
from app.ui.customers.prospect_steps import ProspectStepsBar
from app.ui.customers.visits_tab import VisitsTab
from app.ui.policy.maintenance_sheet_dialog import MaintenanceSheetDialog
from app.ui.service_desk.complaint_dialogs import ComplaintDialog
from app.ui.service_desk.sample_dialogs import SampleDialog

HISTORY_COLUMNS = ["时间", "类型", "原归属", "新归属", "原因", "操作人"]


def load_card(ctx: AppContext, customer_id: int) -> CustomerCard:
    # A write unit of work: a view under a 查阅授权 is logged by the service.
    return get_customer(ctx.write_uow(), customer_id)


class CustomerCardDialog(FittedDialog):
    changed = Signal(int)  # the customer was saved (the list reloads)

    def __init__(self, ctx: AppContext, customer_id: int, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx, self.customer_id, self.company = ctx, customer_id, company
        self.card = load_card(ctx, customer_id)
        self.resize(1000, 720)
        self.header = QLabel()
        font = self.header.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.header.setFont(font)
        self.facts = message_label(HINT_COLOR, hidden=False)
        self.notice = message_label(WARNING_COLOR)
        self.prospects = ProspectStepsBar(ctx, customer_id)
        self.tabs = QTabWidget()
        self.basic = QWidget()
        self.basic_column = QVBoxLayout(self.basic)
        self.basic_column.setContentsMargins(0, 0, 0, 0)
        self.form: CustomerFormWidget | None = None
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.basic_column.addWidget(self.scroll, 1)
        self.save_error = message_label(ERROR_COLOR)
        self.basic_column.addWidget(self.save_error)
        save_row = QHBoxLayout()
        self.save_button = QPushButton("保存修改")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("撤销修改")
        self.revert_button.clicked.connect(self.reload)
        save_row.addStretch()
        save_row.addWidget(self.revert_button)
        save_row.addWidget(self.save_button)
        self.basic_column.addLayout(save_row)
        self.contacts = ContactsTab(ctx, customer_id, self.card.can_edit)
        self.contacts.changed.connect(lambda: self.changed.emit(self.customer_id))
        self.followups = FollowUpsTab(ctx, customer_id, self.card.can_edit)
        self.followups.changed.connect(self.ledger_changed)
        self.deals = DealsTab(ctx, customer_id, self.card.can_edit)
        self.deals.changed.connect(self.ledger_changed)
        self.visits = VisitsTab(ctx, customer_id, self.card.form.name, self.card.can_edit)
        self.history = QTableWidget(0, len(HISTORY_COLUMNS))
        self.history.setHorizontalHeaderLabels(HISTORY_COLUMNS)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setStretchLastSection(False)
        self.history.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for i, width in enumerate((140, 70, 80, 80, 0, 80)):
            if width:
                self.history.setColumnWidth(i, width)
        self.tabs.addTab(self.basic, "基本信息")
        self.tabs.addTab(self.contacts, "联系人")
        self.tabs.addTab(self.followups, "跟进记录")
        self.tabs.addTab(self.deals, "成交记录")
        self.tabs.addTab(self.visits, "回访")
        self.tabs.addTab(self.history, "归属变更")
        self.attachments = AttachmentsTab(ctx, customer_id, self.card.can_edit)
        self.tabs.addTab(self.attachments, "附件")

        print_button = QPushButton("打印…")
        print_button.clicked.connect(self.print_preview)
        close_button = QPushButton("关闭")
        close_button.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(print_button)
        # Service requests start from the customer in front of the user.
        self.complaint_button = QPushButton("登记投诉…")
        self.complaint_button.setToolTip("登记该客户的投诉或反馈（客户服务）")
        self.complaint_button.clicked.connect(self.register_complaint)
        self.complaint_button.setVisible(complaints.may_register(ctx.actor))
        self.sample_button = QPushButton("寄样申请…")
        self.sample_button.setToolTip("为该客户申请寄送样品或资料（由销售内勤寄出）")
        self.sample_button.clicked.connect(self.request_sample)
        self.sample_button.setVisible(samples.may_file(ctx.actor))
        bottom.addWidget(self.complaint_button)
        bottom.addWidget(self.sample_button)
        # 《客户维护表》 (附表三): the delivered products' after-sales contacts and 抽查.
        self.sheet_button = QPushButton("客户维护表…")
        self.sheet_button.setToolTip("交付后 1 周、1 月、1 季度、1 年的售后回访与市场部经理抽查")
        self.sheet_button.clicked.connect(self.show_maintenance_sheet)
        bottom.addWidget(self.sheet_button)
        bottom.addStretch()
        bottom.addWidget(close_button)

        column = QVBoxLayout(self)
        column.addWidget(self.header)
        column.addWidget(self.facts)
        column.addWidget(self.prospects)
        column.addWidget(self.notice)
        column.addWidget(self.tabs, 1)
        column.addLayout(bottom)
        self._show_card()
        save_shortcut(self, self.save)

    # --- showing ------------------------------------------------------------------

    def reload(self) -> None:
        try:
            self.card = load_card(self.ctx, self.customer_id)
        except ServiceError as err:
            QMessageBox.warning(self, "客户档案", str(err))
            self.close()
            return
        self._show_card()
        self.contacts.reload()
        self.followups.reload()
        self.deals.reload()
        self.visits.reload()
        self.attachments.reload()

    def ledger_changed(self) -> None:
        """A follow-up or deal changed the customer (最近跟进, version): show the new
        facts, keeping unsaved edits of 基本信息 if there are any."""
        self.changed.emit(self.customer_id)
        pending = self.form.changes(self.card.form) if self.form is not None else {}
        try:
            card = load_card(self.ctx, self.customer_id)
        except ServiceError as err:
            QMessageBox.warning(self, "客户档案", str(err))
            return
        self.card = card
        if pending:
            self._show_facts()
        else:
            self._show_card()

    def _show_card(self) -> None:
        card = self.card
        self._show_facts()
        # The combos offer the record's current (maybe inactive) entries: rebuild the form.
        self.form = CustomerFormWidget(self.ctx, card.form)
        self.form.set_read_only(not card.can_edit)
        self.scroll.setWidget(self.form)
        self.save_button.setEnabled(card.can_edit)
        self.revert_button.setEnabled(card.can_edit)
        set_message(self.save_error, "")
        self.history.setRowCount(len(card.ownership))
        for r, h in enumerate(card.ownership):
            values = (shown(h.at), h.kind, h.from_name, h.to_name, h.reason, h.by_name)
            for c, value in enumerate(values):
                self.history.setItem(r, c, QTableWidgetItem(value))

    def _show_facts(self) -> None:
        card = self.card
        self.setWindowTitle(f"客户档案 — {card.form.name}（{card.number}）")
        self.header.setText(f"{card.form.name}    {card.number}")
        owner = "公海" if card.is_in_pool else (card.owner_name or "—")
        facts = [
            f"归属销售：{owner}（自 {shown(card.owner_since)[:10]}）",
            f"登记人：{card.registered_by_name}",
            f"开发成功：{shown(card.developed_on)}"
            if card.developed_on
            else f"开发期限：{shown(card.dev_deadline) or '—'}",
            f"最近跟进：{shown(card.last_follow_up_at)[:16] or '—'}",  # to the minute
            f"最近销售动作：{card.last_sales_action or '—'}",
        ]
        if card.late_registration:
            facts.append("逾期登记")
        self.facts.setText("    ".join(facts))
        self.prospects.load(card.can_edit, card.developed_on is not None)
        notes = []
        if card.via_grant:
            notes.append("您正通过查阅授权查看该客户（本次查看已记录）。")
        if card.pending_change_requests:
            notes.append("该客户有待销售内勤审批的信息变更申请。")
        if not card.can_edit:
            notes.append("您只能查看该客户，不能修改。")
        set_message(self.notice, "\n".join(notes))

    # --- actions ------------------------------------------------------------------

    def save(self) -> bool:
        self.form.errors.clear()
        set_message(self.save_error, "")
        changes = self.form.changes(self.card.form)
        if not changes:
            set_message(self.save_error, "没有需要保存的修改。", HINT_COLOR)
            return False
        try:
            result = update_customer(
                self.ctx.write_uow(), self.customer_id, self.card.version, changes
            )
        except ConflictError:
            self._resolve_conflict(changes)
            return False
        except ServiceError as err:
            self.show_error(err)
            return False
        self.changed.emit(self.customer_id)
        if result.change_request_id is not None:
            held = "、".join(FIELD_LABELS[f] for f in result.pending)
            QMessageBox.information(
                self,
                "已提交审批",
                f"以下关键信息的修改已提交销售内勤审批，批准后生效：{held}。"
                + ("\n其他修改已保存。" if result.applied else ""),
            )
        self.reload()
        if result.change_request_id is None:
            set_message(self.save_error, "已保存。", SUCCESS_COLOR)
        return True

    def _resolve_conflict(self, mine: dict) -> None:
        """Someone saved the customer first: show what they changed beside what this user
        typed, and offer to put the user's edits on the fresh record (to check and save)."""
        before = self.card.form
        self.reload()
        fresh = self.card.form
        theirs = [
            f"  {FIELD_LABELS.get(name, name)}：{shown(getattr(before, name)) or '（空）'} → "
            f"{shown(getattr(fresh, name)) or '（空）'}"
            for name in FIELD_LABELS
            if hasattr(fresh, name) and shown(getattr(before, name)) != shown(getattr(fresh, name))
        ]
        typed = [
            f"  {FIELD_LABELS.get(name, name)}：{shown(value) or '（空）'}"
            for name, value in mine.items()
        ]
        text = (
            "保存失败：您编辑期间，该客户已被其他用户修改。\n\n对方的修改：\n"
            + ("\n".join(theirs) or "  （资料以外的变动，如跟进或归属）")
            + "\n\n您的修改：\n"
            + "\n".join(typed)
            + "\n\n要把您的修改填入最新内容吗？填入后请核对，再点“保存修改”。"
        )
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(self, "保存冲突", text, buttons.Yes | buttons.No, buttons.Yes)
        if answer != buttons.Yes:
            return
        self.form = CustomerFormWidget(self.ctx, replace(fresh, **mine))
        self.scroll.setWidget(self.form)
        set_message(self.save_error, "已填入您的修改，请核对后保存。", HINT_COLOR)

    def reject(self) -> None:
        """关闭 / Esc / the close box with unsaved edits of 基本信息: ask first."""
        if self.form is not None and self.card.can_edit and self.form.changes(self.card.form):
            answer = ask_unsaved(self, "客户资料的修改")
            if answer == BACK or (answer == SAVE and not self.save()):
                return
        super().reject()

    def show_error(self, err: ServiceError) -> None:
        field = err.field if isinstance(err, ValidationError) else None
        if field in self.form.errors.lines:
            self.form.errors.show(err)
            self.scroll.ensureWidgetVisible(self.form.errors.widgets[field])
        else:
            set_message(self.save_error, str(err), ERROR_COLOR)

    def register_complaint(self) -> bool:
        dialog = ComplaintDialog(self.ctx, None, self, customer_id=self.customer_id)
        return self._service_request(dialog, "投诉/反馈已登记，可在“客户服务”中跟踪处理。")

    def request_sample(self) -> bool:
        dialog = SampleDialog(self.ctx, None, self, customer_id=self.customer_id)
        return self._service_request(dialog, "寄样申请已提交，销售内勤寄出后会通知您。")

    def show_maintenance_sheet(self) -> MaintenanceSheetDialog | None:
        """Not modal, beside the card; a refusal is the service's message."""
        dialog = MaintenanceSheetDialog(self.ctx, self.customer_id, self.company, self)
        if not dialog.load():
            dialog.deleteLater()
            return None
        dialog.show()
        return dialog

    def _service_request(self, dialog, done: str) -> bool:
        if dialog.exec() != dialog.DialogCode.Accepted:
            return False
        set_message(self.notice, done, SUCCESS_COLOR)
        return True

    def print_preview(self) -> None:
        make_card_preview(self, self.card, self.company).exec()
