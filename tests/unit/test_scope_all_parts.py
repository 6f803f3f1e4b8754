"""`--scope all` after `--scope following` split a series: the whole original series, every
part (a split of a split too), changed or cancelled all or none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import ConflictError, InvalidInput
from sessionsctl.core.domain.model import Role, Session, SessionStatus
from sessionsctl.store.engine import SqlStore

NOW = datetime(2027, 1, 1, 9, tzinfo=UTC)
FIRST = datetime(2027, 1, 4, 16, tzinfo=UTC)  # a Monday, GMT


@pytest.fixture
def desk(store: SqlStore) -> Centre:
    centre = Centre(store, clock=lambda: NOW)
    centre.people.add_person("Ada Byron", "ada@example.org", Role.MENTOR)
    centre.people.add_person("Sam Lee", "sam@example.org", Role.STUDENT)
    centre.people.add_room("Room 1", 4)
    centre.people.add_room("Room 2", 4)
    return centre


def _occurrences(centre: Centre) -> list[Session]:
    return sorted(centre.sessions.find(SessionQuery(mentor="ada@example.org")),
                  key=lambda s: s.start)


def _split_twice(desk: Centre) -> list[Session]:
    """A weekly series of 8 split at its 3rd (title) and that part again at the 6th (room):
    three parts, the first occurrence completed."""
    desk.series.create(SessionDraft(title="Algebra", mentor="ada@example.org", start=FIRST,
                                    end=FIRST + timedelta(hours=1), tz="Europe/London",
                                    students=("sam@example.org",), room="Room 1"),
                       "FREQ=WEEKLY;COUNT=8")
    first = _occurrences(desk)
    desk.sessions.edit_scoped(first[2].id, {"title": "Algebra II"}, scope="following")
    desk.sessions.edit_scoped(first[5].id, {"room": "Room 2"}, scope="following")
    desk.sessions.complete(first[0].id, force=True)
    listed = _occurrences(desk)
    assert len({s.series_id for s in listed}) == 3
    return listed


def test_all_changes_every_part_of_a_split_series(desk: Centre) -> None:
    listed = _split_twice(desk)
    desk.sessions.edit_scoped(listed[1].id, {"title": "Everything"}, scope="all")
    after = _occurrences(desk)
    assert [s.title for s in after] == ["Algebra"] + ["Everything"] * 7  # completed: as it was
    assert [s.room for s in after] == ["Room 1"] * 5 + ["Room 2"] * 3  # each part keeps its own
    assert [s.id for s in after] == [s.id for s in listed]
    # From an occurrence of the last part, a move by an hour moves every part.
    desk.sessions.edit_scoped(listed[7].id, {"start": listed[7].start + timedelta(hours=1)},
                              scope="all")
    moved = _occurrences(desk)
    assert [s.start - s0.start for s, s0 in zip(moved, listed, strict=True)] == (
        [timedelta(0)] + [timedelta(hours=1)] * 7)
    _series, _sessions, parts = desk.series.show(listed[3].series_id or 0)
    assert [p.dtstart.hour for p in parts] == [17, 17, 17]
    assert [p.id for p in parts] == sorted({s.series_id or 0 for s in listed})


def test_all_is_judged_across_the_parts_and_written_all_or_none(desk: Centre) -> None:
    listed = _split_twice(desk)
    # Ada is busy at 18:00 on the day of the 7th occurrence (in the last part).
    desk.sessions.book(SessionDraft(title="Other", mentor="ada@example.org",
                                    start=listed[6].start + timedelta(hours=2),
                                    end=listed[6].start + timedelta(hours=3),
                                    tz="Europe/London"))
    with pytest.raises(ConflictError):
        desk.sessions.edit_scoped(listed[1].id, {"start": listed[1].start + timedelta(hours=2)},
                                  scope="all")
    assert [(s.start, s.title) for s in _occurrences(desk) if s.title != "Other"] == [
        (s.start, s.title) for s in listed]
    with pytest.raises(InvalidInput, match="split"):
        desk.sessions.edit_scoped(listed[1].id, {}, scope="all", repeat="FREQ=WEEKLY;COUNT=2")


def test_all_cancels_every_part(desk: Centre) -> None:
    listed = _split_twice(desk)
    cancelled = desk.sessions.cancel_scoped(listed[3].id, scope="all", reason="closed")
    assert sorted(s.id for s in cancelled) == [s.id for s in listed[1:]]
    assert [s.status for s in _occurrences(desk)] == (
        [SessionStatus.COMPLETED] + [SessionStatus.CANCELLED] * 7)
    # No part's rule brings an occurrence back.
    assert desk.series.extend() == [] or all(not r.booked for r in desk.series.extend())
