"""The store keeps every field of every entity as it was given, on the backend under test,
and its session queries filter as SessionQuery documents (ARCHITECTURE.md, decision 1:
aware UTC instants, half-open intervals)."""

from __future__ import annotations

import getpass
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import Row, SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import Contended
from sessionsctl.core.domain.model import (
    AttendanceStatus,
    Material,
    MaterialType,
    PaymentStatus,
    Role,
    Session,
    SessionStatus,
    SessionType,
)
from sessionsctl.store.engine import SqlStore
from sessionsctl.store.schema import audit_table

ADMIN = "ada@centre.test"
STAFF = "sam@centre.test"
MENTOR = "mo@centre.test"
MENTOR2 = "meg@centre.test"
STUDENT = "stu@centre.test"
STUDENT2 = "sue@centre.test"
UNKNOWN = "nobody@centre.test"

PEOPLE = [  # name, email, role, tz
    ("Ada Admin", ADMIN, Role.ADMIN, "Europe/London"),
    ("Sam Staff", STAFF, Role.STAFF, None),
    ("Mo Mentor", MENTOR, Role.MENTOR, "Pacific/Auckland"),
    ("Meg Mentor", MENTOR2, Role.MENTOR, None),
    ("Stu Dent", STUDENT, Role.STUDENT, "America/Los_Angeles"),
    ("Sue Dent", STUDENT2, Role.STUDENT, None),
]
ROOMS = [("Lab", 12), ("Studio", None)]
SUBJECTS = ["Art", "Maths"]
CLOCK = datetime(2026, 12, 7, 16, 10, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def seed(store: SqlStore) -> None:
    """Everyone of PEOPLE, every room and subject, added by the local operator."""
    local = Centre(store)
    for name, email, role, tz in PEOPLE:
        local.people.add_person(name, email, role, tz)
    for room, capacity in ROOMS:
        local.people.add_room(room, capacity)
    for subject in SUBJECTS:
        local.people.add_subject(subject)


@pytest.fixture
def admin(store: SqlStore) -> Centre:
    seed(store)
    return Centre(store, actor=ADMIN, clock=lambda: CLOCK)


def draft(title: str, start: datetime, minutes: int = 60, **extra: object) -> SessionDraft:
    extra.setdefault("mentor", MENTOR)
    extra.setdefault("tz", "Europe/London")
    return SessionDraft(title=title, start=start, end=start + timedelta(minutes=minutes),
                        **extra)  # type: ignore[arg-type]


def full_draft(start: datetime = utc(2026, 12, 7, 16), end: datetime | None = None) -> SessionDraft:
    """A draft with every field set (students deliberately unsorted)."""
    return SessionDraft(
        title="Algebra II", mentor=MENTOR, start=start, end=end or start + timedelta(minutes=90),
        tz="Pacific/Auckland", students=(STUDENT2, STUDENT), room="Lab", subject="Maths",
        type=SessionType.GROUP, description="Quadratic equations", location="12 High St",
        link="https://meet.example/abc-def", meeting_id="123 456 789", passcode="s3cr3t",
        max_participants=4, notes="Bring a calculator", cost=Decimal("42.50"),
        payment_status=PaymentStatus.PAID)


def draft_fields(value: SessionDraft | Session) -> dict[str, object]:
    return {f.name: getattr(value, f.name) for f in fields(SessionDraft)}


def assert_utc(instant: datetime | None) -> None:
    assert instant is not None and instant.utcoffset() == timedelta(0), instant


def audit_rows(store: SqlStore) -> list[dict[str, object]]:
    table = audit_table
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table).order_by(table.c.id))]


# ------------------------------------------------------------------ people and places

def test_people_of_every_role_round_trip(store: SqlStore) -> None:
    local = Centre(store)
    added = [local.people.add_person(name, email, role, tz) for name, email, role, tz in PEOPLE]
    assert [(p.name, p.email, p.role, p.tz) for p in added] == PEOPLE
    assert local.people.list_people() == sorted(added, key=lambda p: (p.name, p.email))
    for role in Role:
        assert local.people.list_people(role) == sorted((p for p in added if p.role is role),
                                                 key=lambda p: p.name)
    with store.unit() as uow:
        assert uow.people.get(MENTOR) == added[2]
        assert uow.people.get(MENTOR.upper()) == added[2]
        assert uow.people.get(UNKNOWN) is None
        assert uow.people.by_email([STUDENT, UNKNOWN]) == {STUDENT: added[4]}


def test_emails_are_stored_lower_case(store: SqlStore) -> None:
    person = Centre(store).people.add_person("  Kim   Lee ", "Kim.Lee@Centre.TEST", Role.STUDENT)
    assert (person.name, person.email) == ("Kim Lee", "kim.lee@centre.test")
    with store.unit() as uow:
        assert uow.people.get("kim.lee@centre.test") == person


def test_rooms_and_subjects_round_trip(store: SqlStore) -> None:
    local = Centre(store)
    rooms = [local.people.add_room(name, capacity) for name, capacity in ROOMS]
    subjects = [local.people.add_subject(name) for name in SUBJECTS]
    assert [(r.name, r.capacity) for r in local.people.list_rooms()] == ROOMS
    assert local.people.list_rooms() == rooms
    assert local.people.list_subjects() == subjects
    with store.unit() as uow:
        assert uow.rooms.get("Studio") == rooms[1]
        assert uow.rooms.get("Nowhere") is None
        assert uow.subjects.get("Maths") == subjects[1]


# ----------------------------------------------------------------------- sessions

@pytest.mark.parametrize("start", [
    utc(2026, 12, 7, 16),                                        # microsecond-free
    utc(2026, 12, 7, 16, 0, 0, 123456),                          # microseconds kept exactly
    datetime(2026, 7, 7, 16, 30, tzinfo=ZoneInfo("Europe/London")),  # aware, not UTC
    datetime(2026, 12, 8, 5, 0, 1, tzinfo=ZoneInfo("Pacific/Auckland")),
], ids=["whole-minute", "microseconds", "london-summer", "auckland"])
def test_a_session_with_every_field_round_trips(admin: Centre, start: datetime) -> None:
    given = full_draft(start)
    written_from = datetime.now(UTC)
    booked = admin.sessions.book(given, past=True).session  # some cases are in the past
    written_until = datetime.now(UTC)

    stored = admin.sessions.show(booked.id).session
    assert stored == booked
    assert draft_fields(stored) == {**draft_fields(given), "students": (STUDENT, STUDENT2)}
    for instant in (stored.start, stored.end, stored.created_at, stored.modified_at):
        assert_utc(instant)
    assert (stored.start, stored.end) == (start, start + timedelta(minutes=90))
    assert stored.start.microsecond == start.microsecond
    assert isinstance(stored.cost, Decimal) and stored.cost == Decimal("42.50")
    assert stored.uid.endswith("@sessionsctl")
    assert (stored.status, stored.sequence, stored.force_reason, stored.cancel_reason) == \
        (SessionStatus.SCHEDULED, 0, None, None)
    assert (stored.series_id, stored.recurrence_id, stored.batch_id) == (None, None, None)
    assert stored.created_by == stored.modified_by == ADMIN
    assert written_from <= stored.created_at == stored.modified_at <= written_until


def test_every_row_field_round_trips_through_the_unit_of_work(store: SqlStore) -> None:
    seed(store)
    recurrence_id = utc(2026, 12, 7, 16, 0, 0, 500)
    row = Row(full_draft(), uid="lesson-1@example.org", status=SessionStatus.IN_PROGRESS,
              recurrence_id=recurrence_id, force_reason="cover teacher",
              cancel_reason="(kept)", sequence=3)
    with store.unit(STAFF, write=True) as uow:
        [written] = uow.sessions.insert([row])
    with store.unit() as uow:
        stored = uow.sessions.get(written.id)
    assert stored is not None
    assert written == stored  # what an insert returns is what a read returns
    assert draft_fields(stored) == {**draft_fields(row.draft), "students": (STUDENT, STUDENT2)}
    assert (stored.uid, stored.status, stored.recurrence_id, stored.force_reason,
            stored.cancel_reason, stored.sequence) == (
        row.uid, row.status, recurrence_id, row.force_reason, row.cancel_reason, 3)
    assert_utc(stored.recurrence_id)
    assert stored.created_by == stored.modified_by == STAFF


@pytest.mark.parametrize("status", list(SessionStatus))
def test_every_status_round_trips(store: SqlStore, status: SessionStatus) -> None:
    seed(store)
    with store.unit(write=True) as uow:
        [written] = uow.sessions.insert([Row(full_draft(), uid="u", status=status)])
    with store.unit() as uow:
        assert uow.sessions.get(written.id).status is status  # type: ignore[union-attr]


def test_an_edit_by_someone_else_keeps_the_creator(admin: Centre, store: SqlStore) -> None:
    booked = admin.sessions.book(full_draft()).session
    edited = Centre(store, actor=STAFF).sessions.edit(booked.id, {"title": "Algebra III"}).session
    assert edited.title == "Algebra III"
    assert (edited.created_by, edited.created_at) == (ADMIN, booked.created_at)
    assert edited.modified_by == STAFF
    assert edited.modified_at > booked.modified_at
    assert edited.sequence == 1


def test_a_missing_session_is_none(admin: Centre, store: SqlStore) -> None:
    with store.unit() as uow:
        assert uow.sessions.get(999) is None


# -------------------------------------------------- attendance, feedback, materials

def test_attendance_round_trips(admin: Centre) -> None:
    session = admin.sessions.book(full_draft()).session
    check_in = utc(2026, 12, 7, 16, 4, 30, 250)
    present = admin.attendance.mark(session.id, STUDENT, AttendanceStatus.PRESENT,
                                    note="forgot homework", check_in=check_in,
                                    check_out=utc(2026, 12, 7, 17, 30))
    absent = admin.attendance.mark(session.id, STUDENT2, AttendanceStatus.ABSENT)
    assert admin.attendance.marks(session.id) == [present, absent]  # ordered by student email
    assert (present.check_in, present.recorded_by, present.recorded_at) == (check_in, ADMIN, CLOCK)
    assert (absent.check_in, absent.check_out, absent.note) == (None, None, None)


def test_feedback_round_trips(admin: Centre, store: SqlStore) -> None:
    session = admin.sessions.book(full_draft()).session
    given = Centre(store, actor=STUDENT, clock=lambda: CLOCK).feedback.add(
        session.id, STUDENT, 4, categories={"clarity": 5, "pace": 3}, text="Good pace")
    bare = admin.feedback.add(session.id, MENTOR, 2)
    details = admin.sessions.show(session.id)
    assert details.feedback == [bare, given]  # ordered by author email
    assert (given.categories, given.text, given.created_at) == (
        {"clarity": 5, "pace": 3}, "Good pace", CLOCK)
    assert (bare.categories, bare.text) == ({}, None)


def test_materials_round_trip(admin: Centre, store: SqlStore) -> None:
    session = admin.sessions.book(full_draft()).session
    other = admin.sessions.book(draft("Other", utc(2026, 12, 9, 9), mentor=MENTOR2)).session
    items = [
        Material(0, "Worksheet", "/srv/files/ws1.pdf", MaterialType.EXERCISE, 20480,
                 session.id, None, MENTOR, "Questions 1-10", utc(2026, 12, 1, 9, 0, 0, 42)),
        Material(0, "Recording", "https://video.example/1", MaterialType.VIDEO,
                 session_id=session.id),
        Material(0, "Elsewhere", "https://example.org", MaterialType.LINK, session_id=other.id),
    ]
    with store.unit(write=True) as uow:
        added = [uow.attendance.add_material(m) for m in items]
    assert [m.id for m in added] == sorted({m.id for m in added})
    assert added[0].uploaded_at == items[0].uploaded_at
    assert_utc(added[1].uploaded_at)
    with store.unit() as uow:
        assert uow.attendance.materials(session.id) == added[:2]
        assert uow.attendance.materials(other.id) == added[2:]
    assert admin.sessions.show(session.id).materials == added[:2]


# ---------------------------------------------------------------------- audit log

def test_every_change_is_audited_with_actor_before_and_after(admin: Centre,
                                                              store: SqlStore) -> None:
    seeded = len(audit_rows(store))
    staff = admin.people.add_person("Tom Staff", "tom@centre.test", Role.STAFF)
    booked = admin.sessions.book(full_draft()).session
    admin.sessions.edit(booked.id, {"title": "Algebra III"})
    admin.sessions.cancel(booked.id, "snow day")
    rows = audit_rows(store)[seeded:]

    admin_id = admin.people.whoami().id  # type: ignore[union-attr]
    assert [(r["actor"], r["actor_id"], r["action"], r["entity"], r["entity_id"])
            for r in rows] == [
        (ADMIN, admin_id, "add", "person", str(staff.id)),
        (ADMIN, admin_id, "book", "session", str(booked.id)),
        (ADMIN, admin_id, "edit", "session", str(booked.id)),
        (ADMIN, admin_id, "cancelled", "session", str(booked.id)),
    ]
    added, book, edit, cancel = rows
    assert added["before"] is None
    assert added["after"] == {"id": staff.id, "name": "Tom Staff", "email": "tom@centre.test",
                              "role": "staff", "tz": None, "active": True,
                              "login": None}
    assert book["before"] is None
    assert {k: book["after"][k] for k in ("title", "start", "students", "cost", "type")} == {
        "title": "Algebra II", "start": "2026-12-07T16:00:00+00:00",
        "students": [STUDENT, STUDENT2], "cost": "42.50", "type": "group"}
    assert (edit["before"]["title"], edit["after"]["title"]) == ("Algebra II", "Algebra III")
    assert (edit["before"]["sequence"], edit["after"]["sequence"]) == (0, 1)
    assert (cancel["before"]["status"], cancel["after"]["status"]) == ("scheduled", "cancelled")
    assert cancel["after"]["cancel_reason"] == "snow day"
    for r in rows:
        assert_utc(r["at"])


def test_changes_by_the_local_operator_are_audited_as_local(store: SqlStore) -> None:
    Centre(store).people.add_room("Annex", 3)
    [row] = audit_rows(store)
    assert (row["actor"], row["actor_id"], row["action"], row["entity"]) == (
        f"local:{getpass.getuser()}", None, "add", "room")
    assert row["after"] == {"id": 1, "name": "Annex", "capacity": 3, "active": True}


# ------------------------------------------------------------------ session queries

CALENDAR = [  # title, start, minutes, extra fields
    ("Mon maths", utc(2026, 12, 7, 16), 60,
     dict(students=(STUDENT,), room="Lab", subject="Maths")),
    ("Mon art", utc(2026, 12, 7, 16), 60,
     dict(mentor=MENTOR2, students=(STUDENT2,), room="Studio", subject="Art",
          type=SessionType.GROUP, notes="Bring an apron")),
    ("Tue maths", utc(2026, 12, 8, 10), 120,
     dict(students=(STUDENT, STUDENT2), room="Lab", subject="Maths", type=SessionType.WORKSHOP,
          location="Town Hall")),
    ("Late night", utc(2026, 12, 8, 23), 120,  # spans midnight
     dict(mentor=MENTOR2, description="Stargazing, if 100% clear")),
    ("Wed cancelled", utc(2026, 12, 9, 16), 60, dict(students=(STUDENT2,))),
]
ALL = [title for title, *_ in CALENDAR]


@pytest.fixture
def calendar(admin: Centre) -> Centre:
    booked = [admin.sessions.book(draft(title, start, minutes, **extra)).session
              for title, start, minutes, extra in CALENDAR]
    admin.sessions.cancel(booked[-1].id)
    return admin


@pytest.mark.parametrize(("query", "expected"), [
    (SessionQuery(), ALL),
    # A range keeps the sessions overlapping it, including those spanning either edge.
    (SessionQuery(start=utc(2026, 12, 8), end=utc(2026, 12, 9)), ["Tue maths", "Late night"]),
    (SessionQuery(start=utc(2026, 12, 9), end=utc(2026, 12, 10)), ["Late night", "Wed cancelled"]),
    (SessionQuery(start=utc(2026, 12, 9, 0, 59), end=utc(2026, 12, 9, 0, 59, 1)), ["Late night"]),
    # Half-open: ending at the range start, or starting at the range end, is outside it.
    (SessionQuery(start=utc(2026, 12, 7, 17)), ["Tue maths", "Late night", "Wed cancelled"]),
    (SessionQuery(end=utc(2026, 12, 7, 16)), []),
    (SessionQuery(end=utc(2026, 12, 7, 16, 0, 0, 1)), ["Mon maths", "Mon art"]),
    (SessionQuery(mentor=MENTOR), ["Mon maths", "Tue maths", "Wed cancelled"]),
    (SessionQuery(mentor=MENTOR2.upper()), ["Mon art", "Late night"]),
    (SessionQuery(mentor=UNKNOWN), []),
    (SessionQuery(student=STUDENT2), ["Mon art", "Tue maths", "Wed cancelled"]),
    (SessionQuery(student=STUDENT2, start=utc(2026, 12, 8), end=utc(2026, 12, 9)), ["Tue maths"]),
    (SessionQuery(student=UNKNOWN), []),
    (SessionQuery(room="Lab"), ["Mon maths", "Tue maths"]),
    (SessionQuery(subject="Art"), ["Mon art"]),
    (SessionQuery(statuses=(SessionStatus.CANCELLED,)), ["Wed cancelled"]),
    (SessionQuery(statuses=(SessionStatus.SCHEDULED, SessionStatus.COMPLETED)), ALL[:4]),
    (SessionQuery(types=(SessionType.GROUP, SessionType.WORKSHOP)), ["Mon art", "Tue maths"]),
    (SessionQuery(types=(SessionType.INDIVIDUAL,)), ["Mon maths", "Late night", "Wed cancelled"]),
    (SessionQuery(search="MATHS"), ["Mon maths", "Tue maths"]),        # title, subject
    (SessionQuery(search="apron"), ["Mon art"]),                       # notes
    (SessionQuery(search="stargaz"), ["Late night"]),                  # description
    (SessionQuery(search="town hall"), ["Tue maths"]),                 # location
    (SessionQuery(search="studio"), ["Mon art"]),                      # room
    (SessionQuery(search="meg mentor"), ["Mon art", "Late night"]),    # mentor name
    (SessionQuery(search="no such words"), []),
    (SessionQuery(search="100%"), ["Late night"]),                    # taken literally
    (SessionQuery(search="%"), ["Late night"]),
    (SessionQuery(search="_"), []),
    (SessionQuery(search="mo_centre"), []),
    (SessionQuery(search="\\"), []),
    (SessionQuery(visible_to=STUDENT), ["Mon maths", "Tue maths"]),
    (SessionQuery(visible_to=MENTOR2), ["Mon art", "Late night"]),
    (SessionQuery(visible_to=UNKNOWN), []),
    (SessionQuery(limit=2), ALL[:2]),
    (SessionQuery(limit=2, offset=1), ALL[1:3]),
    (SessionQuery(offset=4), ALL[4:]),
    (SessionQuery(mentor=MENTOR, room="Lab", statuses=(SessionStatus.SCHEDULED,),
                  start=utc(2026, 12, 8)), ["Tue maths"]),
], ids=lambda v: None if isinstance(v, SessionQuery) else "-".join(v) or "none")
def test_session_queries_filter(calendar: Centre, store: SqlStore, query: SessionQuery,
                                expected: list[str]) -> None:
    with store.unit() as uow:
        assert [s.title for s in uow.sessions.find(query)] == expected


@pytest.mark.parametrize(("order", "descending", "expected"), [
    ("start", False, ALL),
    # Equal starts fall back to the id, so the order is total and pages never overlap.
    ("start", True, ["Wed cancelled", "Late night", "Tue maths", "Mon art", "Mon maths"]),
    ("title", False, ["Late night", "Mon art", "Mon maths", "Tue maths", "Wed cancelled"]),
    ("title", True, ["Wed cancelled", "Tue maths", "Mon maths", "Mon art", "Late night"]),
    # By the mentor's name (Meg before Mo), then by start.
    ("mentor", False, ["Mon art", "Late night", "Mon maths", "Tue maths", "Wed cancelled"]),
    # By the first student's name (none first; Stu before Sue), then how many, then start.
    ("students", False, ["Late night", "Mon maths", "Tue maths", "Mon art", "Wed cancelled"]),
    # No subject or room sorts first, as an empty name.
    ("subject", False, ["Late night", "Wed cancelled", "Mon art", "Mon maths", "Tue maths"]),
    ("room", False, ["Late night", "Wed cancelled", "Mon maths", "Tue maths", "Mon art"]),
    ("status", False, ["Mon maths", "Mon art", "Tue maths", "Late night", "Wed cancelled"]),
])
def test_sessions_come_in_the_order_asked(calendar: Centre, store: SqlStore, order: str,
                                          descending: bool, expected: list[str]) -> None:
    with store.unit() as uow:
        query = SessionQuery(order=order, descending=descending)  # type: ignore[arg-type]
        assert [s.title for s in uow.sessions.find(query)] == expected
        # Pages of that order put together give the whole of it.
        pages = [uow.sessions.find(SessionQuery(order=order, descending=descending,  # type: ignore[arg-type]
                                                limit=2, offset=k)) for k in (0, 2, 4)]
        assert [s.title for page in pages for s in page] == expected


def test_ids_filter(calendar: Centre, store: SqlStore) -> None:
    with store.unit() as uow:
        everything = uow.sessions.find(SessionQuery())
        picked = (everything[3].id, everything[0].id)
        assert [s.title for s in uow.sessions.find(SessionQuery(ids=picked))] == \
            [everything[0].title, everything[3].title]


# ---------------------------------------------------------- intervals are half-open

def insert(store: SqlStore, *drafts: SessionDraft) -> list[int]:
    with store.unit(write=True) as uow:
        return [s.id for s in uow.sessions.insert([Row(d, uid=f"{d.title}@test")
                                                   for d in drafts])]


def shared(title: str, start: datetime) -> SessionDraft:
    """A session of one mentor, one student and one room, so every guard applies."""
    return draft(title, start, students=(STUDENT,), room="Lab")


def test_students_come_back_sorted(store: SqlStore) -> None:
    seed(store)
    [session_id] = insert(store, draft("pair", utc(2026, 12, 7, 14), students=(STUDENT2, STUDENT)))
    with store.unit() as uow:
        assert uow.sessions.get(session_id).students == (STUDENT, STUDENT2)  # type: ignore[union-attr]


def test_back_to_back_sessions_do_not_overlap(store: SqlStore) -> None:
    seed(store)
    first, second = insert(store, shared("two pm", utc(2026, 12, 7, 14)),
                           shared("three pm", utc(2026, 12, 7, 15)))
    with store.unit() as uow:
        found = uow.sessions.overlapping(utc(2026, 12, 7, 15), utc(2026, 12, 7, 16),
                                         people=[MENTOR, STUDENT], rooms=["Lab"])
        assert [s.id for s in found] == [second]
        found = uow.sessions.overlapping(utc(2026, 12, 7, 14, 59), utc(2026, 12, 7, 15, 1),
                                         people=[MENTOR], rooms=[])
        assert [s.id for s in found] == [first, second]
        assert [s.id for s in uow.sessions.find(SessionQuery(start=utc(2026, 12, 7, 15)))] == [second]
        assert [s.id for s in uow.sessions.find(SessionQuery(end=utc(2026, 12, 7, 15)))] == [first]


def test_overlapping_leaves_out_cancelled_and_excluded_sessions(store: SqlStore) -> None:
    seed(store)
    [dropped] = insert(store, shared("dropped", utc(2026, 12, 7, 14, 30)))
    with store.unit(write=True) as uow:
        uow.sessions.set_status(dropped, SessionStatus.CANCELLED, cancel_reason="ill")
    [kept] = insert(store, shared("kept", utc(2026, 12, 7, 14)))  # the slot is free again
    span = (utc(2026, 12, 7, 14), utc(2026, 12, 7, 16))
    with store.unit() as uow:
        for who in (dict(people=[MENTOR], rooms=[]), dict(people=[STUDENT], rooms=[]),
                    dict(people=[], rooms=["Lab"])):
            assert [s.id for s in uow.sessions.overlapping(*span, **who)] == [kept]
            assert uow.sessions.overlapping(*span, **who, exclude=[kept]) == []


def test_the_postgresql_guard_refuses_an_overlap(store: SqlStore, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no exclusion constraint: its writers run one at a time")
    seed(store)
    insert(store, shared("two pm", utc(2026, 12, 7, 14)))
    with pytest.raises(Contended):
        insert(store, shared("half past two", utc(2026, 12, 7, 14, 30)))
    with store.unit() as uow:
        assert [s.title for s in uow.sessions.find(SessionQuery())] == ["two pm"]
