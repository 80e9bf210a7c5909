"""Guards the Qt binding against a reference-count bug that aborts the interpreter.

PySide6 6.12.0 drops a reference to None on every QPainter.setFont / setPen; printing a
few thousand rows then kills the process ("none_dealloc"). pyproject.toml excludes it.
"""

import sys

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QImage, QPainter, QPen


def test_painter_calls_keep_none_alive(qapp):
    image = QImage(200, 200, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    font = QFont("WenQuanYi Micro Hei")
    before = sys.getrefcount(None)
    for _ in range(1000):
        painter.setFont(font)
        painter.setPen(QPen(Qt.GlobalColor.gray, 0))
        painter.drawText(QRectF(0, 0, 100, 20), Qt.AlignmentFlag.AlignLeft, "客户")
    drift = sys.getrefcount(None) - before
    painter.end()
    assert abs(drift) < 100, f"None's reference count drifted by {drift}"
