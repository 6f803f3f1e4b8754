"""Closing sessions that ended (issue 21): `session close-ended` completes them and marks the
students nobody marked absent, audited, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import AuditQuery, SessionDraft
from sessionsctl.core.domain.model import AttendanceStatus, Role, SessionStatus
from sessionsctl.store.engine import SqlStore

NOW = datetime(2027, 3, 10, 18, tzinfo=UTC)


@pytest.fixture
def desk(store: SqlStore) -> Centre:
    # Booked a week earlier, so the sessions are in the future when booked.
    centre = Centre(store, clock=lambda: NOW - timedelta(days=7))
    centre.people.add_person("Ada", "ada@example.org", Role.MENTOR)
    for name in ("sam", "kim"):
        centre.people.add_person(name.title(), f"{name}@example.org", Role.STUDENT)
    return centre


def _book(centre: Centre, title: str, end_ago: timedelta) -> int:
    end = NOW - end_ago
    return centre.sessions.book(SessionDraft(
        title=title, mentor="ada@example.org", start=end - timedelta(hours=1), end=end,
        tz="UTC", students=("kim@example.org", "sam@example.org"))).session.id


def test_close_ended_completes_and_marks_the_unmarked_absent_once(desk: Centre) -> None:
    old = _book(desk, "Ended three hours ago", timedelta(hours=3))
    recent = _book(desk, "Ended an hour ago", timedelta(hours=1))
    desk.clock = lambda: NOW
    desk.attendance.mark(old, "sam@example.org", AttendanceStatus.PRESENT)
    dry = desk.closing.close_ended(timedelta(hours=2), dry_run=True)
    assert [(c.session.id, c.absent) for c in dry] == [(old, ("kim@example.org",))]
    assert desk.sessions.show(old).session.status is SessionStatus.SCHEDULED
    closed = desk.closing.close_ended(timedelta(hours=2))
    assert [(c.session.id, c.absent) for c in closed] == [(old, ("kim@example.org",))]
    assert desk.sessions.show(old).session.status is SessionStatus.COMPLETED
    assert desk.sessions.show(recent).session.status is SessionStatus.SCHEDULED
    marks = {m.student: m.status for m in desk.attendance.marks(old)}
    assert marks == {"sam@example.org": AttendanceStatus.PRESENT,
                     "kim@example.org": AttendanceStatus.ABSENT}
    actions = [e.action for e in desk.audit.entries(AuditQuery(session_id=old))]
    assert "completed" in actions and actions.count("attendance") == 2
    assert desk.closing.close_ended(timedelta(hours=2)) == []  # a second run: nothing


def test_close_ended_can_leave_them_unmarked(desk: Centre) -> None:
    old = _book(desk, "Ended yesterday", timedelta(days=1))
    desk.clock = lambda: NOW
    [closed] = desk.closing.close_ended(timedelta(hours=2), "leave")
    assert closed.absent == () and desk.attendance.marks(old) == []
    assert desk.sessions.show(old).session.status is SessionStatus.COMPLETED


def test_attendance_warnings_name_the_students_below_the_threshold(desk: Centre) -> None:
    ids = [_book(desk, f"Lesson {n}", timedelta(days=n + 1)) for n in range(4)]
    desk.clock = lambda: NOW
    for n, session in enumerate(ids):
        desk.attendance.mark(session, "sam@example.org", AttendanceStatus.PRESENT)
        # Kim comes once in four, and is excused once (left out of her rate).
        kim = (AttendanceStatus.PRESENT if n == 0 else AttendanceStatus.EXCUSED if n == 1
               else AttendanceStatus.ABSENT)
        desk.attendance.mark(session, "kim@example.org", kim)
    tz = ZoneInfo("Europe/London")
    below = desk.absences.below(0.8, timedelta(days=30), tz)
    assert [(b.student, round(b.rate, 3), b.absent) for b in below] == [
        ("kim@example.org", 0.333, 2)]
    assert desk.absences.below(0.3, timedelta(days=30), tz) == []
    # A window that holds only the one lesson she came to: nobody is below.
    assert desk.absences.below(0.8, timedelta(hours=30), tz) == []
