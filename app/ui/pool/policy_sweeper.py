"""Runs the policy sweep — idle customers back to the pool (规则 4), overdue development
windows into 评审 (规则 3) — at login and every hour while the app is open, so no
server cron is needed. The work runs on a background thread with its own sessions; the
result comes back to the GUI thread as a signal."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer, Signal

from app.services.core.database import Database
from app.services.core.errors import ServiceError
from app.services.core.uow import UnitOfWork
from app.services.policy import reviews
from app.services.pool import rules as pool

log = logging.getLogger(__name__)
HOUR_MS = 60 * 60 * 1000


class PolicySweeper(QObject):
    finished = Signal(str)  # what changed, in Chinese ("" when nothing did)

    def __init__(self, db: Database, parent: QObject | None = None, interval_ms: int = HOUR_MS):
        super().__init__(parent)
        self.db = db
        self._thread: threading.Thread | None = None
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.run)

    def start(self) -> None:
        self.run()
        self.timer.start()

    def run(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return  # the previous sweep is still going
        self._thread = threading.Thread(target=self._work, name="policy-sweep", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        parts = []
        try:
            # No acting user: the history says "自动回收", not a person's name.
            result = pool.sweep(UnitOfWork(self.db, None))
            if result.moved or result.reminded:
                parts.append(result.message)
            opened = reviews.open_due_reviews(UnitOfWork(self.db, None))
            if opened:
                parts.append(f"{len(opened)} 个客户开发期限已过，已进入评审。")
        except ServiceError as exc:
            log.warning("policy sweep failed: %s", exc)
        except Exception:  # a failed sweep must never take the app down; next hour retries
            log.exception("policy sweep failed")
        try:
            self.finished.emit("".join(parts))
        except RuntimeError:
            pass  # the window closed while we worked: nobody left to tell

    def stop(self, wait_s: float = 5.0) -> None:
        self.timer.stop()
        if self._thread is not None:
            self._thread.join(wait_s)
