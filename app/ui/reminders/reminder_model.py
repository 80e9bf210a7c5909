"""Table model over the reminder list, with an optional filter by kind."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.services.core import clock
from app.services.reminders.engine import Reminder, Severity

COLUMNS = ("紧急程度", "类别", "事项", "到期时间", "说明")
SEVERITY_COLORS = {Severity.URGENT: QColor("#c62828"), Severity.WARNING: QColor("#e65100")}
ALL_KINDS = ""
# What opening a reminder shows (说明 says where the double-click leads).
OPENS = {
    "customer": "客户资料", "complaint": "投诉/反馈单", "sample_request": "寄样申请",
    "visit_plan": "回访计划", "visit_report": "回访报告", "work_plan": "工作计划",
    "daily_note": "日常记事", "review": "客户评审", "access_grant": "查阅授权申请",
    "change_request": "信息变更申请", "merge_proposal": "合并申请", "user": "用户管理",
    "transfer_request": "转让申请", "rule_change": "规则修改",
    "own_password": "修改密码", "class_sheet": "客户等级分类表",
}  # fmt: skip


def explanation(r: Reminder, now=None) -> str:
    """说明: how far the due date is, the provider's own note, and what opens."""
    today = (now or clock.now()).date()
    days = (r.due.date() - today).days
    if days < 0:
        when = f"已逾期 {-days} 天"
    elif days == 0:
        when = "今天到期"
    else:
        when = f"{days} 天后到期"
    parts = [when, r.detail]
    if r.target.ids:
        parts.append("打开：列表（仅这些记录）")
    elif r.target.entity in OPENS:
        parts.append(f"打开：{OPENS[r.target.entity]}")
    return "；".join(p for p in parts if p)


Index = QModelIndex | QPersistentModelIndex


class ReminderTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._all: list[Reminder] = []
        self._rows: list[Reminder] = []
        self._kind = ALL_KINDS

    def set_items(self, items: list[Reminder]) -> None:
        self.beginResetModel()
        self._all = sorted(items, key=lambda r: (r.due, -r.severity))
        self._apply_filter()
        self.endResetModel()

    def set_kind(self, kind: str) -> None:
        self.beginResetModel()
        self._kind = kind
        self._apply_filter()
        self.endResetModel()

    def _apply_filter(self) -> None:
        self._rows = [r for r in self._all if not self._kind or r.kind == self._kind]

    def kinds_present(self) -> dict[str, str]:
        return {r.kind: r.kind_label for r in self._all}

    def total(self) -> int:
        return len(self._all)

    def reminder_at(self, row: int) -> Reminder | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 4:
                return explanation(r)
            return (r.severity.label, r.kind_label, r.title, f"{r.due:%Y-%m-%d %H:%M}")[col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (2, 4):
            return r.title if col == 2 else explanation(r)
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return SEVERITY_COLORS.get(r.severity)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 3):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None
