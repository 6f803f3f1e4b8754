"""Reading times as people type them (docs/CLI.md, "Times") and the daylight-saving rule
of ``timeutil.localize``: a wall time in a spring-forward gap moves forward by the gap, a wall
time that happens twice is taken at its first occurrence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessionsctl.core.domain.errors import InvalidInput
from sessionsctl.core.domain.timeutil import (
    day_start,
    exists,
    is_ambiguous,
    iso,
    localize,
    parse_bound,
    parse_day,
    parse_instant,
    zone,
)

LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def assert_utc(instant: datetime) -> None:
    assert instant.tzinfo is UTC, f"{instant!r} is not in UTC"


# ------------------------------------------------------------------------- parse_instant

# In December London is on GMT (+0), Auckland on NZDT (+13), Los Angeles on PST (-8).
@pytest.mark.parametrize(("text", "tz", "expected"), [
    ("2026-12-01T16:00", LONDON, utc(2026, 12, 1, 16)),
    ("2026-12-01 16:00", LONDON, utc(2026, 12, 1, 16)),
    ("2026-12-01T16:00", AUCKLAND, utc(2026, 12, 1, 3)),
    ("2026-12-01 16:00", AUCKLAND, utc(2026, 12, 1, 3)),
    ("2026-12-01 16:00", LOS_ANGELES, utc(2026, 12, 2, 0)),
    ("  2026-12-01 16:00  ", LONDON, utc(2026, 12, 1, 16)),
    ("2026-12-01T16:00:30", LONDON, utc(2026, 12, 1, 16, 0, 30)),
    # In July London is on BST (+1) and Auckland on NZST (+12).
    ("2026-07-01T16:00", LONDON, utc(2026, 7, 1, 15)),
    ("2026-07-01T16:00", AUCKLAND, utc(2026, 7, 1, 4)),
])
def test_wall_times_are_read_in_the_given_zone(text: str, tz: ZoneInfo,
                                               expected: datetime) -> None:
    got = parse_instant(text, tz)
    assert got == expected
    assert_utc(got)


@pytest.mark.parametrize("tz", [LONDON, AUCKLAND, LOS_ANGELES])
@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-01T16:00+01:00", utc(2026, 12, 1, 15)),
    ("2026-12-01 16:00-05:00", utc(2026, 12, 1, 21)),
    ("2026-12-01T16:00Z", utc(2026, 12, 1, 16)),
    ("2026-12-01T16:00:00+00:00", utc(2026, 12, 1, 16)),
])
def test_an_explicit_offset_wins_over_the_zone(text: str, expected: datetime,
                                              tz: ZoneInfo) -> None:
    got = parse_instant(text, tz)
    assert got == expected
    assert_utc(got)


@pytest.mark.parametrize(("tz", "expected"), [
    (LONDON, utc(2026, 12, 1, 0)),
    (AUCKLAND, utc(2026, 11, 30, 11)),
    (LOS_ANGELES, utc(2026, 12, 1, 8)),
])
def test_a_date_alone_is_its_local_midnight(tz: ZoneInfo, expected: datetime) -> None:
    assert parse_instant("2026-12-01", tz) == expected


# 23:30 UTC on 30 June is already 1 July in London (00:30 BST) and Auckland (11:30 NZST),
# but still 30 June in Los Angeles (16:30 PDT): "today" is the viewer's day.
NOW = utc(2026, 6, 30, 23, 30)


@pytest.mark.parametrize(("word", "tz", "expected"), [
    ("today", LONDON, utc(2026, 6, 30, 23)),
    ("tomorrow", LONDON, utc(2026, 7, 1, 23)),
    ("yesterday", LONDON, utc(2026, 6, 29, 23)),
    ("today", AUCKLAND, utc(2026, 6, 30, 12)),
    ("tomorrow", AUCKLAND, utc(2026, 7, 1, 12)),
    ("today", LOS_ANGELES, utc(2026, 6, 30, 7)),
    ("Tomorrow", LOS_ANGELES, utc(2026, 7, 1, 7)),
    ("now", AUCKLAND, NOW),
    ("NOW", LOS_ANGELES, NOW),
])
def test_relative_words_use_now_in_the_zone(word: str, tz: ZoneInfo, expected: datetime) -> None:
    got = parse_instant(word, tz, now=NOW)
    assert got == expected
    assert_utc(got)


@pytest.mark.parametrize("text", [
    "", "   ", "2026-13-01", "2026-02-30", "2026-12-01 25:00", "01/12/2026 16:00",
    "12.1.2026", "banana", "someday soon", "2026-12-01T16:00+25:00", "25:00",
])
def test_malformed_times_are_invalid_input_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_instant(text, LONDON, field="start")
    assert err.value.field == "start"
    assert err.value.exit_code == 2
    assert repr(text) in err.value.message


# ------------------------------------------------------------------- localize and DST

@pytest.mark.parametrize(("wall", "tz", "expected"), [
    # London springs forward at 01:00 GMT on 29 March 2026: 01:30 does not exist and
    # becomes 02:30 BST, i.e. 01:30 UTC.
    (datetime(2026, 3, 29, 1, 30), LONDON, utc(2026, 3, 29, 1, 30)),
    # London falls back at 02:00 BST on 25 October 2026: 01:30 happens twice; the first
    # (BST) is meant, 00:30 UTC, not 01:30 GMT.
    (datetime(2026, 10, 25, 1, 30), LONDON, utc(2026, 10, 25, 0, 30)),
    # Auckland springs forward at 02:00 NZST on 27 September 2026: 02:30 becomes 03:30 NZDT.
    (datetime(2026, 9, 27, 2, 30), AUCKLAND, utc(2026, 9, 26, 14, 30)),
    # Auckland falls back at 03:00 NZDT on 5 April 2026: 02:30 is taken as NZDT (+13).
    (datetime(2026, 4, 5, 2, 30), AUCKLAND, utc(2026, 4, 4, 13, 30)),
    # Los Angeles: 02:30 on 8 March 2026 becomes 03:30 PDT; 01:30 on 1 November is PDT.
    (datetime(2026, 3, 8, 2, 30), LOS_ANGELES, utc(2026, 3, 8, 10, 30)),
    (datetime(2026, 11, 1, 1, 30), LOS_ANGELES, utc(2026, 11, 1, 8, 30)),
    # Ordinary times either side.
    (datetime(2026, 3, 29, 3, 0), LONDON, utc(2026, 3, 29, 2)),
    (datetime(2026, 10, 25, 3, 0), LONDON, utc(2026, 10, 25, 3)),
])
def test_localize_follows_the_dst_rule(wall: datetime, tz: ZoneInfo, expected: datetime) -> None:
    got = localize(wall, tz)
    assert got == expected
    assert_utc(got)


@pytest.mark.parametrize(("wall", "tz"), [
    (datetime(2026, 3, 29, 1, 30), LONDON),
    (datetime(2026, 9, 27, 2, 30), AUCKLAND),
])
def test_a_gap_time_is_moved_forward_by_the_gap(wall: datetime, tz: ZoneInfo) -> None:
    assert not exists(wall, tz)
    assert localize(wall, tz).astimezone(tz).replace(tzinfo=None) == wall + timedelta(hours=1)


@pytest.mark.parametrize(("wall", "tz"), [
    (datetime(2026, 10, 25, 1, 30), LONDON),
    (datetime(2026, 4, 5, 2, 30), AUCKLAND),
])
def test_a_repeated_time_is_taken_at_its_first_occurrence(wall: datetime, tz: ZoneInfo) -> None:
    assert exists(wall, tz) and is_ambiguous(wall, tz)
    first = localize(wall, tz)
    second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    assert second - first == timedelta(hours=1)
    assert first.astimezone(tz).replace(tzinfo=None) == wall


def test_ordinary_times_exist_once() -> None:
    wall = datetime(2026, 12, 1, 16)
    assert exists(wall, LONDON) and not is_ambiguous(wall, LONDON)


def test_parse_instant_applies_the_dst_rule() -> None:
    assert parse_instant("2026-03-29 01:30", LONDON) == utc(2026, 3, 29, 1, 30)
    assert parse_instant("2026-10-25 01:30", LONDON) == utc(2026, 10, 25, 0, 30)


# --------------------------------------------------------------------------- parse_bound

@pytest.mark.parametrize(("text", "tz", "end", "expected"), [
    ("2026-12-01", LONDON, False, utc(2026, 12, 1)),
    ("2026-12-01", LONDON, True, utc(2026, 12, 2)),
    ("2026-12-01", AUCKLAND, False, utc(2026, 11, 30, 11)),
    ("2026-12-01", AUCKLAND, True, utc(2026, 12, 1, 11)),
    ("2026-12-01", LOS_ANGELES, True, utc(2026, 12, 2, 8)),
    # The day before a change: the next midnight is on the other offset.
    ("2026-03-28", LONDON, True, utc(2026, 3, 29)),       # 29 March 00:00 GMT
    ("2026-10-24", LONDON, True, utc(2026, 10, 24, 23)),  # 25 October 00:00 BST
    ("2026-04-04", AUCKLAND, True, utc(2026, 4, 4, 11)),  # 5 April 00:00 NZDT
    # A time is taken as it is, whichever end it bounds.
    ("2026-12-01 16:00", LONDON, True, utc(2026, 12, 1, 16)),
    ("2026-12-01T16:00Z", AUCKLAND, True, utc(2026, 12, 1, 16)),
    # Relative days, with the fixed NOW (1 July in London, 30 June in Los Angeles).
    ("today", LONDON, False, utc(2026, 6, 30, 23)),
    ("today", LONDON, True, utc(2026, 7, 1, 23)),
    ("tomorrow", LOS_ANGELES, True, utc(2026, 7, 2, 7)),
])
def test_parse_bound(text: str, tz: ZoneInfo, end: bool, expected: datetime) -> None:
    got = parse_bound(text, tz, field="from", end=end, now=NOW)
    assert got == expected
    assert_utc(got)


@pytest.mark.parametrize("text", ["2026-02-30", "someday", "2026-12"])
def test_parse_bound_rejects_what_is_neither_a_day_nor_a_time(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_bound(text, LONDON, field="to", end=True)
    assert err.value.field == "to"


def test_what_cannot_be_read_says_whether_a_day_alone_would_do() -> None:
    with pytest.raises(InvalidInput, match="as a day or a time \\(e.g. 2026-12-01, tomorrow,"):
        parse_bound("not a date", LONDON, field="from")
    with pytest.raises(InvalidInput, match="as a time \\(e.g. 2026-12-01 16:00,"):
        parse_instant("not a date", LONDON, field="start", need_time=True)


# ------------------------------------------------------------------------ the rest

def test_parse_day() -> None:
    assert parse_day("2026-12-01", LONDON) == date(2026, 12, 1)
    assert parse_day("today", LONDON, now=NOW) == date(2026, 7, 1)
    assert parse_day("today", LOS_ANGELES, now=NOW) == date(2026, 6, 30)
    with pytest.raises(InvalidInput) as err:
        parse_day("2026-12-01 16:00", LONDON, field="on")
    assert err.value.field == "on"


def test_day_start() -> None:
    assert day_start(date(2026, 7, 1), LONDON) == utc(2026, 6, 30, 23)
    assert day_start(date(2026, 7, 1), AUCKLAND) == utc(2026, 6, 30, 12)


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", " Europe/London", "/etc/passwd",
                                  "../Europe/London", "Europe"])
def test_unknown_zones_are_invalid_input(name: str) -> None:
    with pytest.raises(InvalidInput) as err:
        zone(name, field="tz")
    assert err.value.field == "tz"


def test_known_zone() -> None:
    assert zone("Pacific/Auckland") == AUCKLAND


def test_iso_gives_the_offset_of_the_viewer() -> None:
    instant = utc(2026, 12, 1, 16)
    assert iso(instant) == "2026-12-01T16:00:00+00:00"
    assert iso(instant, AUCKLAND) == "2026-12-02T05:00:00+13:00"
    assert iso(instant, LOS_ANGELES) == "2026-12-01T08:00:00-08:00"
    assert iso(None) is None


# ------------------------------------------------------------ times as people type them
# NOW is 00:30 BST on Wednesday 1 July 2026 in London.

@pytest.mark.parametrize(("text", "expected"), [
    ("tomorrow 16:00", utc(2026, 7, 2, 15, 0)),
    ("today 20:30", utc(2026, 7, 1, 19, 30)),
    ("next tuesday 4pm", utc(2026, 7, 7, 15, 0)),
    ("mon 9:30", utc(2026, 7, 6, 8, 30)),
    ("4pm", utc(2026, 7, 1, 15, 0)),
    ("16:00", utc(2026, 7, 1, 15, 0)),
    ("4:30 PM", utc(2026, 7, 1, 15, 30)),
    ("12 dec 10:30", utc(2026, 12, 12, 10, 30)),  # winter: GMT
    ("in 3 days at 10am", utc(2026, 7, 4, 9, 0)),
])
def test_times_as_people_type_them(text: str, expected: datetime) -> None:
    got = parse_instant(text, LONDON, now=NOW, need_time=True)
    assert got == expected
    assert_utc(got)


@pytest.mark.parametrize(("text", "day"), [
    ("in 2 weeks", date(2026, 7, 15)), ("tomorrow", date(2026, 7, 2)),
    ("next tuesday", date(2026, 7, 7)), ("fri", date(2026, 7, 3)),
])
def test_a_day_alone_is_its_midnight_or_refused_where_a_time_is_needed(text: str,
                                                                       day: date) -> None:
    assert parse_instant(text, LONDON, now=NOW).astimezone(LONDON).date() == day
    assert parse_instant(text, LONDON, now=NOW).astimezone(LONDON).hour == 0
    with pytest.raises(InvalidInput) as err:
        parse_instant(text, LONDON, now=NOW, field="start", need_time=True)
    assert err.value.field == "start" and "give the time too" in err.value.message
    assert parse_day(text, LONDON, now=NOW) == day
    assert parse_bound(text, LONDON, field="to", end=True, now=NOW) == \
        parse_instant(text, LONDON, now=NOW) + timedelta(days=1)


def test_a_time_alone_is_on_the_day_given() -> None:
    on = date(2026, 12, 1)
    assert parse_instant("15:00", LONDON, now=NOW, day=on) == utc(2026, 12, 1, 15, 0)
    assert parse_instant("3pm", LONDON, now=NOW, day=on) == utc(2026, 12, 1, 15, 0)


def test_an_iso_date_where_a_time_is_needed_is_refused() -> None:
    with pytest.raises(InvalidInput, match="give the time too"):
        parse_instant("2026-12-01", LONDON, need_time=True)
