"""The small core additions the TUI needs: every problem of a draft at once (core.drafts),
marking the rest of a roster without overwriting (core.roster), dashboard figures and the
change marker (core.stats)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessionsctl.core.attendance import check_in_time, unmarked
from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft
from sessionsctl.core.domain.errors import NotStarted
from sessionsctl.core.domain.model import (
    Attendance,
    AttendanceStatus,
    Role,
    Session,
    SessionStatus,
)
from sessionsctl.core.domain.problems import problems
from sessionsctl.core.reports.stats import attendance_rate, completion_rate
from sessionsctl.store.engine import SqlStore

T0 = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
NOW = T0 + timedelta(minutes=10)
LONDON = ZoneInfo("Europe/London")
MENTOR = "mo@centre.test"
STUDENTS = ("a@centre.test", "b@centre.test", "c@centre.test")


def draft(**fields) -> SessionDraft:
    values = dict(title="Lesson", mentor=MENTOR, start=T0, end=T0 + timedelta(hours=1),
                  tz="Europe/London", students=STUDENTS)
    values.update(fields)
    return SessionDraft(**values)


# ---------------------------------------------------------------------------- drafts

def test_a_valid_draft_has_no_problems() -> None:
    assert problems(draft()) == {}


def test_every_problem_is_reported_at_once_by_field() -> None:
    found = problems(draft(title="  ", tz="Mars/Olympus", end=T0 - timedelta(hours=1),
                           mentor="nobody"))
    assert set(found) == {"title", "tz", "end", "mentor"}
    assert found["title"] == "must not be empty"
    assert "Mars/Olympus" in found["tz"]
    assert found["end"] == "must be after the start"


def test_a_problem_depending_on_another_field_is_still_named() -> None:
    found = problems(draft(students=(MENTOR,)))
    assert list(found) == ["student"]


# ---------------------------------------------------------------------------- roster

def _session(**fields) -> Session:
    values = dict(id=1, uid="u", title="L", mentor=MENTOR, start=T0, end=T0 + timedelta(hours=1),
                  tz="Europe/London", students=STUDENTS)
    values.update(fields)
    return Session(**values)


def test_check_in_is_now_within_the_session_else_its_start() -> None:
    s = _session()
    assert check_in_time(s, NOW) == NOW
    assert check_in_time(s, T0 - timedelta(minutes=5)) == T0
    # Marked once it is over (its end is already past, half-open): nobody saw them come in.
    assert check_in_time(s, s.end) == T0
    assert check_in_time(s, T0 + timedelta(hours=3)) == T0


def test_unmarked_keeps_roster_order() -> None:
    marks = [Attendance(1, STUDENTS[1], AttendanceStatus.ABSENT)]
    assert unmarked(_session(), marks) == [STUDENTS[0], STUDENTS[2]]


@pytest.fixture
def centre_now(store: SqlStore) -> Centre:
    centre = Centre(store, clock=lambda: NOW)
    centre.people.add_person("Mo", MENTOR, Role.MENTOR)
    for email in STUDENTS:
        centre.people.add_person(email[0].upper(), email, Role.STUDENT)
    return centre


def test_mark_rest_fills_only_the_unmarked(centre_now: Centre) -> None:
    session = centre_now.sessions.book(draft()).session
    centre_now.attendance.mark(session.id, STUDENTS[0], AttendanceStatus.ABSENT, note="ill")
    written = centre_now.attendance.mark_rest(session.id)
    assert sorted(m.student for m in written) == list(STUDENTS[1:])
    marks = {m.student: m for m in centre_now.attendance.marks(session.id)}
    assert marks[STUDENTS[0]].status is AttendanceStatus.ABSENT
    assert marks[STUDENTS[0]].note == "ill"
    assert marks[STUDENTS[1]].status is AttendanceStatus.PRESENT
    assert marks[STUDENTS[1]].check_in == NOW
    assert centre_now.attendance.mark_rest(session.id) == []  # nothing left: a no-op, not an overwrite


def test_mark_rest_refuses_a_session_not_started(centre_now: Centre) -> None:
    session = centre_now.sessions.book(draft(start=T0 + timedelta(days=1),
                                    end=T0 + timedelta(days=1, hours=1))).session
    with pytest.raises(NotStarted) as refused:
        centre_now.attendance.mark_rest(session.id)
    assert centre_now.attendance.marks(session.id) == []
    # Core says why, not which flag of which face goes ahead anyway.
    assert refused.value.message == f"session: session {session.id} has not started yet"
    assert len(centre_now.attendance.mark_rest(session.id, force=True)) == len(STUDENTS)


# ----------------------------------------------------------------------------- stats

def test_completion_rate_counts_cancelled_as_not_completed() -> None:
    past = [_session(id=i, start=T0 - timedelta(days=2), end=T0 - timedelta(days=2) + timedelta(hours=1),
                     status=status)
            for i, status in enumerate([SessionStatus.COMPLETED, SessionStatus.COMPLETED,
                                        SessionStatus.CANCELLED, SessionStatus.SCHEDULED], 1)]
    future = [_session(id=9, start=T0 + timedelta(days=1), end=T0 + timedelta(days=1, hours=1))]
    assert completion_rate(past + future, NOW) == 0.5
    assert completion_rate(future, NOW) is None


def test_attendance_rate_leaves_excused_out() -> None:
    marks = [Attendance(1, "a", AttendanceStatus.PRESENT), Attendance(1, "b", AttendanceStatus.LATE),
             Attendance(1, "c", AttendanceStatus.ABSENT), Attendance(1, "d", AttendanceStatus.EXCUSED)]
    assert attendance_rate(marks) == pytest.approx(2 / 3)
    assert attendance_rate([]) is None


def test_dashboard_and_data_version(centre_now: Centre) -> None:
    version = centre_now.reports.data_version()
    done = centre_now.sessions.book(draft(title="Done", start=T0 - timedelta(days=3),
                                 end=T0 - timedelta(days=3) + timedelta(hours=1)),
                                    past=True).session
    centre_now.attendance.mark(done.id, STUDENTS[0], AttendanceStatus.PRESENT)
    centre_now.attendance.mark(done.id, STUDENTS[1], AttendanceStatus.ABSENT)
    centre_now.sessions.complete(done.id, force=True)
    centre_now.sessions.book(draft(title="Now"))  # today, running
    later = centre_now.sessions.book(draft(title="Later", start=T0 + timedelta(days=1),
                                  end=T0 + timedelta(days=1, hours=1))).session
    centre_now.sessions.cancel(later.id, "snow")
    centre_now.sessions.book(draft(title="Thursday", start=T0 + timedelta(days=2),
                          end=T0 + timedelta(days=2, hours=1)))
    figures = centre_now.reports.dashboard(NOW, LONDON)  # Tuesday 1 December 2026
    assert figures.today == 1
    assert figures.upcoming_week == 1  # Thursday; the running one started before now
    assert figures.completion_rate == 1.0
    # present, absent, and the third student left unmarked: absent once it completed
    assert figures.attendance_rate == pytest.approx(1 / 3)
    assert centre_now.reports.data_version() != version
