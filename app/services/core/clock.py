"""The one clock every service reads, so tests can drive time without sleeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

_now: Callable[[], datetime] | None = None


def now() -> datetime:
    """Local wall-clock time, seconds precision (naive: one office, one time zone)."""
    return (_now() if _now else datetime.now()).replace(microsecond=0)


def set_clock(fn: Callable[[], datetime] | None) -> None:
    """Tests: set_clock(lambda: fixed) ... set_clock(None) restores the real clock."""
    global _now
    _now = fn
