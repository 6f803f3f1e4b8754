"""The demo centre of `init --demo`: realistic counts, no double booking, weekly lessons at the
same wall time across a daylight-saving change, attendance on what happened, reproducible."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionQuery
from sessionsctl.core.domain.model import (
    AttendanceStatus,
    Role,
    Session,
    SessionStatus,
    SessionType,
)
from sessionsctl.demo import TERM_WEEKS, DemoSummary, load_demo
from sessionsctl.store import open_store

TODAY = date(2026, 11, 10)  # a Tuesday; the term starts on Monday 28 Sep, before BST ends (25 Oct)
NOW = datetime(2026, 11, 10, 17, 5, tzinfo=UTC)  # 17:05 in London: the 16:30 lessons are running
LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.slow  # each load books ~900 sessions and plays ~400 of them out


def _load(centre: Centre) -> tuple[DemoSummary, list[Session]]:
    centre.clock = lambda: NOW
    summary = load_demo(centre, today=TODAY)
    return summary, centre.sessions.find(SessionQuery())


def _weekly(sessions: list[Session]) -> dict[tuple[str, str], list[Session]]:
    """The weekly lessons: one title and mentor, booked every week of the term."""
    groups: dict[tuple[str, str], list[Session]] = defaultdict(list)
    for s in sessions:
        groups[(s.title, s.mentor)].append(s)
    return {k: sorted(v, key=lambda s: s.start) for k, v in groups.items() if len(v) > 1}


def _check_counts(centre: Centre, summary: DemoSummary, sessions: list[Session]) -> None:
    people = Counter(p.role for p in centre.people.list_people())
    assert (people[Role.ADMIN], people[Role.STAFF]) == (summary.admins, summary.staff) == (1, 2)
    assert people[Role.MENTOR] == summary.mentors and 8 <= summary.mentors <= 12
    assert people[Role.STUDENT] == summary.students == 100
    zones = Counter(p.tz for p in centre.people.list_people(Role.STUDENT))
    assert zones["Europe/London"] >= 90 and zones["America/New_York"] >= 1
    rooms = {r.name: r.capacity for r in centre.people.list_rooms()}
    assert len(rooms) == summary.rooms == 8
    assert sorted(rooms.values())[0] == 2 and max(rooms.values()) == 30
    assert any(6 <= seats <= 12 for seats in rooms.values())
    assert len(centre.people.list_subjects()) == summary.subjects == 6

    weekly = _weekly(sessions)
    assert len(weekly) == summary.weekly_lessons
    # Each weekly lesson is one series of the term, every occurrence one of its sessions.
    series = centre.series.all()
    assert len(series) == summary.weekly_lessons
    assert [t.name for t in centre.calendar.list_terms()] == ["Autumn term 2026"]
    for lessons in weekly.values():
        assert len({s.series_id for s in lessons}) == 1 and lessons[0].series_id is not None
        assert len({s.uid for s in lessons}) == 1
    per_mentor = Counter(mentor for _title, mentor in weekly)
    assert len(per_mentor) == summary.mentors and all(5 <= n <= 7 for n in per_mentor.values())
    for mentor in per_mentor:  # a specialism each
        assert len({v[0].subject for (_t, m), v in weekly.items() if m == mentor}) == 1
    one_offs = [s for s in sessions if (s.title, s.mentor) not in weekly]
    assert all(s.series_id is None for s in one_offs)
    assert len(one_offs) == summary.one_offs and 15 <= summary.one_offs <= 25
    assert len(sessions) == summary.sessions
    assert summary.sessions == summary.weekly_lessons * TERM_WEEKS + summary.one_offs
    local_today = datetime(2026, 11, 10, tzinfo=LONDON)
    assert all(abs(s.start - local_today) < timedelta(days=8) for s in one_offs)
    assert any(s.type is SessionType.WORKSHOP for s in one_offs)
    assert any(s.link and s.meeting_id and s.passcode and s.room is None for s in one_offs)
    assert any(s.cost for s in one_offs) and len({s.payment_status for s in one_offs}) >= 2
    sizes = Counter(len(s.students) for s in sessions if (s.title, s.mentor) in weekly)
    assert sizes[1] and set(sizes) <= set(range(1, 9)) and sum(sizes[n] for n in range(3, 9))

    status = Counter(s.status for s in sessions)
    assert status[SessionStatus.COMPLETED] == summary.completed > 0
    assert status[SessionStatus.CANCELLED] == summary.cancelled > 0
    assert status[SessionStatus.IN_PROGRESS] == summary.in_progress > 0
    assert status[SessionStatus.SCHEDULED] == summary.scheduled
    past = [s for s in sessions if s.end <= NOW]
    assert summary.completed >= 0.8 * len(past)
    assert any(s.status is SessionStatus.SCHEDULED for s in past)  # left to be reconciled
    assert all(s.cancel_reason for s in sessions if s.status is SessionStatus.CANCELLED)
    assert all(s.status is SessionStatus.SCHEDULED for s in sessions if s.start >= NOW)
    assert 0.2 * summary.completed <= summary.feedback <= 0.4 * summary.completed


def _check_no_double_booking(centre: Centre, sessions: list[Session]) -> None:
    held: dict[str, list[Session]] = defaultdict(list)
    for s in sessions:
        if s.status is SessionStatus.CANCELLED:
            continue
        for key in (s.mentor, *s.students, *([f"room:{s.room}"] if s.room else [])):
            held[key].append(s)
    for key, booked in held.items():
        booked.sort(key=lambda s: s.start)
        for a, b in zip(booked, booked[1:]):
            assert a.end <= b.start, f"{key}: {a.title!r} overlaps {b.title!r} at {b.start}"
    seats = {r.name: r.capacity for r in centre.people.list_rooms()}
    for s in sessions:
        assert s.room is None or len(s.students) <= seats[s.room], s
        assert s.max_participants is None or len(s.students) <= s.max_participants, s
        assert s.force_reason is None


def _check_wall_times(sessions: list[Session]) -> None:
    weekly = _weekly(sessions)
    offsets = {s.start.astimezone(LONDON).utcoffset() for v in weekly.values() for s in v}
    assert len(offsets) == 2  # the term crosses the end of British Summer Time
    for (title, _mentor), lessons in weekly.items():
        assert len(lessons) == TERM_WEEKS, title
        walls = [s.start.astimezone(ZoneInfo(s.tz)) for s in lessons]
        assert len({(w.weekday(), w.time()) for w in walls}) == 1, title
        assert len({s.duration for s in lessons}) == 1, title
        assert len({(s.room, s.students) for s in lessons}) == 1, title
        assert all(b.date() - a.date() == timedelta(weeks=1) for a, b in zip(walls, walls[1:]))


def _check_attendance(centre: Centre, summary: DemoSummary, sessions: list[Session]) -> None:
    marks = Counter()
    notes = 0
    feedback = 0
    for s in sessions:
        if s.start >= NOW:  # nothing is marked before it starts (the totals below agree)
            continue
        details = centre.sessions.show(s.id)
        feedback += len(details.feedback)
        if s.status in (SessionStatus.COMPLETED, SessionStatus.IN_PROGRESS):
            assert sorted(a.student for a in details.attendance) == list(s.students), s.title
        else:
            assert details.attendance == [], s.title
        for a in details.attendance:
            marks[a.status] += 1
            notes += a.note is not None
            if a.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
                assert a.check_in is not None and a.check_in <= NOW
        for f in details.feedback:
            assert 1 <= f.rating <= 5 and (f.author == s.mentor or f.author in s.students)
    assert sum(marks.values()) == summary.attendance_marks
    assert feedback == summary.feedback
    assert marks[AttendanceStatus.PRESENT] > 0.7 * summary.attendance_marks
    assert all(marks[k] for k in (AttendanceStatus.LATE, AttendanceStatus.ABSENT,
                                  AttendanceStatus.EXCUSED))
    assert notes > 0


def test_demo_centre_is_realistic_and_conflict_free(centre: Centre) -> None:
    summary, sessions = _load(centre)
    _check_counts(centre, summary, sessions)
    _check_no_double_booking(centre, sessions)
    _check_wall_times(sessions)
    _check_attendance(centre, summary, sessions)
    assert centre.mail.outbox(None, 10) == []  # nobody is mailed about sample lessons
    assert summary.as_dict()["sessions"] == summary.sessions
    assert f"{summary.students} students" in summary.describe()


def _shape(sessions: list[Session]) -> list[tuple[object, ...]]:
    return sorted((s.title, s.start, s.end, s.mentor, s.students, s.room, s.subject, s.type,
                   s.status, s.link, s.cost, s.payment_status) for s in sessions)


def test_same_seed_gives_the_same_centre(centre: Centre, fresh_url: str) -> None:
    first, sessions = _load(centre)
    other = open_store(fresh_url)
    try:
        second, again = _load(Centre(other))
    finally:
        other.close()
    assert first == second
    assert _shape(sessions) == _shape(again)
