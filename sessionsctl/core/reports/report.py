"""A report as data: headline figures, sections of columns and rows, and charts; and the
week and month periods reports group by. What :mod:`.output` turns into JSON, CSV, a table or
HTML."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..domain.errors import InvalidInput
from ..domain.timeutil import day_start

if TYPE_CHECKING:
    from .rates import Completion, Tally

# How a column's values are shown: a rate is a fraction (0.75) in JSON/CSV and "75%" for people.
TEXT, COUNT, RATE, HOURS, RATING = "text", "count", "rate", "hours", "rating"
WHEN, DAY, MONTH = "when", "day", "month"
MAX_PERIODS = 400  # weeks or months in one report: some eight years of weeks


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass(frozen=True, slots=True)
class Section:
    """One table of a report (``name`` is what ``--by`` picks for CSV)."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """What a chart shows; the HTML report draws it (core.charts). ``kind`` is ``bar``,
    ``stacked`` (bars of the series on top of each other) or ``line``; ``unit`` is how
    values read: ``rate`` (0..1 as a percentage), ``count``, ``hours`` or ``rating`` (1..5)."""

    kind: str
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = COUNT
    note: str = ""


@dataclass(frozen=True, slots=True)
class Figure:
    label: str
    value: Any
    kind: str = COUNT
    key: str | None = None  # its name in JSON, when not the label's (kept for scripts)


@dataclass(frozen=True, slots=True)
class Report:
    kind: str  # attendance, completion, mentors, student
    title: str
    start: datetime
    end: datetime
    now: datetime
    tz: str
    filters: dict[str, str]
    headline: tuple[Figure, ...]
    sections: tuple[Section, ...]
    charts: tuple[Chart, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def section(self, name: str | None = None) -> Section:
        """The section called ``name`` (the first without one)."""
        if name is None:
            return self.sections[0]
        for section in self.sections:
            if section.name == name:
                return section
        known = ", ".join(s.name for s in self.sections)
        raise InvalidInput(f"this report has no {name!r} table (it has {known})", field="--by")


# ---------------------------------------------------------------------------- periods
class Every(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def last_period(every: Every, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The last complete day, week (Monday to Sunday) or calendar month before ``now``, in
    ``tz``: what a run from cron reports, the same all through the period after it."""
    today = now.astimezone(tz).date()
    if every is Every.DAY:
        first, end = today - timedelta(days=1), today
    elif every is Every.WEEK:
        end = today - timedelta(days=today.weekday())
        first = end - timedelta(weeks=1)
    else:
        end = today.replace(day=1)
        first = (end - timedelta(days=1)).replace(day=1)
    return day_start(first, tz), day_start(end, tz)


def week_bounds(start: datetime, end: datetime, tz: ZoneInfo) -> list[datetime]:
    """UTC instants where the weeks (Monday 00:00 in ``tz``) covering ``[start, end)`` begin,
    and one more where the last ends."""
    first = start.astimezone(tz).date()
    first -= timedelta(days=first.weekday())
    return _bounds(first, end, tz, lambda d: d + timedelta(weeks=1))


def month_bounds(start: datetime, end: datetime, tz: ZoneInfo) -> list[datetime]:
    first = start.astimezone(tz).date().replace(day=1)
    return _bounds(first, end, tz, lambda d: (d + timedelta(days=32)).replace(day=1))


def _bounds(first: date, end: datetime, tz: ZoneInfo, step: Any) -> list[datetime]:
    days = [first]
    while day_start(days[-1], tz) < end:
        days.append(step(days[-1]))
        if len(days) > MAX_PERIODS + 1:
            raise InvalidInput(f"the range is too long for one report (over {MAX_PERIODS} "
                               "periods); narrow --from/--to", field="--from")
    return [day_start(d, tz) for d in days]


# ------------------------------------------------------------------------------ rows
def tally_columns(first: Column) -> tuple[Column, ...]:
    return (first, Column("sessions", "Sessions", COUNT), Column("present", "Present", COUNT),
            Column("late", "Late", COUNT), Column("absent", "Absent", COUNT),
            Column("excused", "Excused", COUNT), Column("unmarked", "Unmarked", COUNT),
            Column("attendance_rate", "Attendance", RATE))


def tally_row(t: Tally) -> dict[str, Any]:
    return {"sessions": t.sessions, "present": t.present, "late": t.late, "absent": t.absent,
            "excused": t.excused, "unmarked": t.unmarked, "attendance_rate": t.attendance_rate}


def completion_columns(first: Column) -> tuple[Column, ...]:
    return (first, Column("sessions", "Sessions", COUNT), Column("completed", "Completed", COUNT),
            Column("cancelled", "Cancelled", COUNT), Column("open", "Open", COUNT),
            Column("due", "Due", COUNT), Column("completion_rate", "Completion", RATE))


def completion_row(c: Completion) -> dict[str, Any]:
    return {"sessions": c.total, "completed": c.completed, "cancelled": c.cancelled,
            "open": c.open, "due": c.due, "completion_rate": c.completion_rate}


def tally_figures(t: Tally, *, one_student: bool = False) -> tuple[Figure, ...]:
    # Each student in each session counts once: over many students a group of four is four
    # student sessions, not one session (the completion report counts sessions).
    return (Figure("Sessions" if one_student else "Student sessions", t.sessions, key="sessions"),
            Figure("Present", t.present), Figure("Late", t.late),
            Figure("Absent", t.absent), Figure("Excused", t.excused),
            Figure("Attendance rate", t.attendance_rate, RATE))


def summed(values: Sequence[Any], zero: Any) -> Any:
    total = zero
    for value in values:
        total = total + value
    return total


def period_label(bound: datetime, tz: ZoneInfo, monthly: bool = False) -> str:
    local = bound.astimezone(tz)
    return f"{local:%b %Y}" if monthly else f"{local:%d %b}"
