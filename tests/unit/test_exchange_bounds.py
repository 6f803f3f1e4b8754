"""Imports hold every series and closure to the one series bound, and drop nothing silently:
a repeating all-day event is a closure on each of its days, two events with the same UID are a
problem of the file, a rule or RDATE list reaching past the bound is refused with its row or
line, each quickly."""

from __future__ import annotations

import io
import time
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import recurring_ical_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionQuery
from sessionsctl.core.domain.errors import SessionsctlError
from sessionsctl.core.domain.model import Role
from sessionsctl.core.exchange.problems import BadFile
from sessionsctl.store.engine import SqlStore

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
HEAD = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
TAIL = b"END:VCALENDAR\r\n"


@pytest.fixture
def desk(store: SqlStore) -> Centre:
    centre = Centre(store, clock=lambda: NOW)
    centre.people.add_person("Ada Byron", "ada@example.org", Role.MENTOR)
    return centre


def vevent(*lines: str) -> bytes:
    return b"BEGIN:VEVENT\r\n" + b"".join(f"{line}\r\n".encode() for line in lines) \
        + b"END:VEVENT\r\n"


def lesson(uid: str, start: str = "20270105T160000Z", *extra: str) -> bytes:
    return vevent(f"UID:{uid}", "SUMMARY:Algebra", "ORGANIZER:mailto:ada@example.org",
                  f"DTSTART:{start}", "DURATION:PT1H", *extra)


def holiday(uid: str, first: str, after: str, *extra: str) -> bytes:
    return vevent(f"UID:{uid}", "SUMMARY:Closed", f"DTSTART;VALUE=DATE:{first}",
                  f"DTEND;VALUE=DATE:{after}", *extra)


def imp_ics(centre: Centre, *events: bytes, **kw: object):
    data = HEAD + b"".join(events) + TAIL
    return centre.exchange.import_ics(io.BytesIO(data), "cal.ics",  # type: ignore[arg-type]
                                      default_tz="Europe/London", **kw)


def written(centre: Centre) -> tuple[list, list]:
    return centre.sessions.find(SessionQuery()), centre.calendar.list_closures()


def refused(centre: Centre, *events: bytes) -> list[tuple[int | None, str | None, str]]:
    began = time.perf_counter()
    with pytest.raises(BadFile) as caught:
        imp_ics(centre, *events)
    assert time.perf_counter() - began < 3
    assert written(centre) == ([], [])
    return [(p.row, p.column, p.message) for p in caught.value.problems]


# --------------------------------------------------------------- repeating all-day events
def test_a_repeating_all_day_event_is_a_closure_on_each_of_its_days(desk: Centre) -> None:
    events = (holiday("sat", "20270102", "20270103", "RRULE:FREQ=WEEKLY;COUNT=4",
                      "EXDATE;VALUE=DATE:20270109"),
              holiday("ht", "20270215", "20270220", "RRULE:FREQ=YEARLY;COUNT=2"))
    result = imp_ics(desk, *events)
    days = {(c.starts_on, c.ends_on) for c in desk.calendar.list_closures()}
    assert days == {(date(2027, 1, 2), date(2027, 1, 2)), (date(2027, 1, 16), date(2027, 1, 16)),
                    (date(2027, 1, 23), date(2027, 1, 23)),
                    (date(2027, 2, 15), date(2027, 2, 19)), (date(2028, 2, 15), date(2028, 2, 19))}
    assert len(result.closures) == 5
    # what a calendar client shows for the same file
    cal = icalendar.Calendar.from_ical(HEAD + b"".join(events) + TAIL)
    shown = {e["DTSTART"].dt for e in recurring_ical_events.of(cal).between(
        date(2026, 1, 1), date(2030, 1, 1))}
    assert shown == {first for first, _ in days}


def test_an_open_ended_repeating_closure_is_taken_to_the_horizon(desk: Centre) -> None:
    imp_ics(desk, holiday("sun", "20261129", "20261130", "RRULE:FREQ=WEEKLY;BYDAY=SU"))
    closures = desk.calendar.list_closures()
    assert closures[0].starts_on == date(2026, 11, 29)
    assert closures[-1].starts_on <= (NOW + timedelta(days=182)).date()
    assert len(closures) == 26


# ---------------------------------------------------------------------- duplicate UIDs
def test_two_events_with_one_uid_are_a_problem_not_the_last_one_kept(desk: Centre) -> None:
    problems = refused(desk, lesson("same"), lesson("same", "20270106T160000Z"))
    assert problems == [(12, "UID", "'same' is also the UID of the event at line 4 (an event "
                                    "without a UID is known by its start and title)")]


def test_two_occurrences_with_one_recurrence_id_are_a_problem(desk: Centre) -> None:
    master = lesson("s", "20270105T160000Z", "RRULE:FREQ=WEEKLY;COUNT=3")
    moved = [lesson("s", f"20270112T1{h}0000Z", "RECURRENCE-ID:20270112T160000Z")
             for h in (7, 8)]
    [(line, column, message)] = refused(desk, master, *moved)
    assert column == "UID" and "with the same RECURRENCE-ID" in message
    assert (line, message.split("line ")[1][:2]) == (21, "12")  # the second one, the first


def test_events_without_uid_and_the_same_start_and_title_are_told(desk: Centre) -> None:
    twice = vevent("SUMMARY:Algebra", "ORGANIZER:mailto:ada@example.org",
                   "DTSTART:20270105T160000Z", "DURATION:PT1H")
    [(_, column, message)] = refused(desk, twice, twice)
    assert column == "UID" and "start and title" in message


# ------------------------------------------------------------------------- the bound
@pytest.mark.parametrize(("event", "column", "says"), [
    (holiday("all", "00010101", "99991231"), "DTSTART", "0001-01-01 is out of range"),
    (holiday("long", "20270101", "20500101"), "DTEND", "a closure lasts at most 10 years"),
    (holiday("yearly", "20270101", "20270102", "RRULE:FREQ=YEARLY;COUNT=1000"), "RRULE",
     "COUNT=1000 goes on past 2037-01-01"),
    (holiday("daily", "20270101", "20270102", "RRULE:FREQ=DAILY;UNTIL=20300101"), "RRULE",
     "gives 1097 occurrences: too many"),
    (lesson("far", "20270105T160000Z", "RRULE:FREQ=DAILY;UNTIL=29991231"), "RRULE",
     "UNTIL=29991231 is too far"),
    (lesson("never", "20270105T160000Z", "RRULE:FREQ=DAILY;BYDAY=MO;BYSETPOS=2"), "RRULE",
     "BYSETPOS=2 never matches"),
    (lesson("rd", "20270105T160000Z", "RRULE:FREQ=WEEKLY;COUNT=2",
            "RDATE;VALUE=DATE:" + ",".join(f"{y}0101" for y in range(2028, 2999))), "RRULE",
     "RDATE 2038-01-01 is too far"),
])
def test_what_reaches_past_the_bound_is_a_problem_of_its_line(desk: Centre, event: bytes,
                                                              column: str, says: str) -> None:
    [(line, found, message)] = refused(desk, event)
    assert found == column and says in message and line is not None


def test_csv_rows_past_the_bound_are_named_with_their_row(desk: Centre) -> None:
    far = ",".join(f"{y}0101" for y in range(2028, 2999))
    text = ("title,start,duration,mentor_email,repeat\n"
            "A,2027-01-05 16:00,60,ada@example.org,FREQ=WEEKLY;COUNT=3\n"
            f'B,2027-01-05 17:00,60,ada@example.org,"FREQ=WEEKLY;COUNT=2 RDATE;VALUE=DATE:{far}"\n'
            "C,2027-01-05 18:00,60,ada@example.org,FREQ=DAILY;UNTIL=29991231\n")
    began = time.perf_counter()
    with pytest.raises(BadFile) as caught:
        desk.exchange.import_csv(io.BytesIO(text.encode()), "t.csv", default_tz="Europe/London")
    assert time.perf_counter() - began < 3
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "repeat"), (4, "repeat")]
    assert "10 years" in caught.value.problems[0].message
    assert written(desk) == ([], [])


# ---------------------------------------------------------------------- property-based
far_day = st.dates(date(1, 1, 1), date(9999, 12, 31)).map(lambda d: f"{d.year:04d}{d:%m%d}")
ending = st.one_of(far_day.map(lambda d: f";UNTIL={d}"),
                   st.integers(1, 3000).map(lambda n: f";COUNT={n}"), st.just(""))
rule = st.builds(lambda freq, end: f"FREQ={freq}{end}",
                 st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY;BYMONTH=2;BYMONTHDAY=29",
                                  "DAILY;BYDAY=MO;BYSETPOS=2"]), ending)
rdates = st.lists(far_day, max_size=40).map(lambda ds: ",".join(ds))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rule=rule, extra=rdates, all_day=st.booleans())
def test_any_rule_and_rdates_import_within_the_bound_or_are_refused_quickly(
        desk: Centre, rule: str, extra: str, all_day: bool) -> None:
    lines = [f"RRULE:{rule}"] + ([f"RDATE;VALUE=DATE:{extra}"] if extra else [])
    event = holiday("h", "20270104", "20270105", *lines) if all_day \
        else lesson("l", "20270104T160000Z", *lines)
    began = time.perf_counter()
    try:
        result = imp_ics(desk, event, dry_run=True)
    except SessionsctlError as exc:
        assert exc.exit_code == 2, exc.message
    else:
        starts = [p.draft.start for p in result.planned]
        assert len(starts) <= 1000 and all(s.year < 2038 for s in starts)
        assert all(c.ends_on.year < 2038 for c in result.closures)
    assert time.perf_counter() - began < 3


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rule=rule, extra=rdates)
def test_any_csv_repeat_imports_within_the_bound_or_is_refused_quickly(
        desk: Centre, rule: str, extra: str) -> None:
    repeat = rule + (f" RDATE;VALUE=DATE:{extra}" if extra else "")
    text = f'title,start,duration,mentor_email,repeat\nA,2027-01-04 16:00,60,ada@example.org,"{repeat}"\n'
    began = time.perf_counter()
    try:
        result = desk.exchange.import_csv(io.BytesIO(text.encode()), "t.csv",
                                          default_tz="Europe/London", dry_run=True)
    except SessionsctlError as exc:
        assert exc.exit_code == 2, exc.message
    else:
        starts = [p.draft.start for p in result.planned]
        assert len(starts) <= 1000 and all(s.year < 2038 for s in starts)
    assert time.perf_counter() - began < 3
