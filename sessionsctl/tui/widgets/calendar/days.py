"""Which days a calendar view shows, and how its cursor pages (plain dates, no Textual)."""

from __future__ import annotations

import calendar as pycal
from datetime import date, timedelta
from typing import Literal

Mode = Literal["month", "week", "day"]
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_grid(day: date) -> list[date]:
    """The days of the weeks that hold ``day``'s month, Monday first."""
    first = day.replace(day=1)
    last = day.replace(day=pycal.monthrange(day.year, day.month)[1])
    start, end = monday(first), monday(last) + timedelta(days=7)
    return [start + timedelta(days=i) for i in range((end - start).days)]


def visible_days(mode: Mode, cursor: date) -> list[date]:
    if mode == "month":
        return month_grid(cursor)
    if mode == "week":
        start = monday(cursor)
        return [start + timedelta(days=i) for i in range(7)]
    return [cursor]


def shift(mode: Mode, cursor: date, step: int) -> date:
    """The cursor one period (month, week or day) before or after."""
    if mode == "month":
        month = cursor.month - 1 + step
        year, month = cursor.year + month // 12, month % 12 + 1
        return date(year, month, min(cursor.day, pycal.monthrange(year, month)[1]))
    return cursor + timedelta(days=7 * step if mode == "week" else step)
