"""The clashes among the rows of one request (core.schedule.judge.Batch and together): each
row's conflicts with the rows before it are counted exactly, kind by kind, as the one rule
(conflicts.clashes) would list them pair by pair, while only the first few are built; rows
that all clash with each other are judged without making every pair."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sessionsctl.core.domain.drafts import Row, SessionDraft
from sessionsctl.core.domain.model import Session
from sessionsctl.core.schedule.conflicts import KEPT, clashes
from sessionsctl.core.schedule.judge import Batch, together

BASE = datetime(2027, 1, 4, 9, tzinfo=UTC)
PEOPLE = ("ada", "bob", "sam", "kim")
ROOMS = (None, "Hall", "Lab")


def _row(i: int, start: int, minutes: int, mentor: str, students: tuple[str, ...],
         room: str | None) -> Row:
    begin = BASE + timedelta(minutes=15 * start)
    return Row(SessionDraft(title=f"R{i}", mentor=mentor, start=begin,
                            end=begin + timedelta(minutes=minutes), tz="Europe/London",
                            students=students, room=room), uid=f"u{i}")


rows = st.lists(st.tuples(st.integers(0, 40), st.sampled_from((15, 30, 60, 120, 24 * 60)),
                          st.sampled_from(PEOPLE), st.lists(st.sampled_from(PEOPLE), max_size=3),
                          st.sampled_from(ROOMS)), max_size=40)


def _all_pairs(drafts: list[Row], skip: bool) -> list[list[tuple[str, str]]]:
    """Every conflict of each row with the rows held before it, pair by pair."""
    held: list[Session] = []
    found = []
    for row in drafts:
        d = row.draft
        mine = clashes(d, held)
        found.append([(c.kind, c.with_.uid if c.with_ else "") for c in mine])
        if not (mine and skip):
            held.append(Session(id=0, uid=row.uid, title=d.title, mentor=d.mentor,
                                start=d.start, end=d.end, tz=d.tz, students=d.students,
                                room=d.room))
    return found


@settings(max_examples=150, deadline=None)
@given(spec=rows, skip=st.booleans())
def test_counts_are_those_of_every_pair(spec: list[tuple], skip: bool) -> None:
    drafts = [_row(i, s, m, mentor, tuple(students), room)
              for i, (s, m, mentor, students, room) in enumerate(spec)]
    judged = together(drafts, [[] for _ in drafts], skip_conflicts=skip)
    for found, pairs in zip(judged, _all_pairs(drafts, skip), strict=True):
        kinds: dict[str, int] = {}
        for kind, _ in pairs:
            kinds[kind] = kinds.get(kind, 0) + 1
        assert found.kinds == kinds
        assert found.total == len(pairs)
        assert len(found.shown) == min(len(pairs), KEPT)
        assert {(c.kind, c.with_.uid if c.with_ else "") for c in found.shown} <= set(pairs)


def test_identical_rows_are_counted_not_paired() -> None:
    """2,000 copies of one row: each clashes with every copy before it (mentor, student and
    room), which is 6 million conflicts; each row keeps its first few and the counts."""
    n = 2000
    copies = [_row(i, 0, 60, "ada", ("sam",), "Hall") for i in range(n)]
    judged = together(copies, [[] for _ in copies])
    assert not judged[0]
    for i, found in enumerate(judged[1:], start=1):
        assert found.kinds == {"mentor": i, "student": i, "room": i}
        assert len(found.shown) == min(3 * i, KEPT)
        assert all(c.with_ is not None and c.with_.id == 0 for c in found.shown)
    assert sum(f.total for f in judged) == 3 * n * (n - 1) // 2
    # Skipped rows hold nothing: each copy then clashes with the first alone.
    skipped = together(copies, [[] for _ in copies], skip_conflicts=True)
    assert all(f.kinds == {"mentor": 1, "student": 1, "room": 1} for f in skipped[1:])


def test_a_person_named_twice_holds_once() -> None:
    """A mentor who is also listed as a student of the same row, or a student named twice,
    counts once per clash, as the rule lists it."""
    first = _row(0, 0, 60, "ada", ("sam", "sam"), None)
    second = _row(1, 1, 60, "sam", ("ada", "sam"), None)
    batch = Batch()
    batch.add(first)
    found = batch.clashes(second.draft)
    assert found.kinds == {"mentor": 1, "student": 1}
    assert [c.kind for c in found.shown] == [c.kind for c in clashes(second.draft, [
        Session(id=0, uid="u0", title="R0", mentor="ada", start=first.draft.start,
                end=first.draft.end, tz="Europe/London", students=("sam", "sam"))])]
