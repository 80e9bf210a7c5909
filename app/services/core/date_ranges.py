"""Quick date ranges for time slicing (时间切片): 今天, 本周, 本月, 本季度, 本年, 上周, 上月."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

QUICK_RANGES = ["今天", "本周", "本月", "本季度", "本年", "上周", "上月"]


def shift(d: date, days: int) -> date:
    """d + days, held at the calendar's ends (a date picker offers 9999-12-31, and a range
    ending there must not overflow)."""
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def day_after(d: date) -> datetime:
    """The moment a day-inclusive range ending on `d` stops (its exclusive upper bound)."""
    return datetime.combine(d, time()) + timedelta(days=1) if d < date.max else datetime.max


def quick_range(name: str, today: date) -> tuple[date, date]:
    """Inclusive (first day, last day) of the named range around `today` (weeks start Monday)."""
    if name == "今天":
        return today, today
    if name == "本周":
        start = shift(today, -today.weekday())
        return start, shift(start, 6)
    if name == "上周":
        start = shift(today, -today.weekday() - 7)
        return start, shift(start, 6)
    if name == "本月":
        return today.replace(day=1), _month_end(today)
    if name == "上月":
        last = shift(today.replace(day=1), -1)
        return last.replace(day=1), last
    if name == "本季度":
        first_month = (today.month - 1) // 3 * 3 + 1
        start = today.replace(month=first_month, day=1)
        return start, _month_end(start.replace(month=first_month + 2))
    if name == "本年":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    raise ValueError(name)


def _month_end(d: date) -> date:
    if d.month == 12:
        return d.replace(day=31)
    return d.replace(month=d.month + 1, day=1) - timedelta(days=1)


WORK_START, WORK_END = time(9, 0), time(17, 0)  # office hours, for suggested times


def next_working_hour(now: datetime, not_before: date | None = None) -> datetime:
    """The next full hour within office hours on a weekday, from `now` (or from the start
    of `not_before` when that is later): what a suggested appointment time should be."""
    start = now.replace(minute=0, second=0, microsecond=0)
    if start < now:
        start += timedelta(hours=1)
    if not_before is not None and start.date() < not_before:
        start = datetime.combine(not_before, WORK_START)
    while True:
        if start.time() < WORK_START:
            start = datetime.combine(start.date(), WORK_START)
        if start.weekday() < 5 and start.time() <= WORK_END:
            return start
        start = datetime.combine(start.date() + timedelta(days=1), WORK_START)
