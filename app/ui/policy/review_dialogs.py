"""The two actions of a 评审: the owner's 陈述 and the manager's decision.

Each dialog only collects input; app.services.policy.reviews checks who may act, refuses a
second decision and names the field a message belongs to, shown under that field.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QHBoxLayout,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from app.services.core import clock
from app.services.core.errors import ServiceError
from app.services.policy import reviews
from app.services.policy.review_lists import ReviewDetail, reassign_choices
from app.ui.common.form_dialog import FIELD_WIDTH, FormDialog
from app.ui.common.pinyin_combo import PinyinCombo
from app.ui.context import AppContext

EXTEND_MONTHS_DAYS = 90  # the default new deadline offered for 延期


def _text_box(text: str = "", height: int = 90) -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setMinimumWidth(FIELD_WIDTH + 80)
    box.setFixedHeight(height)
    return box


def _intro(review: ReviewDetail) -> str:
    return (
        f"客户：{review.customer_name}（{review.customer_number}）\n"
        f"归属销售：{review.owner_name or '无'}    开发期限：{review.deadline:%Y-%m-%d}"
    )


class StatementDialog(FormDialog):
    """陈述: what happened during development (only the owner may file it)."""

    def __init__(self, ctx: AppContext, review: ReviewDetail, parent: QWidget | None = None):
        super().__init__(parent, "提交陈述", ok_text="提交")
        self.ctx, self.review = ctx, review
        self.set_intro(_intro(review))
        self.statement = self.add_field("statement", "陈述：", _text_box(review.statement, 140))
        self.add_hint("说明开发期内的工作和客户情况，供主管作出评审决定。")

    def submit(self) -> None:
        reviews.file_statement(
            self.ctx.write_uow(), self.review.id, self.review.version, self.statement.toPlainText()
        )


class DecisionDialog(FormDialog):
    """延期 (new deadline), 改派 (another rep) or 回收 (back to the pool), with comments."""

    def __init__(self, ctx: AppContext, review: ReviewDetail, parent: QWidget | None = None):
        super().__init__(parent, "作出评审决定", ok_text="确定决定")
        self.ctx, self.review = ctx, review
        intro = _intro(review)
        if review.statement:
            intro += f"\n销售陈述：{review.statement}"
        self.set_intro(intro)
        row = QWidget()
        radios = QHBoxLayout(row)
        radios.setContentsMargins(0, 0, 0, 0)
        self.outcome_group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        for key, label in reviews.OUTCOMES.items():
            radio = QRadioButton(label)
            self.radios[key] = radio
            self.outcome_group.addButton(radio)
            radios.addWidget(radio)
            radio.toggled.connect(lambda _on: self._outcome_changed())
        radios.addStretch(1)
        self.add_field("outcome", "评审结果：", row)
        self.new_deadline = QDateEdit()
        self.new_deadline.setCalendarPopup(True)
        self.new_deadline.setDisplayFormat("yyyy-MM-dd")
        today = clock.now().date()
        self.new_deadline.setDate(QDate(today + timedelta(days=EXTEND_MONTHS_DAYS)))
        self.new_deadline.setMinimumDate(QDate(today))
        self.add_field("new_deadline", "新开发期限：", self.new_deadline)
        self.new_owner = PinyinCombo(placeholder="输入姓名或拼音首字母")
        self.new_owner.setMinimumWidth(FIELD_WIDTH)
        try:
            choices = reassign_choices(ctx.read_uow(), review)
        except ServiceError as err:
            choices = []
            self.errors.show(err)
        self.new_owner.set_items(choices)
        self.add_field("new_owner_id", "改派给：", self.new_owner)
        self.comments = self.add_field("comments", "评审意见：", _text_box())
        self.hint = self.add_hint("")
        self._outcome_changed()

    def outcome(self) -> str:
        return next((k for k, r in self.radios.items() if r.isChecked()), "")

    def _outcome_changed(self) -> None:
        outcome = self.outcome()
        self.new_deadline.setEnabled(outcome in ("extend", "reassign"))
        self.new_owner.setEnabled(outcome == "reassign")
        self.hint.setText(
            {
                "extend": "延期：客户仍归原销售，开发期限改为新日期。",
                "reassign": "改派：客户转给所选销售；新开发期限对新销售有效。",
                "pool": "回收：客户退回公海，任何销售都可以领取。",
            }.get(outcome, "请选择评审结果。")
        )

    def deadline(self) -> date:
        return self.new_deadline.date().toPython()

    def submit(self) -> None:
        outcome = self.outcome()
        reviews.decide(
            self.ctx.write_uow(),
            self.review.id,
            self.review.version,
            outcome,
            self.comments.toPlainText(),
            new_deadline=self.deadline() if outcome in ("extend", "reassign") else None,
            new_owner_id=self.new_owner.current_id() if outcome == "reassign" else None,
        )
