"""Runs the policy sweep — idle customers back to the pool (规则 4), overdue development
windows into 评审 (规则 3) — at login and every hour while the app is open, so no
server cron is needed. The work runs on a background thread with its own sessions; the
result comes back to the GUI thread as a signal."""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from app.services.core.database import Database
from app.services.core.errors import ServiceError
from app.services.core.uow import UnitOfWork
from app.services.policy import reviews
from app.services.pool import rules as pool
from app.ui.common.tasks import Task

log = logging.getLogger(__name__)
HOUR_MS = 60 * 60 * 1000


class PolicySweeper(QObject):
    finished = Signal(str)  # what changed, in Chinese ("" when nothing did)
    progressed = Signal(int, int)  # customers moved so far, of how many (a large sweep)

    def __init__(self, db: Database, parent: QObject | None = None, interval_ms: int = HOUR_MS):
        super().__init__(parent)
        self.db = db
        self._task: Task | None = None
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.run)

    def start(self) -> None:
        self.run()
        self.timer.start()

    def run(self) -> None:
        if self._task is not None and self._task.running():
            return  # the previous sweep is still going
        self._task = (
            Task(self._sweep, name="policy-sweep")
            .on_progress(self._progress)
            .on_success(self._report)
            .on_failure(self._failed)
            .run_in_background()
        )

    def _sweep(self, progress, cancelled) -> str:
        parts = []
        # No acting user: the history says "自动回收", not a person's name. Stopped between
        # batches when the window closes; the next run finishes the rest.
        result = pool.sweep(UnitOfWork(self.db, None), progress=progress, cancelled=cancelled)
        if result.moved or result.reminded:
            parts.append(result.message)
        opened = reviews.open_due_reviews(UnitOfWork(self.db, None))
        if opened:
            parts.append(f"{len(opened)} 个客户开发期限已过，已进入评审。")
        return "".join(parts)

    def _progress(self, done: int, total: int) -> None:
        if shiboken6.isValid(self):
            self.progressed.emit(done, total)

    def _report(self, text: str) -> None:
        if shiboken6.isValid(self):  # the window may have closed while we worked
            self.finished.emit(text)

    def _failed(self, exc: BaseException) -> None:
        # Never a message box from a timer; the next hour retries. Tracebacks are logged
        # by the task; a ServiceError (e.g. the database unreachable) is noted here.
        if isinstance(exc, ServiceError):
            log.warning("policy sweep failed: %s", exc)
        self._report("")

    def stop(self, wait_s: float = 5.0) -> None:
        self.timer.stop()
        if self._task is not None:
            self._task.cancel()
            self._task.wait(wait_s)
