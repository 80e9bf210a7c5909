"""公司标志 on the settings page: a thumbnail with 选择图片… and 清除. Holds the stored
form (base64 PNG, scaled down) as its text(), like the page's other text editors."""

from __future__ import annotations

import base64

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from app.ui.common import file_dialogs
from app.ui.forms.letterhead import encode_logo


class LogoPicker(QWidget):
    textChanged = Signal(str)  # noqa: N815 - the QLineEdit signal name the page expects

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._text = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.thumbnail = QLabel("（未设置）")
        self.thumbnail.setFixedSize(180, 60)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setStyleSheet("border: 1px solid #bbb; background: white;")
        self.choose_button = QPushButton("选择图片…")
        self.choose_button.clicked.connect(self.choose)
        self.clear_button = QPushButton("清除")
        self.clear_button.clicked.connect(lambda: self.setText(""))
        row.addWidget(self.thumbnail)
        row.addWidget(self.choose_button)
        row.addWidget(self.clear_button)
        row.addStretch(1)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 - as QLineEdit
        self._text = text or ""
        pixmap = QPixmap()
        if self._text and pixmap.loadFromData(base64.b64decode(self._text)):
            self.thumbnail.setPixmap(
                pixmap.scaled(
                    self.thumbnail.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )  # fmt: skip
            )
        else:
            self.thumbnail.setPixmap(QPixmap())
            self.thumbnail.setText("（未设置）")
        self.clear_button.setEnabled(bool(self._text))
        self.textChanged.emit(self._text)

    def choose(self, path: str | None = None) -> None:
        path = path or file_dialogs.open_file(
            self, "logo", "选择公司标志", "图片 (*.png *.jpg *.jpeg *.bmp)"
        )
        if not path:
            return
        encoded = encode_logo(path)
        if not encoded:
            QMessageBox.warning(self, "公司标志", "无法读取该图片，请选择 PNG、JPEG 或 BMP 文件。")
            return
        self.setText(encoded)
