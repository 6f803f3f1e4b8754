"""Recurrence: rules read and normalised, expanded in local wall time (checked against
dateutil's own expansion), the daylight-saving rule, splitting a series, and bad input."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from itertools import takewhile
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sessionsctl.core.domain.errors import InvalidInput
from sessionsctl.core.domain.policy import SERIES_SPAN
from sessionsctl.core.domain.timeutil import exists, localize
from sessionsctl.core.schedule import bound
from sessionsctl.core.schedule.recurrence import (
    Occurrence,
    Recurrence,
    expand,
    parse_recurrence,
    split_before,
)
from sessionsctl.core.schedule.wording import describe

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # a half-hour daylight-saving shift
TUESDAY_4PM = datetime(2026, 9, 1, 16, 0)  # a Tuesday


def walls(occurrences: list[Occurrence], tz: ZoneInfo) -> list[datetime]:
    return [o.start.astimezone(tz).replace(tzinfo=None) for o in occurrences]


def dateutil_walls(text: str, dtstart: datetime) -> list[datetime]:
    """dateutil's own expansion of the same text (RRULE, EXDATE, RDATE lines) on wall times."""
    return list(rrulestr(text, dtstart=dtstart, forceset=True))


# ------------------------------------------------------------------ against dateutil
@pytest.mark.parametrize("text", [
    "FREQ=DAILY;COUNT=10",
    "FREQ=DAILY;INTERVAL=3;COUNT=10",
    "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=12",
    "FREQ=WEEKLY;BYDAY=TU;COUNT=10",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU;WKST=SU;COUNT=10",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20270331T235959",
    "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12",
    "FREQ=MONTHLY;BYDAY=2TU;COUNT=12",
    "FREQ=MONTHLY;BYDAY=1MO,3MO;COUNT=12",
    "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=12",
    "FREQ=MONTHLY;BYMONTHDAY=1,-1;INTERVAL=2;COUNT=12",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=12",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,2;COUNT=12",
    "FREQ=YEARLY;COUNT=5",
    "FREQ=YEARLY;BYMONTH=3;BYDAY=2TU;COUNT=5",
    "FREQ=YEARLY;BYMONTH=2,9;BYMONTHDAY=1;UNTIL=20300101T000000",
    "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261201T160000",
    "FREQ=WEEKLY;BYDAY=TU;COUNT=10\nEXDATE:20261006T160000,20261020T160000",
    "FREQ=WEEKLY;BYDAY=TU;COUNT=10\nRDATE:20261003T100000,20261231T160000",
    "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261231T235959\nEXDATE:20261110T160000\nRDATE:20261112T160000",
])
@pytest.mark.parametrize("tz", [LONDON, NEW_YORK, AUCKLAND], ids=str)
def test_expansion_matches_dateutil(text: str, tz: ZoneInfo) -> None:
    rec = parse_recurrence(text, tz)
    got = expand(rec, TUESDAY_4PM, tz)
    assert walls(got, tz) == dateutil_walls(text, TUESDAY_4PM)
    assert all(o.start.tzinfo is UTC and o.recurrence_id == o.start for o in got)


def test_rrule_prefix_and_lower_case_are_read() -> None:
    rec = parse_recurrence("rrule:freq=weekly;byday=tu;count=3", LONDON)
    assert rec == Recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    assert walls(expand(rec, TUESDAY_4PM, LONDON), LONDON) == [
        TUESDAY_4PM, TUESDAY_4PM + timedelta(7), TUESDAY_4PM + timedelta(14)]


@pytest.mark.parametrize(("tz", "until_utc"), [
    (LONDON, "20270330T150000Z"),    # 16:00 BST, the clocks changed two days before
    (NEW_YORK, "20261103T210000Z"),  # 16:00 EST, the clocks changed two days before
])
def test_utc_until_is_inclusive_and_agrees_with_dateutil_on_aware_times(tz: ZoneInfo,
                                                                          until_utc: str) -> None:
    text = f"FREQ=WEEKLY;BYDAY=TU;UNTIL={until_utc}"
    rec = parse_recurrence(text, tz)
    assert "Z" not in rec.rrule  # kept as local wall time, as dateutil needs with naive starts
    aware = rrulestr(text, dtstart=TUESDAY_4PM.replace(tzinfo=tz))
    got = walls(expand(rec, TUESDAY_4PM, tz), tz)
    assert got == [d.replace(tzinfo=None) for d in aware]
    assert got[-1].replace(tzinfo=tz) == datetime.strptime(until_utc, "%Y%m%dT%H%M%SZ") \
        .replace(tzinfo=UTC)


def test_date_only_until_includes_that_whole_day() -> None:
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=TU;UNTIL=20261006", LONDON)
    assert rec.rrule == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261006T235959"
    assert walls(expand(rec, TUESDAY_4PM, LONDON), LONDON)[-1] == datetime(2026, 10, 6, 16)


# ------------------------------------------------------------------- EXDATE and RDATE
def test_exdate_forms_all_name_the_same_local_wall_time() -> None:
    text = ("FREQ=WEEKLY;BYDAY=TU;COUNT=10\n"
            "EXDATE:20260908T160000\n"                          # local wall time
            "EXDATE:20260915T150000Z\n"                          # UTC, 16:00 BST
            "EXDATE;TZID=America/New_York:20260922T110000\n"     # 16:00 BST in New York
            "EXDATE;TZID=Europe/London:20260929T160000\n"        # the series' own zone
            "EXDATE;VALUE=DATE:20261006")                        # that day at the start time
    rec = parse_recurrence(text, LONDON)
    assert rec.exdates == (datetime(2026, 9, 8, 16), datetime(2026, 9, 15, 16),
                           datetime(2026, 9, 22, 16), datetime(2026, 9, 29, 16),
                           date(2026, 10, 6))
    got = walls(expand(rec, TUESDAY_4PM, LONDON), LONDON)
    assert got == [TUESDAY_4PM] + [TUESDAY_4PM + timedelta(weeks=w) for w in range(6, 10)]


def test_extra_lines_may_follow_on_one_line() -> None:
    one_line = parse_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=4 EXDATE:20260908T160000 "
                                "RDATE;VALUE=DATE:20260903", LONDON)
    lines = parse_recurrence("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4\r\nEXDATE:2026090\r\n 8T160000"
                             "\r\nRDATE;VALUE=DATE:20260903", LONDON)  # folded, as in .ics
    assert one_line == lines == Recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=4",
                                           (datetime(2026, 9, 8, 16),), (date(2026, 9, 3),))


def test_date_only_rdate_is_that_day_at_the_series_start_time() -> None:
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=2\nRDATE:20260903", LONDON)
    assert walls(expand(rec, TUESDAY_4PM, LONDON), LONDON) == [
        TUESDAY_4PM, datetime(2026, 9, 3, 16), datetime(2026, 9, 8, 16)]


def test_exdate_that_matches_no_occurrence_is_ignored() -> None:
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=3\nEXDATE:20260908T170000,20260909T160000",
                           LONDON)
    assert len(expand(rec, TUESDAY_4PM, LONDON)) == 3


def test_rdate_on_a_rule_occurrence_is_not_doubled_and_exdate_removes_rdates_too() -> None:
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=3\nRDATE:20260908T160000,20260910T160000"
                           "\nEXDATE:20260910T160000", LONDON)
    assert walls(expand(rec, TUESDAY_4PM, LONDON), LONDON) == [
        TUESDAY_4PM, datetime(2026, 9, 8, 16), datetime(2026, 9, 15, 16)]


@given(st.lists(st.sampled_from(["20261208T160000", "20261215T160000Z", "20261201",
                                 "20261222T090000"]), min_size=1, max_size=4),
       st.lists(st.sampled_from(["20261203T100000", "20261204", "20261205T120000Z"]),
                max_size=3))
def test_to_text_reads_back_unchanged(exdates: list[str], rdates: list[str]) -> None:
    text = "FREQ=MONTHLY;BYDAY=-1FR;INTERVAL=1;WKST=MO\nEXDATE:" + ",".join(exdates)
    if rdates:
        text += "\nRDATE:" + ",".join(rdates)
    rec = parse_recurrence(text, LONDON)
    assert rec.rrule == "FREQ=MONTHLY;BYDAY=-1FR"  # defaults dropped
    assert parse_recurrence(rec.to_text(), LONDON) == rec


def test_rule_is_normalised() -> None:
    rec = parse_recurrence(" FREQ=weekly ; count=10;byday=FR,mo,MO;wkst=su;interval=2; ", LONDON)
    assert rec.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;WKST=SU;COUNT=10"
    assert parse_recurrence("FREQ=MONTHLY;BYDAY=+2TU,-1TU", LONDON).rrule \
        == "FREQ=MONTHLY;BYDAY=2TU,-1TU"


# ------------------------------------------------------------------ bounds and horizon
def test_open_ended_rule_needs_a_horizon() -> None:
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=TU", LONDON)
    assert rec.open_ended
    assert not parse_recurrence("FREQ=WEEKLY;COUNT=2", LONDON).open_ended
    assert not parse_recurrence("FREQ=WEEKLY;UNTIL=20270101", LONDON).open_ended
    with pytest.raises(InvalidInput) as err:
        expand(rec, TUESDAY_4PM, LONDON)
    assert err.value.field == "repeat" and "horizon" in err.value.message


def test_until_is_exclusive_and_after_inclusive() -> None:
    rec = parse_recurrence("FREQ=DAILY", LONDON)
    first = localize(datetime(2026, 9, 3, 16), LONDON)
    last = localize(datetime(2026, 9, 6, 16), LONDON)
    got = expand(rec, TUESDAY_4PM, LONDON, after=first, until=last)
    assert [o.start for o in got] == [first, first + timedelta(1), first + timedelta(2)]


def test_horizon_is_judged_on_instants_across_a_clock_change() -> None:
    # 16:00 BST on the Tuesday before the change, a horizon at 16:30 UTC one week on
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=TU", LONDON)
    got = expand(rec, datetime(2026, 10, 20, 16), LONDON,
                 until=datetime(2026, 10, 27, 16, 30, tzinfo=UTC))
    assert [o.start for o in got] == [datetime(2026, 10, 20, 15, tzinfo=UTC),
                                      datetime(2026, 10, 27, 16, tzinfo=UTC)]


def test_rdates_respect_the_bounds_too() -> None:
    rec = parse_recurrence("FREQ=WEEKLY;COUNT=1\nRDATE:20270101T160000", LONDON)
    got = expand(rec, TUESDAY_4PM, LONDON, until=datetime(2026, 12, 1, tzinfo=UTC))
    assert walls(got, LONDON) == [TUESDAY_4PM]


def test_aware_dtstart_is_a_programming_error() -> None:
    rec = parse_recurrence("FREQ=DAILY;COUNT=2", LONDON)
    with pytest.raises(ValueError, match="naive"):
        expand(rec, TUESDAY_4PM.replace(tzinfo=LONDON), LONDON)


# --------------------------------------------------------------------- daylight saving
@pytest.mark.parametrize("tz", [LONDON, NEW_YORK, AUCKLAND, LORD_HOWE], ids=str)
def test_weekly_lesson_stays_at_4pm_local_across_both_changes(tz: ZoneInfo) -> None:
    # From early September 2026 for a year: every zone here changes its clocks twice.
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=53", tz)
    got = expand(rec, TUESDAY_4PM, tz)
    assert len(got) == 53
    assert all(w.time() == TUESDAY_4PM.time() and w.weekday() == 1 for w in walls(got, tz))
    offsets = [o.start.astimezone(tz).utcoffset() for o in got]
    assert len(set(offsets)) == 2
    changes = sum(a != b for a, b in zip(offsets, offsets[1:], strict=False))
    assert changes == 2  # autumn and spring


def test_london_lesson_in_utc_moves_by_an_hour() -> None:
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=40", LONDON)
    starts = {o.start.date(): o.start.time().hour for o in expand(rec, TUESDAY_4PM, LONDON)}
    assert starts[date(2026, 10, 20)] == 15  # BST
    assert starts[date(2026, 10, 27)] == 16  # GMT
    assert starts[date(2027, 3, 23)] == 16
    assert starts[date(2027, 3, 30)] == 15


@pytest.mark.parametrize(("tz", "day", "wall", "expected_utc"), [
    # spring forward: the wall time does not exist, moved forward by the gap
    (LONDON, date(2027, 3, 28), "01:30", datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),  # 02:30 BST
    (NEW_YORK, date(2027, 3, 14), "02:30", datetime(2027, 3, 14, 7, 30, tzinfo=UTC)),  # 03:30 EDT
    (AUCKLAND, date(2027, 9, 26), "02:30", datetime(2027, 9, 25, 14, 30, tzinfo=UTC)),  # 03:30 NZDT
    # fall back: the wall time happens twice, the first (summer-time) instant is taken
    (LONDON, date(2027, 10, 31), "01:30", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),  # BST
    (NEW_YORK, date(2027, 11, 7), "01:30", datetime(2027, 11, 7, 5, 30, tzinfo=UTC)),  # EDT
    (AUCKLAND, date(2027, 4, 4), "02:30", datetime(2027, 4, 3, 13, 30, tzinfo=UTC)),  # NZDT
])
def test_daily_series_over_a_clock_change_day(tz: ZoneInfo, day: date, wall: str,
                                              expected_utc: datetime) -> None:
    dtstart = datetime.combine(day - timedelta(2), datetime.strptime(wall, "%H:%M").time())
    got = expand(parse_recurrence("FREQ=DAILY;COUNT=5", tz), dtstart, tz)
    assert len(got) == 5
    assert got[2].start == expected_utc
    # the days around it keep their wall time
    for n in (0, 1, 3, 4):
        assert walls(got, tz)[n] == dtstart + timedelta(n)


def test_london_spring_forward_lesson_is_0230_bst() -> None:
    rec = parse_recurrence("FREQ=DAILY;COUNT=3", LONDON)
    got = walls(expand(rec, datetime(2027, 3, 27, 1, 30), LONDON), LONDON)
    assert got == [datetime(2027, 3, 27, 1, 30), datetime(2027, 3, 28, 2, 30),
                   datetime(2027, 3, 29, 1, 30)]


def test_exdate_written_as_the_shifted_time_of_a_missing_wall_time_still_matches() -> None:
    # a closure recorded from the booked instant (02:30 BST) for the nominal 01:30 lesson
    rec = parse_recurrence("FREQ=DAILY;COUNT=3\nEXDATE:20270328T023000", LONDON)
    got = walls(expand(rec, datetime(2027, 3, 27, 1, 30), LONDON), LONDON)
    assert got == [datetime(2027, 3, 27, 1, 30), datetime(2027, 3, 29, 1, 30)]


# ------------------------------------------------------------------ property: counts
ZONES = [LONDON, NEW_YORK, AUCKLAND, LORD_HOWE, ZoneInfo("America/Sao_Paulo"), ZoneInfo("UTC")]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def counted_rules(draw: st.DrawFn) -> str:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]))
    parts = [f"FREQ={freq}", f"INTERVAL={draw(st.integers(1, 3))}"]
    if freq == "WEEKLY" and draw(st.booleans()):
        parts.append("BYDAY=" + ",".join(draw(st.lists(st.sampled_from(DAYS), min_size=1,
                                                       max_size=4, unique=True))))
        parts.append(f"WKST={draw(st.sampled_from(['MO', 'SU', 'WE']))}")
    elif freq == "MONTHLY":
        form = draw(st.sampled_from(["monthday", "nth", "setpos", "none"]))
        if form == "monthday":
            parts.append(f"BYMONTHDAY={draw(st.sampled_from([1, 15, 28, 31, -1, -7]))}")
        elif form == "nth":
            parts.append(f"BYDAY={draw(st.sampled_from([1, 2, 4, -1]))}"
                         f"{draw(st.sampled_from(DAYS))}")
        elif form == "setpos":
            parts.append("BYDAY=MO,TU,WE,TH,FR;BYSETPOS=" + str(draw(st.sampled_from([1, -1, 3]))))
    parts.append(f"COUNT={draw(st.integers(1, 60))}")
    return ";".join(parts)


starts = st.builds(datetime.combine,
                   st.dates(date(2015, 1, 1), date(2035, 12, 31)),  # Sao Paulo had DST to 2019
                   st.sampled_from(["00:30", "01:30", "02:00", "02:30", "09:00", "16:00",
                                    "23:30"]).map(lambda t: datetime.strptime(t, "%H:%M").time()))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(counted_rules(), starts, st.sampled_from(ZONES), st.data())
def test_expand_gives_count_less_exdates_at_dateutil_wall_times(text: str, dtstart: datetime,
                                                                tz: ZoneInfo,
                                                                data: st.DataObject) -> None:
    expected = list(rrulestr(text, dtstart=dtstart))
    count = int(text.rsplit("COUNT=", 1)[1])
    assert len(expected) == count
    excluded = data.draw(st.lists(st.sampled_from(expected), unique=True, max_size=count))
    stray = [w + timedelta(minutes=1) for w in expected[:2]]  # match nothing: ignored
    lines = text + ("\nEXDATE:" + ",".join(f"{w:%Y%m%dT%H%M%S}" for w in excluded + stray))
    if expected[-1] > bound.reach(dtstart, None, []):  # past the series bound: refused
        with pytest.raises(InvalidInput, match=f"COUNT={count} goes on past"):
            expand(parse_recurrence(lines, tz), dtstart, tz)
        return
    got = expand(parse_recurrence(lines, tz), dtstart, tz)

    assert len(got) == count - len(excluded)
    assert [o.start for o in got] == sorted({o.start for o in got})
    kept = [w for w in expected if w not in excluded]
    for wall, occurrence in zip(kept, got, strict=True):
        assert occurrence.start == occurrence.recurrence_id == localize(wall, tz)
        local = occurrence.start.astimezone(tz).replace(tzinfo=None)
        assert local == wall or not exists(wall, tz)


# ------------------------------------------------------------------------- splitting
def test_split_a_counted_series() -> None:
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=10", LONDON)
    cut = TUESDAY_4PM + timedelta(weeks=4)
    head, tail = split_before(rec, TUESDAY_4PM, cut)
    assert head == Recurrence("FREQ=WEEKLY;BYDAY=TU;UNTIL=20260922T160000")
    assert tail == Recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=6")
    assert expand(head, TUESDAY_4PM, LONDON) + expand(tail, cut, LONDON) \
        == expand(rec, TUESDAY_4PM, LONDON)


def test_split_an_until_series_keeps_its_until_for_the_tail() -> None:
    rec = parse_recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20270331", LONDON)
    cut = datetime(2026, 11, 26, 16)  # a Thursday of an "on" week
    head, tail = split_before(rec, TUESDAY_4PM, cut)
    assert tail is not None and tail.rrule == rec.rrule
    assert head.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20261124T160000"
    assert expand(head, TUESDAY_4PM, LONDON) + expand(tail, cut, LONDON) \
        == expand(rec, TUESDAY_4PM, LONDON)


def test_split_an_open_ended_series() -> None:
    rec = parse_recurrence("FREQ=MONTHLY;BYDAY=-1FR", NEW_YORK)
    dtstart = datetime(2026, 9, 25, 16)
    cut = datetime(2027, 1, 29, 16)
    head, tail = split_before(rec, dtstart, cut)
    assert head.rrule == "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20261225T160000"
    assert tail is not None and tail.open_ended
    horizon = datetime(2028, 1, 1, tzinfo=UTC)
    assert expand(head, dtstart, NEW_YORK) + expand(tail, cut, NEW_YORK, until=horizon) \
        == expand(rec, dtstart, NEW_YORK, until=horizon)


def test_split_partitions_exdates_and_rdates() -> None:
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=6\nEXDATE:20260908T160000\n"
                           "EXDATE;VALUE=DATE:20260929\nRDATE:20260910T100000,20261001T100000",
                           LONDON)
    head, tail = split_before(rec, TUESDAY_4PM, datetime(2026, 9, 22, 16))
    assert head.exdates == (datetime(2026, 9, 8, 16),) and head.rdates == (
        datetime(2026, 9, 10, 10),)
    assert tail is not None
    assert tail.exdates == (date(2026, 9, 29),) and tail.rdates == (datetime(2026, 10, 1, 10),)
    assert tail.rrule == "FREQ=WEEKLY;BYDAY=TU;COUNT=3"  # the excluded 8th still counted


def test_split_at_the_first_occurrence_leaves_an_empty_head() -> None:
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=3", LONDON)
    head, tail = split_before(rec, TUESDAY_4PM, TUESDAY_4PM)
    assert expand(head, TUESDAY_4PM, LONDON) == []
    assert tail == rec


def test_split_after_the_end_leaves_no_tail() -> None:
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=3\nEXDATE:20260915T160000", LONDON)
    assert split_before(rec, TUESDAY_4PM, datetime(2026, 12, 1, 16))[1] is None
    # the last occurrence is excluded, so nothing is left from it on either
    assert split_before(rec, TUESDAY_4PM, datetime(2026, 9, 15, 16))[1] is None


def test_split_keeps_rdates_left_after_the_rule_ends() -> None:
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=2\nRDATE:20261201T160000", LONDON)
    cut = datetime(2026, 11, 1, 16)
    head, tail = split_before(rec, TUESDAY_4PM, cut)
    assert tail is not None
    assert walls(expand(tail, cut, LONDON), LONDON) == [datetime(2026, 12, 1, 16)]
    assert len(expand(head, TUESDAY_4PM, LONDON)) == 2


def test_split_with_no_occurrence_of_the_rule_before_the_cut() -> None:
    """The rule ends (UNTIL) before its first Monday, so only the extra dates are booked. Cut
    at the second: the head keeps the first alone, not a Monday its UNTIL had left out."""
    rec = parse_recurrence("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270305T080000\n"
                           "RDATE:20270302T080000,20270309T080000", LONDON)
    dtstart = datetime(2027, 3, 2, 8)  # a Tuesday
    head, tail = split_before(rec, dtstart, datetime(2027, 3, 9, 8))
    assert walls(expand(head, dtstart, LONDON), LONDON) == [datetime(2027, 3, 2, 8)]
    assert tail is not None and tail.rdates == (datetime(2027, 3, 9, 8),)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(counted_rules(), starts, st.sampled_from(ZONES), st.data())
def test_split_head_and_tail_together_give_the_original(text: str, dtstart: datetime,
                                                       tz: ZoneInfo, data: st.DataObject) -> None:
    rule_walls = list(rrulestr(text, dtstart=dtstart))
    assume(rule_walls[-1] <= bound.reach(dtstart, None, []))  # none past the bound is stored
    excluded = data.draw(st.lists(st.sampled_from(rule_walls), unique=True, max_size=3))
    extra = data.draw(st.lists(st.sampled_from(rule_walls), max_size=2))
    rdates = [w + timedelta(hours=3) for w in extra]
    lines = text
    if excluded:
        lines += "\nEXDATE:" + ",".join(f"{w:%Y%m%dT%H%M%S}" for w in excluded)
    if rdates:
        lines += "\nRDATE:" + ",".join(f"{w:%Y%m%dT%H%M%S}" for w in rdates)
    rec = parse_recurrence(lines, tz)
    # cut at an occurrence (what an edit does) or anywhere between two
    cut = data.draw(st.sampled_from(rule_walls)) - data.draw(
        st.sampled_from([timedelta(0), timedelta(hours=5), timedelta(days=1)]))
    assume(cut > dtstart)

    head, tail = split_before(rec, dtstart, cut)
    anchor = next((w for w in rule_walls if w >= cut), cut)
    whole = [o.start for o in expand(rec, dtstart, tz)]
    first = [o.start for o in expand(head, dtstart, tz)]
    rest = [] if tail is None else [o.start for o in expand(tail, anchor, tz)]
    assert first + rest == whole
    assert tail is not None or not [s for s in whole if s >= localize(cut, tz)]


# ------------------------------------------------------------------------- describing
@pytest.mark.parametrize(("text", "expected"), [
    ("FREQ=DAILY", "daily"),
    ("FREQ=DAILY;INTERVAL=3;COUNT=1", "every 3 days, once"),
    ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "daily on weekdays"),
    ("FREQ=WEEKLY", "weekly"),
    ("FREQ=WEEKLY;BYDAY=TU;COUNT=10", "weekly on Tuesday, 10 times"),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270331",
     "every 2 weeks on Mon, Wed until 2027-03-31"),
    ("FREQ=WEEKLY;BYDAY=SA,SU", "weekly on weekends"),
    ("FREQ=MONTHLY;BYDAY=-1FR", "monthly on the last Friday"),
    ("FREQ=MONTHLY;BYDAY=1MO,3MO", "monthly on the 1st Monday and the 3rd Monday"),
    ("FREQ=MONTHLY;BYDAY=TU", "monthly on every Tuesday"),
    ("FREQ=MONTHLY;BYMONTHDAY=15", "monthly on the 15th"),
    ("FREQ=MONTHLY;BYMONTHDAY=1,-1", "monthly on the 1st and last day"),
    ("FREQ=MONTHLY;BYMONTHDAY=-2;INTERVAL=3", "every 3 months on the 2nd last day"),
    ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "monthly on the last weekday"),
    ("FREQ=MONTHLY;BYDAY=MO,WE;BYSETPOS=1,2", "monthly on the 1st and 2nd of Mon, Wed"),
    ("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR"),
    ("FREQ=YEARLY", "yearly"),
    ("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "yearly on the 4th Thursday in Nov"),
    ("FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=11,12,13,21,22,23", "yearly on the 11th, 12th, 13th, "
     "21st, 22nd and 23rd in Mar, Sep"),
    ("FREQ=WEEKLY;BYDAY=TU;COUNT=10\nEXDATE:20261208T160000,20261215T160000\nRDATE:20261210",
     "weekly on Tuesday, 10 times, 2 skipped, 1 extra"),
])
def test_describe(text: str, expected: str) -> None:
    assert describe(parse_recurrence(text, LONDON)) == expected


# ----------------------------------------------------------------------- bad input
@pytest.mark.parametrize(("text", "says"), [
    ("", "no rule given"),
    ("   \n ", "no rule given"),
    ("garbage", "cannot read 'garbage'"),
    ("EXDATE:20261208T160000", "no rule given"),
    ("BYDAY=TU", "FREQ is missing"),
    ("FREQ=HOURLY", "FREQ=HOURLY is not supported"),
    ("FREQ=MINUTELY;COUNT=5", "FREQ=MINUTELY is not supported"),
    ("FREQ=SECONDLY", "FREQ=SECONDLY is not supported"),
    ("FREQ=FORTNIGHTLY", "unknown FREQ=FORTNIGHTLY"),
    ("FREQ=WEEKLY;COUNT=5;UNTIL=20270101", "COUNT and UNTIL cannot both be given"),
    ("FREQ=WEEKLY;COLOR=RED", "unknown part 'COLOR=RED'"),
    ("FREQ=WEEKLY;BYHOUR=9", "BYHOUR is not supported"),
    ("FREQ=YEARLY;BYWEEKNO=20", "BYWEEKNO is not supported"),
    ("FREQ=WEEKLY;FREQ=DAILY", "FREQ is given twice"),
    ("FREQ=WEEKLY\nFREQ=DAILY", "one RRULE only"),
    ("FREQ=WEEKLY;COUNT=1001", "COUNT=1001 is too many"),
    ("FREQ=WEEKLY;COUNT=0", "COUNT=0: 0 is out of range"),
    ("FREQ=WEEKLY;COUNT=ten", "'TEN' is not a positive whole number"),
    ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL=0: 0 is out of range"),
    ("FREQ=WEEKLY;INTERVAL=-2", "not a positive whole number"),
    ("FREQ=WEEKLY;BYDAY=TUE", "BYDAY=TUE: cannot read 'TUE'"),
    ("FREQ=WEEKLY;BYDAY=2TU", "a numbered weekday (2TU) needs FREQ=MONTHLY or YEARLY"),
    ("FREQ=MONTHLY;BYDAY=2TU,TH", "BYDAY=2TU,TH mixes numbered and plain weekdays"),
    ("FREQ=MONTHLY;BYDAY=6MO", "6MO is out of range"),
    ("FREQ=YEARLY;BYMONTH=3;BYDAY=10MO", "10MO is out of range"),
    ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY=32: 32 is out of range"),
    ("FREQ=WEEKLY;BYMONTHDAY=3", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "BYMONTHDAY=30 never falls in BYMONTH=2"),
    ("FREQ=YEARLY;BYMONTH=13", "BYMONTH=13: 13 is out of range"),
    ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS needs BYDAY, BYMONTHDAY or BYMONTH"),
    ("FREQ=WEEKLY;WKST=XX", "WKST=XX must be one of"),
    ("FREQ=WEEKLY;UNTIL=2027-03-31", "UNTIL=2027-03-31 is not a date or date-time"),
    ("FREQ=WEEKLY;UNTIL=20270231", "UNTIL=20270231 is not a date"),
    ("FREQ=DAILY;UNTIL=99991231", "UNTIL=99991231 is out of range (years 1900 to 2999)"),
    ("FREQ=DAILY;UNTIL=18991231T235959Z", "UNTIL=18991231T235959Z is out of range"),
    ("FREQ=WEEKLY\nRDATE:99991231", "RDATE 99991231 is out of range (years 1900 to 2999)"),
    ("FREQ=WEEKLY\nEXDATE:00010101T000000", "EXDATE 00010101T000000 is out of range"),
    ("RRULE;X=1:FREQ=WEEKLY", "RRULE takes no parameters"),
    ("FREQ=WEEKLY\nDTSTART:20260901T160000", "unknown line 'DTSTART:20260901T160000'"),
    ("FREQ=WEEKLY\nEXDATE:2026-12-08", "EXDATE: cannot read '2026-12-08'"),
    ("FREQ=WEEKLY\nRDATE:20261308T160000", "RDATE: cannot read '20261308T160000'"),
    ("FREQ=WEEKLY\nEXDATE;VALUE=DATE:20261208T160000", "cannot read '20261208T160000'"),
    ("FREQ=WEEKLY\nRDATE;VALUE=PERIOD:20261208T160000/PT1H", "PERIOD are not supported"),
    ("FREQ=WEEKLY\nEXDATE;TZID=Mars/Olympus:20261208T160000", "unknown time zone 'Mars/Olympus'"),
    ("FREQ=WEEKLY\nEXDATE;X-FOO=1:20261208T160000", "unknown EXDATE parameter"),
])
def test_bad_input_is_refused_with_a_reason(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_recurrence(text, LONDON)
    assert err.value.field == "repeat"
    assert says in err.value.message
    assert err.value.exit_code == 2


def test_the_field_named_in_errors_can_be_chosen() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_recurrence("FREQ=HOURLY", LONDON, field="rule")
    assert err.value.field == "rule"


RULE_PIECES = ["FREQ=DAILY", "FREQ=WEEKLY", "FREQ=MONTHLY", "FREQ=YEARLY", "FREQ=HOURLY",
               "COUNT=3", "COUNT=-1", "COUNT=1000", "UNTIL=20270101", "UNTIL=20270101T000000Z",
               "UNTIL=x", "UNTIL=29991231", "UNTIL=99991231", "UNTIL=00010101",
               "INTERVAL=2", "INTERVAL=7", "BYDAY=TU", "BYDAY=-1FR", "BYDAY=2TU,TH",
               "BYDAY=2TU,-1TH", "BYDAY=", "BYMONTHDAY=28", "BYMONTHDAY=29", "BYMONTHDAY=-1",
               "BYMONTH=2", "BYMONTH=3,9", "BYSETPOS=-1", "BYSETPOS=2", "BYSETPOS=60",
               "WKST=SU"]
LINES = ["EXDATE:20261208", "EXDATE:20261208T160000Z", "RDATE;TZID=Europe/Paris:20261209T170000",
         "EXDATE;VALUE=DATE:", "RRULE:FREQ=DAILY", "RDATE:99991231", "EXDATE:00010101T000000"]
# RDATE lists anywhere in datetime's years, some far beyond what a series may reach.
rdate_lines = st.lists(st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31, 23)), min_size=1,
                       max_size=30).map(lambda ds: "RDATE:" + ",".join(
                           f"{d.year:04d}{d:%m%dT%H%M%S}" for d in ds))
near_valid = st.builds(
    lambda freq, parts, lines: "\n".join([";".join([freq, *parts]), *lines]),
    st.sampled_from(RULE_PIECES[:5]), st.lists(st.sampled_from(RULE_PIECES), max_size=4),
    st.lists(st.one_of(st.sampled_from(LINES), rdate_lines), max_size=2))


@settings(deadline=None)
@given(st.one_of(st.text(max_size=60), near_valid))
def test_anything_is_read_or_refused_and_what_is_read_expands(text: str) -> None:
    """Whatever the text, reading and expanding it ends quickly: in occurrences within the
    series bound, or in an InvalidInput on the rule."""
    try:
        rec = parse_recurrence(text, LONDON)
    except InvalidInput as err:
        assert err.field == "repeat"
        return
    assert parse_recurrence(rec.to_text(), LONDON) == rec
    assert describe(rec)
    began = time.perf_counter()
    try:
        got = expand(rec, TUESDAY_4PM, LONDON, until=datetime(2028, 1, 1, tzinfo=UTC))
    except InvalidInput as err:
        assert err.field == "repeat" and "at most 10 years" in err.message, err.message
        return
    finally:
        assert time.perf_counter() - began < 2
    assert [o.start for o in got] == sorted({o.start for o in got})
    assert all(abs(o.start - got[0].start) <= SERIES_SPAN * 2 for o in got)


# ------------------------------------------------------------------- the series bound
@pytest.mark.parametrize(("text", "says"), [
    ("FREQ=DAILY;UNTIL=29991231", "UNTIL=29991231 is too far: it must be by 2036-09-01"),
    ("FREQ=WEEKLY;UNTIL=20361231", "UNTIL=20361231 is too far"),
    ("FREQ=WEEKLY;UNTIL=20370101", "UNTIL=20370101 is too far"),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=1000", "COUNT=1000 goes on past 2036-09-01"),
    ("FREQ=YEARLY;COUNT=12", "COUNT=12 goes on past 2036-09-01"),
    ("FREQ=WEEKLY;COUNT=2\nRDATE:29991231", "RDATE 2999-12-31 is too far"),
    ("FREQ=WEEKLY;COUNT=2\nRDATE:19000101T100000", "RDATE 1900-01-01 is too far"),
])
def test_a_rule_past_the_series_bound_is_refused_before_it_is_expanded(text: str,
                                                                        says: str) -> None:
    rec = parse_recurrence(text, LONDON)
    began = time.perf_counter()
    with pytest.raises(InvalidInput) as err:
        expand(rec, TUESDAY_4PM, LONDON)
    assert time.perf_counter() - began < 1
    assert says in err.value.message and "10 years" in err.value.message
    assert err.value.field == "repeat" and err.value.exit_code == 2


def test_a_series_may_reach_ten_years_and_no_further() -> None:
    ten = parse_recurrence("FREQ=YEARLY;COUNT=11", LONDON)  # its start and 10 years on
    assert walls(expand(ten, TUESDAY_4PM, LONDON), LONDON)[-1] == datetime(2036, 9, 1, 16)
    until = parse_recurrence("FREQ=MONTHLY;UNTIL=20360901", LONDON)
    assert walls(expand(until, TUESDAY_4PM, LONDON), LONDON)[-1] == datetime(2036, 9, 1, 16)
    extra = parse_recurrence("FREQ=MONTHLY;COUNT=2\nRDATE;VALUE=DATE:20360901,20160901", LONDON)
    assert len(expand(extra, TUESDAY_4PM, LONDON)) == 4


def test_more_rdates_than_a_series_holds_are_refused() -> None:
    days = [date(2026, 9, 2) + timedelta(days=n) for n in range(1001)]
    rec = parse_recurrence("FREQ=WEEKLY;COUNT=1\nRDATE;VALUE=DATE:"
                           + ",".join(f"{d:%Y%m%d}" for d in days), LONDON)
    with pytest.raises(InvalidInput, match="gives 1001 RDATEs: too many"):
        expand(rec, TUESDAY_4PM, LONDON)


@pytest.mark.parametrize(("text", "says"), [
    ("FREQ=DAILY;BYDAY=MO;BYSETPOS=2", "BYSETPOS=2 never matches: each day of the rule offers "
                                       "at most 1 day"),
    ("FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=3", "each week of the rule offers at most 2 days"),
    ("FREQ=WEEKLY;BYSETPOS=-2;BYMONTH=3", "each week of the rule offers at most 1 day"),
    ("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=11", "each month of the rule offers at most 10 days"),
    ("FREQ=MONTHLY;BYDAY=1MO,-1MO;BYSETPOS=3", "at most 2 days"),
    ("FREQ=MONTHLY;BYMONTHDAY=1,15;BYDAY=MO;BYSETPOS=3", "at most 2 days"),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=1;BYSETPOS=2", "each year of the rule offers at most 1 "
                                                      "day"),
    ("FREQ=YEARLY;BYMONTHDAY=1;BYSETPOS=13", "at most 12 days"),
    ("FREQ=YEARLY;BYMONTH=1,7;BYDAY=2MO;BYSETPOS=-3", "at most 2 days"),
])
def test_a_bysetpos_no_period_reaches_is_refused_at_once(text: str, says: str) -> None:
    began = time.perf_counter()
    with pytest.raises(InvalidInput) as err:
        parse_recurrence(text, LONDON)
    assert time.perf_counter() - began < 0.1
    assert says in err.value.message


@pytest.mark.parametrize("text", [
    "FREQ=DAILY;BYDAY=MO;BYSETPOS=1", "FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=1,3",
    "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=5", "FREQ=YEARLY;BYDAY=MO;BYSETPOS=53",
    "FREQ=YEARLY;BYMONTHDAY=1;BYSETPOS=12", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYSETPOS=-1",
])
def test_a_bysetpos_some_period_reaches_is_kept(text: str) -> None:
    parse_recurrence(text, LONDON)


@pytest.mark.parametrize("text", [
    "FREQ=DAILY;INTERVAL=7;BYDAY=WE",        # every 7th day is a Tuesday
    "FREQ=MONTHLY;INTERVAL=12;BYMONTH=3",    # every 12th month is a September
    "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",  # 2026, 2030...: never a leap year
])
def test_a_rule_that_matches_nothing_stops_at_the_horizon(text: str) -> None:
    rec = parse_recurrence(text, LONDON)
    began = time.perf_counter()
    assert expand(rec, TUESDAY_4PM, LONDON, until=datetime(2990, 1, 1, tzinfo=UTC)) == []
    assert time.perf_counter() - began < 1
    counted = parse_recurrence(text + ";COUNT=2", LONDON)
    with pytest.raises(InvalidInput, match="COUNT=2 goes on past 2036-09-01"):
        expand(counted, TUESDAY_4PM, LONDON)
    assert time.perf_counter() - began < 1


any_start = st.builds(datetime.combine, st.dates(date(1900, 1, 1), date(2989, 12, 31)),
                      st.sampled_from([datetime.min.time(), datetime(1, 1, 1, 16).time()]))


@settings(max_examples=150, deadline=None)
@given(counted_rules(), any_start)
def test_rules_expand_as_dateutil_has_them_in_any_century(text: str, dtstart: datetime) -> None:
    """The bounded expansion (in a calendar moved towards the year 9999) gives dateutil's own
    wall times, across leap and non-leap centuries."""
    reach = bound.reach(dtstart, None, [])
    expected = list(takewhile(lambda w: w <= reach, rrulestr(text, dtstart=dtstart)))
    assert bound.walls(text, dtstart, reach) == expected


def test_module_imports_no_framework() -> None:
    code = ("import sys, sessionsctl.core.schedule.recurrence; "
            "loaded = {m.split('.')[0] for m in sys.modules}; "
            "bad = {'sqlalchemy', 'typer', 'rich', 'textual'} & loaded; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
