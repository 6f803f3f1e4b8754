"""Dashboard figures (sessions today, upcoming this week, completion and attendance rates) and
a cheap marker that tells a screen whether anything in the database changed since it looked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .model import Attendance, AttendanceStatus, Session, SessionStatus
from .ports import SessionQuery
from .timeutil import day_start

WINDOW = timedelta(days=30)

_ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """What the front desk sees at a glance; a rate is None when there is nothing to rate."""

    today: int  # sessions starting today (viewer's day), cancelled ones left out
    upcoming_week: int  # sessions starting from now to the end of Sunday, cancelled left out
    completion_rate: float | None  # see completion_rate()
    attendance_rate: float | None  # see attendance_rate()
    window_days: int = WINDOW.days


def completion_rate(sessions: Iterable[Session], now: datetime) -> float | None:
    """Of the sessions that were due to end by ``now``, the share completed.

    A cancelled session counts as not completed (it was booked and did not happen), and so
    does one nobody closed yet; a session still running or to come is not counted.
    """
    due = [s for s in sessions if s.end <= now]
    if not due:
        return None
    return sum(s.status is SessionStatus.COMPLETED for s in due) / len(due)


def attendance_rate(marks: Iterable[Attendance]) -> float | None:
    """Of the students marked present, late or absent, the share who came (present or late).

    Excused absences are left out of both sides; a student nobody marked is not counted.
    """
    counted = [m for m in marks if m.status is not AttendanceStatus.EXCUSED]
    if not counted:
        return None
    return sum(m.status in _ATTENDED for m in counted) / len(counted)


def dashboard(centre, now: datetime, tz: ZoneInfo) -> Dashboard:  # centre: usecases.Centre
    """The figures for the acting person's view of the centre (a mentor sees their own).

    One session query covers the 30-day window and the rest of this week; attendance is read
    for the completed sessions of the window, all in one read transaction.
    """
    today = now.astimezone(tz).date()
    today_start = day_start(today, tz)
    tomorrow = day_start(today + timedelta(days=1), tz)
    week_end = day_start(today + timedelta(days=7 - today.weekday()), tz)
    window_start = now - WINDOW
    sessions = centre.list_sessions(SessionQuery(start=min(window_start, today_start),
                                                 end=max(week_end, tomorrow)))
    live = [s for s in sessions if s.status is not SessionStatus.CANCELLED]
    in_window = [s for s in sessions if window_start <= s.start < now]
    completed = [s.id for s in in_window if s.status is SessionStatus.COMPLETED]
    marks: list[Attendance] = []
    if completed:
        with centre.store.unit(centre.actor) as uow:
            for session_id in completed:
                marks.extend(uow.attendance(session_id))
    return Dashboard(
        today=sum(today_start <= s.start < tomorrow for s in live),
        upcoming_week=sum(now <= s.start < week_end for s in live),
        completion_rate=completion_rate(in_window, now),
        attendance_rate=attendance_rate(marks),
    )


def data_version(centre) -> tuple[tuple[str, int], ...]:  # centre: usecases.Centre
    """A marker that changes whenever anything is written (every change adds an audit row,
    ARCHITECTURE.md decision 6): a few COUNT queries, cheap enough to poll every few seconds."""
    with centre.store.unit(centre.actor) as uow:
        return tuple(sorted(uow.counts().items()))
