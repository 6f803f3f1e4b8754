"""Dashboard figures (sessions today, upcoming this week, completion and attendance rates) and
a cheap marker that tells a screen whether anything in the database changed since it looked.

The two rates are those of :mod:`core.rates`, counted in SQL by the same queries as the
``report`` commands, so the TUI header and ``sessionsctl report`` agree to the session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..domain import policy
from ..domain.drafts import SessionQuery
from ..domain.model import Attendance, Session, SessionStatus
from ..domain.timeutil import day_start
from .rates import Completion, Tally

WINDOW = policy.REPORT_WINDOW


@dataclass(frozen=True, slots=True)
class Dashboard:
    """What the front desk sees at a glance; a rate is None when there is nothing to rate."""

    today: int  # sessions starting today (viewer's day), cancelled ones left out
    upcoming_week: int  # sessions starting from now to the end of Sunday, cancelled left out
    completion_rate: float | None  # rates.Completion.completion_rate over the window
    attendance_rate: float | None  # rates.Tally.attendance_rate over the window
    window_days: int = WINDOW.days


def completion_rate(sessions: Iterable[Session], now: datetime) -> float | None:
    """:attr:`rates.Completion.completion_rate` of sessions already in memory."""
    due = [s for s in sessions if s.end <= now]
    done = sum(s.status is SessionStatus.COMPLETED for s in due)
    return Completion(due=len(due), done=done).completion_rate


def attendance_rate(marks: Iterable[Attendance]) -> float | None:
    """:attr:`rates.Tally.attendance_rate` of marks already in memory."""
    return Tally.of(dict(Counter(m.status for m in marks))).attendance_rate


def dashboard(centre, now: datetime, tz: ZoneInfo) -> Dashboard:  # centre: usecases.Centre
    """The figures for the acting person's view of the centre (a mentor sees their own).

    The rates cover the sessions that started in the last 30 days (``report completion`` and
    ``report attendance`` with ``--from`` 30 days ago give the same numbers); the counts come
    from one session query over today and the rest of this week.
    """
    today = now.astimezone(tz).date()
    today_start = day_start(today, tz)
    tomorrow = day_start(today + timedelta(days=1), tz)
    week_end = day_start(today + timedelta(days=7 - today.weekday()), tz)
    sessions = centre.list_sessions(SessionQuery(start=today_start, end=max(week_end, tomorrow)))
    live = [s for s in sessions if s.status is not SessionStatus.CANCELLED]
    completion, marks = centre.headline_rates(now - WINDOW, now, now)
    return Dashboard(
        today=sum(today_start <= s.start < tomorrow for s in live),
        upcoming_week=sum(now <= s.start < week_end for s in live),
        completion_rate=completion.completion_rate,
        attendance_rate=marks.attendance_rate,
    )


def data_version(centre) -> tuple[tuple[str, int], ...]:  # centre: usecases.Centre
    """A marker that changes whenever anything is written (every change adds an audit row,
    ARCHITECTURE.md decision 6): a few COUNT queries, cheap enough to poll every few seconds."""
    with centre.store.unit(centre.actor) as uow:
        return tuple(sorted(uow.counts().items()))
