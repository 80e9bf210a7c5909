"""评审 page: the shared list of reviews, the selected review's detail, and the actions
提交陈述… (the owner) and 作出决定… (a manager or the admin)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import ServiceError
from app.services.review_lists import DECIDE_ROLES, ReviewDetail, review_detail, reviews_source
from app.ui.context import AppContext
from app.ui.listview import ListView
from app.ui.listview.uow import read_uow
from app.ui.messages import show_service_error
from app.ui.policy.review_dialogs import DecisionDialog, StatementDialog
from app.ui.style import HINT_COLOR

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


class ReviewsPage(QWidget):
    changed = Signal()  # a statement or decision was saved (customers may have moved)

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.current: ReviewDetail | None = None
        self.list = ListView(ctx, reviews_source(ctx.actor), company)
        self.list.set_filter("status", ("open",))  # 待评审 first; the filter menu shows all
        self.list.open_record.connect(lambda _e, rid: self.select_review(rid))
        self.statement_button = QPushButton("提交陈述…")
        self.statement_button.setToolTip("归属销售说明开发期内的情况")
        self.statement_button.clicked.connect(self.file_statement)
        self.decide_button = QPushButton("作出决定…")
        self.decide_button.setToolTip("延期、改派或回收公海")
        self.decide_button.clicked.connect(self.decide)
        self.decide_button.setVisible(ctx.actor.role in DECIDE_ROLES)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 6, 6, 0)
        hint = QLabel(
            "开发期限届满仍未成交的客户进入评审：销售可提交陈述，主管决定延期、改派或回收。"
        )
        hint.setStyleSheet(f"color:{HINT_COLOR}")
        hint.setWordWrap(True)  # a long hint must not set the window's minimum width
        hint.setMinimumWidth(120)
        bar.addWidget(hint, 1)
        bar.addWidget(self.statement_button)
        bar.addWidget(self.decide_button)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 220])  # the detail shows the whole review
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        column.addWidget(splitter, 1)
        self.list.table.selectionModel().selectionChanged.connect(lambda *_: self._show())
        self.list.model.modelReset.connect(self._show)
        self._show()

    def reload(self) -> None:
        self.list.reload()
        self._show()

    # --- selection and detail -----------------------------------------------------

    def selected_id(self) -> int | None:
        ids = self.list.selected_ids()
        return ids[0] if len(ids) == 1 else None

    def select_review(self, review_id: int) -> bool:
        """Select a review (from a reminder); a decided one is shown by clearing the filter."""
        if not self.list.select_id(review_id):
            self.list.clear_filters()
            if not self.list.select_id(review_id):
                return False
        self._show()
        return True

    def _show(self) -> None:
        rid = self.selected_id()
        self.current = None
        if rid is not None:
            try:
                self.current = review_detail(read_uow(self.ctx), rid)
            except ServiceError as err:
                self.detail.setPlainText(str(err))
        if self.current is None and rid is None:
            self.detail.setHtml(f"<p style='color:{HINT_COLOR}'>{EMPTY}</p>")
        elif self.current is not None:
            self.detail.setHtml(detail_html(self.current))
        r, me = self.current, self.ctx.actor
        self.statement_button.setEnabled(bool(r and r.is_open and r.owner_id == me.id))
        self.decide_button.setEnabled(bool(r and r.is_open))

    # --- actions ------------------------------------------------------------------

    def _fresh(self) -> ReviewDetail | None:
        rid = self.selected_id()
        if rid is None:
            return None
        try:
            return review_detail(read_uow(self.ctx), rid)
        except ServiceError as err:
            show_service_error(self, err, TITLE)
            return None

    def file_statement(self) -> bool:
        review = self._fresh()
        if review is None:
            return False
        return self._run(StatementDialog(self.ctx, review, self), review.id)

    def decide(self) -> bool:
        review = self._fresh()
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
