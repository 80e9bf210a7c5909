"""Qt's print preview over the shared table painter (works with no printer installed)."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QMessageBox, QWidget

from app.ui.listview.table_printer import PrintTable, paint, prepare_printer


def make_preview(parent: QWidget, table: PrintTable) -> QPrintPreviewDialog:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    prepare_printer(printer, table)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog._printer = printer  # the dialog does not own it; Python must keep it alive
    dialog.setWindowTitle(f"打印预览 — {table.title}")
    dialog.resize(1000, 760)

    def on_paint(p: QPrinter) -> None:
        try:
            paint(p, table)
        except RuntimeError as exc:
            QMessageBox.warning(parent, "打印失败", str(exc))

    dialog.paintRequested.connect(on_paint)
    return dialog


def preview(parent: QWidget, table: PrintTable) -> None:
    make_preview(parent, table).exec()
