"""A series' exported calendar against its stored occurrences after every edit scope: what a
calendar client shows (``export ics`` expanded by recurring-ical-events, an independent reader)
is exactly what ``session list`` lists, for rules with extra dates (RDATE) and exclusions
(EXDATE), split or changed from any occurrence, an extra date included."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import InvalidInput, SessionsctlError
from sessionsctl.core.domain.model import Role, Session, SessionStatus
from sessionsctl.core.domain.timeutil import localize
from sessionsctl.core.schedule.recurrence import expand, parse_recurrence
from sessionsctl.store import open_store
from sessionsctl.store.engine import SqlStore

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))
MENTOR = "ada@example.org"
Shown = set[tuple[str, datetime, datetime, str]]


@pytest.fixture
def desk(store: SqlStore) -> Centre:
    return Centre(store, clock=lambda: NOW)


def _by_instant(time: Any) -> tuple[datetime, ...]:
    """How recurring-ical-events should tell instances apart: by their instant alone.

    It identifies an instance by its UTC time and by its wall time alike (3.8,
    ``util.to_recurrence_ids``), so in New York an EXDATE at 13:00 also removes the 08:00
    instance (13:00 UTC), and a RECURRENCE-ID of 08:00 replaces the 13:00 one. Every time our
    files hold has a zone, so its UTC time alone says which instance it is.
    """
    if isinstance(time, datetime) and time.tzinfo is not None:
        return (time.astimezone(UTC).replace(tzinfo=None),)
    return recurring_ical_events.util.to_recurrence_ids(time)


def _expand(cal: icalendar.Calendar) -> list[Any]:
    """The occurrences recurring-ical-events reads in ``cal`` over the window."""
    with mock.patch("recurring_ical_events.series.rrule.to_recurrence_ids", _by_instant), \
            mock.patch("recurring_ical_events.adapters.component.to_recurrence_ids",
                       _by_instant):
        return list(recurring_ical_events.of(cal).between(*WINDOW))


def exported(centre: Centre) -> Shown:
    """(UID, start, end, status) of every occurrence a calendar client shows of the centre's
    ``export ics``, expanded by recurring-ical-events.

    Each series' master alone (its exceptions taken out) must give exactly the original
    starts of the occurrences stored, so every RECURRENCE-ID event replaces an instance of
    its rule: a client that drops an exception matching none (RFC 5545 leaves that open)
    shows the same.
    """
    sink = io.BytesIO()
    centre.exchange.export_ics(SessionQuery(), sink)
    cal = icalendar.Calendar.from_ical(sink.getvalue())
    masters = icalendar.Calendar.from_ical(sink.getvalue())
    masters.subcomponents = [c for c in masters.subcomponents if "RECURRENCE-ID" not in c]
    instances = {(str(e["UID"]), e["DTSTART"].dt.astimezone(UTC)) for e in _expand(masters)}
    assert instances == {(s.uid, s.recurrence_id or s.start)
                         for s in centre.sessions.find(SessionQuery())}
    found = set()
    for e in _expand(cal):
        begin = e["DTSTART"].dt
        finish = e["DTEND"].dt if "DTEND" in e else begin + e["DURATION"].dt
        found.add((str(e["UID"]), begin.astimezone(UTC), finish.astimezone(UTC),
                   str(e.get("STATUS", "CONFIRMED"))))
    return found


def stored(centre: Centre) -> Shown:
    """The same of the sessions the core lists (``centre.sessions.find``)."""
    return {(s.uid, s.start, s.end,
             "CANCELLED" if s.status is SessionStatus.CANCELLED else "CONFIRMED")
            for s in centre.sessions.find(SessionQuery())}


def unruled(centre: Centre) -> list[tuple[int, datetime]]:
    """Where a series' stored rule (RRULE, RDATE and EXDATE from DTSTART, as ``series
    extend``, a re-import or another calendar read it) and its occurrences part: a scheduled
    occurrence the rule does not give, or a start it gives with no occurrence stored; (series
    id, start) of each. There should be none: the export would hide a mismatch (it writes
    what is stored), so it is checked on its own."""
    wrong = []
    for series in centre.series.all():
        tz = ZoneInfo(series.tz)
        given = {o.start for o in expand(parse_recurrence(series.rule, tz), series.dtstart, tz,
                                         until=series.expanded_until)}
        members = centre.series.info(series.id)[1]
        held = {s.recurrence_id for s in members}
        wrong += [(series.id, s.recurrence_id) for s in members
                  if s.status is SessionStatus.SCHEDULED and s.recurrence_id not in given]
        wrong += [(series.id, start) for start in sorted(given - held)]
    return wrong


def _cli_listed(url: str, tmp_path: Path) -> Shown:
    """The same from ``sessionsctl session list --json``, run through Typer's runner."""
    from typer.testing import CliRunner

    from sessionsctl.cli.main import app

    done = CliRunner().invoke(app, [
        "--db", url, "--tz", "UTC", "session", "list", "--from", "2026-01-01",
        "--to", "2029-12-31", "--json"],
        env={"SESSIONSCTL_CONFIG": str(tmp_path / "none.toml"), "SESSIONSCTL_USER": ""})
    assert done.exit_code == 0, done.output
    return {(j["uid"], datetime.fromisoformat(j["start"]), datetime.fromisoformat(j["end"]),
             "CANCELLED" if j["status"] == "cancelled" else "CONFIRMED")
            for j in json.loads(done.stdout)}


@pytest.fixture
def listed(db_url: str, tmp_path: Path) -> Callable[[], Shown]:
    return lambda: _cli_listed(db_url, tmp_path)


def _series(centre: Centre, rule: str, start: datetime, *, tz: str = "Europe/London",
            minutes: int = 60) -> list[Session]:
    centre.people.add_person("Ada Byron", MENTOR, Role.MENTOR)
    draft = SessionDraft(title="Algebra", mentor=MENTOR, start=start,
                         end=start + timedelta(minutes=minutes), tz=tz)
    return centre.series.create(draft, rule).booked


def _at(sessions: list[Session], start: datetime) -> Session:
    return next(s for s in sessions if s.start == start)


# Tuesdays at 16:00 (UTC in January) and two extra dates: a Thursday morning and a Saturday.
TUESDAYS = "FREQ=WEEKLY;BYDAY=TU;COUNT=6\nRDATE:20270114T100000,20270130T090000"
FIRST = datetime(2027, 1, 5, 16, tzinfo=UTC)
EXTRA = datetime(2027, 1, 14, 10, tzinfo=UTC)


def test_split_following_at_an_extra_date_keeps_every_occurrence(
        desk: Centre, listed: Callable[[], Shown]) -> None:
    booked = _series(desk, TUESDAYS, FIRST)
    assert len(booked) == 8
    desk.sessions.edit_scoped(_at(booked, EXTRA).id, {"title": "Algebra II"}, scope="following")
    after = stored(desk)
    assert len(after) == 8 and {s[1:] for s in after} == {(s.start, s.end, "CONFIRMED")
                                                          for s in booked}
    assert exported(desk) == after == listed()
    assert not unruled(desk)
    # The new series goes on from the first Tuesday after the extra date, at 16:00, with the
    # rest of the count and the extra dates from the split on; the old one keeps neither.
    old, new = desk.series.all()
    assert old.rule == "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20270112T160000"
    assert new.dtstart == datetime(2027, 1, 19, 16)
    assert new.rule == "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4\nRDATE:20270114T100000,20270130T090000"

    # Split again, at a regular occurrence of the new series.
    third = datetime(2027, 1, 26, 16, tzinfo=UTC)
    desk.sessions.edit_scoped(_at(booked, third).id, {"title": "Algebra III"}, scope="following")
    assert exported(desk) == stored(desk) == listed()
    assert sorted(s.title for s in desk.sessions.find(SessionQuery())) == \
        ["Algebra"] * 2 + ["Algebra II"] * 2 + ["Algebra III"] * 4


def test_split_following_at_an_extra_date_with_a_new_time(desk: Centre) -> None:
    booked = _series(desk, TUESDAYS, FIRST)
    # The extra date moves an hour later, and so does every following occurrence.
    desk.sessions.edit_scoped(_at(booked, EXTRA).id, {"start": EXTRA + timedelta(hours=1)},
                              scope="following")
    starts = sorted(s.start for s in desk.sessions.find(SessionQuery()))
    assert starts == sorted(s.start + (timedelta(hours=1) if s.start >= EXTRA else timedelta())
                            for s in booked)
    assert exported(desk) == stored(desk)
    new = desk.series.all()[1]
    assert new.dtstart == datetime(2027, 1, 19, 17)
    assert new.rule == "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4\nRDATE:20270114T110000,20270130T100000"


def test_split_following_at_the_last_extra_date_after_the_rule_ends(desk: Centre) -> None:
    """Nothing of the rule is left after the split: the new series is its extra date alone."""
    booked = _series(desk, "FREQ=WEEKLY;BYDAY=TU;COUNT=3\nRDATE:20270130T090000", FIRST)
    desk.sessions.edit_scoped(booked[-1].id, {"title": "Revision"}, scope="following")
    assert exported(desk) == stored(desk)
    assert len(stored(desk)) == 4


def test_changes_to_the_whole_series_after_a_cancelled_occurrence(desk: Centre) -> None:
    """A cancelled occurrence keeps its time when the series moves: the file still shows it
    (cancelled) where it was, and the moved series' slot of that week not at all."""
    booked = _series(desk, TUESDAYS, FIRST)
    desk.sessions.cancel_scoped(booked[1].id)
    desk.sessions.edit_scoped(booked[0].id, {"start": FIRST + timedelta(minutes=30)},
                              scope="all")
    assert exported(desk) == stored(desk)
    cancelled = [s for s in stored(desk) if s[3] == "CANCELLED"]
    assert [s[1] for s in cancelled] == [booked[1].start]


def test_an_occurrence_moved_then_split_from(desk: Centre) -> None:
    booked = _series(desk, TUESDAYS, FIRST)
    desk.sessions.edit_scoped(booked[4].id, {"start": booked[4].start + timedelta(days=1)})
    desk.sessions.edit_scoped(booked[3].id, {"title": "Moved on"}, scope="following")
    assert exported(desk) == stored(desk)


def test_cancel_following_from_an_extra_date(desk: Centre) -> None:
    booked = _series(desk, TUESDAYS, FIRST)
    desk.sessions.cancel_scoped(_at(booked, EXTRA).id, scope="following")
    assert exported(desk) == stored(desk)
    assert sum(1 for s in stored(desk) if s[3] == "CANCELLED") == 6


# ------------------------------------------------------------ any rule, any edits, any scope
ZONES = ("Europe/London", "America/New_York", "UTC")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SHIFTS = tuple(timedelta(minutes=m) for m in (-120, -60, -30, 30, 60, 120, -1440, 1440))


@st.composite
def rules(draw: st.DrawFn, start: datetime, *, extras: bool) -> str:
    """A daily or weekly rule from the wall time ``start`` (a few weekdays, an interval,
    COUNT or UNTIL), with extra dates (RDATE) and exclusions (EXDATE) if ``extras``."""
    freq = draw(st.sampled_from(["WEEKLY", "DAILY"]))
    parts = [f"FREQ={freq}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(2, 3))}")
    days = draw(st.lists(st.sampled_from(DAYS), max_size=3, unique=True))
    if days:
        parts.append(f"BYDAY={','.join(days)}")
    if draw(st.booleans()):
        parts.append(f"COUNT={draw(st.integers(2, 8))}")
    else:
        until = start + timedelta(days=draw(st.integers(3, 30)))
        parts.append(f"UNTIL={until:%Y%m%d}" if draw(st.booleans())
                     else f"UNTIL={until:%Y%m%dT%H%M%S}")
    lines = [";".join(parts)]
    if extras:
        for name, times in (("RDATE", True), ("EXDATE", False)):
            picked = draw(st.lists(st.tuples(st.integers(0, 35), st.integers(8, 18)),
                                   max_size=2))
            if not picked:
                continue
            # Extra dates at any hour; exclusions at the series' time (or of a whole day), so
            # most take out an occurrence of the rule.
            walls = [start.replace(hour=h) + timedelta(days=d) if times
                     else start + timedelta(days=d) for d, h in picked]
            if not times and draw(st.booleans()):
                lines.append(f"{name};VALUE=DATE:{','.join(f'{w:%Y%m%d}' for w in walls)}")
            else:
                lines.append(f"{name}:{','.join(f'{w:%Y%m%dT%H%M%S}' for w in walls)}")
    return "\n".join(lines)


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, int, dict[str, Any], bool]:
    """One edit: its kind, which scheduled occurrence (an index, taken modulo), the change,
    and whether to begin at an extra date (an RDATE occurrence) if one is left."""
    kind = draw(st.sampled_from(["move", "cancel", "following", "all", "cancel following",
                                 "new rule"]))
    change: dict[str, Any] = {}
    if kind in ("following", "all", "new rule"):
        if draw(st.booleans()):
            change["title"] = draw(st.sampled_from(["Algebra II", "Geometry"]))
        if not change or draw(st.booleans()):
            change["shift"] = draw(st.sampled_from(SHIFTS))
    elif kind == "move":
        change["shift"] = draw(st.sampled_from(SHIFTS))
    return kind, draw(st.integers(0, 50)), change, draw(st.booleans())


def _apply(centre: Centre, edit: tuple[str, int, dict[str, Any], bool], extra: set[int],
           new_rule: str) -> None:
    """Make ``edit`` through the core, as `session edit`/`session cancel` do; a refusal (a
    clash, a day change a weekday rule cannot take) leaves everything as it was."""
    kind, pick, change, at_extra = edit
    scheduled = [s for s in centre.sessions.find(SessionQuery())
                 if s.status is SessionStatus.SCHEDULED]
    if not scheduled:
        return
    preferred = [s for s in scheduled if s.id in extra] if at_extra else []
    chosen = (preferred or scheduled)[pick % len(preferred or scheduled)]
    changes = {k: v for k, v in change.items() if k != "shift"}
    if "shift" in change:
        changes["start"] = chosen.start + change["shift"]
    try:
        if kind == "cancel":
            centre.sessions.cancel_scoped(chosen.id)
        elif kind == "cancel following":
            centre.sessions.cancel_scoped(chosen.id, scope="following")
        elif kind == "move":
            centre.sessions.edit_scoped(chosen.id, changes)
        elif kind == "new rule":
            centre.sessions.edit_scoped(chosen.id, changes, scope="following", repeat=new_rule)
        else:
            centre.sessions.edit_scoped(chosen.id, changes, scope=kind)
    except SessionsctlError as exc:
        assert exc.exit_code in (2, 3)
        event(f"{kind}: refused ({type(exc).__name__})")
    else:
        event(f"{kind}{' at an extra date' if chosen.id in extra else ''}: made")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), tz=st.sampled_from(ZONES),
       day=st.integers(0, 27), hour=st.integers(8, 17), minutes=st.sampled_from([45, 60, 90]),
       steps=st.lists(edits(), min_size=1, max_size=5))
def test_export_shows_what_is_listed_after_any_edits(
        empty_db: Callable[[], str], tmp_path: Path, data: st.DataObject, tz: str, day: int,
        hour: int, minutes: int, steps: list[tuple[str, int, dict[str, Any], bool]]) -> None:
    # March 2027: the clocks change in New York on the 14th and in London on the 28th.
    wall = datetime(2027, 3, 1, hour) + timedelta(days=day)
    rule = data.draw(rules(wall, extras=True), label="rule")
    new_rule = data.draw(rules(wall, extras=False), label="new rule")
    url = empty_db()
    store = open_store(url)
    try:
        centre = Centre(store, clock=lambda: NOW)
        centre.people.add_person("Ada Byron", MENTOR, Role.MENTOR)
        start = localize(wall, ZoneInfo(tz))
        draft = SessionDraft(title="Algebra", mentor=MENTOR, start=start,
                             end=start + timedelta(minutes=minutes), tz=tz)
        try:
            made = centre.series.create(draft, rule, skip_conflicts=True)
        except InvalidInput:
            reject()  # every occurrence excluded
        assert exported(centre) == stored(centre) and not unruled(centre)
        own = {o.start for o in expand(replace(parse_recurrence(rule, ZoneInfo(tz)),
                                               rdates=()), wall, ZoneInfo(tz))}
        extra = {s.id for s in made.booked if s.recurrence_id not in own}
        for step in steps:
            _apply(centre, step, extra, new_rule)
            assert not unruled(centre), (step, centre.series.all())
            assert exported(centre) == stored(centre), (step, [
                (s.id, s.series_id, s.start, s.recurrence_id, s.status.value)
                for s in centre.sessions.find(SessionQuery())], [
                (s.id, s.dtstart, s.rule) for s in centre.series.all()])
        assert stored(centre) == _cli_listed(url, tmp_path)
    finally:
        store.close()


def test_moving_a_whole_series_moves_its_end_and_exclusions(desk: Centre) -> None:
    """UNTIL, a day's EXDATE and the RDATEs move with the occurrences, so the rule still gives
    each of them: the last one (at UNTIL) is not lost, the excluded day stays excluded."""
    booked = _series(desk, "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270126T160000\n"
                           "EXDATE;VALUE=DATE:20270112\nRDATE:20270114T100000", FIRST)
    assert [s.start.day for s in booked] == [5, 14, 19, 26]
    # 15:30 (a day's EXDATE less 30 minutes was the day before), then 16:30 (after the UNTIL)
    for minutes in (-30, 60):
        first = desk.sessions.find(SessionQuery())[0]
        desk.sessions.edit_scoped(first.id, {"start": first.start + timedelta(minutes=minutes)},
                                  scope="all")
        assert not unruled(desk)
        assert exported(desk) == stored(desk)
    assert desk.series.all()[0].rule == ("RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20270126T163000\n"
                                         "EXDATE:20270112T163000\nRDATE:20270114T103000")
