"""What a user's words name (core.names): people by email or by name, rooms and subjects in
any case, a shared name refused with its candidates, an unknown one answered with the nearest
("did you mean"); conflicts naming people; the lengths a session may have; and an import
that would create an address that looks a typo of a registered one."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain import rules
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import Ambiguous, ConflictError, InvalidInput, NotFound
from sessionsctl.core.domain.model import AttendanceStatus, Role
from sessionsctl.core.exchange.problems import BadFile
from sessionsctl.core.names import Listed, lookalikes
from sessionsctl.core.reports.data import ReportFilter
from sessionsctl.store.engine import SqlStore

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
T0 = datetime(2026, 12, 1, 16, tzinfo=UTC)
ADA, BOB, SAM, KIM = "ada@example.org", "bob@example.org", "sam@example.org", "kim@example.org"
LONDON = ZoneInfo("Europe/London")
HEADER = "title,start,duration,mentor_email,student_emails,room,subject\n"


@pytest.fixture
def desk(store: SqlStore) -> Centre:
    centre = Centre(store, clock=lambda: NOW)
    for name, email, role in (("Ada Byron", ADA, Role.MENTOR), ("Bob Stone", BOB, Role.MENTOR),
                              ("Sam Lee", SAM, Role.STUDENT), ("Kim Park", KIM, Role.STUDENT)):
        centre.people.add_person(name, email, role)
    centre.people.add_room("Room 2", 4)
    centre.people.add_subject("Mathematics")
    return centre


def draft(title: str = "Algebra", *, start: datetime = T0, minutes: int = 60,
          mentor: str = ADA, **fields: object) -> SessionDraft:
    return SessionDraft(title=title, mentor=mentor, start=start,
                        end=start + timedelta(minutes=minutes), tz="Europe/London",
                        **fields)  # type: ignore[arg-type]


def imp(centre: Centre, text: str, **kw: object):
    return centre.exchange.import_csv(io.BytesIO(text.encode()), "term.csv",  # type: ignore[arg-type]
                                      default_tz="Europe/London", **kw)


# ------------------------------------------------------------------------ people
@pytest.mark.parametrize("typed", ["Ada Byron", "ada byron", "  ADA   BYRON ", "Ada@Example.ORG"])
def test_a_person_is_named_by_email_or_by_name_in_any_case(desk: Centre, typed: str) -> None:
    assert desk.people.person(typed).email == ADA


def test_a_name_shared_by_two_people_is_refused_with_each_of_them(desk: Centre) -> None:
    desk.people.add_person("Sam Lee", "sam.lee@example.org", Role.STUDENT)
    with pytest.raises(Ambiguous) as caught:
        desk.people.person("sam lee", "student")
    assert caught.value.exit_code == 2
    assert caught.value.candidates == ["Sam Lee <sam.lee@example.org>", "Sam Lee <sam@example.org>"]
    assert "give the one meant by email" in caught.value.message
    assert caught.value.to_json()["candidates"] == caught.value.candidates


def test_a_shared_name_is_told_apart_by_the_part_played(desk: Centre) -> None:
    """A mentor and a student of one name: --mentor means the one who can teach."""
    desk.people.add_person("Sam Lee", "sam.lee@example.org", Role.MENTOR)
    assert desk.people.person("Sam Lee", "mentor").email == "sam.lee@example.org"
    assert desk.people.person("Sam Lee", "student").email == SAM
    with pytest.raises(Ambiguous):
        desk.people.person("Sam Lee")


@pytest.mark.parametrize("typed, meant", [
    ("Ada Byrn", "Ada Byron <ada@example.org>"),
    ("bob ston", "Bob Stone <bob@example.org>"),
    ("ada@exmaple.org", "Ada Byron <ada@example.org>"),  # a typo of a registered address
    ("kim@example.com", "Kim Park <kim@example.org>"),
])
def test_an_unknown_person_is_answered_with_the_nearest(desk: Centre, typed: str,
                                                        meant: str) -> None:
    with pytest.raises(NotFound) as caught:
        desk.people.person(typed)
    assert caught.value.exit_code == 4
    assert caught.value.suggestions[0] == meant
    assert f"(did you mean {meant}" in caught.value.message


def test_nobody_near_is_suggested_for_a_stranger(desk: Centre) -> None:
    with pytest.raises(NotFound) as caught:
        desk.people.person("zed@elsewhere.net")
    assert caught.value.suggestions == [] and caught.value.message == "no person zed@elsewhere.net"
    with pytest.raises(NotFound) as caught:
        desk.people.person("nobody@example.org")  # the same domain is not a likeness
    assert caught.value.suggestions == []


@pytest.mark.parametrize("new, known, alike", [
    ("ada@exmaple.org", ["ada@example.org"], ["ada@example.org"]),  # a transposed domain
    ("ada@example.com", ["ada@example.org"], ["ada@example.org"]),  # the same person elsewhere?
    ("jonahtan@school.org", ["jonathan@school.org"], ["jonathan@school.org"]),
    ("tim@example.org", ["kim@example.org"], []),  # short names one letter apart: two people
    ("ada@gmail.com", ["ada@yahoo.com"], []),
    ("zoe@example.org", ["lee@example.org", "ada@example.org"], []),
])
def test_lookalike_addresses(new: str, known: list[str], alike: list[str]) -> None:
    assert lookalikes(new, known) == alike


# -------------------------------------------------------------- rooms and subjects
def test_rooms_and_subjects_are_named_in_any_case_and_kept_as_stored(desk: Centre) -> None:
    d = desk.people.resolve_draft(draft(mentor="ada BYRON", students=("Sam Lee", KIM),
                                        room="room 2", subject="MATHEMATICS"))
    assert (d.mentor, d.students, d.room, d.subject) == (ADA, (SAM, KIM), "Room 2",
                                                         "Mathematics")
    booked = desk.sessions.book(d).session
    assert (booked.room, booked.subject) == ("Room 2", "Mathematics")
    query = desk.people.resolve_query(SessionQuery(mentor="Ada Byron", room="ROOM 2"))
    assert [s.id for s in desk.sessions.find(query)] == [booked.id]


def test_an_unknown_room_or_subject_is_answered_with_the_nearest(desk: Centre) -> None:
    with pytest.raises(NotFound, match=r"no room Rom 2 \(did you mean Room 2\?\)"):
        desk.people.resolve_draft(draft(room="Rom 2"))
    with pytest.raises(NotFound, match=r"did you mean Mathematics\?"):
        desk.people.resolve({"subject": "Mathematic"})


def test_a_room_named_as_one_there_is_in_another_case_is_not_added(desk: Centre) -> None:
    with pytest.raises(InvalidInput, match="room 'Room 2' exists already"):
        desk.people.add_room("ROOM 2")
    with pytest.raises(InvalidInput, match="subject 'Mathematics' exists already"):
        desk.people.add_subject("mathematics")


def test_the_exact_spelling_wins_over_others_of_another_case(desk: Centre,
                                                            store: SqlStore) -> None:
    """Rooms differing only in case (from before names matched in any case) are told apart
    by the spelling typed; another spelling could be either."""
    with store.unit(write=True) as uow:
        uow.rooms.add("room 2", None)
    assert desk.people.resolve({"room": "room 2"})["room"] == "room 2"
    assert desk.people.resolve({"room": "Room 2"})["room"] == "Room 2"
    with pytest.raises(Ambiguous, match="'ROOM 2' could be Room 2 or room 2"):
        desk.people.resolve({"room": "ROOM 2"})


def test_a_form_resolves_against_what_its_pickers_hold(desk: Centre) -> None:
    known = Listed(desk.people.list_people(), desk.people.list_rooms(),
                   desk.people.list_subjects())
    assert known.fields({"mentor": "ada byron", "students": ("Kim Park",), "room": "room 2",
                         "title": "kept"}) == {"mentor": ADA, "students": (KIM,),
                                               "room": "Room 2", "title": "kept"}
    with pytest.raises(NotFound, match="did you mean Ada Byron"):
        known.person("Ada Byrom")


# --------------------------------------------------------------------- bookings
def test_a_draft_naming_an_unregistered_address_suggests_the_registered_one(
        desk: Centre) -> None:
    with pytest.raises(NotFound) as caught:
        desk.sessions.book(draft(mentor="ada@exmaple.org"))
    assert caught.value.kind == "mentor"
    assert caught.value.suggestions == ["Ada Byron <ada@example.org>"]


def test_conflicts_name_the_people_and_what_they_do_then(desk: Centre) -> None:
    desk.sessions.book(draft(students=(SAM,)))
    with pytest.raises(ConflictError) as caught:
        desk.sessions.book(draft("Geometry", start=T0 + timedelta(minutes=30), students=(SAM,)))
    assert [c.detail for c in caught.value.conflicts] == [
        "Ada Byron <ada@example.org> is teaching 'Algebra' then",
        "Sam Lee <sam@example.org> is a student in 'Algebra' then"]
    # Rows of one request clash the same way.
    with pytest.raises(ConflictError) as caught:
        desk.sessions.book_many([draft("One", start=T0 + timedelta(days=1), mentor=BOB),
                                 draft("Two", start=T0 + timedelta(days=1), mentor=BOB)])
    assert [c.detail for c in caught.value.conflicts] == [
        "Bob Stone <bob@example.org> is teaching 'One' then"]


def test_time_off_names_the_mentor(desk: Centre) -> None:
    desk.calendar.add_time_off("Ada Byron", T0, T0 + timedelta(hours=2), "dentist")
    assert [c.detail for c in desk.sessions.check(draft())] == [
        "Ada Byron <ada@example.org> is on time off: dentist"]


# ---------------------------------------------------------------- other use cases
def test_marks_availability_and_reports_take_names(desk: Centre) -> None:
    lesson = desk.sessions.book(draft(students=(SAM,))).session
    late = Centre(desk.store, clock=lambda: T0 + timedelta(minutes=5))
    assert late.attendance.mark(lesson.id, "sam lee", AttendanceStatus.PRESENT).student == SAM
    assert desk.calendar.set_availability("Bob Stone", 1, [(time(15), time(18))],
                                          "Europe/London")[0].mentor == BOB
    f = ReportFilter(T0 - timedelta(days=1), T0 + timedelta(days=1), mentor="ADA BYRON",
                     subject="mathematics")
    report = late.reports.report_mentors(f, LONDON)
    assert report.filters == {"mentor": ADA, "subject": "Mathematics"}
    student = late.reports.report_student("Sam Lee", ReportFilter(T0 - timedelta(days=1),
                                                                  T0 + timedelta(days=1)), LONDON)
    assert student.title == "Student: Sam Lee <sam@example.org>"
    assert student.sections[0].rows[0]["mentor_name"] == "Ada Byron"
    with pytest.raises(InvalidInput, match="Sam Lee <sam@example.org> is a student, not a mentor"):
        late.reports.report_mentors(ReportFilter(f.start, f.end, mentor="Sam Lee"), LONDON)


# ------------------------------------------------------------------------ lengths
def test_a_length_is_one_to_20160_minutes_everywhere(desk: Centre) -> None:
    assert rules.length(20160) == timedelta(days=14)
    for minutes in (0, 20161, 30000):
        with pytest.raises(InvalidInput, match=r"must be 1 to 20160 minutes \(14 days\)"):
            rules.length(minutes)
    with pytest.raises(InvalidInput, match=r"21,600 minutes after the start, but a session "
                                           r"lasts 1 to 20160 minutes \(14 days\)"):
        desk.sessions.book(draft(minutes=21600))


def test_a_csv_duration_is_held_to_the_range_it_names(desk: Centre) -> None:
    """Was: '(1 to 10080)' said, and 3000 then refused as 'at most 1 day, 0:00:00'."""
    with pytest.raises(BadFile) as caught:
        imp(desk, HEADER + f"Long,2027-01-05 08:00,30000,{ADA},,,\n")
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "duration")
    assert problem.message == "must be 1 to 20160 minutes (14 days), not 30000"
    assert imp(desk, HEADER + f"Fortnight,2027-01-05 08:00,20160,{ADA},,,\n").created == 1


# ------------------------------------------------------------------------ imports
def test_an_import_names_rooms_and_subjects_in_any_case(desk: Centre) -> None:
    result = imp(desk, HEADER + f"Algebra,2027-01-05 16:00,60,{ADA},{SAM},room 2,MATHEMATICS\n",
                 create_missing=True)
    assert result.references == []  # nothing new: the file's spellings are of what exists
    [session] = desk.sessions.find(SessionQuery())
    assert (session.room, session.subject) == ("Room 2", "Mathematics")
    assert [r.name for r in desk.people.list_rooms()] == ["Room 2"]


def test_create_missing_refuses_an_address_that_looks_a_typo(desk: Centre) -> None:
    text = HEADER + (f"Algebra,2027-01-05 16:00,60,{ADA},{SAM},,\n"
                     "Typo,2027-01-06 16:00,60,ada@exmaple.org,kim@example.org,,\n"
                     "New,2027-01-07 16:00,60,zoe@example.org,,,\n")
    before = desk.people.list_people()
    with pytest.raises(BadFile) as caught:
        imp(desk, text, create_missing=True)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (3, "mentor_email")
    assert "ada@example.org is registered: a typo?" in problem.message
    assert "--allow-similar" in problem.message
    assert caught.value.exit_code == 2 and "term.csv" in caught.value.message
    assert desk.people.list_people() == before
    result = imp(desk, text, create_missing=True, allow_similar=True)
    assert sorted(result.references) == ["mentor ada@exmaple.org", "mentor zoe@example.org"]


def test_an_unknown_address_in_a_file_suggests_the_registered_one(desk: Centre) -> None:
    with pytest.raises(BadFile) as caught:
        imp(desk, HEADER + "Typo,2027-01-06 16:00,60,ada@exmaple.org,,,\n")
    [problem] = caught.value.problems
    assert problem.message.startswith("no mentor 'ada@exmaple.org' (did you mean "
                                      "ada@example.org? If not, add it first")
