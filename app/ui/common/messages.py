"""Message boxes for screens that have no inline error label."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.services.core.errors import ServiceError


def show_service_error(parent: QWidget | None, err: ServiceError, title: str = "操作失败") -> None:
    QMessageBox.warning(parent, title, str(err))


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
