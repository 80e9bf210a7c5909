"""Detail tables of the approvals page: a grant's view log and a request's diff."""

from __future__ import annotations

from app.ui.common.style import HINT_COLOR, SUCCESS_COLOR
from app.ui.common.table_model import Column, RowTableModel


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


VIEW_COLUMNS = [
    Column("时间", lambda v: _when(v.at)),
    Column("查阅人", lambda v: v.user_name),
    Column("客户", lambda v: v.customer_name),
    Column(
        "操作",
        lambda v: {"view": "查看", "print": "打印", "export": "导出", "attachment": "打开附件"}.get(
            v.action, v.action
        ),
    ),
]

DIFF_COLUMNS = [
    Column("字段", lambda d: d.label),
    Column("原值", lambda d: d.old or "（空）", color=lambda d: HINT_COLOR),
    Column("→", lambda d: "→", True),
    Column("新值", lambda d: d.new or "（空）", color=lambda d: SUCCESS_COLOR),
]


class ViewModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__(VIEW_COLUMNS, parent)


class DiffModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__(DIFF_COLUMNS, parent)
