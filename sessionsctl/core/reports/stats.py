"""Dashboard figures (sessions today, upcoming this week, completion and attendance rates) and
a cheap marker that tells a screen whether anything in the database changed since it looked.

The two rates are those of :mod:`core.rates`, counted in SQL by the same queries as the
``report`` commands, so the TUI header and ``sessionsctl report`` agree to the session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ..domain import policy
from ..domain.model import Attendance, Session, SessionStatus
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
