"""The use cases of core.centre.Centre against a real store: booking and conflicts
(ARCHITECTURE.md, decision 3), editing, status (decision 4), attendance, feedback,
permissions (decision 6) and bad input. Whatever is refused leaves the database unchanged."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from sessionsctl.core.attendance import Typed, parse_status, read_marks
from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import Row, SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import (
    ConflictError,
    InvalidInput,
    NotFound,
    NotPermitted,
    SessionsctlError,
)
from sessionsctl.core.domain.model import (
    AttendanceStatus,
    PaymentStatus,
    Role,
    Session,
    SessionStatus,
)
from sessionsctl.core.domain.timeutil import parse_instant
from sessionsctl.core.schedule.conflicts import Conflict, clashes
from sessionsctl.store.engine import SqlStore
from sessionsctl.store.schema import metadata

ADMIN = "ada@centre.test"
STAFF = "sam@centre.test"
MENTOR = "mo@centre.test"
MENTOR2 = "meg@centre.test"
STUDENT = "stu@centre.test"
STUDENT2 = "sue@centre.test"
STUDENT3 = "sid@centre.test"
UNKNOWN = "ghost@centre.test"
PEOPLE = {ADMIN: Role.ADMIN, STAFF: Role.STAFF, MENTOR: Role.MENTOR, MENTOR2: Role.MENTOR,
          STUDENT: Role.STUDENT, STUDENT2: Role.STUDENT, STUDENT3: Role.STUDENT}
ATTIC, HALL = "Attic", "Hall"  # seats 1 and 30

T0 = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
NOW = T0 + timedelta(minutes=10)  # the clock: ten minutes into a T0 session


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def draft(title: str = "Lesson", *, start: datetime = T0, minutes: int = 60,
          **fields: Any) -> SessionDraft:
    fields.setdefault("mentor", MENTOR)
    fields.setdefault("tz", "Europe/London")
    return SessionDraft(title=title, start=start, end=start + timedelta(minutes=minutes),
                        **fields)


# ------------------------------------------------------------------------ fixtures

@pytest.fixture
def seeded(store: SqlStore) -> SqlStore:
    local = Centre(store)
    for email, role in PEOPLE.items():
        local.people.add_person(email.split("@")[0].title(), email, role)
    local.people.add_room(ATTIC, 1)
    local.people.add_room(HALL, 30)
    local.people.add_subject("Maths")
    return store


def acting(store: SqlStore, email: str | None = ADMIN, now: datetime = NOW) -> Centre:
    return Centre(store, actor=email, clock=lambda: now)


@pytest.fixture
def admin(seeded: SqlStore) -> Centre:
    return acting(seeded)


@pytest.fixture
def lesson(admin: Centre) -> Session:
    """A booked session at T0: MENTOR teaching STUDENT and STUDENT2."""
    return admin.sessions.book(draft(students=(STUDENT, STUDENT2))).session


def snapshot(store: SqlStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order."""
    with store.engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(
                    select(t).order_by(*t.primary_key.columns))]
                for t in metadata.sorted_tables}


@contextmanager
def unchanged(store: SqlStore) -> Iterator[None]:
    before = snapshot(store)
    yield
    assert snapshot(store) == before


@contextmanager
def refused(store: SqlStore, error: type[SessionsctlError], *,
            field: str | None = None) -> Iterator[pytest.ExceptionInfo[Any]]:
    """The block raises ``error`` (naming ``field`` for InvalidInput) and writes nothing."""
    with unchanged(store), pytest.raises(error) as info:
        yield info
    if error is InvalidInput:
        assert info.value.field == field


def kinds(conflicts: list[Conflict]) -> list[str]:
    return [c.kind for c in conflicts]


def stored(store: SqlStore, session_id: int) -> Session:
    with store.unit() as uow:
        found = uow.sessions.get(session_id)
    assert found is not None
    return found


def titles(store: SqlStore) -> list[str]:
    with store.unit() as uow:
        return [s.title for s in uow.sessions.find(SessionQuery())]


# ------------------------------------------------------------------------- booking

def test_booking_writes_the_session(admin: Centre, seeded: SqlStore) -> None:
    booked = admin.sessions.book(draft("  Algebra ", students=(STUDENT2.upper(), STUDENT), room=HALL,
                              subject="Maths"))
    assert booked.forced_over == []
    session = booked.session
    assert (session.title, session.mentor, session.students, session.room, session.subject) == \
        ("Algebra", MENTOR, (STUDENT, STUDENT2), HALL, "Maths")
    assert (session.start, session.end, session.status) == (T0, at(60), SessionStatus.SCHEDULED)
    assert stored(seeded, session.id) == session


# The first booking at T0, a second one at T0 + 30 min, and the kind of their clash.
CLASHES = {
    "mentor": (dict(students=(STUDENT,)), dict(students=(STUDENT2,))),
    "student": (dict(students=(STUDENT,)), dict(mentor=MENTOR2, students=(STUDENT, STUDENT2))),
    "room": (dict(room=HALL), dict(mentor=MENTOR2, room=HALL)),
}


@pytest.mark.parametrize("kind", list(CLASHES))
def test_a_clash_is_refused_naming_the_session(admin: Centre, seeded: SqlStore,
                                               kind: str) -> None:
    first_fields, second_fields = CLASHES[kind]
    first = admin.sessions.book(draft("First", **first_fields)).session
    second = draft("Second", start=at(30), **second_fields)

    assert kinds(admin.sessions.check(second)) == [kind]
    with refused(seeded, ConflictError) as err:
        admin.sessions.book(second)
    assert err.value.exit_code == 3
    [conflict] = err.value.conflicts
    assert (conflict.kind, conflict.start, conflict.with_) == (kind, second.start, first)


@pytest.mark.parametrize("fields", [
    dict(students=(STUDENT, STUDENT2), max_participants=1),
    dict(students=(STUDENT, STUDENT2), room=ATTIC),
], ids=["max_participants", "room-seats"])
def test_over_capacity_is_a_conflict(admin: Centre, seeded: SqlStore,
                                     fields: dict[str, Any]) -> None:
    with refused(seeded, ConflictError) as err:
        admin.sessions.book(draft(**fields))
    [conflict] = err.value.conflicts
    assert (conflict.kind, conflict.with_) == ("capacity", None)
    assert "2 students" in conflict.detail


def test_a_full_but_not_overfull_session_is_booked(admin: Centre) -> None:
    assert admin.sessions.check(draft(students=(STUDENT,), room=ATTIC, max_participants=1)) == []
    admin.sessions.book(draft(students=(STUDENT,), room=ATTIC, max_participants=1))


def test_several_conflicts_are_reported_together(admin: Centre, seeded: SqlStore) -> None:
    first = admin.sessions.book(draft(students=(STUDENT,), room=ATTIC)).session
    with refused(seeded, ConflictError) as err:
        admin.sessions.book(draft(students=(STUDENT, STUDENT2), room=ATTIC, start=at(59)))
    assert sorted(kinds(err.value.conflicts)) == ["capacity", "mentor", "room", "student"]
    assert all(c.with_ == first for c in err.value.conflicts if c.kind != "capacity")


def book_behind_the_rules(store: SqlStore, *drafts: SessionDraft) -> None:
    """Write sessions straight through the store, as an import or an older version might."""
    with store.unit(write=True) as uow:
        uow.sessions.insert([Row(d, uid=f"{d.title}@test") for d in drafts])


def test_a_mentor_who_is_a_student_elsewhere_clashes(admin: Centre, seeded: SqlStore) -> None:
    # The rules keep roles apart, but a person is booked once at a time whatever their part
    # (conflicts.clashes): MENTOR2 sits in on MENTOR's lesson and cannot teach meanwhile.
    book_behind_the_rules(seeded, draft("Observed", students=(MENTOR2,)))
    mine = draft("Mine", mentor=MENTOR2, start=at(30))
    assert kinds(admin.sessions.check(mine)) == ["mentor"]
    with refused(seeded, ConflictError):
        admin.sessions.book(mine)


def test_a_student_who_mentors_elsewhere_clashes(admin: Centre, seeded: SqlStore) -> None:
    book_behind_the_rules(seeded, draft("Peer tutoring", mentor=STUDENT3))
    assert kinds(admin.sessions.check(draft(mentor=MENTOR2, students=(STUDENT3,), start=at(30)))) == \
        ["student"]


def test_clashes_judges_people_whatever_their_part() -> None:
    other = Session(id=7, uid="u", title="Other", mentor=MENTOR2, start=T0, end=at(60),
                    tz="UTC", students=(MENTOR,))
    assert kinds(clashes(draft(start=at(30)), [other])) == ["mentor"]
    assert kinds(clashes(draft(mentor=MENTOR2, start=at(60)), [other])) == []


def test_back_to_back_sessions_do_not_clash(admin: Centre, seeded: SqlStore) -> None:
    shared = dict(students=(STUDENT,), room=HALL)
    admin.sessions.book(draft("Before", **shared))
    admin.sessions.book(draft("After", start=at(60), **shared))
    admin.sessions.book(draft("Earlier", start=at(-60), **shared))
    assert titles(seeded) == ["Earlier", "Before", "After"]


def test_cancelled_sessions_do_not_clash(admin: Centre, lesson: Session) -> None:
    admin.sessions.cancel(lesson.id, "mentor ill")
    again = draft(students=(STUDENT, STUDENT2))
    assert admin.sessions.check(again) == []
    assert admin.sessions.book(again).forced_over == []


# ----------------------------------------------------------------- book_many batches

def test_clashes_inside_one_batch_are_refused_whole(admin: Centre, seeded: SqlStore) -> None:
    batch = [draft("Free", start=at(-180)), draft("A"), draft("B", start=at(30), mentor=MENTOR2,
                                                              students=(STUDENT,)),
             draft("C", start=at(45), mentor=MENTOR2)]
    # The database is empty, so every clash is with an earlier row of the batch: C with B
    # (mentor), D with A (mentor) and with B (student).
    with refused(seeded, ConflictError) as err:
        admin.sessions.book_many(batch + [draft("D", start=at(15), students=(STUDENT,))])
    found = [(c.kind, c.with_.title if c.with_ else None) for c in err.value.conflicts]
    assert found == [("mentor", "B"), ("mentor", "A"), ("student", "B")]
    assert titles(seeded) == []


def test_skip_conflicts_books_the_free_rows(admin: Centre, seeded: SqlStore,
                                            lesson: Session) -> None:
    rows = [draft("Clashes with lesson", start=at(30)), draft("Free", start=at(120)),
            draft("Clashes with free", start=at(150), students=(STUDENT3,))]
    result = admin.sessions.book_many(rows, skip_conflicts=True)
    assert [s.title for s in result.booked] == ["Free"]
    assert result.skipped == [rows[0], rows[2]]
    assert [(c.kind, c.with_.title) for c in result.conflicts] == [  # type: ignore[union-attr]
        ("mentor", lesson.title), ("mentor", "Free")]
    assert titles(seeded) == [lesson.title, "Free"]


def test_force_books_and_records_the_reason_on_clashing_rows(admin: Centre, seeded: SqlStore,
                                                             lesson: Session) -> None:
    result = admin.sessions.book_many([draft("Double", start=at(30)), draft("Later", start=at(120))],
                             force_reason="  cover while Mo is away  ")
    double, later = result.booked
    assert kinds(result.conflicts) == ["mentor"]
    assert stored(seeded, double.id).force_reason == "cover while Mo is away"
    assert stored(seeded, later.id).force_reason is None
    single = admin.sessions.book(draft("Again", start=at(15)), force_reason="exam week")
    assert kinds(single.forced_over) == ["mentor", "mentor"]
    assert single.session.force_reason == "exam week"


@pytest.mark.parametrize(("options", "field"), [
    (dict(force_reason="   "), "reason"),
    (dict(force_reason="why", skip_conflicts=True), "force"),
])
def test_force_needs_a_reason_and_excludes_skip(admin: Centre, seeded: SqlStore,
                                                options: dict[str, Any], field: str) -> None:
    with refused(seeded, InvalidInput, field=field):
        admin.sessions.book_many([draft()], **options)


# --------------------------------------------------------------------------- editing

def test_moving_the_start_keeps_the_length(admin: Centre, seeded: SqlStore) -> None:
    session = admin.sessions.book(draft(minutes=90)).session
    moved = admin.sessions.edit(session.id, {"start": at(120)}).session
    assert (moved.start, moved.end, moved.sequence) == (at(120), at(210), 1)
    stretched = admin.sessions.edit(session.id, {"start": at(0), "end": at(30)}).session
    assert (stretched.start, stretched.end, stretched.sequence) == (at(0), at(30), 2)
    renamed = admin.sessions.edit(session.id, {"title": "Geometry", "students": (STUDENT3,)}).session
    assert (renamed.title, renamed.students, renamed.start, renamed.end, renamed.sequence) == \
        ("Geometry", (STUDENT3,), at(0), at(30), 3)
    assert stored(seeded, session.id) == renamed


def test_an_edit_does_not_clash_with_itself(admin: Centre, lesson: Session) -> None:
    assert admin.sessions.edit(lesson.id, {"start": at(30)}).forced_over == []


def test_an_edit_into_a_clash_is_refused_unless_forced(admin: Centre, seeded: SqlStore,
                                                       lesson: Session) -> None:
    other = admin.sessions.book(draft("Other", start=at(120))).session
    with refused(seeded, ConflictError) as err:
        admin.sessions.edit(other.id, {"start": at(30)})
    assert [(c.kind, c.with_) for c in err.value.conflicts] == [("mentor", lesson)]
    forced = admin.sessions.edit(other.id, {"start": at(30)}, force_reason="swap rooms")
    assert kinds(forced.forced_over) == ["mentor"]
    assert stored(seeded, other.id).force_reason == "swap rooms"


@pytest.mark.parametrize("finish", ["complete", "cancel"])
def test_a_finished_session_cannot_be_edited(admin: Centre, seeded: SqlStore,
                                             lesson: Session, finish: str) -> None:
    if finish == "complete":
        admin.sessions.begin(lesson.id, force=True)
    getattr(admin.sessions, finish)(lesson.id)
    with refused(seeded, InvalidInput, field="status"):
        admin.sessions.edit(lesson.id, {"title": "Rescheduled"})


@pytest.mark.parametrize("finish", ["complete", "cancel"])
def test_a_finished_session_takes_notes_and_payment_but_keeps_its_slot(
        admin: Centre, seeded: SqlStore, lesson: Session, finish: str) -> None:
    """Notes are written after the lesson and payment comes later: those change; when, where
    and with whom do not, not even alongside a note."""
    getattr(admin.sessions, finish)(lesson.id)
    finished = stored(seeded, lesson.id)
    admin.sessions.edit(lesson.id, {"notes": "fractions; homework set", "description": "Unit 3",
                           "cost": Decimal("30"), "payment_status": PaymentStatus.PAID})
    after = stored(seeded, lesson.id)
    assert (after.notes, after.description, after.cost, after.payment_status) == (
        "fractions; homework set", "Unit 3", Decimal("30.00"), PaymentStatus.PAID)
    assert (after.status, after.start, after.students) == (
        finished.status, finished.start, finished.students)
    for changes in ({"start": at(60)}, {"students": (STUDENT,)}, {"room": HALL},
                    {"notes": "moved", "mentor": MENTOR2}):
        with refused(seeded, InvalidInput, field="status") as err:
            admin.sessions.edit(lesson.id, changes)
        assert "notes" in err.value.message  # says what can still change


def test_a_note_on_a_session_booked_over_a_clash_needs_no_override(
        admin: Centre, seeded: SqlStore, lesson: Session) -> None:
    other = admin.sessions.book(draft("Cover", start=at(30)), force_reason="agreed").session
    admin.sessions.edit(other.id, {"notes": "room swapped"})
    assert (stored(seeded, other.id).notes, stored(seeded, other.id).force_reason) == (
        "room swapped", "agreed")


@pytest.mark.parametrize(("changes", "field"), [
    ({"status": SessionStatus.COMPLETED}, "edit"),
    ({"end": T0}, "end"),
    ({"title": "   "}, "title"),
    ({"students": (MENTOR,)}, "student"),
])
def test_bad_edits_are_refused(admin: Centre, seeded: SqlStore, lesson: Session,
                               changes: dict[str, Any], field: str) -> None:
    with refused(seeded, InvalidInput, field=field):
        admin.sessions.edit(lesson.id, changes)


# ------------------------------------------------------------------- status changes

STEPS = {"begin": SessionStatus.IN_PROGRESS, "complete": SessionStatus.COMPLETED,
         "cancel": SessionStatus.CANCELLED}


@pytest.mark.parametrize("path", [("begin",), ("begin", "complete"), ("cancel",),
                                  ("begin", "cancel")], ids="-".join)
def test_allowed_status_changes(admin: Centre, seeded: SqlStore, lesson: Session,
                                path: tuple[str, ...]) -> None:
    for number, step in enumerate(path, start=1):
        after = getattr(admin.sessions, step)(lesson.id)
        assert (after.status, after.sequence) == (STEPS[step], number)
        assert stored(seeded, lesson.id) == after


def test_completing_a_scheduled_session_passes_through_in_progress(
        admin: Centre, seeded: SqlStore, lesson: Session) -> None:
    after = admin.sessions.complete(lesson.id, force=True)
    assert (after.status, after.sequence) == (SessionStatus.COMPLETED, 2)
    with seeded.engine.connect() as conn:
        steps = conn.execute(text(
            "SELECT action FROM audit_log WHERE entity = 'session' AND entity_id = :id "
            "ORDER BY id"), {"id": str(lesson.id)}).scalars().all()
    # (then its unmarked students are marked absent: config unmarked)
    assert [s for s in steps if s != "attendance"][-2:] == ["in_progress", "completed"]


# ARCHITECTURE.md, decision 4: scheduled -> in_progress -> completed, scheduled/in_progress ->
# cancelled; completed and cancelled are final. Each path's last step is refused.
@pytest.mark.parametrize("path", [
    ("begin", "begin"),
    ("begin", "complete", "begin"), ("begin", "complete", "complete"),
    ("begin", "complete", "cancel"),
    ("cancel", "begin"), ("cancel", "complete"), ("cancel", "cancel"),
], ids="-".join)
def test_refused_status_changes(admin: Centre, seeded: SqlStore, lesson: Session,
                                path: tuple[str, ...]) -> None:
    *allowed, last = path
    for step in allowed:
        getattr(admin.sessions, step)(lesson.id)
    with refused(seeded, InvalidInput, field="status"):
        getattr(admin.sessions, last)(lesson.id)


def test_a_refused_status_change_is_said_in_plain_words(admin: Centre, seeded: SqlStore,
                                                         lesson: Session) -> None:
    admin.sessions.begin(lesson.id, force=True)
    with refused(seeded, InvalidInput, field="status") as err:
        admin.sessions.begin(lesson.id, force=True)
    assert err.value.detail == "the session is in progress and cannot become in progress"


def test_cancelling_records_the_reason(admin: Centre, lesson: Session) -> None:
    assert admin.sessions.cancel(lesson.id, "snow").cancel_reason == "snow"


# ----------------------------------------------------------------------- attendance

@pytest.mark.parametrize(("status", "now", "check_in"), [
    (AttendanceStatus.PRESENT, NOW, NOW),
    (AttendanceStatus.LATE, NOW, NOW),
    (AttendanceStatus.PRESENT, at(600), T0),  # marked afterwards: the start, not the end
    (AttendanceStatus.ABSENT, NOW, None),
    (AttendanceStatus.EXCUSED, NOW, None),
])
def test_check_in_is_filled_for_present_and_late(seeded: SqlStore, lesson: Session,
                                                 status: AttendanceStatus, now: datetime,
                                                 check_in: datetime | None) -> None:
    mark = acting(seeded, MENTOR, now).attendance.mark(lesson.id, STUDENT, status)
    assert (mark.status, mark.check_in, mark.recorded_by, mark.recorded_at) == \
        (status, check_in, MENTOR, now)
    assert acting(seeded).attendance.marks(lesson.id) == [mark]


def test_mark_all_after_the_end_checks_in_at_the_start(seeded: SqlStore,
                                                       lesson: Session) -> None:
    """Marking everyone the next morning does not say they all came in as it ended; a
    check-in given by hand stays as given."""
    later = acting(seeded, now=at(60 * 18))
    later.attendance.mark(lesson.id, STUDENT, AttendanceStatus.LATE, check_in=at(12))
    written = later.attendance.mark_rest(lesson.id)
    assert [(m.student, m.check_in) for m in written] == [(STUDENT2, T0)]
    assert {m.student: m.check_in for m in later.attendance.marks(lesson.id)} == {
        STUDENT: at(12), STUDENT2: T0}
    running = acting(seeded, now=at(30))
    other = running.sessions.book(draft(start=at(-20), mentor=MENTOR2,
                                        students=(STUDENT3,))).session
    assert [m.check_in for m in running.attendance.mark_rest(other.id)] == [at(30)]


def test_attendance_status_is_read_in_any_case() -> None:
    assert parse_status("EXCUSED") is AttendanceStatus.EXCUSED
    assert parse_status(" Late ") is AttendanceStatus.LATE
    assert parse_status("Absent", allowed=(AttendanceStatus.PRESENT,
                                           AttendanceStatus.ABSENT)) is AttendanceStatus.ABSENT
    with pytest.raises(InvalidInput, match="'late' is not one of present, absent"):
        parse_status("late", allowed=(AttendanceStatus.PRESENT, AttendanceStatus.ABSENT))
    with pytest.raises(InvalidInput, match="status: 'maybe'"):
        parse_status("maybe")


def test_attendance_waits_for_the_start_unless_forced(seeded: SqlStore,
                                                      lesson: Session) -> None:
    early = acting(seeded, now=at(-5))
    with refused(seeded, InvalidInput, field="session"):
        early.attendance.mark(lesson.id, STUDENT, AttendanceStatus.PRESENT)
    forced = early.attendance.mark(lesson.id, STUDENT, AttendanceStatus.PRESENT, force=True)
    assert forced.check_in == lesson.start


def test_attendance_at_the_very_start_is_allowed(seeded: SqlStore, lesson: Session) -> None:
    mark = acting(seeded, now=T0).attendance.mark(lesson.id, STUDENT, AttendanceStatus.PRESENT)
    assert mark.check_in == T0


def test_a_second_mark_replaces_the_first(admin: Centre, lesson: Session) -> None:
    admin.attendance.mark(lesson.id, STUDENT, AttendanceStatus.ABSENT)
    late = admin.attendance.mark(lesson.id, STUDENT, AttendanceStatus.LATE, note="bus")
    assert admin.attendance.marks(lesson.id) == [late]


@pytest.mark.parametrize(("student", "error", "field"), [
    (STUDENT3, InvalidInput, "student"),  # a student, but not of this session
    (MENTOR, InvalidInput, "student"),
    (UNKNOWN, NotFound, None),
    ("not an email", NotFound, None),  # a name, and nobody is called that
])
def test_attendance_only_for_a_participant(admin: Centre, seeded: SqlStore, lesson: Session,
                                           student: str, error: type[SessionsctlError],
                                           field: str | None) -> None:
    with refused(seeded, error, field=field):
        admin.attendance.mark(lesson.id, student, AttendanceStatus.PRESENT)


def test_no_attendance_for_a_cancelled_session(admin: Centre, seeded: SqlStore,
                                               lesson: Session) -> None:
    admin.sessions.cancel(lesson.id)
    with refused(seeded, InvalidInput, field="session"):
        admin.attendance.mark(lesson.id, STUDENT, AttendanceStatus.PRESENT)


def test_check_out_not_before_check_in(admin: Centre, seeded: SqlStore,
                                       lesson: Session) -> None:
    with refused(seeded, InvalidInput, field="check_out"):
        admin.attendance.mark(lesson.id, STUDENT, AttendanceStatus.PRESENT,
                              check_in=at(5), check_out=at(4))


def test_a_new_status_keeps_the_check_in_and_check_out(admin: Centre, lesson: Session) -> None:
    """`present 16:25-17:32` marked again (present or late) keeps its times; absent and
    excused have none; present after absent is checked in afresh."""
    roll = admin.attendance
    roll.mark(lesson.id, STUDENT, AttendanceStatus.PRESENT, check_in=at(25), check_out=at(92))
    for status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
        again = roll.mark(lesson.id, STUDENT, status)
        assert (again.status, again.check_in, again.check_out) == (status, at(25), at(92))
    for status in (AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED):
        gone = roll.mark(lesson.id, STUDENT, status)
        assert (gone.check_in, gone.check_out) == (None, None)
    back = roll.mark(lesson.id, STUDENT, AttendanceStatus.PRESENT)
    assert (back.check_in, back.check_out) == (NOW, None)
    # A check-in given replaces the kept one; the kept check-out stays if it is not earlier.
    roll.mark(lesson.id, STUDENT2, AttendanceStatus.PRESENT, check_in=at(5), check_out=at(50))
    later = roll.mark(lesson.id, STUDENT2, AttendanceStatus.LATE, check_in=at(20))
    assert (later.check_in, later.check_out) == (at(20), at(50))


def test_a_kept_check_out_before_a_new_check_in_is_refused(admin: Centre, seeded: SqlStore,
                                                           lesson: Session) -> None:
    admin.attendance.mark(lesson.id, STUDENT, AttendanceStatus.PRESENT, check_in=at(5),
                          check_out=at(30))
    with refused(seeded, InvalidInput, field="check_out") as info:
        admin.attendance.mark(lesson.id, STUDENT, AttendanceStatus.LATE, check_in=at(40))
    assert "earlier mark" in info.value.detail


@pytest.mark.parametrize(("field", "value"), [
    ("check_in", T0 - timedelta(days=30)),  # a month early
    ("check_in", T0 - timedelta(hours=17)),  # 23:00 the evening before, in London
    ("check_out", T0 + timedelta(hours=8, minutes=1)),  # midnight passed
    ("check_in", Typed("2026-11-01 16:00", ZoneInfo("Europe/London"))),
])
def test_check_in_and_out_only_on_the_sessions_day(admin: Centre, seeded: SqlStore,
                                                   lesson: Session, field: str,
                                                   value: Any) -> None:
    with refused(seeded, InvalidInput, field=field) as info:
        admin.attendance.mark(lesson.id, STUDENT, AttendanceStatus.PRESENT, **{field: value})
    assert "is not on the day of session" in info.value.detail
    assert "Tue 01 Dec 2026" in info.value.detail


def test_a_time_alone_is_on_the_sessions_day(seeded: SqlStore, lesson: Session) -> None:
    """Read the next morning, `16:12` is on the session's day, not today; so is the end of a
    session that runs past midnight."""
    next_morning = acting(seeded, now=at(60 * 18))
    london, auckland = ZoneInfo("Europe/London"), ZoneInfo("Pacific/Auckland")
    mark = next_morning.attendance.mark(lesson.id, STUDENT, AttendanceStatus.LATE,
                                        check_in=Typed("16:12", london),
                                        check_out=Typed("5:50", auckland))  # 16:50 in London
    assert (mark.check_in, mark.check_out) == (at(12), at(50))
    late = next_morning.sessions.book(draft(start=at(60 * 7 + 30), minutes=90,
                                            students=(STUDENT3,)),
                                      past=True).session  # 23:30 to 01:00, yesterday
    out = next_morning.attendance.mark(late.id, STUDENT3, AttendanceStatus.PRESENT,
                                       check_out=T0 + timedelta(hours=8, minutes=50))
    assert out.check_out == T0 + timedelta(hours=8, minutes=50)


def test_an_attendance_file_reads_times_as_a_mark_does(admin: Centre, seeded: SqlStore,
                                                        lesson: Session) -> None:
    london = ZoneInfo("Europe/London")
    header = "session_id,email,status,check_in\n"
    good = f"{lesson.id},{STUDENT},late,16:12\n"
    bad = f"{lesson.id},{STUDENT2},present,2026-11-01 16:00\n"
    with refused(seeded, InvalidInput, field="file") as info:
        admin.attendance.import_marks(read_marks(header + good + bad, london))
    assert "row 3: check_in: 2026-11-01 16:00 is not on the day of session" in info.value.detail
    [mark] = admin.attendance.import_marks(read_marks(header + good, london)).marks
    assert mark.check_in == at(12)


def test_a_change_is_undone_exactly(seeded: SqlStore, lesson: Session) -> None:
    """Restoring puts the mark back as it was, recorder and time included, or takes a first
    mark away; a mark changed since is left as it is."""
    mentor = acting(seeded, MENTOR, now=at(30))
    first = mentor.attendance.mark(lesson.id, STUDENT, AttendanceStatus.PRESENT,
                                   check_in=at(25), check_out=at(58), note="on time")
    admin = acting(seeded, now=at(40))
    change = admin.attendance.change(lesson.id, STUDENT, AttendanceStatus.ABSENT)
    assert (change.before, change.after and change.after.status) == (
        first, AttendanceStatus.ABSENT)
    new = admin.attendance.change(lesson.id, STUDENT2, AttendanceStatus.LATE)
    assert new.before is None
    undone = admin.attendance.restore(lesson.id, [change, new])
    assert admin.attendance.marks(lesson.id) == [first]
    assert [(u.before and u.before.status, u.after) for u in undone] == [
        (AttendanceStatus.LATE, None), (AttendanceStatus.ABSENT, first)]
    with seeded.engine.connect() as conn:
        audit = conn.execute(text(
            "SELECT before, after FROM audit_log WHERE action = 'attendance' "
            "ORDER BY id DESC LIMIT 2")).all()
    assert [json_of(after) is None for _, after in audit] == [False, True]
    # Undone once: the same undo again finds the marks changed, and writes nothing.
    with refused(seeded, InvalidInput, field="student"):
        admin.attendance.restore(lesson.id, [change])
    # The undo of the undo is the change again.
    admin.attendance.restore(lesson.id, undone)
    assert {m.student: m.status for m in admin.attendance.marks(lesson.id)} == {
        STUDENT: AttendanceStatus.ABSENT, STUDENT2: AttendanceStatus.LATE}


def json_of(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


# ------------------------------------------------------------------------- feedback

@pytest.mark.parametrize("rating", [1, 5])
def test_feedback_ratings_from_one_to_five(seeded: SqlStore, lesson: Session,
                                           rating: int) -> None:
    given = acting(seeded, STUDENT).feedback.add(lesson.id, STUDENT, rating,
                                                 categories={"clarity": 1, "pace": 5},
                                                 text="ok")
    assert (given.rating, given.categories, given.author) == \
        (rating, {"clarity": 1, "pace": 5}, STUDENT)
    assert acting(seeded).sessions.show(lesson.id).feedback == [given]


def test_a_second_feedback_replaces_the_first(seeded: SqlStore, lesson: Session) -> None:
    student = acting(seeded, STUDENT)
    student.feedback.add(lesson.id, STUDENT, 2, categories={"pace": 1}, text="too fast")
    second = student.feedback.add(lesson.id, STUDENT, 4)
    assert student.sessions.show(lesson.id).feedback == [second]
    assert (second.rating, second.categories, second.text) == (4, {}, None)


@pytest.mark.parametrize(("rating", "categories", "field"), [
    (0, None, "rating"), (6, None, "rating"), (-1, None, "rating"),
    (3, {"pace": 0}, "category pace"), (3, {"clarity": 6}, "category clarity"),
])
def test_ratings_outside_one_to_five_are_refused(admin: Centre, seeded: SqlStore,
                                                 lesson: Session, rating: int,
                                                 categories: dict[str, int] | None,
                                                 field: str) -> None:
    with refused(seeded, InvalidInput, field=field) as err:
        admin.feedback.add(lesson.id, STUDENT, rating, categories=categories)
    assert err.value.exit_code == 2


def test_feedback_only_from_a_participant(admin: Centre, seeded: SqlStore,
                                          lesson: Session) -> None:
    with refused(seeded, InvalidInput, field="from"):
        admin.feedback.add(lesson.id, STUDENT3, 3)
    with refused(seeded, NotFound):
        admin.feedback.add(lesson.id, UNKNOWN, 3)


# ---------------------------------------------------------------------- permissions

Action = Callable[[Centre, Session], object]
ACTIONS: dict[str, Action] = {
    "add mentor": lambda c, s: c.people.add_person("New", "new@centre.test", Role.MENTOR),
    "add student": lambda c, s: c.people.add_person("New", "new@centre.test", Role.STUDENT),
    "add staff": lambda c, s: c.people.add_person("New", "new@centre.test", Role.STAFF),
    "add admin": lambda c, s: c.people.add_person("New", "new@centre.test", Role.ADMIN),
    "add room": lambda c, s: c.people.add_room("Annex"),
    "add subject": lambda c, s: c.people.add_subject("Art"),
    "list people": lambda c, s: c.people.list_people(),
    "book for mentor": lambda c, s: c.sessions.book(draft(start=at(180))),
    "book for mentor2": lambda c, s: c.sessions.book(draft(start=at(180), mentor=MENTOR2)),
    "show": lambda c, s: c.sessions.show(s.id),
    "attendance list": lambda c, s: c.attendance.marks(s.id),
    "edit": lambda c, s: c.sessions.edit(s.id, {"title": "Changed"}),
    "cancel": lambda c, s: c.sessions.cancel(s.id),
    "begin": lambda c, s: c.sessions.begin(s.id, force=True),
    "mark attendance": lambda c, s: c.attendance.mark(s.id, STUDENT, AttendanceStatus.PRESENT),
    "feedback as student": lambda c, s: c.feedback.add(s.id, STUDENT, 4),
    "feedback as mentor": lambda c, s: c.feedback.add(s.id, MENTOR, 4),
}
# Who may do what (permissions.py); everything not listed for a role is refused.
ALLOWED = {
    ADMIN: set(ACTIONS),
    STAFF: set(ACTIONS) - {"add staff", "add admin"},
    # A mentor gives their own feedback, not the student's (only staff record on behalf).
    MENTOR: {"list people", "book for mentor", "show", "attendance list", "edit", "cancel",
             "begin", "mark attendance", "feedback as mentor"},
    MENTOR2: {"list people", "book for mentor2"},
    STUDENT: {"list people", "show", "attendance list", "feedback as student"},
    STUDENT3: {"list people"},
}
CASES = [(actor, action) for actor in ALLOWED for action in ACTIONS]


@pytest.mark.parametrize(("actor", "action"), CASES, ids=[f"{a.split('@')[0]}-{x}"
                                                          for a, x in CASES])
def test_permissions(seeded: SqlStore, lesson: Session, actor: str, action: str) -> None:
    centre = acting(seeded, actor)
    if action in ALLOWED[actor]:
        ACTIONS[action](centre, lesson)
        return
    with refused(seeded, NotPermitted) as err:
        ACTIONS[action](centre, lesson)
    assert err.value.exit_code == 5
    assert actor in err.value.message


@pytest.mark.parametrize(("actor", "visible"), [
    (ADMIN, ["Lesson", "Other"]), (STAFF, ["Lesson", "Other"]), (MENTOR, ["Lesson"]),
    (MENTOR2, ["Other"]), (STUDENT, ["Lesson"]), (STUDENT3, []),
])
def test_mentors_and_students_list_only_their_own_sessions(
        admin: Centre, seeded: SqlStore, lesson: Session, actor: str,
        visible: list[str]) -> None:
    admin.sessions.book(draft("Other", mentor=MENTOR2))
    assert [s.title for s in acting(seeded, actor).sessions.find(SessionQuery())] == visible


def test_an_unknown_actor_is_not_found(seeded: SqlStore) -> None:
    with refused(seeded, NotFound) as err:
        acting(seeded, UNKNOWN).people.list_people()
    assert err.value.exit_code == 4


def test_a_mentor_cannot_hand_a_session_to_another_mentor(seeded: SqlStore,
                                                          lesson: Session) -> None:
    with refused(seeded, NotPermitted):
        acting(seeded, MENTOR).sessions.edit(lesson.id, {"mentor": MENTOR2})


# -------------------------------------------------------------------------- bad input

@pytest.mark.parametrize(("fields", "kind", "key"), [
    (dict(mentor=UNKNOWN), "mentor", UNKNOWN),
    (dict(students=(STUDENT, UNKNOWN)), "student", UNKNOWN),
    (dict(room="Nowhere"), "room", "Nowhere"),
    (dict(subject="Alchemy"), "subject", "Alchemy"),
])
def test_unknown_names_are_not_found(admin: Centre, seeded: SqlStore, fields: dict[str, Any],
                                     kind: str, key: str) -> None:
    with refused(seeded, NotFound) as err:
        admin.sessions.book(draft(**fields))
    assert (err.value.exit_code, err.value.kind, err.value.key) == (4, kind, key)
    assert key in err.value.message


def test_an_unknown_session_is_not_found(admin: Centre, seeded: SqlStore) -> None:
    for use in (admin.sessions.show, admin.sessions.cancel,
                lambda i: admin.sessions.edit(i, {"title": "x"})):
        with refused(seeded, NotFound) as err:
            use(404)
        assert "404" in err.value.message


LONDON = ZoneInfo("Europe/London")
BAD_INPUT: dict[str, tuple[Callable[[Centre], object], str]] = {
    "malformed time": (lambda c: c.sessions.book(draft(start=parse_instant(
        "2026-12-01 25:00", LONDON, field="start"))), "start"),
    "end before start": (lambda c: c.sessions.book(draft(minutes=-30)), "end"),
    "end at start": (lambda c: c.sessions.book(draft(minutes=0)), "end"),
    "too long": (lambda c: c.sessions.book(draft(minutes=14 * 24 * 60 + 1)), "end"),
    "naive start": (lambda c: c.sessions.book(SessionDraft("L", MENTOR, datetime(2026, 12, 1, 16),
                                                  datetime(2026, 12, 1, 17), "UTC")), "start"),
    "unknown session zone": (lambda c: c.sessions.book(draft(tz="Mars/Olympus_Mons")), "tz"),
    "unknown person zone": (lambda c: c.people.add_person("Zed", "zed@centre.test", Role.STUDENT,
                                                   "Europe/Atlantis"), "tz"),
    "duplicate email": (lambda c: c.people.add_person("Stu Again", STUDENT.upper(), Role.STUDENT),
                        "email"),
    "malformed email": (lambda c: c.people.add_person("Zed", "zed-at-centre", Role.STUDENT), "email"),
    "empty name": (lambda c: c.people.add_person("   ", "zed@centre.test", Role.STUDENT), "name"),
    "duplicate room": (lambda c: c.people.add_room(HALL, 3), "name"),
    "room without seats": (lambda c: c.people.add_room("Cupboard", 0), "capacity"),
    "empty title": (lambda c: c.sessions.book(draft(" ")), "title"),
    "mentor is a student": (lambda c: c.sessions.book(draft(mentor=STUDENT)), "mentor"),
    "student is a mentor": (lambda c: c.sessions.book(draft(students=(MENTOR2,))), "student"),
    "mentor teaches themself": (lambda c: c.sessions.book(draft(students=(MENTOR,))), "student"),
    "max below one": (lambda c: c.sessions.book(draft(max_participants=0)), "max_participants"),
    "rating 0": (lambda c: c.feedback.add(1, STUDENT, 0), "rating"),
    "rating 6": (lambda c: c.feedback.add(1, STUDENT, 6), "rating"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_refused_naming_the_field(admin: Centre, seeded: SqlStore,
                                               lesson: Session, case: str) -> None:
    use, field = BAD_INPUT[case]
    with refused(seeded, InvalidInput, field=field) as err:
        use(admin)
    assert err.value.exit_code == 2
    assert err.value.message.startswith(f"{field}: ")


def test_the_snapshot_sees_a_change(admin: Centre, seeded: SqlStore) -> None:
    """Guards the guard: a write between two snapshots is noticed."""
    with pytest.raises(AssertionError), unchanged(seeded):
        admin.people.add_subject("Art")


@pytest.mark.parametrize(("actor", "call", "said"), [
    (MENTOR, lambda c, s: c.calendar.add_term("Spring", date(2027, 1, 4), date(2027, 3, 31)),
     "may not add or remove terms"),
    (MENTOR, lambda c, s: c.calendar.add_closure(date(2027, 2, 15), date(2027, 2, 19), "half-term",
                                        ZoneInfo("UTC")), "may not close the centre"),
    (MENTOR, lambda c, s: c.people.add_room("Lab", 4), "may not add rooms"),
    (STAFF, lambda c, s: c.people.add_person("New", "new@centre.test", Role.STAFF),
     "may not add a staff"),
    (MENTOR2, lambda c, s: c.sessions.begin(s.id, force=True), "may not start session"),
    (MENTOR2, lambda c, s: c.sessions.complete(s.id, force=True), "may not complete session"),
    (MENTOR2, lambda c, s: c.calendar.set_availability(MENTOR, 0, [], "UTC"),
     f"may not set the availability of {MENTOR}"),
    (STUDENT, lambda c, s: c.sessions.book(draft("Mine", mentor=MENTOR2)),
     f"may not book sessions for {MENTOR2}"),
])
def test_a_refusal_names_the_action_refused(seeded: SqlStore, lesson: Session, actor: str,
                                            call: Any, said: str) -> None:
    with refused(seeded, NotPermitted) as err:
        call(acting(seeded, actor), lesson)
    assert said in err.value.message
    if said.endswith("session"):
        assert f"session {lesson.id}" in err.value.message


def test_every_action_has_a_right_for_admins_and_none_unlisted() -> None:
    from sessionsctl.core.access import RIGHTS, Action, Reach

    assert set(RIGHTS) == set(Role)
    assert all(RIGHTS[Role.ADMIN][a] is Reach.ANY for a in Action)
    # Students reach nothing that changes a session.
    assert not {Action.BOOK, Action.EDIT_SESSION, Action.CANCEL_SESSION,
                Action.MARK_ATTENDANCE} & set(RIGHTS[Role.STUDENT])


def test_a_session_booked_without_a_type_takes_the_policy_default(admin: Centre) -> None:
    """One rule for every face: several students make a group, one an individual session;
    a type given is kept."""
    from sessionsctl.core.domain.model import SessionType

    assert admin.sessions.book(draft("Pair", students=(STUDENT, STUDENT2))).session.type \
        is SessionType.GROUP
    assert admin.sessions.book(draft("One", start=at(120), students=(STUDENT,))).session.type \
        is SessionType.INDIVIDUAL
    assert admin.sessions.book(draft("Said", start=at(240), students=(STUDENT, STUDENT2),
                            type=SessionType.WORKSHOP)).session.type is SessionType.WORKSHOP


def test_a_note_is_appended_in_the_database_not_rewritten(admin: Centre, seeded: SqlStore,
                                                          lesson: Session) -> None:
    """Two terminals that both showed the lesson's notes each add one: both are kept, in
    order, stamped; only someone who runs the session (or staff) may add one."""
    desk, mentor = acting(seeded, STAFF), acting(seeded, MENTOR)
    shown = desk.sessions.show(lesson.id).session.notes  # both screens show this
    mentor.sessions.add_note(lesson.id, "Sue was late again")
    after = desk.sessions.add_note(lesson.id, "  Called   her parents ")
    assert shown is None
    lines = (after.notes or "").splitlines()
    assert lines == [f"[{NOW:%Y-%m-%d %H:%M} {MENTOR}] Sue was late again",
                     f"[{NOW:%Y-%m-%d %H:%M} {STAFF}] Called her parents"]
    with refused(seeded, NotPermitted):
        acting(seeded, STUDENT).sessions.add_note(lesson.id, "hello")
    with refused(seeded, NotPermitted):
        acting(seeded, MENTOR2).sessions.add_note(lesson.id, "not mine")
    with refused(seeded, InvalidInput, field="note"):
        desk.sessions.add_note(lesson.id, " \n ")


# ------------------------------------------------------------ what each viewer is shown

def test_feedback_is_its_authors_and_staff_record_it_on_their_behalf(
        admin: Centre, seeded: SqlStore, lesson: Session) -> None:
    given = acting(seeded, STUDENT).feedback.add(lesson.id, STUDENT, 1, text="too fast")
    with refused(seeded, NotPermitted) as err:  # the mentor may not overwrite it
        acting(seeded, MENTOR).feedback.add(lesson.id, STUDENT, 5)
    assert "record feedback on behalf of others" in err.value.message
    assert admin.sessions.show(lesson.id).feedback == [given]
    assert given.recorded_by is None
    recorded = acting(seeded, STAFF).feedback.add(lesson.id, STUDENT2, 4)
    assert recorded.recorded_by == STAFF
    assert {(f.author, f.recorded_by) for f in admin.sessions.show(lesson.id).feedback} == \
        {(STUDENT, None), (STUDENT2, STAFF)}


def test_a_student_sees_neither_staff_notes_nor_classmates(admin: Centre, seeded: SqlStore,
                                                           lesson: Session) -> None:
    admin.sessions.add_note(lesson.id, "pays late; call the parents")
    admin.attendance.mark(lesson.id, STUDENT, AttendanceStatus.PRESENT)
    admin.attendance.mark(lesson.id, STUDENT2, AttendanceStatus.ABSENT)
    acting(seeded, STAFF).feedback.add(lesson.id, STUDENT2, 2, text="bored")
    student = acting(seeded, STUDENT)
    seen = student.sessions.show(lesson.id)
    assert (seen.session.notes, seen.session.students) == (None, (STUDENT,))
    assert [m.student for m in seen.attendance] == [STUDENT]
    assert seen.feedback == []
    [listed] = student.sessions.find(SessionQuery())
    assert (listed.notes, listed.students) == (None, (STUDENT,))
    for viewer in (MENTOR, STAFF):  # the mentor and staff see it all
        full = acting(seeded, viewer).sessions.show(lesson.id)
        assert "pays late" in (full.session.notes or "")
        assert full.session.students == (STUDENT, STUDENT2)
        assert len(full.attendance) == len(full.feedback) + 1 == 2


def _exported(centre: Centre) -> tuple[str, str]:
    import io

    text_sink, byte_sink = io.StringIO(), io.BytesIO()
    centre.exchange.export_csv(SessionQuery(), text_sink)
    centre.exchange.export_ics(SessionQuery(), byte_sink)
    return text_sink.getvalue(), byte_sink.getvalue().decode()


def test_a_students_exports_hold_only_what_they_may_see(admin: Centre, seeded: SqlStore) -> None:
    weekly = admin.series.create(draft("Weekly", students=(STUDENT2,), notes="staff only"),
                                 "FREQ=WEEKLY;COUNT=4")
    first = weekly.booked[0]
    admin.sessions.edit(first.id, {"students": [STUDENT, STUDENT2]})  # STUDENT joins once
    csv_text, ics_text = _exported(acting(seeded, STUDENT))
    for text_ in (csv_text, ics_text):
        assert STUDENT in text_ and STUDENT2 not in text_ and "staff only" not in text_
    import icalendar
    import recurring_ical_events

    calendar = icalendar.Calendar.from_ical(ics_text)
    events = recurring_ical_events.of(calendar).between(T0 - timedelta(days=1),
                                                        T0 + timedelta(days=60))
    assert [e["DTSTART"].dt.astimezone(UTC) for e in events] == [first.start]
    assert all("RRULE" not in e for e in calendar.walk("VEVENT"))
    # Its mentor still exports the series whole, with everyone on it.
    csv_text, ics_text = _exported(acting(seeded, MENTOR))
    assert "RRULE:FREQ=WEEKLY;COUNT=4" in ics_text and STUDENT2 in csv_text


def test_series_are_listed_to_those_in_them_only(admin: Centre, seeded: SqlStore) -> None:
    mine = admin.series.create(draft("Mine", students=(STUDENT,)), "FREQ=WEEKLY;COUNT=2")
    other = admin.series.create(draft("Other", mentor=MENTOR2, start=at(120)),
                                "FREQ=WEEKLY;COUNT=2")
    assert {s.id for s in acting(seeded, MENTOR).series.all()} == {mine.series.id}
    assert {s.id for s in acting(seeded, STUDENT).series.all()} == {mine.series.id}
    assert {s.id for s in acting(seeded, STAFF).series.all()} == {mine.series.id,
                                                                   other.series.id}
    with refused(seeded, NotPermitted):
        acting(seeded, MENTOR).series.info(other.series.id)
    assert len(acting(seeded, STUDENT).series.info(mine.series.id)[1]) == 2


def test_only_a_booking_one_could_make_may_be_checked(admin: Centre, seeded: SqlStore,
                                                      lesson: Session) -> None:
    probe = draft("Probe", mentor=MENTOR)
    with refused(seeded, NotPermitted):  # it would name MENTOR's session to MENTOR2
        acting(seeded, MENTOR2).sessions.check(probe)
    with refused(seeded, NotPermitted):
        acting(seeded, MENTOR2).slots.find(probe, until=at(600))
    with refused(seeded, NotPermitted):
        acting(seeded, MENTOR2).series.check(probe, "FREQ=WEEKLY;COUNT=2")
    assert kinds(acting(seeded, MENTOR).sessions.check(probe)) == ["mentor"]


def test_reminders_due_are_listed_to_those_who_send_mail(admin: Centre, seeded: SqlStore,
                                                         lesson: Session) -> None:
    with refused(seeded, NotPermitted):
        acting(seeded, MENTOR, now=T0 - timedelta(hours=2)).mail.due_reminders(
            timedelta(hours=24))
    due = acting(seeded, STAFF, now=T0 - timedelta(hours=2)).mail.due_reminders(
        timedelta(hours=24))
    assert {d.recipient for d in due} >= {STUDENT, STUDENT2}


# ------------------------------------------------------------------- times gone by

def test_a_day_before_today_is_booked_only_when_meant_and_nobody_is_told(
        admin: Centre, seeded: SqlStore) -> None:
    last_year = draft("Typo", start=T0 - timedelta(days=365), students=(STUDENT,))
    with refused(seeded, InvalidInput, field="start") as err:
        admin.sessions.book(last_year)
    assert "--past" in err.value.message
    with refused(seeded, InvalidInput, field="start"):
        admin.series.create(last_year, "FREQ=WEEKLY;COUNT=3")
    recorded = admin.sessions.book(last_year, past=True).session
    assert admin.mail.outbox() == []  # a session held: nobody is mailed about it
    # Earlier today is fine (written up as it happens), and a future one is announced.
    admin.sessions.book(draft("Walk-in", start=T0 - timedelta(hours=3), students=(STUDENT2,)))
    assert admin.mail.outbox() == []
    admin.sessions.book(draft("Next week", start=T0 + timedelta(days=7), students=(STUDENT,)))
    assert {m.recipient for m in admin.mail.outbox()} == {MENTOR, STUDENT}
    # Moving a session to a day before today is asked for the same way.
    soon = admin.sessions.book(draft("Soon", start=T0 + timedelta(days=2))).session
    with refused(seeded, InvalidInput, field="start"):
        admin.sessions.edit(soon.id, {"start": T0 - timedelta(days=2)})
    with refused(seeded, InvalidInput, field="start"):
        admin.sessions.edit_scoped(soon.id, {"start": T0 - timedelta(days=2)})
    moved = admin.sessions.edit_scoped(soon.id, {"start": T0 - timedelta(days=2)}, past=True)
    assert moved.session.start == T0 - timedelta(days=2)
    assert stored(seeded, recorded.id).title == "Typo"
