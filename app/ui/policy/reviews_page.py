"""评审 page: the shared list of reviews, the selected review's detail, and the actions
提交陈述… (the owner) and 作出决定… (a manager or the admin)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal

from app.services.access import roles
from app.services.policy.review_lists import (
    ReviewDetail,
    review_detail,
    reviews_source,
)
from app.ui.common.style import HINT_COLOR
from app.ui.context import AppContext
from app.ui.listview.record_pane import RecordPane
from app.ui.policy.review_dialogs import DecisionDialog, StatementDialog

TITLE = "客户评审"
EMPTY = "请在上方列表中选择一条评审。"


def _when(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.strftime(fmt) if value else ""


def detail_html(r: ReviewDetail) -> str:
    rows = [
        ("客户", f"{r.customer_name}（{r.customer_number}）"),
        ("归属销售", r.owner_name or "无"),
        ("开发期限", _when(r.deadline, "%Y-%m-%d")),
        ("进入评审", _when(r.opened_at)),
        ("状态", r.status_label),
        ("陈述", r.statement or "（尚未提交）"),
    ]
    if r.statement_at:
        rows.append(("陈述时间", _when(r.statement_at)))
    if not r.is_open:
        rows += [("结果", r.outcome_label), ("意见", r.comments)]
        if r.outcome == "extend" and r.new_deadline:
            rows.append(("新开发期限", _when(r.new_deadline, "%Y-%m-%d")))
        if r.outcome == "reassign":
            rows.append(("改派给", r.new_owner_name))
        rows.append(("决定人", f"{r.decided_by}　{_when(r.decided_at)}"))
    cells = "".join(
        f"<tr><td style='color:{HINT_COLOR};padding-right:12px' nowrap>{k}</td>"
        f"<td>{escape(v).replace(chr(10), '<br>')}</td></tr>"
        for k, v in rows
    )
    return f"<table cellspacing=3>{cells}</table>"


class ReviewsPage(RecordPane):
    title = TITLE
    empty = EMPTY
    changed = Signal()  # a statement or decision was saved (customers may have moved)

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        hint = "开发期限届满仍未成交的客户进入评审：销售可提交陈述，主管决定延期、改派或回收。"
        super().__init__(ctx, reviews_source(ctx.actor), company, hint, parent)
        self.list.set_filter("status", ("open",))  # 待评审 first; the filter menu shows all
        self.list.open_record.connect(lambda _e, rid: self.select_review(rid))
        self.statement_button = self.add_button(
            "提交陈述…", self.file_statement, "归属销售说明开发期内的情况"
        )
        self.decide_button = self.add_button(
            "作出决定…",
            self.decide,
            "延期、改派或回收公海",
            ctx.actor.role in roles.CAN_DECIDE_REVIEWS,
        )
        self.follow_selection()

    def reload(self) -> None:
        self.list.reload()
        self.show_selected()

    def select_review(self, review_id: int) -> bool:
        """Select a review (from a reminder); a decided one is shown by clearing the filter."""
        return self.select_record(review_id)

    def load(self, record_id: int) -> ReviewDetail:
        return review_detail(self.ctx.read_uow(), record_id)

    def html(self, record: ReviewDetail) -> str:
        return detail_html(record)

    def update_buttons(self) -> None:
        r, me = self.current, self.ctx.actor
        self.statement_button.setEnabled(bool(r and r.is_open and r.owner_id == me.id))
        self.decide_button.setEnabled(bool(r and r.is_open))

    # --- actions ------------------------------------------------------------------

    def file_statement(self) -> bool:
        review = self.fresh()
        if review is None:
            return False
        return self._run(StatementDialog(self.ctx, review, self), review.id)

    def decide(self) -> bool:
        review = self.fresh()
        if review is None:
            return False
        return self._run(DecisionDialog(self.ctx, review, self), review.id)

    def _run(self, dialog, review_id: int) -> bool:
        accepted = dialog.exec() == dialog.DialogCode.Accepted
        if accepted or dialog.stale:
            self.list.reload()
            self.select_review(review_id)
        if accepted:
            self.changed.emit()
        return accepted
