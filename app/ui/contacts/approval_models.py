"""Column definitions for the approvals page's tables (short work queues, in memory)."""

from __future__ import annotations

from app.services.change_requests import ChangeRequestRow, DiffLine
from app.services.grants import GrantRow, GrantViewRow
from app.ui.contacts.approval_dialogs import grant_target
from app.ui.style import ERROR_COLOR, HINT_COLOR, SUCCESS_COLOR
from app.ui.table_model import Column, RowTableModel

STATUS_COLORS = {"pending": ERROR_COLOR, "approved": SUCCESS_COLOR, "rejected": HINT_COLOR}


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


GRANT_COLUMNS = [
    Column("申请时间", lambda g: _when(g.created_at)),
    Column("申请人", lambda g: g.requester_name),
    Column("查阅对象", grant_target),
    Column("理由", lambda g: g.reason),
    Column("状态", lambda g: g.status_label, True, lambda g: STATUS_COLORS.get(g.status)),
    Column("授权截止", lambda g: _when(g.valid_until)),
    Column("审批人", lambda g: g.approver_name),
    Column("审批时间", lambda g: _when(g.decided_at)),
    Column("审批意见", lambda g: g.decision_note),
]

VIEW_COLUMNS = [
    Column("时间", lambda v: _when(v.at)),
    Column("查阅人", lambda v: v.user_name),
    Column("客户", lambda v: v.customer_name),
    Column(
        "操作",
        lambda v: {"view": "查看", "print": "打印", "export": "导出"}.get(v.action, v.action),
    ),
]

CHANGE_COLUMNS = [
    Column("申请时间", lambda r: _when(r.created_at)),
    Column("申请人", lambda r: r.requester_name),
    Column("客户", lambda r: r.customer_name),
    Column("变更字段", lambda r: "、".join(d.label for d in r.diff)),
    Column("状态", lambda r: r.status_label, True, lambda r: STATUS_COLORS.get(r.status)),
    Column("处理人", lambda r: r.decided_by_name),
    Column("处理时间", lambda r: _when(r.decided_at)),
    Column("处理意见", lambda r: r.note),
]

DIFF_COLUMNS = [
    Column("字段", lambda d: d.label),
    Column("原值", lambda d: d.old or "（空）", color=lambda d: HINT_COLOR),
    Column("→", lambda d: "→", True),
    Column("新值", lambda d: d.new or "（空）", color=lambda d: SUCCESS_COLOR),
]


class GrantModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__(GRANT_COLUMNS, parent)

    def grant_at(self, row: int) -> GrantRow | None:
        return self.row_at(row)


class ViewModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__(VIEW_COLUMNS, parent)

    def view_at(self, row: int) -> GrantViewRow | None:
        return self.row_at(row)


class ChangeModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__(CHANGE_COLUMNS, parent)

    def request_at(self, row: int) -> ChangeRequestRow | None:
        return self.row_at(row)


class DiffModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__(DIFF_COLUMNS, parent)

    def line_at(self, row: int) -> DiffLine | None:
        return self.row_at(row)
