"""系统设置 → 公司与规则: company name and every rule number, grouped by subject."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.admin.rule_lists import rule_changes_source
from app.services.core import clock, numbering, settings
from app.services.core.errors import ServiceError
from app.ui.admin.logo_picker import LogoPicker
from app.ui.common.field_errors import FieldErrors
from app.ui.common.style import (
    ERROR_COLOR,
    HINT_COLOR,
    SUCCESS_COLOR,
    message_label,
    set_message,
)
from app.ui.context import AppContext
from app.ui.forms import letterhead
from app.ui.forms.paper_form import Field, FieldGrid, PaperForm, make_preview
from app.ui.listview import ListView

# Settings grouped by the prefix of their key; a key with an unknown prefix goes last.
SECTIONS = [
    ("company", "公司"),
    ("security", "登录与密码"),
    ("customers", "客户档案"),
    ("pool", "公海"),
    ("class", "客户分类"),
    ("maint", "客户维护：拜访人员与每月次数"),
    ("visits", "客户回访"),
    ("complaints", "客户投诉"),
    ("samples", "寄样申请"),
    ("work", "工作计划"),
    ("numbers", "单据编号格式"),
]


def _section(key: str) -> str:
    prefix = key.split(".", 1)[0] if "." in key else "company"
    return prefix if prefix in dict(SECTIONS) else "other"


def _value(editor: QWidget):
    if isinstance(editor, QCheckBox):
        return int(editor.isChecked())
    return editor.value() if isinstance(editor, QSpinBox) else editor.text()


NUMBER_PATTERN = "customers.number_pattern"


class SecurityPage(QWidget):
    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        self.error_label = message_label(ERROR_COLOR)
        forms: dict[str, QFormLayout] = {}
        for prefix, title in [*SECTIONS, ("other", "其他")]:
            if not any(_section(k) == prefix for k in settings.SPECS):
                continue
            box = QGroupBox(title)
            forms[prefix] = QFormLayout(box)
            forms[prefix].setVerticalSpacing(8)
            layout.addWidget(box)
        self.errors = FieldErrors(forms["company"], self.error_label)
        self.editors: dict[str, QWidget] = {}
        self.number_examples: dict[str, QLabel] = {}
        for key, spec in settings.SPECS.items():
            if spec.is_switch:
                editor = QCheckBox()
            elif isinstance(spec.default, int):
                editor = QSpinBox()
                editor.setRange(spec.minimum or 0, spec.maximum or 1_000_000)
                editor.setGroupSeparatorShown(True)  # 1,000,000 元, not 1000000
                editor.setMinimumWidth(100)
                editor.setMaximumWidth(160)
            elif key == "company_logo":
                editor = LogoPicker()
            else:
                editor = QLineEdit()
                editor.setMinimumWidth(240)
                editor.setMaximumWidth(420)
            self.editors[key] = self.errors.add(
                key, f"{spec.label}：", editor, form=forms[_section(key)]
            )
            if key in settings.RULE_KEYS:
                editor.setToolTip("规则数值：修改后须经董事长批准，批准当日起生效")
            if key in numbering.PATTERN_SETTINGS:  # a live example under each pattern
                example = message_label(HINT_COLOR, hidden=False)
                forms[_section(key)].addRow("", example)
                self.number_examples[key] = example
                editor.textChanged.connect(
                    lambda text, label=example: self._show_number_example(text, label)
                )
        # The letterhead as it will print, from what is typed (before 保存).
        self.preview_button = QPushButton("预览表头…")
        self.preview_button.setToolTip("用上面填写的公司名称、地址、电话和标志预览一张打印表单")
        self.preview_button.clicked.connect(self.preview_letterhead)
        forms["company"].addRow("", self.preview_button)
        layout.addWidget(self.error_label)
        row = QHBoxLayout()
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("还原")
        self.revert_button.clicked.connect(self.reload)
        row.addWidget(self.save_button)
        row.addWidget(self.revert_button)
        self.saved_label = message_label(SUCCESS_COLOR)
        row.addWidget(self.saved_label)
        row.addStretch(1)
        layout.addLayout(row)
        # 董事长负责本制度的批准: the changes waiting for the chairman and every approved
        # value with the day it took effect.
        rules_box = QGroupBox(
            "规则修改（公海回收天数、开发期限、分类门槛、拜访次数须经董事长批准）"
        )
        rules_layout = QVBoxLayout(rules_box)
        self.rule_changes = ListView(ctx, rule_changes_source())
        self.rule_changes.setMinimumHeight(260)
        rules_layout.addWidget(self.rule_changes)
        layout.addWidget(rules_box)
        layout.addStretch(1)
        self.loaded = settings.SettingsSnapshot({}, {})
        self.reload()

    def reload(self) -> None:
        self.errors.clear()
        set_message(self.saved_label, "")
        try:
            self.loaded = settings.snapshot(self.ctx.write_uow())
        except ServiceError as err:
            self.errors.show(err)
            return
        values = self.loaded.values
        for key, editor in self.editors.items():
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(int(values[key])))
            elif isinstance(editor, QSpinBox):
                editor.setValue(int(values[key]))
            else:
                editor.setText(str(values[key]))

    def letterhead_form(self) -> PaperForm:
        """A sample form with the letterhead as typed on this page."""
        values = self.values()
        return PaperForm(
            "客户资源信息登记表", str(values["company_name"]),
            letterhead=letterhead.from_values(values),
        ).add(FieldGrid([Field("客户名称", "（示例）"), Field("登记日期", "")]))  # fmt: skip

    def preview_letterhead(self):
        dialog = make_preview(self, self.letterhead_form(), "预览表头")
        dialog.open()
        return dialog

    @property
    def number_example(self) -> QLabel:
        """The customer number's example (the record kinds' are in number_examples)."""
        return self.number_examples[NUMBER_PATTERN]

    def _show_number_example(self, pattern: str, label: QLabel) -> None:
        try:
            text = f"示例：{numbering.example(pattern, clock.now().date())}"
            color = HINT_COLOR
        except ServiceError as err:
            text, color = str(err), ERROR_COLOR
        set_message(label, f"{text}\n可用：{numbering.PATTERN_HINT}", color)

    def values(self) -> dict:
        return {key: _value(editor) for key, editor in self.editors.items()}

    def save(self) -> None:
        self.errors.clear()
        set_message(self.saved_label, "")
        # Only what this admin changed, checked against the versions read: a stale page
        # must not revert another admin's change to a value it did not touch.
        changed = self.loaded.changed(self.values())
        try:
            pending = settings.update_settings(self.ctx.write_uow(), changed, self.loaded.versions)
        except ServiceError as err:
            self.errors.show(err)
            return
        self.reload()
        self.rule_changes.reload()
        text = "设置已保存。" if len(pending) < len(changed) else ""
        if pending:
            text += f"{len(pending)} 项规则修改已提交董事长批准，批准后生效（见下方“规则修改”）。"
        set_message(self.saved_label, text or "没有修改。")
        self.saved.emit()
