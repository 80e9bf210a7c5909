"""Quick date ranges for time slicing (时间切片): 今天, 本周, 本月, 本季度, 本年, 上周, 上月."""

from __future__ import annotations

from datetime import date, timedelta

QUICK_RANGES = ["今天", "本周", "本月", "本季度", "本年", "上周", "上月"]


def quick_range(name: str, today: date) -> tuple[date, date]:
    """Inclusive (first day, last day) of the named range around `today` (weeks start Monday)."""
    if name == "今天":
        return today, today
    if name == "本周":
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=6)
    if name == "上周":
        start = today - timedelta(days=today.weekday() + 7)
        return start, start + timedelta(days=6)
    if name == "本月":
        return today.replace(day=1), _month_end(today)
    if name == "上月":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if name == "本季度":
        first_month = (today.month - 1) // 3 * 3 + 1
        start = today.replace(month=first_month, day=1)
        return start, _month_end(start.replace(month=first_month + 2))
    if name == "本年":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    raise ValueError(name)


def _month_end(d: date) -> date:
    nxt = d.replace(day=28) + timedelta(days=4)
    return nxt - timedelta(days=nxt.day)
