"""Qt's print preview over the shared table painter (works with no printer installed).

A table too wide for A4 landscape even at the smallest font says so above the pages and
offers A3; fewer columns are chosen in the list's 列设置."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QMessageBox, QToolBar, QWidget

from app.ui.common.style import WARNING_COLOR, message_label
from app.ui.listview.table_printer import PrintTable, paint, prepare_printer

TOO_WIDE = (
    "这张列表的列太多，A4 横向纸放不下，部分内容会被截断。"
    "可以在列表的“列设置…”中隐藏不需要的列，或改用 A3 纸打印。"
)


def make_preview(parent: QWidget, table: PrintTable) -> QPrintPreviewDialog:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    plan = prepare_printer(printer, table)
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
    dialog.too_wide = message_label(WARNING_COLOR, TOO_WIDE, hidden=plan.fits)
    dialog.layout().insertWidget(1, dialog.too_wide)
    if not plan.fits:
        toolbar = dialog.findChild(QToolBar)
        dialog.a3_action = toolbar.addAction("改用 A3 纸")

        def use_a3() -> None:
            table.paper = "A3"
            dialog.too_wide.setVisible(not prepare_printer(printer, table).fits)
            dialog.a3_action.setEnabled(False)
            dialog.findChild(QPrintPreviewWidget).updatePreview()

        dialog.a3_action.triggered.connect(use_a3)
    return dialog


def preview(parent: QWidget, table: PrintTable) -> None:
    make_preview(parent, table).exec()
