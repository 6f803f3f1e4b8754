"""Reading the booking form's text (sessionsctl.tui.screens.booking.reading), without Textual."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessionsctl.core.domain.errors import InvalidInput
from sessionsctl.core.domain.model import Person, Role, Room, Session, SessionType, Subject
from sessionsctl.core.names import Listed
from sessionsctl.tui.screens.booking.reading import (
    FormValues,
    changes_between,
    read_end,
    read_form,
    repeat_end,
    values_of,
)

LONDON = ZoneInfo("Europe/London")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2026, 11, 10, 16, 10, tzinfo=UTC)


def form(**fields) -> FormValues:
    values = dict(title="Lesson", mentor="ada@centre.test", start="2026-11-16 10:00",
                  end="11:00", tz="Europe/London")
    values.update(fields)
    return FormValues(**values)


def test_a_complete_form_reads_as_a_draft() -> None:
    reading = read_form(form(students=("a@centre.test", "b@centre.test")), LONDON, NOW)
    assert reading.ok and reading.draft is not None
    assert reading.draft.start == datetime(2026, 11, 16, 10, tzinfo=UTC)
    assert reading.draft.end == datetime(2026, 11, 16, 11, tzinfo=UTC)
    assert reading.draft.type is SessionType.GROUP
    assert reading.rule is None


@pytest.mark.parametrize(("text", "minutes"), [("11:30", 90), ("+45", 45), ("+ 60 min", 60),
                                                ("2026-11-16 12:00", 120)])
def test_ends_as_people_type_them(text: str, minutes: int) -> None:
    start = datetime(2026, 11, 16, 10, tzinfo=UTC)
    assert read_end(text, start, LONDON) == start + timedelta(minutes=minutes)


def test_times_are_read_in_the_booking_zone_not_the_viewers() -> None:
    reading = read_form(form(tz="America/Sao_Paulo"), LONDON, NOW)
    assert reading.draft is not None
    assert reading.draft.start == datetime(2026, 11, 16, 13, tzinfo=UTC)  # UTC-3
    assert reading.draft.tz == "America/Sao_Paulo"


def test_every_problem_is_named_by_its_field() -> None:
    reading = read_form(form(title=" ", end="09:00", tz="Nowhere/Land", max="many",
                             cost="lots", mentor=""), LONDON, NOW)
    assert not reading.ok
    assert set(reading.errors) == {"title", "end", "tz", "max", "cost", "mentor"}
    assert reading.errors["end"] == "must be after the start"


KNOWN = Listed([Person(1, "Ada Lovelace", "ada@centre.test", Role.MENTOR),
                Person(2, "Sam Lee", "sam@centre.test", Role.STUDENT),
                Person(3, "Sam Lee", "sam.lee@centre.test", Role.STUDENT),
                Person(4, "Kim Park", "kim@centre.test", Role.STUDENT)],
               [Room(1, "Study", 4)], [Subject(1, "Physics")])


def test_people_typed_by_name_and_rooms_in_any_case_read_as_stored() -> None:
    reading = read_form(form(mentor="ada lovelace", students=("KIM PARK", "sam@centre.test"),
                             room="study", subject="PHYSICS"), LONDON, NOW, KNOWN)
    assert reading.ok and reading.draft is not None, reading.errors
    d = reading.draft
    assert (d.mentor, d.students, d.room, d.subject) == (
        "ada@centre.test", ("kim@centre.test", "sam@centre.test"), "Study", "Physics")


def test_a_shared_or_unknown_name_is_a_problem_of_its_field() -> None:
    reading = read_form(form(mentor="Ada Lovelac", students=("Sam Lee",)), LONDON, NOW, KNOWN)
    assert reading.errors["mentor"] == ("no mentor Ada Lovelac "
                                        "(did you mean Ada Lovelace <ada@centre.test>?)")
    assert reading.errors["students"].startswith("'Sam Lee' could be Sam Lee "
                                                 "<sam.lee@centre.test> or Sam Lee")
    # An email or a room the pickers do not know yet is left for core's check.
    reading = read_form(form(mentor="new@centre.test", room="Lab"), LONDON, NOW, KNOWN)
    assert reading.ok and reading.draft is not None and reading.draft.room == "Lab"


def test_a_missing_start_does_not_blame_the_end() -> None:
    reading = read_form(form(start="", end="+60"), LONDON, NOW)
    assert set(reading.errors) == {"start"}


def test_repeat_choices_become_rules() -> None:
    assert read_form(form(repeat="weekly", count="6"), LONDON, NOW).rule == "FREQ=WEEKLY;COUNT=6"
    assert read_form(form(repeat="fortnightly"), LONDON, NOW).rule == \
        "FREQ=WEEKLY;INTERVAL=2;COUNT=10"
    assert read_form(form(repeat="custom", rule="FREQ=DAILY;COUNT=2"), LONDON, NOW).rule == \
        "FREQ=DAILY;COUNT=2"
    assert "count" in read_form(form(repeat="weekly", count="0"), LONDON, NOW).errors
    assert "rule" in read_form(form(repeat="custom"), LONDON, NOW).errors


@pytest.mark.parametrize(("typed", "end"), [
    ("", ("COUNT=10", None)),
    ("6", ("COUNT=6", None)),
    ("6 times", ("COUNT=6", None)),
    ("until 28 Jan", ("UNTIL=20270128", None)),  # the next 28 January, the whole day
    ("28 jan", ("UNTIL=20270128", None)),
    ("Until 2026-12-18", ("UNTIL=20261218", None)),
    ("till next friday", ("UNTIL=20261113", None)),
    ("spring  term", (None, "Spring term")),
])
def test_a_series_ends_after_a_number_of_times_on_a_day_or_with_a_term(typed, end) -> None:
    assert repeat_end(typed, LONDON, NOW, ["Autumn term", "Spring term"]) == end


def test_an_end_that_is_none_of_those_is_a_problem_of_its_field() -> None:
    for typed, said in (("0", "at least 1"), ("-2", "at least 1"),
                        ("until someday", "not a number of times, a last day"),
                        ("summer", "terms: Autumn term")):
        with pytest.raises(InvalidInput, match=said) as caught:
            repeat_end(typed, LONDON, NOW, ["Autumn term"])
        assert caught.value.field == "count"
    reading = read_form(form(repeat="weekly", count="until 28 Jan"), LONDON, NOW)
    assert (reading.rule, reading.term, reading.errors) == ("FREQ=WEEKLY;UNTIL=20270128", None, {})
    reading = read_form(form(repeat="weekdays", count="autumn term"), LONDON, NOW,
                        terms=["Autumn term"])
    assert (reading.rule, reading.term) == ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Autumn term")
    assert "whole number" not in read_form(form(repeat="weekly", count="until 28 Jan"),
                                           LONDON, NOW).errors.get("count", "")


def test_a_bad_time_is_bad_input() -> None:
    with pytest.raises(InvalidInput):
        read_end("25:00", datetime(2026, 11, 16, 10, tzinfo=UTC), LONDON)


def test_editing_changes_only_what_differs() -> None:
    session = Session(id=7, uid="u", title="Lesson", mentor="ada@centre.test",
                      start=datetime(2026, 11, 16, 13, tzinfo=UTC),
                      end=datetime(2026, 11, 16, 14, tzinfo=UTC), tz="America/Sao_Paulo",
                      students=("a@centre.test",))
    values = values_of(session)
    assert (values.start, values.end, values.tz) == ("2026-11-16 10:00", "11:00",
                                                      "America/Sao_Paulo")
    same = read_form(values, LONDON, NOW)
    assert same.draft is not None and changes_between(session, same.draft) == {}
    moved = read_form(replace(values, end="11:30", title="Lesson 2"), SAO_PAULO, NOW)
    assert moved.draft is not None
    assert set(changes_between(session, moved.draft)) == {"end", "title"}
