"""合并客户: the two records side by side. The user picks the record that stays (交换
swaps them) and, for each field whose values differ, which value to keep; the owner row
appears when two reps own them (a manager or the admin decides). What the other record
has — contacts, follow-ups, deals … — moves to the kept one; the service does it all in
one transaction, or refuses with a Chinese message and changes nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QWidget,
)

from app.services.core.errors import ServiceError
from app.services.customers import merge_proposals, merging
from app.services.customers.merging import KEPT, OWNER, REMOVED, MergePreview
from app.ui.common.form_dialog import FormDialog
from app.ui.common.style import HINT_COLOR
from app.ui.context import AppContext

VALUE_WIDTH = 260


def _elided(text: str, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class MergeDialog(FormDialog):
    """merged_id is set once the merge is done (the kept record's id is kept_id)."""

    def __init__(
        self,
        ctx: AppContext,
        kept_id: int,
        removed_id: int,
        parent: QWidget | None = None,
        proposal_id: int | None = None,
    ):
        super().__init__(parent, "合并客户", "合并")
        self.ctx, self.proposal_id = ctx, proposal_id
        self.kept_id, self.removed_id = kept_id, removed_id
        self.merged_id: int | None = None
        self.preview: MergePreview | None = None
        self.groups: dict[str, QButtonGroup] = {}
        self.swap_button = QPushButton("交换保留与并入")
        self.swap_button.setToolTip("改为保留另一条记录，把这一条并入它")
        self.swap_button.clicked.connect(self.swap)
        self.layout_.insertWidget(1, self.swap_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.grid_box = QWidget()
        self.grid = QGridLayout(self.grid_box)
        self.grid.setHorizontalSpacing(14)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_box)
        scroll.setMinimumSize(2 * VALUE_WIDTH + 150, 320)
        self.layout_.insertWidget(2, scroll, 1)
        self.moves_label = QLabel()
        self.moves_label.setWordWrap(True)
        self.moves_label.setStyleSheet(f"color: {HINT_COLOR};")
        self.layout_.insertWidget(3, self.moves_label)
        self.load()

    # --- reading ------------------------------------------------------------------

    def load(self) -> bool:
        try:
            self.preview = merging.merge_preview(self.ctx.read_uow(), self.kept_id, self.removed_id)
        except ServiceError as err:
            self.preview = None
            self.errors.show(err)
            self.ok_button.setEnabled(False)
            self.swap_button.setEnabled(False)
            return False
        self._fill(self.preview)
        return True

    def swap(self) -> None:
        self.kept_id, self.removed_id = self.removed_id, self.kept_id
        self.errors.clear()
        self.load()

    def _fill(self, p: MergePreview) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.groups.clear()
        self.set_intro(
            f"保留 {p.kept.number}，把 {p.removed.number} 并入其中：并入的记录移入回收站并指向"
            "保留的记录，它的联系人、跟进、成交、回访、投诉、寄样、附件和授权全部转到保留的"
            "记录。请为每个不同的字段选择要保留的值。合并后 30 天内，系统管理员可以撤销。"
        )
        head = [("字段", None), ("保留", p.kept), ("并入", p.removed)]
        for col, (text, side) in enumerate(head):
            if side is not None:
                text = (f"{text}：{side.number}<br><span style='font-weight:normal'>"
                        f"登记 {side.registered_on:%Y-%m-%d}，归属 {side.owner_name or '公海'}"
                        "</span>")  # fmt: skip
            self.grid.addWidget(QLabel(f"<b>{text}</b>"), 0, col)
        row = 1
        if p.owners_differ:
            self._choice_row(row, OWNER, "归属销售 *", p.kept.owner_name, p.removed.owner_name,
                             None)  # fmt: skip
            if not p.may_decide_owner:
                for button in self.groups[OWNER].buttons():
                    button.setEnabled(False)
                self.set_intro(
                    "两位客户归属不同的销售人员，须由销售主管或系统管理员合并并决定归属。",
                    "#b00020",
                )
                self.ok_button.setEnabled(False)
            row += 1
        for f in p.fields:
            self._choice_row(row, f.name, f.label, f.kept_text, f.removed_text, f.default)
            row += 1
        if not p.fields:
            self.grid.addWidget(QLabel("两条记录的各项资料相同。"), row, 0, 1, 3)
            row += 1
        self.grid.setRowStretch(row, 1)
        moves = "、".join(f"{what} {n} 条" for what, n in p.moves) or "无"
        self.moves_label.setText(f"将从 {p.removed.number} 转到 {p.kept.number}：{moves}")

    def _choice_row(self, row: int, name: str, label: str, kept: str, removed: str, default):
        self.grid.addWidget(QLabel(label), row, 0)
        group = QButtonGroup(self)
        for col, (text, side) in enumerate(((kept, KEPT), (removed, REMOVED)), start=1):
            button = QRadioButton(_elided(text) or "（空）")
            button.setToolTip(text)
            button.setMinimumWidth(VALUE_WIDTH)
            button.setProperty("side", side)
            button.setChecked(side == default)
            group.addButton(button)
            self.grid.addWidget(button, row, col)
        self.groups[name] = group

    # --- the merge ------------------------------------------------------------------

    def choices(self) -> dict[str, str]:
        out = {}
        for name, group in self.groups.items():
            checked = group.checkedButton()
            if checked is not None:
                out[name] = checked.property("side")
        return out

    def submit(self) -> None:
        p = self.preview
        if p is None:
            return
        self.merged_id = merging.merge(
            self.ctx.write_uow(), p.kept.id, p.removed.id, self.choices(),
            (p.kept.version, p.removed.version), self.proposal_id,
        )  # fmt: skip


class ProposeMergeDialog(FormDialog):
    """申请合并: a rep proposes merging two of the customers they see; the sales admin
    decides (审批 → 合并申请). `names` are (id, "number name") of the two."""

    def __init__(self, ctx: AppContext, names: list[tuple[int, str]], parent=None):
        super().__init__(parent, "申请合并客户", "提交申请")
        self.ctx, self.names = ctx, names
        self.proposal_id: int | None = None
        self.set_intro("这两条记录是同一个客户吗？选择要保留的一条，写明理由；销售内勤核实后合并。")
        self.keep = QButtonGroup(self)
        box = QWidget()
        column = QGridLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        for row, (cid, text) in enumerate(names):
            button = QRadioButton(text)
            button.setProperty("customer_id", cid)
            button.setChecked(row == 0)
            self.keep.addButton(button)
            column.addWidget(button, row, 0)
        self.add_field("kept_id", "保留 *：", box)
        self.reason = self.add_line("reason", "理由 *：")

    def submit(self) -> None:
        kept = self.keep.checkedButton().property("customer_id")
        removed = next(cid for cid, _ in self.names if cid != kept)
        self.proposal_id = merge_proposals.propose_merge(
            self.ctx.write_uow(), kept, removed, self.reason.text()
        )
