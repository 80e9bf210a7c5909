"""Last resort for a bug: log the traceback, tell the user in Chinese, keep running."""

from __future__ import annotations

import logging
import sys
import tempfile
import traceback
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from app.services.core import config

LOG_NAME = "crm-error.log"
log = logging.getLogger("app.crash")


def log_file() -> Path:
    for folder in (config.data_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / LOG_NAME
            with path.open("a", encoding="utf-8"):
                pass
            return path
        except OSError:
            continue
    return Path(tempfile.gettempdir()) / LOG_NAME


def write_traceback(exc_type, exc, tb) -> Path:
    path = log_file()
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    try:
        with path.open("a", encoding="utf-8") as fh:
            from app.services.core import clock

            fh.write(f"--- {clock.now():%Y-%m-%d %H:%M:%S} ---\n{text}\n")
    except OSError:
        log.error("could not write %s:\n%s", path, text)
    return path


def handle_exception(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    path = write_traceback(exc_type, exc, tb)
    if QApplication.instance() is not None:
        QMessageBox.critical(
            None,
            "程序发生意外错误",
            "程序发生意外错误，当前操作未能完成。\n"
            f"详细信息已记录到：{path}\n请将该文件发送给系统管理员。",
        )


def install_excepthook() -> None:
    # Warnings logged anywhere (e.g. a failed reminder provider) land in the same file.
    path = str(log_file())
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == path for h in root.handlers):
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    sys.excepthook = handle_exception
