"""The printed forms' letterhead from 系统设置 → 公司: address, phone and logo under or
beside the company name at the top of every page (paper_form). Read once when the main
window opens and again whenever the settings are saved, so every form printed after that
carries it; a form built without a main window (self-check, tests) has none."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage

from app.services.core import settings
from app.services.core.uow import UnitOfWork

LOGO_MAX_PX = (600, 200)  # stored at most this size: sharp on paper, small in the DB


@dataclass(frozen=True)
class Letterhead:
    address: str = ""
    phone: str = ""
    logo: QImage | None = None

    @property
    def contact_line(self) -> str:
        parts = [f"地址：{self.address}" if self.address else "",
                 f"电话：{self.phone}" if self.phone else ""]  # fmt: skip
        return "    ".join(p for p in parts if p)


_current = Letterhead()


def current() -> Letterhead:
    return _current


def from_values(values: dict) -> Letterhead:
    """A letterhead from settings values (saved, or being edited on the settings page)."""
    logo = None
    if data := str(values.get("company_logo") or ""):
        image = QImage.fromData(base64.b64decode(data))
        logo = None if image.isNull() else image
    return Letterhead(
        str(values.get("company_address") or "").strip(),
        str(values.get("company_phone") or "").strip(),
        logo,
    )


def refresh(uow: UnitOfWork) -> Letterhead:
    global _current
    _current = from_values(settings.read_settings(uow))
    return _current


def encode_logo(path: str) -> str:
    """An image file as the logo setting stores it: scaled down to LOGO_MAX_PX, PNG,
    base64; "" when the file is not an image Qt can read."""
    image = QImage(path)
    if image.isNull():
        return ""
    width, height = LOGO_MAX_PX
    if image.width() > width or image.height() > height:
        image = image.scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)  # fmt: skip
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return base64.b64encode(bytes(data)).decode("ascii")
