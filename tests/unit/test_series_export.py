"""A series' exported calendar against its stored occurrences after every edit scope: what a
calendar client shows (``export ics`` expanded by recurring-ical-events, an independent reader)
is exactly what ``session list`` lists, for rules with extra dates (RDATE) and exclusions
(EXDATE), split or changed from any occurrence, an extra date included."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.model import Role, Session, SessionStatus
from sessionsctl.store.engine import SqlStore

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))
MENTOR = "ada@example.org"
Shown = set[tuple[str, datetime, datetime, str]]


@pytest.fixture
def desk(store: SqlStore) -> Centre:
    return Centre(store, clock=lambda: NOW)


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
    instances = {(str(e["UID"]), e["DTSTART"].dt.astimezone(UTC))
                 for e in recurring_ical_events.of(masters).between(*WINDOW)}
    assert instances == {(s.uid, s.recurrence_id or s.start)
                         for s in centre.sessions.find(SessionQuery())}
    found = set()
    for e in recurring_ical_events.of(cal).between(*WINDOW):
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


@pytest.fixture
def listed(db_url: str, tmp_path: Path) -> Callable[[], Shown]:
    """The same from ``sessionsctl session list --json``, run through Typer's runner."""

    def run() -> Shown:
        from typer.testing import CliRunner

        from sessionsctl.cli.main import app

        done = CliRunner().invoke(app, [
            "--db", db_url, "--tz", "UTC", "session", "list", "--from", "2026-01-01",
            "--to", "2029-12-31", "--json"],
            env={"SESSIONSCTL_CONFIG": str(tmp_path / "none.toml"), "SESSIONSCTL_USER": ""})
        assert done.exit_code == 0, done.output
        return {(j["uid"], datetime.fromisoformat(j["start"]), datetime.fromisoformat(j["end"]),
                 "CANCELLED" if j["status"] == "cancelled" else "CONFIRMED")
                for j in json.loads(done.stdout)}

    return run


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
