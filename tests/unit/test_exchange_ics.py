"""iCalendar export and import: interoperability proven by recurring-ical-events expansions."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import (
    ConflictError,
    InvalidInput,
    NotPermitted,
    SessionsctlError,
)
from sessionsctl.core.domain.model import AttendanceStatus, Role, SessionStatus
from sessionsctl.core.exchange import ics
from sessionsctl.core.exchange.problems import BadFile
from sessionsctl.store import open_store
from sessionsctl.store.engine import SqlStore

DATA = Path(__file__).parent.parent / "data" / "ics"
SAMPLES = ("google", "outlook", "thunderbird", "khal")
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
YEAR = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))
Occurrences = set[tuple[str, datetime, datetime, str]]
Listed = Callable[..., Occurrences]


@pytest.fixture
def desk(store: SqlStore) -> Centre:
    return Centre(store, clock=lambda: NOW)


def occurrences(data: bytes, start: datetime = YEAR[0],
                end: datetime = YEAR[1]) -> set[tuple[str, datetime, datetime, str]]:
    """(UID, start, end, status) of every timed occurrence a calendar client would show."""
    cal = icalendar.Calendar.from_ical(data)
    found = set()
    for e in recurring_ical_events.of(cal).between(start, end):
        begin = e["DTSTART"].dt
        if not isinstance(begin, datetime):
            continue  # all-day: closures, not sessions
        if not start <= begin.astimezone(UTC) < end:
            continue  # overlaps the window but starts before it
        finish = e["DTEND"].dt if "DTEND" in e else begin + e["DURATION"].dt
        found.add((str(e["UID"]), begin.astimezone(UTC), finish.astimezone(UTC),
                   str(e.get("STATUS", "CONFIRMED"))))
    return found


def export(centre: Centre, query: SessionQuery, **kw: Any) -> bytes:
    sink = io.BytesIO()
    centre.exchange.export_ics(query, sink, **kw)
    return sink.getvalue()


@pytest.fixture
def listed(db_url: str, tmp_path: Path) -> Listed:
    """The same, from ``sessionsctl session list --json`` run on the test database (the
    command line through Typer's runner, not an in-process helper), for the year or a window."""

    def run(start: datetime = YEAR[0], end: datetime = YEAR[1]) -> Occurrences:
        from typer.testing import CliRunner

        from sessionsctl.cli.main import app

        done = CliRunner().invoke(app, [
            "--db", db_url, "--tz", "UTC", "session", "list", "--from", start.isoformat(),
            "--to", (end - timedelta(microseconds=1)).isoformat(), "--json"],
            env={"SESSIONSCTL_CONFIG": str(tmp_path / "none.toml"), "SESSIONSCTL_USER": ""})
        assert done.exit_code == 0, done.output
        found = set()
        for j in json.loads(done.stdout):
            begin = datetime.fromisoformat(j["start"])
            if not start <= begin < end:
                continue  # listed because it overlaps the window; a client starts it before
            found.add((j["uid"], begin, datetime.fromisoformat(j["end"]),
                       "CANCELLED" if j["status"] == "cancelled" else "CONFIRMED"))
        return found

    return run


def _people(centre: Centre) -> None:
    centre.people.add_person("Ada Byron", "ada@example.org", Role.MENTOR)
    centre.people.add_person("Bob Stone", "bob@example.org", Role.MENTOR)
    for name in ("sam", "kim", "lee"):
        centre.people.add_person(name.title(), f"{name}@example.org", Role.STUDENT)
    centre.people.add_room("Room 2", 4)
    centre.people.add_subject("Mathematics")


def _draft(start: datetime, *, mentor: str = "ada@example.org", tz: str = "Europe/London",
           minutes: int = 60, **kw: Any) -> SessionDraft:
    return SessionDraft(title=kw.pop("title", "Algebra"), mentor=mentor, start=start,
                        end=start + timedelta(minutes=minutes), tz=tz, **kw)


def _timetable(centre: Centre) -> int:
    """Series across daylight saving in two zones, with moved, edited and cancelled
    occurrences, a series cut short, an open-ended series, and one-offs; returns the id of
    the open-ended series."""
    _people(centre)
    weekly = centre.series.create(
        _draft(datetime(2027, 1, 5, 16, tzinfo=UTC), students=("sam@example.org",),
               room="Room 2", subject="Mathematics", link="https://meet.example.org/a",
               meeting_id="123 456", passcode="s3cret"),
        "FREQ=WEEKLY;BYDAY=TU;COUNT=20")
    members = weekly.booked
    centre.sessions.edit_scoped(members[3].id, {"start": members[3].start + timedelta(hours=2)})
    centre.sessions.edit_scoped(members[5].id, {"title": "Algebra (revision)"})
    centre.sessions.cancel_scoped(members[7].id, reason="mentor ill")
    far = centre.series.create(
        _draft(datetime(2027, 2, 3, 22, tzinfo=UTC), mentor="bob@example.org",
               tz="America/Los_Angeles", students=("kim@example.org",), title="Physics"),
        "FREQ=WEEKLY;BYDAY=WE;INTERVAL=2;UNTIL=20270630T235959")
    centre.sessions.cancel_scoped(far.booked[6].id, scope="following")
    centre.sessions.book(_draft(datetime(2027, 3, 1, 10, tzinfo=UTC), students=("lee@example.org",),
                       title="Trial"))
    cancelled = centre.sessions.book(_draft(datetime(2027, 3, 2, 10, tzinfo=UTC), title="Gone"))
    centre.sessions.cancel(cancelled.session.id, "no show")
    # Open-ended: booked up to the rolling horizon (`series extend` keeps it rolling).
    open_ = centre.series.create(_draft(datetime(2027, 1, 7, 17, tzinfo=UTC),
                                        mentor="bob@example.org", title="Open"),
                                 "FREQ=WEEKLY;BYDAY=TH")
    return open_.booked[0].series_id


def test_export_expands_to_exactly_the_listed_sessions(desk: Centre, listed: Listed) -> None:
    open_id = _timetable(desk)
    data = export(desk, SessionQuery())
    # Over the window that is booked (up to the horizon the open-ended series is materialised
    # to) a calendar client shows exactly what `session list --json` lists.
    (open_series, _members) = desk.series.info(open_id)
    booked = open_series.expanded_until
    assert booked is not None
    booked = booked if booked.tzinfo else booked.replace(tzinfo=UTC)  # SQLite: naive UTC
    assert YEAR[0] < booked < YEAR[1]
    assert occurrences(data, YEAR[0], booked) == listed(YEAR[0], booked)
    # Over the whole year too, but for the open rule, which the file keeps open (calendars
    # show the rule; we book it as the horizon rolls on).
    assert {o for o in occurrences(data) if o[0] != open_series.uid} == \
        {o for o in listed() if o[0] != open_series.uid}
    assert len(occurrences(data)) > len(listed())
    cal = icalendar.Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    open_rule = next(e for e in events if str(e["UID"]) == open_series.uid)["RRULE"]
    assert not {"COUNT", "UNTIL"} & set(open_rule)
    # Not a flattened list: three masters with rules, their exceptions (one moved, one
    # edited, one cancelled; five cancelled "and following", kept on record), two one-offs.
    assert sum(1 for e in events if "RRULE" in e) == 3
    assert sum(1 for e in events if "RECURRENCE-ID" in e) == 3 + 5
    assert sum(1 for e in events if e.get("STATUS") == "CANCELLED") == 1 + 5 + 1
    assert len(events) == 3 + 8 + 2
    assert {tz["TZID"] for tz in cal.walk("VTIMEZONE")} == {"Europe/London",
                                                             "America/Los_Angeles"}
    assert cal["PRODID"] and cal["VERSION"] == "2.0"
    master = next(e for e in events if "RRULE" in e and e["SUMMARY"] == "Algebra")
    assert master["ORGANIZER"].params["CN"] == "Ada Byron"
    assert str(master["ATTENDEE"]) == "mailto:sam@example.org"
    assert master["URL"] == "https://meet.example.org/a"
    assert master["CATEGORIES"].cats == ["Mathematics"]
    assert "Room 2" in master["LOCATION"]
    for e in events:
        assert {"UID", "DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "STATUS"} <= set(e)
    assert b"s3cret" not in data
    assert b"s3cret" in export(desk, SessionQuery(), passcodes=True)


def test_export_is_stable(desk: Centre) -> None:
    _timetable(desk)
    first = occurrences(export(desk, SessionQuery()))
    assert first == occurrences(export(desk, SessionQuery()))
    uids = {u for u, *_ in first}
    assert len(uids) == 5  # one per series, one per one-off


def test_mentor_gets_their_own_calendar(desk: Centre) -> None:
    _timetable(desk)
    data = export(desk, SessionQuery(mentor="bob@example.org"))
    assert {u for u, *_ in occurrences(data)} == {
        s.uid for s in desk.sessions.find(SessionQuery(mentor="bob@example.org"))}
    assert b"Algebra" not in data


def test_our_export_imports_into_an_empty_database_and_exports_the_same(
        desk: Centre, fresh_url: str) -> None:
    _timetable(desk)
    data = export(desk, SessionQuery())
    other = Centre(open_store(fresh_url), clock=lambda: NOW)
    result = other.exchange.import_ics(io.BytesIO(data), "ours.ics", default_tz="Europe/London",
                              create_missing=True)
    assert result.series == 3
    assert occurrences(export(other, SessionQuery())) == occurrences(data)
    moved = [s for s in other.sessions.find(SessionQuery()) if s.title == "Algebra (revision)"]
    assert len(moved) == 1 and moved[0].room == "Room 2" and moved[0].subject == "Mathematics"


@pytest.mark.parametrize("name", SAMPLES)
def test_client_files_import_and_export_the_same_occurrences(desk: Centre, name: str,
                                                             listed: Listed) -> None:
    data = (DATA / f"{name}.ics").read_bytes()
    result = desk.exchange.import_ics(io.BytesIO(data), f"{name}.ics", default_tz="Europe/London",
                             mentor="rosa.parra@example.org", create_missing=True)
    assert result.created > 0
    original = occurrences(data)
    assert listed() == original
    assert occurrences(export(desk, SessionQuery())) == original


@pytest.mark.parametrize("name", SAMPLES)
def test_importing_twice_updates_never_duplicates(desk: Centre, name: str) -> None:
    data = (DATA / f"{name}.ics").read_bytes()
    kw: dict[str, Any] = {"default_tz": "Europe/London", "mentor": "rosa.parra@example.org",
                          "create_missing": True}
    desk.exchange.import_ics(io.BytesIO(data), "a.ics", **kw)
    before = {(s.id, s.start, s.status) for s in desk.sessions.find(SessionQuery())}
    closures = desk.calendar.list_closures()
    again = desk.exchange.import_ics(io.BytesIO(data), "a.ics", **kw)
    assert again.created == 0 and again.updated == 0 and again.unchanged == len(before)
    assert {(s.id, s.start, s.status) for s in desk.sessions.find(SessionQuery())} == before
    assert desk.calendar.list_closures() == closures


def test_a_changed_file_updates_in_place(desk: Centre) -> None:
    data = (DATA / "google.ics").read_bytes()
    desk.exchange.import_ics(io.BytesIO(data), "g.ics", default_tz="Europe/London", create_missing=True)
    ids = {s.start: s.id for s in desk.sessions.find(SessionQuery())}
    changed = data.replace(b"SUMMARY:Trial: statistics", b"SUMMARY:Trial: probability") \
        .replace(b"EXDATE;TZID=Europe/London:20270216T160000",
                 b"EXDATE;TZID=Europe/London:20270216T160000,20270406T160000")
    result = desk.exchange.import_ics(io.BytesIO(changed), "g.ics", default_tz="Europe/London")
    assert (result.created, result.updated, result.removed) == (0, 1, 1)
    after = {s.start: s for s in desk.sessions.find(SessionQuery())}
    assert {start: s.id for start, s in after.items()} == ids
    trial = after[datetime(2027, 1, 8, 15, tzinfo=UTC)]
    assert trial.title == "Trial: probability" and trial.sequence == 1
    assert after[datetime(2027, 4, 6, 15, tzinfo=UTC)].status is SessionStatus.CANCELLED


def test_what_the_samples_mean(desk: Centre) -> None:
    desk.people.add_room("Room 1", 6)
    # Google's half-term closure last: sessions of the others fall in it.
    for name in ("outlook", "thunderbird", "khal", "google"):
        desk.exchange.import_ics(io.BytesIO((DATA / f"{name}.ics").read_bytes()), name,
                                 default_tz="Europe/London", mentor="rosa.parra@example.org",
                                 create_missing=True)
    sessions = desk.sessions.find(SessionQuery())
    by_title = {}
    for s in sessions:
        by_title.setdefault(s.title, []).append(s)
    # Outlook: Windows zone names become IANA zones; the room attendee names the room.
    physics = by_title["Physics group"]
    assert {s.tz for s in physics} == {"Europe/Berlin"}
    assert physics[0].start == datetime(2027, 1, 13, 15, tzinfo=UTC)
    assert {s.room for s in physics} == {"Room 3"}
    assert set(physics[0].students) == {"lena.vogel@example.org", "jonas.weber@example.org"}
    assert by_title["Exam prep: Jonas"][0].tz == "Europe/London"
    assert by_title["Exam prep: Jonas"][0].link.startswith("https://teams.microsoft.com/")
    # Google: a UTC one-off; the meeting link; the CN of people created.
    assert by_title["Trial: statistics"][0].room is None
    assert by_title["GCSE Maths with Sam"][0].link == "https://meet.google.com/abc-defg-hij"
    names = {p.email: p.name for p in desk.people.list_people()}
    assert names["sam.lee@example.org"] == "Sam Lee"
    # Thunderbird: no organizer (given by --mentor), LOCATION naming a room, a category.
    tb = by_title["Placement test"][0]
    assert tb.mentor == "rosa.parra@example.org" and tb.subject == "German"
    assert by_title["German conversation"][0].room == "Room 1"
    # khal: floating time read in --tz, DURATION, an RDATE, a southern-hemisphere zone.
    office = by_title["Office hour"][0]
    assert office.start == datetime(2027, 1, 15, 18, tzinfo=UTC) and office.tz == "Europe/London"
    spanish = by_title["Spanish reading club"]
    assert len(spanish) == 9 and all(s.duration == timedelta(minutes=90) for s in spanish)
    sydney = by_title["Maths (Sydney)"]
    assert sydney[0].start == datetime(2027, 3, 3, 5, 30, tzinfo=UTC)  # AEDT
    assert sydney[-1].start == datetime(2027, 4, 28, 6, 30, tzinfo=UTC)  # AEST
    # All-day events are closures.
    assert {(c.starts_on, c.ends_on, c.reason) for c in desk.calendar.list_closures()} == {
        (date(2027, 2, 15), date(2027, 2, 19), "Half-term"),
        (date(2027, 3, 22), date(2027, 3, 22), "Festivo")}


def test_events_without_organizer_need_a_mentor(desk: Centre) -> None:
    data = (DATA / "thunderbird.ics").read_bytes()
    with pytest.raises(BadFile) as caught:
        desk.exchange.import_ics(io.BytesIO(data), "tb.ics", default_tz="Europe/London", create_missing=True)
    assert {p.column for p in caught.value.problems} == {"ORGANIZER"}
    assert caught.value.problems[0].row == 22  # the line of its BEGIN:VEVENT
    assert desk.sessions.find(SessionQuery()) == []


def test_conflicts_refuse_the_whole_file(desk: Centre) -> None:
    _people(desk)
    desk.people.add_person("Sam Lee", "sam.lee@example.org", Role.STUDENT)
    desk.people.add_person("Ada", "ada.byron@example.org", Role.MENTOR)
    desk.sessions.book(SessionDraft(title="Busy", mentor="ada.byron@example.org",
                           start=datetime(2027, 1, 12, 16, 30, tzinfo=UTC),
                           end=datetime(2027, 1, 12, 17, 30, tzinfo=UTC), tz="Europe/London"))
    data = (DATA / "google.ics").read_bytes()
    with pytest.raises(ConflictError) as caught:
        desk.exchange.import_ics(io.BytesIO(data), "g.ics", default_tz="Europe/London", create_missing=True)
    assert caught.value.rows[0].shown[0].conflict.with_.title == "Busy"
    assert caught.value.rows[0].row is not None
    assert len(desk.sessions.find(SessionQuery())) == 1
    result = desk.exchange.import_ics(io.BytesIO(data), "g.ics", default_tz="Europe/London",
                                      create_missing=True, on_conflict="skip")
    assert len(result.skipped) == 1 and result.created == 13


BAD = {
    "no DTSTART": (b"DTSTART;TZID=Europe/London:20270105T160000\r\n", b""),
    "bad RRULE": (b"RRULE:FREQ=WEEKLY;WKST=MO;UNTIL=20270406T150000Z;BYDAY=TU",
                  b"RRULE:FREQ=FORTNIGHTLY;BYDAY=XX"),
    "truncated": None,
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_are_refused_with_their_line(desk: Centre, case: str) -> None:
    data = (DATA / "google.ics").read_bytes().replace(b"\n", b"\r\n")
    edit = BAD[case]
    data = data[:len(data) * 2 // 3] if edit is None else data.replace(*edit)
    with pytest.raises(BadFile) as caught:
        desk.exchange.import_ics(io.BytesIO(data), "bad.ics", default_tz="Europe/London", create_missing=True)
    problem = caught.value.problems[0]
    assert problem.row is not None and problem.unit == "line"
    if case == "bad RRULE":  # the line of the property, not of its BEGIN:VEVENT
        assert data.splitlines()[problem.row - 1].startswith(b"RRULE:FREQ=FORTNIGHTLY")
    assert "bad.ics" in caught.value.message
    assert json.dumps(caught.value.to_json())
    assert desk.people.list_people() == [] and desk.sessions.find(SessionQuery()) == []


def test_invitation_helpers_agree_with_the_export(desk: Centre) -> None:
    _timetable(desk)
    session = desk.sessions.find(SessionQuery(search="revision"))[0]
    invite = ics.calendar([ics.session_event(session)], method="REQUEST")
    event = next(iter(invite.walk("VEVENT")))
    assert invite["METHOD"] == "REQUEST"
    assert str(event["UID"]) == session.uid and event["SEQUENCE"] == session.sequence
    assert event["RECURRENCE-ID"].dt.astimezone(UTC) == session.recurrence_id
    assert [tz["TZID"] for tz in invite.walk("VTIMEZONE")] == ["Europe/London"]


# ------------------------------------------------------------------- property-based tests
_GOOGLE = (DATA / "google.ics").read_bytes()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    lines = _GOOGLE.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["drop", "cut", "garble", "swap"]))
        at = draw(st.integers(0, len(lines) - 1))
        if kind == "drop":
            del lines[at]
        elif kind == "cut":
            del lines[at:]
        elif kind == "garble":
            line = bytearray(lines[at])
            pos = draw(st.integers(0, max(len(line) - 1, 0)))
            line[pos:pos] = draw(st.sampled_from([b":", b";", b"=", b"\xff", b"X", b"9999",
                                                  b"T", b"Z", b",", b"\\", b";UNTIL=29991231",
                                                  b";COUNT=1000", b",99991231",
                                                  b"\r\nRDATE:20270105T160000,29991231\r\n"]))
            lines[at] = bytes(line)
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        if not lines:
            break
    return b"".join(lines)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.one_of(mutated(), st.binary(max_size=200)))
# icalendar reads `VALUE=,DATE` as a list and fails on it with an AttributeError.
@example(data=b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@b\r\nDTSTART;VALUE=,DATE:\r\n"
              b"END:VEVENT\r\nEND:VCALENDAR\r\n")
def test_random_and_mutated_calendars_never_crash_nor_write_partly(desk: Centre,
                                                                   data: bytes) -> None:
    before = (desk.people.list_people(), desk.sessions.find(SessionQuery()), desk.calendar.list_closures())
    try:
        result = desk.exchange.import_ics(io.BytesIO(data), "x.ics", default_tz="Europe/London",
                                 mentor="ada.byron@example.org", create_missing=True,
                                 dry_run=True)
    except SessionsctlError as exc:
        assert exc.exit_code in (2, 3, 4)
    else:
        assert result.dry_run
    assert (desk.people.list_people(), desk.sessions.find(SessionQuery()),
            desk.calendar.list_closures()) == before


# ------------------------------------------------------------------ a file's own zones
def test_a_custom_vtimezone_is_the_iana_zone_with_its_rules(desk: Centre,
                                                            listed: Listed) -> None:
    """Outlook's "Customized Time Zone": a series read in the IANA zone with the same
    offsets and transitions repeats at the same wall time across daylight saving."""
    desk.people.add_person("Ada", "ada@example.org", Role.MENTOR)
    data = (DATA / "custom_zone.ics").read_bytes()
    desk.exchange.import_ics(io.BytesIO(data), "custom.ics", default_tz="Europe/London")
    sessions = desk.sessions.find(SessionQuery())
    assert listed() == occurrences(data) and len(sessions) == 4
    # 16:00 wall time before and after the clocks change on 28 March.
    assert [s.start.astimezone(ZoneInfo(s.tz)).hour for s in sessions] == [16] * 4
    assert sessions[-1].start == datetime(2027, 3, 31, 14, tzinfo=UTC)
    # The importing zone is preferred when its rules are the file's.
    other = desk.exchange.import_ics(io.BytesIO(data.replace(b"custom-1", b"custom-2")), "custom.ics",
                            default_tz="Europe/Paris", on_conflict="force", reason="test")
    assert {p.draft.tz for p in other.planned} == {"Europe/Paris"}


def test_a_vtimezone_no_iana_zone_matches_is_expanded_in_its_own_rules(
        desk: Centre, listed: Listed) -> None:
    desk.people.add_person("Ada", "ada@example.org", Role.MENTOR)
    data = (DATA / "own_zone.ics").read_bytes()
    desk.exchange.import_ics(io.BytesIO(data), "own.ics", default_tz="Europe/London")
    assert listed() == occurrences(data) and len(listed()) == 8
    again = desk.exchange.import_ics(io.BytesIO(data), "own.ics", default_tz="Europe/London")
    assert again.created == 0 and again.unchanged == 8
    assert len(desk.sessions.find(SessionQuery())) == 8


def test_an_unknown_tzid_without_vtimezone_is_refused(desk: Centre) -> None:
    desk.people.add_person("Ada", "ada@example.org", Role.MENTOR)
    data = (DATA / "custom_zone.ics").read_bytes().replace(
        b"Customized Time Zone", b"Mars/Olympus").replace(b"TZID:Mars/Olympus", b"TZID:Other")
    with pytest.raises(BadFile) as caught:
        desk.exchange.import_ics(io.BytesIO(data), "mars.ics", default_tz="Europe/London")
    problem = caught.value.problems[0]
    assert problem.row is not None and problem.column == "DTSTART"
    assert "Mars/Olympus" in problem.message
    assert desk.sessions.find(SessionQuery()) == []


def test_an_occurrence_without_its_series_is_keyed_by_uid_and_recurrence_id(
        desk: Centre) -> None:
    """An exception whose master is not in the file is a one-off that keeps its UID and
    RECURRENCE-ID; importing the file again finds it and updates it, never clashing with it
    nor making a second one (with --on-conflict force either)."""
    desk.people.add_person("Ada", "ada@example.org", Role.MENTOR)
    data = (DATA / "orphan.ics").read_bytes()
    first = desk.exchange.import_ics(io.BytesIO(data), "o.ics", default_tz="Europe/London")
    assert first.created == 1
    (made,) = desk.sessions.find(SessionQuery())
    assert made.uid == "orphan-uid-1"
    assert made.recurrence_id == datetime(2027, 4, 1, 10, tzinfo=UTC)
    again = desk.exchange.import_ics(io.BytesIO(data), "o.ics", default_tz="Europe/London")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    forced = desk.exchange.import_ics(io.BytesIO(data.replace(b"SUMMARY:T", b"SUMMARY:Moved")), "o.ics",
                             default_tz="Europe/London", on_conflict="force", reason="r")
    assert (forced.created, forced.updated) == (0, 1)
    (kept,) = desk.sessions.find(SessionQuery())
    assert kept.id == made.id and kept.title == "Moved"
    # Exported and imported again into the same database: the same one session.
    assert desk.exchange.import_ics(io.BytesIO(export(desk, SessionQuery())), "x.ics",
                           default_tz="Europe/London").created == 0


@pytest.mark.parametrize(("prop", "line"), [
    ("X-SESSIONSCTL-MAX-PARTICIPANTS:99999999999999999999", "X-SESSIONSCTL-MAX-PARTICIPANTS"),
    ("SEQUENCE:99999999999999999999", "SEQUENCE"),
])
def test_integers_out_of_range_are_problems_of_their_property(desk: Centre, prop: str,
                                                              line: str) -> None:
    desk.people.add_person("Ada", "ada@example.org", Role.MENTOR)
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:u\r\n"
            b"ORGANIZER:mailto:ada@example.org\r\nSUMMARY:T\r\nDTSTART:20270901T100000Z\r\n"
            b"DTEND:20270901T110000Z\r\n" + prop.encode() + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    with pytest.raises(BadFile) as caught:
        desk.exchange.import_ics(io.BytesIO(data), "big.ics", default_tz="Europe/London")
    assert [p.column for p in caught.value.problems] == [line]
    assert desk.sessions.find(SessionQuery()) == []


@pytest.mark.parametrize("prop", [
    "URL:javascript:alert(3)", "X-GOOGLE-CONFERENCE:data:text/html,<b>x</b>"])
def test_a_link_that_is_no_web_address_is_a_problem_of_its_property(desk: Centre,
                                                                    prop: str) -> None:
    desk.people.add_person("Ada", "ada@example.org", Role.MENTOR)
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:u\r\n"
            b"ORGANIZER:mailto:ada@example.org\r\nSUMMARY:T\r\nDTSTART:20270901T100000Z\r\n"
            b"DTEND:20270901T110000Z\r\n" + prop.encode() + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    with pytest.raises(BadFile) as caught:
        desk.exchange.import_ics(io.BytesIO(data), "link.ics", default_tz="Europe/London")
    (problem,) = caught.value.problems
    assert problem.column == "URL" and "not a web address" in problem.message, problem
    assert desk.sessions.find(SessionQuery()) == []


def test_a_time_out_of_range_is_a_problem_of_its_property(desk: Centre) -> None:
    desk.people.add_person("Ada", "ada@example.org", Role.MENTOR)
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:u\r\n"
            b"ORGANIZER:mailto:ada@example.org\r\nSUMMARY:T\r\nDTSTART:99991231T230000\r\n"
            b"DTEND:99991231T235900\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    with pytest.raises(BadFile) as caught:
        desk.exchange.import_ics(io.BytesIO(data), "far.ics", default_tz="Asia/Tokyo")
    assert [p.column for p in caught.value.problems] == ["DTSTART"]


def test_a_rule_that_gives_no_occurrences_is_a_problem_not_an_empty_series(
        desk: Centre) -> None:
    desk.people.add_person("Ada", "ada@example.org", Role.MENTOR)
    data = (DATA / "custom_zone.ics").read_bytes().replace(
        b"RRULE:FREQ=WEEKLY;COUNT=4", b"RRULE:FREQ=WEEKLY;UNTIL=20270301T000000Z")
    with pytest.raises(BadFile) as caught:
        desk.exchange.import_ics(io.BytesIO(data), "until.ics", default_tz="Europe/London")
    assert [p.column for p in caught.value.problems] == ["RRULE"]
    with desk.ctx.read() as uow:
        assert uow.series.all() == []


def test_skipping_every_occurrence_of_a_series_leaves_no_empty_series(desk: Centre) -> None:
    desk.people.add_person("Ada", "ada@example.org", Role.MENTOR)
    data = (DATA / "custom_zone.ics").read_bytes()
    for day in (10, 17, 24, 31):
        start = datetime(2027, 3, day, 15 if day < 31 else 14, tzinfo=UTC)
        desk.sessions.book(SessionDraft(title="Busy", mentor="ada@example.org", start=start,
                               end=start + timedelta(hours=1), tz="Europe/London"))
    result = desk.exchange.import_ics(io.BytesIO(data), "c.ics", default_tz="Europe/London",
                                      on_conflict="skip")
    assert (result.created, result.series, len(result.skipped)) == (0, 0, 4)
    with desk.ctx.read() as uow:
        assert uow.series.all() == []


def test_an_event_without_its_end_is_named_by_its_line(desk: Centre) -> None:
    data = (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20270301T100000Z\r\n"
            b"END:VCALENDAR\r\n")
    with pytest.raises(BadFile) as caught:
        desk.exchange.import_ics(io.BytesIO(data), "cut.ics", default_tz="Europe/London")
    (problem,) = caught.value.problems
    assert problem.row == 2 and "END:VEVENT" in problem.message


def test_a_nul_byte_is_refused_with_its_line(desk: Centre) -> None:
    data = (DATA / "google.ics").read_bytes().replace(b"SUMMARY:Trial", b"SUMMARY:Tri\x00al")
    with pytest.raises(BadFile) as caught:
        desk.exchange.import_ics(io.BytesIO(data), "nul.ics", default_tz="Europe/London", create_missing=True)
    (problem,) = caught.value.problems
    assert data.splitlines()[problem.row - 1].startswith(b"SUMMARY:Tri")


def test_the_export_serialises_events_exactly_as_icalendar_does(desk: Centre) -> None:
    """The export reuses the content lines of shared values; the bytes are icalendar's."""
    _timetable(desk)
    data = export(desk, SessionQuery())
    cal = icalendar.Calendar.from_ical(data)
    for event in cal.walk("VEVENT"):
        assert event.to_ical() in data
    values = ics.Values({}, NOW)
    session = desk.sessions.find(SessionQuery(search="revision"))[0]
    for _ in range(2):  # the second time from the memo
        event = ics.session_event(session, values=values)
        assert values.to_ical(event) == event.to_ical()


def _two_mentors(desk: Centre) -> None:
    desk.people.add_person("Mia One", "m1@example.org", Role.MENTOR)
    desk.people.add_person("Max Two", "m2@example.org", Role.MENTOR)
    desk.people.add_person("Sam", "sam@example.org", Role.STUDENT)


def test_a_mentor_cannot_take_over_another_mentors_session_by_import(
        desk: Centre, store: SqlStore) -> None:
    """A file carrying the UID of m2's session, with m1 as ORGANIZER, imported by m1: refused
    as ``session edit`` refuses it (exit 5), naming the line; nothing changes."""
    _two_mentors(desk)
    start = datetime(2027, 3, 1, 16, tzinfo=UTC)
    theirs = desk.sessions.book(_draft(start, mentor="m2@example.org", title="Chemistry",
                              students=("sam@example.org",))).session
    data = export(desk, SessionQuery()).replace(b"m2@example.org", b"m1@example.org") \
        .replace(b"SUMMARY:Chemistry", b"SUMMARY:Mine now")
    m1 = Centre(store, actor="m1@example.org", clock=lambda: NOW)
    with pytest.raises(NotPermitted) as caught:
        m1.exchange.import_ics(io.BytesIO(data), "take.ics", default_tz="UTC")
    assert caught.value.exit_code == 5
    assert "take.ics, line" in caught.value.message
    (after,) = desk.sessions.find(SessionQuery())
    assert (after.mentor, after.title, after.sequence) == ("m2@example.org", "Chemistry",
                                                           theirs.sequence)
    # m2 may rename their own session so, but not hand it to m1 (as with session edit).
    m2 = Centre(store, actor="m2@example.org", clock=lambda: NOW)
    with pytest.raises(NotPermitted):
        m2.exchange.import_ics(io.BytesIO(data), "give.ics", default_tz="UTC")
    renamed = data.replace(b"m1@example.org", b"m2@example.org")
    assert m2.exchange.import_ics(io.BytesIO(renamed), "own.ics", default_tz="UTC").updated == 1


def test_a_mentor_cannot_cut_another_mentors_series_by_import(
        desk: Centre, store: SqlStore) -> None:
    """m2's weekly series, sent back by m1 with COUNT=1: it would keep one occurrence and
    cancel the rest. Refused; every occurrence stays scheduled."""
    _two_mentors(desk)
    result = desk.series.create(_draft(datetime(2027, 3, 1, 16, tzinfo=UTC),
                                       mentor="m2@example.org"), "FREQ=WEEKLY;COUNT=6")
    assert len(result.booked) == 6
    data = export(desk, SessionQuery())
    assert b"RRULE:FREQ=WEEKLY;COUNT=6" in data
    cut = data.replace(b"RRULE:FREQ=WEEKLY;COUNT=6", b"RRULE:FREQ=WEEKLY;COUNT=1") \
        .replace(b"m2@example.org", b"m1@example.org")
    m1 = Centre(store, actor="m1@example.org", clock=lambda: NOW)
    for file in (cut, cut.replace(b"m1@example.org", b"m2@example.org")):
        with pytest.raises(NotPermitted):
            m1.exchange.import_ics(io.BytesIO(file), "cut.ics", default_tz="UTC")
    listed = desk.sessions.find(SessionQuery())
    assert [s.status for s in listed] == [SessionStatus.SCHEDULED] * 6
    assert {s.mentor for s in listed} == {"m2@example.org"}


def test_an_import_does_not_reopen_or_move_a_completed_session(desk: Centre) -> None:
    """A completed session in a file (exported before it was completed, or changed) keeps its
    status; moving it is refused as ``session edit`` refuses it, naming the line."""
    _two_mentors(desk)
    start = datetime(2026, 11, 20, 16, tzinfo=UTC)  # before NOW
    booked = desk.sessions.book(_draft(start, mentor="m1@example.org", tz="UTC",
                              students=("sam@example.org",)), past=True).session
    data = export(desk, SessionQuery())
    desk.sessions.complete(booked.id, force=True)
    desk.attendance.mark(booked.id, "sam@example.org", AttendanceStatus.PRESENT)
    again = desk.exchange.import_ics(io.BytesIO(data), "same.ics", default_tz="UTC")
    assert (again.updated, again.unchanged) == (0, 1)
    assert desk.sessions.show(booked.id).session.status is SessionStatus.COMPLETED
    renamed = data.replace(b"SUMMARY:Algebra", b"SUMMARY:Algebra II")
    with pytest.raises(InvalidInput, match="renamed.ics, line .*session is completed"):
        desk.exchange.import_ics(io.BytesIO(renamed), "renamed.ics", default_tz="UTC")
    moved = data.replace(b"DTSTART:20261120T160000Z", b"DTSTART:20261120T170000Z") \
        .replace(b"DTEND:20261120T170000Z", b"DTEND:20261120T180000Z")
    assert moved != data
    with pytest.raises(InvalidInput) as caught:
        desk.exchange.import_ics(io.BytesIO(moved), "moved.ics", default_tz="UTC")
    assert "moved.ics, line" in caught.value.message and "completed" in caught.value.message
    kept = desk.sessions.show(booked.id)
    assert kept.session.start == start and kept.session.status is SessionStatus.COMPLETED
    assert [a.status for a in kept.attendance] == [AttendanceStatus.PRESENT]
