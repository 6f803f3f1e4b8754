"""RFC 5545 corners of .ics import, one small hand-written file each (tests/data/ics/rfc/),
checked against an independent expander (recurring-ical-events) where it has an answer."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain import policy
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.model import Role, SessionStatus
from sessionsctl.core.exchange.results import ImportResult
from sessionsctl.store.engine import SqlStore

DATA = Path(__file__).parent.parent / "data" / "ics" / "rfc"
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
YEAR = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))
Spans = set[tuple[str, datetime, datetime]]


@pytest.fixture
def desk(store: SqlStore) -> Centre:
    centre = Centre(store, clock=lambda: NOW)
    centre.people.add_person("Ada Byron", "ada@example.org", Role.MENTOR)
    return centre


def peer(data: bytes) -> Spans:
    """(UID, start, end) of each timed occurrence recurring-ical-events gives in 2027."""
    found = set()
    for e in recurring_ical_events.of(icalendar.Calendar.from_ical(data)).between(*YEAR):
        begin = e["DTSTART"].dt
        end = e["DTEND"].dt if "DTEND" in e else begin + e["DURATION"].dt
        found.add((str(e["UID"]), begin.astimezone(UTC), end.astimezone(UTC)))
    return found


def held(centre: Centre, *, cancelled: bool = False) -> Spans:
    return {(s.uid, s.start, s.end) for s in centre.sessions.find(SessionQuery())
            if (s.status is SessionStatus.CANCELLED) == cancelled}


def load(centre: Centre, name: str, tz: str = "Europe/London") -> tuple[bytes, ImportResult]:
    data = (DATA / name).read_bytes()
    return data, centre.exchange.import_ics(io.BytesIO(data), name, default_tz=tz)


def again_unchanged(centre: Centre, data: bytes, tz: str = "Europe/London") -> None:
    """Importing the file a second time changes nothing; our own export of it reads back
    to the same sessions."""
    before = held(centre)
    again = centre.exchange.import_ics(io.BytesIO(data), "again.ics", default_tz=tz)
    assert (again.created, again.updated) == (0, 0)
    sink = io.BytesIO()
    centre.exchange.export_ics(SessionQuery(), sink)
    assert peer(sink.getvalue()) == before
    back = centre.exchange.import_ics(io.BytesIO(sink.getvalue()), "export.ics", default_tz=tz)
    assert (back.created, back.updated) == (0, 0) and held(centre) == before


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


# 1. RFC 5545 3.6.1: a timed event with neither DTEND nor DURATION ends at its start.
def test_an_event_without_end_or_duration_is_imported_with_the_default_length(
        desk: Centre) -> None:
    data, result = load(desk, "no_end.ics")
    ((uid, start, end),) = peer(data)
    assert end == start  # zero length, as the RFC has it
    assert held(desk) == {(uid, start, start + policy.ENDLESS_EVENT_LENGTH)}
    assert result.created == 1 and result.endless == [4]  # its BEGIN:VEVENT
    again_unchanged(desk, data)


# 2. A timed event longer than a day (a residential trip) is a session like any other.
def test_an_event_of_several_days_is_one_session(desk: Centre) -> None:
    data, result = load(desk, "multi_day.ics")
    assert held(desk) == peer(data) == {("trip-1", at(5, 9), at(7, 17))}
    # It clashes with a lesson of its mentor on the middle day, and is found by a query
    # of that day alone.
    clash = desk.sessions.check(SessionDraft(title="Lesson", mentor="ada@example.org",
                                             start=at(6, 10), end=at(6, 11), tz="UTC"))
    assert [c.kind for c in clash] == ["mentor"]
    middle = desk.sessions.find(SessionQuery(start=at(6, 0), end=at(6, 23)))
    assert [s.uid for s in middle] == ["trip-1"]
    again_unchanged(desk, data)


def test_an_absurd_length_is_still_a_problem_of_its_line(desk: Centre) -> None:
    data = (DATA / "multi_day.ics").read_bytes().replace(b"20270307T170000",
                                                         b"20280307T170000")
    from sessionsctl.core.exchange.problems import BadFile

    with pytest.raises(BadFile) as caught:
        desk.exchange.import_ics(io.BytesIO(data), "year.ics", default_tz="Europe/London")
    (problem,) = caught.value.problems
    assert problem.column == "DTEND" and "14 days" in problem.message


# 3. Several RRULEs: their union, an occurrence two of them give only once.
def test_several_rrules_expand_to_their_union(desk: Centre) -> None:
    data, _ = load(desk, "two_rrules.ics")
    got = held(desk)
    assert got == peer(data) and len(got) == 7  # Mondays 1..22 March, Wednesdays 3..17
    assert len({start for _, start, _ in got}) == len(got)
    again_unchanged(desk, data)


# 4. RDATE;VALUE=PERIOD (start/end and start/duration): each period with its own length.
def test_rdate_periods_are_occurrences_with_their_own_lengths(desk: Centre) -> None:
    data, _ = load(desk, "rdate_period.ics")
    got = held(desk)
    assert got == peer(data)
    assert ("periods-1", at(20, 14), at(20, 16)) in got  # start/end
    assert ("periods-1", at(22, 9), at(22, 9, 30)) in got  # start/duration
    assert ("periods-1", at(5, 12, month=4), at(5, 14, month=4)) in got  # in a TZID
    again_unchanged(desk, data)


# 5. RDATEs without an RRULE: DTSTART and every RDATE.
def test_rdates_without_a_rule_keep_every_occurrence(desk: Centre) -> None:
    data, _ = load(desk, "rdate_only.ics")
    got = held(desk)
    assert got == peer(data) and len(got) == 4
    assert ("rdates-1", at(12, 8, month=4), at(12, 11, month=4)) in got  # BST: 09:00 London
    again_unchanged(desk, data)


# 6. EXDATE in UTC, or in another zone than DTSTART: the occurrence at that instant goes.
def test_an_exdate_in_another_zone_removes_the_same_instant(desk: Centre) -> None:
    data, _ = load(desk, "exdate_zone.ics")
    got = held(desk)
    assert got == peer(data)
    starts = sorted(start for _, start, _ in got)
    assert starts == [at(4, 14, month=1), at(25, 14, month=1), at(1, 14, month=2)]
    again_unchanged(desk, data)


# 7. X-WR-TIMEZONE: floating times are in the calendar's zone; --tz is the fallback.
def test_floating_times_are_in_the_calendars_x_wr_timezone(desk: Centre) -> None:
    data, _ = load(desk, "x_wr_timezone.ics", tz="Europe/Paris")
    assert held(desk) == peer(data)
    floating = next(s for s in desk.sessions.find(SessionQuery()) if s.uid == "wr-1")
    assert floating.start == at(1, 18) and floating.tz == "America/Los_Angeles"


def test_without_x_wr_timezone_floating_times_are_in_tz(desk: Centre) -> None:
    data = (DATA / "x_wr_timezone.ics").read_bytes().replace(
        b"X-WR-TIMEZONE:America/Los_Angeles\r\n", b"")
    desk.exchange.import_ics(io.BytesIO(data), "no-wr.ics", default_tz="Europe/Paris")
    floating = next(s for s in desk.sessions.find(SessionQuery()) if s.uid == "wr-1")
    assert floating.start == at(1, 9) and floating.tz == "Europe/Paris"


# 8. RECURRENCE-ID;RANGE=THISANDFUTURE: that occurrence and every later one change.
def test_this_and_future_moves_every_later_occurrence(desk: Centre) -> None:
    data, _ = load(desk, "this_and_future.ics")
    got = held(desk)
    assert got == peer(data)
    # 10:00 London becomes 11:30 for 15 March on, across the clocks going forward (28th).
    assert sorted(got)[2:] == [("future-1", at(15, 11, 30), at(15, 13)),
                               ("future-1", at(22, 11, 30), at(22, 13)),
                               ("future-1", at(29, 10, 30), at(29, 12)),
                               ("future-1", at(5, 10, 30, month=4), at(5, 12, month=4))]
    titles = {s.start: s.title for s in desk.sessions.find(SessionQuery())}
    assert titles[at(29, 10, 30)] == "Chemistry (new lab)" and titles[at(8, 10)] == "Chemistry"
    again_unchanged(desk, data)


def test_an_exception_after_this_and_future_keeps_its_own_times(desk: Centre) -> None:
    text = (DATA / "this_and_future.ics").read_bytes().decode()
    own = ("BEGIN:VEVENT\r\nUID:future-1\r\nDTSTAMP:20261120T100000Z\r\n"
           "ORGANIZER:mailto:ada@example.org\r\nSUMMARY:Chemistry (exam)\r\n"
           "RECURRENCE-ID;TZID=Europe/London:20270329T100000\r\n"
           "DTSTART;TZID=Europe/London:20270329T140000\r\n"
           "DTEND;TZID=Europe/London:20270329T150000\r\nEND:VEVENT\r\n")
    data = text.replace("END:VCALENDAR", own + "END:VCALENDAR").encode()
    desk.exchange.import_ics(io.BytesIO(data), "exam.ics", default_tz="Europe/London")
    assert held(desk) == peer(data)
    assert ("future-1", at(29, 13), at(29, 14)) in held(desk)


# 9. An exception that changes an occurrence's length replaces it.
def test_an_exception_changing_the_length_replaces_its_occurrence(desk: Centre) -> None:
    data, _ = load(desk, "longer_exception.ics")
    got = held(desk)
    assert got == peer(data) and len(got) == 4
    assert ("longer-1", at(8, 10), at(8, 12)) in got  # longer, same start
    assert ("longer-1", at(15, 10), at(15, 10, 30)) in got  # shorter, RECURRENCE-ID in UTC
    assert not {s for s in got if s[1] in (at(8, 10), at(15, 10))} - {
        ("longer-1", at(8, 10), at(8, 12)), ("longer-1", at(15, 10), at(15, 10, 30))}
    again_unchanged(desk, data)


def test_a_long_exception_of_an_expanded_event_replaces_its_occurrence(desk: Centre) -> None:
    text = (DATA / "rdate_only.ics").read_bytes().decode()
    own = ("BEGIN:VEVENT\r\nUID:rdates-1\r\nDTSTAMP:20261120T100000Z\r\n"
           "ORGANIZER:mailto:ada@example.org\r\nSUMMARY:Mock exams (long paper)\r\n"
           "RECURRENCE-ID:20270308T090000Z\r\nDTSTART:20270308T090000Z\r\n"
           "DURATION:PT4H\r\nEND:VEVENT\r\n")
    data = text.replace("END:VCALENDAR", own + "END:VCALENDAR").encode()
    desk.exchange.import_ics(io.BytesIO(data), "long.ics", default_tz="Europe/London")
    got = held(desk)
    assert got == peer(data) and len(got) == 4
    assert ("rdates-1", at(8, 9), at(8, 13)) in got


def test_lengths_bound_the_overlap_window(desk: Centre) -> None:
    """A session starting up to the longest length before a window is found by it."""
    desk.sessions.book(SessionDraft(title="Camp", mentor="ada@example.org", start=at(1, 9),
                                    end=at(1, 9) + timedelta(days=13), tz="UTC"))
    found = desk.sessions.find(SessionQuery(start=at(13, 0), end=at(13, 1)))
    assert [s.title for s in found] == ["Camp"]


def test_the_import_summary_names_events_given_the_default_length(
        desk: Centre, db_url: str, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from sessionsctl.cli.main import app

    def run(*extra: str) -> str:
        done = CliRunner().invoke(app, [
            "--db", db_url, "--tz", "UTC", "import", "ics", str(DATA / "no_end.ics"),
            "--dry-run", *extra],
            env={"SESSIONSCTL_CONFIG": str(tmp_path / "none.toml"), "SESSIONSCTL_USER": "",
                 "NO_COLOR": "1", "COLUMNS": "200"})
        assert done.exit_code == 0, done.output
        return done.stdout

    assert "1 event without DTEND or DURATION given 60 minutes (line 4)" in run()
    out = json.loads(run("--json"))
    assert out["endless_lines"] == [4] and out["endless_minutes"] == 60


def test_an_rdate_taken_out_cancels_its_occurrence_on_the_next_import(desk: Centre) -> None:
    data, _ = load(desk, "rdate_only.ics")
    fewer = data.replace(b"RDATE;TZID=Europe/London:20270412T090000\r\n", b"")
    result = desk.exchange.import_ics(io.BytesIO(fewer), "fewer.ics",
                                      default_tz="Europe/London")
    assert (result.created, result.updated, result.removed) == (0, 0, 1)
    assert held(desk, cancelled=True) == {("rdates-1", at(12, 8, month=4), at(12, 11, month=4))}
    assert len(held(desk)) == 3
