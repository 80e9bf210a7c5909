"""Register the bundled CJK font so Chinese renders the same on every machine."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.ui.common.resources import resource_path

log = logging.getLogger(__name__)
CJK_FONT_FILE = ("fonts", "wqy-microhei.ttc")
POINT_SIZE = 10


def install_fonts(app: QApplication) -> str | None:
    """Make the bundled font the application font; returns its family, or None if missing.

    Without it Qt falls back to whatever the system has, which may show boxes for Chinese
    on a bare Linux box, so failures are logged rather than fatal.
    """
    path = resource_path(*CJK_FONT_FILE)
    if not path.is_file():
        log.warning("bundled font not found: %s", path)
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("could not load bundled font: %s", path)
        return None
    font = QFont(families[0], POINT_SIZE)
    app.setFont(font)
    return families[0]
