"""File dialogs that start where the user works: the folder last used for the same
purpose (exports, PDFs, imports, attachments), else the user's Documents folder — never
the program's folder. The folder is remembered per user in ui.ini."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from app.ui.common.prefs import ui_settings

EXPORT = "export"  # Excel exports, summaries, templates
PDF = "pdf"
IMPORT = "import"
ATTACHMENT = "attachment"


def start_folder(purpose: str) -> str:
    last = ui_settings().value(f"folders/{purpose}", "", str)
    if last and Path(last).is_dir():
        return last
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return docs if docs and Path(docs).is_dir() else str(Path.home())


def _remember(purpose: str, path: str) -> None:
    if path:
        ui_settings().setValue(f"folders/{purpose}", str(Path(path).parent))


def save_file(parent: QWidget, purpose: str, title: str, name: str, filters: str) -> str:
    """A path to save to ("" when cancelled), with the filter's suffix when none was typed."""
    path, _ = QFileDialog.getSaveFileName(
        parent, title, str(Path(start_folder(purpose)) / name), filters
    )
    suffix = Path(name).suffix
    if path and suffix and not Path(path).suffix:
        path += suffix
    _remember(purpose, path)
    return path


def open_file(parent: QWidget, purpose: str, title: str, filters: str = "") -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, start_folder(purpose), filters)
    _remember(purpose, path)
    return path


def open_files(parent: QWidget, purpose: str, title: str, filters: str = "") -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, start_folder(purpose), filters)
    if paths:
        _remember(purpose, paths[0])
    return paths
