"""审批: 查阅授权, 信息变更审批, 合并申请, 转让申请 and (chairman, admin) 规则修改 on tabs. Each
tab shows what the services return for the logged-in user; the services decide who sees
and who may decide what."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from app.services.access import roles
from app.ui.contacts.change_requests_panel import ChangeRequestsPanel
from app.ui.contacts.grants_panel import GrantsPanel
from app.ui.contacts.merge_proposals_panel import MergeProposalsPanel
from app.ui.contacts.rule_changes_panel import RuleChangesPanel
from app.ui.contacts.transfer_requests_panel import TransferRequestsPanel
from app.ui.context import AppContext


class ApprovalsPage(QTabWidget):
    changed = Signal()  # a decision was made (reminders count pending approvals)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.grants_panel = GrantsPanel(ctx)
        self.changes_panel = ChangeRequestsPanel(ctx)
        self.addTab(self.grants_panel, "查阅授权")
        self.addTab(self.changes_panel, "信息变更审批")
        self.merges_panel = MergeProposalsPanel(ctx)
        self.addTab(self.merges_panel, "合并申请")
        self.transfers_panel = TransferRequestsPanel(ctx)
        self.addTab(self.transfers_panel, "转让申请")
        self.rules_panel = None  # 规则修改: the chairman decides, the admin follows
        if ctx.actor.role in roles.SEES_RULE_CHANGES:
            self.rules_panel = RuleChangesPanel(ctx)
            self.addTab(self.rules_panel, "规则修改")
        for panel in self.panels():
            panel.changed.connect(self.changed)
        self.currentChanged.connect(lambda _i: self.reload())

    def panels(self) -> list:
        return [p for p in (self.grants_panel, self.changes_panel, self.merges_panel,
                            self.transfers_panel, self.rules_panel) if p is not None]  # fmt: skip

    def reload(self) -> None:
        for panel in self.panels():
            panel.reload()

    def showEvent(self, event) -> None:  # noqa: N802
        # Requests arrive from other users at any time: re-read whenever shown.
        super().showEvent(event)
        self.reload()

    def show_target(self, entity: str, record_id: int) -> bool:
        """Drill-through from a reminder: "access_grant", "change_request" or
        "merge_proposal" and its id."""
        panel = {
            "access_grant": self.grants_panel,
            "merge_proposal": self.merges_panel,
            "transfer_request": self.transfers_panel,
            "rule_change": self.rules_panel,
        }.get(entity) or self.changes_panel
        self.setCurrentWidget(panel)
        return panel.select_request(record_id)
