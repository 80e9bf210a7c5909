"""The one way the UI runs work off the GUI thread (like Anki's QueryOp/CollectionOp).

    Task(lambda progress, cancelled: export(...), parent=self)
        .on_success(self._exported)          # called on the GUI thread with the result
        .run_in_background()

The function runs on a worker thread. It gets `progress(done, total)` and `cancelled()`;
it opens its own unit of work (services do) and never touches a widget. Success and
progress are delivered on the GUI thread. A failure goes to `on_failure(exc)` if given,
else a ServiceError's Chinese message is shown in a message box, and any other exception
is logged with its traceback and reported as an internal error. A running task is kept
alive by this module until it has reported, so callers need not hold on to it.

ProgressTask adds a modal progress dialog with 取消 for work a user waits on (export,
import, attachments).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app.services.core.errors import ServiceError

log = logging.getLogger(__name__)

INTERNAL_ERROR = (
    "操作失败：程序内部出错，详细信息已写入日志。请重试；如果一再出现，请联系系统管理员。"
)
_RUNNING: set[Task] = set()  # running tasks, kept alive until they report


def failure_message(exc: BaseException) -> str:
    """What the user reads about a failure: a ServiceError's own words, else a generic one."""
    return str(exc) if isinstance(exc, ServiceError) else INTERNAL_ERROR


def show_failure(parent: QWidget | None, exc: BaseException, title: str = "操作失败") -> None:
    QMessageBox.warning(parent, title, failure_message(exc))


class Task(QObject):
    _succeeded = Signal(object)
    _failed = Signal(object)
    _progressed = Signal(int, int)

    def __init__(
        self,
        fn: Callable[[Callable[[int, int], None], Callable[[], bool]], Any],
        *,
        parent: QObject | None = None,
        name: str = "task",
        title: str = "操作失败",
    ):
        super().__init__()  # no Qt parent: the task may outlive the widget that started it
        self._fn, self._name, self._title = fn, name, title
        self._widget = parent if isinstance(parent, QWidget) else None
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self.result: Any = None
        self.error: BaseException | None = None
        self._succeeded.connect(self._deliver_success)
        self._failed.connect(self._deliver_failure)

    # --- set up -------------------------------------------------------------------

    def on_success(self, fn: Callable[[Any], None]) -> Task:
        self._success = fn
        return self

    def on_failure(self, fn: Callable[[BaseException], None]) -> Task:
        self._failure = fn
        return self

    def on_progress(self, fn: Callable[[int, int], None]) -> Task:
        self._progressed.connect(fn)
        return self

    # --- run ----------------------------------------------------------------------

    def run_in_background(self) -> Task:
        _RUNNING.add(self)
        self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work is done (its result or error is then set); the success or
        failure callback still runs later, from the event loop."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _work(self) -> None:
        try:
            self.result = self._fn(self._progress, self._cancel.is_set)
        except ServiceError as exc:
            self.error = exc
        except Exception as exc:  # logged here, with its traceback, while it is at hand
            log.exception("background task %s failed", self._name)
            self.error = exc
        try:
            if self.error is None:
                self._succeeded.emit(self.result)
            else:
                self._failed.emit(self.error)
        except RuntimeError:
            _RUNNING.discard(self)  # Qt is shutting down: nobody left to tell

    def _progress(self, done: int, total: int) -> None:
        try:
            self._progressed.emit(done, total)
        except RuntimeError:
            pass

    # --- report, on the GUI thread ----------------------------------------------------

    def _deliver_success(self, result) -> None:
        _RUNNING.discard(self)
        if self._success is not None:
            self._success(result)

    def _deliver_failure(self, exc) -> None:
        _RUNNING.discard(self)
        if self._failure is not None:
            self._failure(exc)
        else:
            show_failure(self._widget, exc, self._title)


class ProgressTask(QObject):
    """A Task with a modal progress dialog and 取消, for work the user waits on.

    ProgressTask(parent, "正在导出…", job).start(); `finished(result)` and `error(message)`
    are emitted on the GUI thread (connect them first)."""

    finished = Signal(object)
    error = Signal(str)

    def __init__(self, parent: QWidget, label: str, job: Callable):
        super().__init__(parent)
        self.dialog = QProgressDialog(label, "取消", 0, 0, parent)
        self.dialog.setWindowTitle("请稍候")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.task = Task(job, parent=parent, name=label)
        self.dialog.canceled.connect(self.task.cancel)
        self.task.on_progress(self._on_progress)
        self.task.on_success(self._on_success)
        self.task.on_failure(self._on_failure)

    def start(self) -> None:
        self.task.run_in_background()

    def wait(self, ms: int = 60_000) -> bool:
        return self.task.wait(ms / 1000)

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
            self.dialog.setLabelText(f"{self.dialog.labelText().split('（')[0]}（{done}/{total}）")

    def _close(self) -> None:
        self.dialog.reset()
        self.dialog.close()

    def _on_success(self, result) -> None:
        self._close()
        self.finished.emit(result)

    def _on_failure(self, exc: BaseException) -> None:
        self._close()
        self.error.emit(failure_message(exc))
