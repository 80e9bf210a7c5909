"""Run a long service call off the GUI thread, with a progress dialog and Cancel.

The job function gets `progress(done, total)` and `cancelled()` callables; it opens its
own unit of work (services do) and never touches a widget. Results come back to the
GUI thread through queued signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.services.core.errors import ServiceError


class _Worker(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, job: Callable, cancel: threading.Event):
        super().__init__()
        self._job = job
        self._cancel = cancel

    def run(self) -> None:
        try:
            result = self._job(self.progressed.emit, self._cancel.is_set)
        except ServiceError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # shown to the user in Chinese, logged by the caller's hook
            self.failed.emit(f"操作失败：{exc.__class__.__name__}: {exc}")
        else:
            self.succeeded.emit(result)


class BackgroundTask(QObject):
    """BackgroundTask(parent, "正在导出…", job).start(); connect finished/error first."""

    finished = Signal(object)
    error = Signal(str)

    def __init__(self, parent: QWidget, label: str, job: Callable):
        super().__init__(parent)
        self.cancel_event = threading.Event()
        self.thread = QThread(self)
        self.worker = _Worker(job, self.cancel_event)
        self.worker.moveToThread(self.thread)
        self.dialog = QProgressDialog(label, "取消", 0, 0, parent)
        self.dialog.setWindowTitle("请稍候")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.canceled.connect(self.cancel_event.set)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_success)
        self.worker.failed.connect(self._on_failure)

    def start(self) -> None:
        self.thread.start()

    def wait(self, ms: int = 60_000) -> bool:
        return self.thread.wait(ms)

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
            self.dialog.setLabelText(f"{self.dialog.labelText().split('（')[0]}（{done}/{total}）")

    def _finish(self) -> None:
        self.thread.quit()
        self.thread.wait()
        self.dialog.reset()
        self.dialog.close()

    def _on_success(self, result) -> None:
        self._finish()
        self.finished.emit(result)

    def _on_failure(self, message: str) -> None:
        self._finish()
        self.error.emit(message)
