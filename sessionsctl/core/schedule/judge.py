"""The conflict rule, once: :func:`judge` says every reason a draft cannot be booked (a
shared mentor, student or room at an overlapping time, capacity, the mentor's availability
and time off, a closure). Checking, booking, free slots, series and imports all call it, on
the sessions around the draft (:class:`Busy`, read from the store) and on the rows booked
before it in the same request (:class:`Batch`, which counts what clashes rather than listing
every pair)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.model import Availability, Closure, DatedWindow, Person, Room, Session, TimeOff
from ..domain.rules import MAX_SESSION_LENGTH
from .availability import on_closure, outside_availability
from .conflicts import KEPT, Clashes, Conflict, capacity, clashes

if TYPE_CHECKING:
    from ..domain.drafts import Row, SessionDraft


@dataclass(frozen=True, slots=True)
class Refs:
    """What a batch's conflicts are judged against, loaded once per batch."""

    rooms: dict[str, Room]
    availability: dict[str, list[Availability]]
    time_off: dict[str, list[TimeOff]]
    closures: list[Closure]
    people: Mapping[str, Person] = field(default_factory=dict)  # by email: named in conflicts
    dated: dict[str, list[DatedWindow]] = field(default_factory=dict)  # days off the pattern


def judge(draft: SessionDraft, others: Iterable[Session], refs: Refs) -> list[Conflict]:
    """Every conflict of ``draft`` with ``others`` (the sessions around it) and ``refs``."""
    room = refs.rooms.get(draft.room) if draft.room is not None else None
    return (clashes(draft, others, refs.people) + capacity(draft, room)
            + outside_availability(draft, refs.availability.get(draft.mentor, ()),
                                   refs.time_off.get(draft.mentor, ()), refs.people,
                                   dated=refs.dated.get(draft.mentor, ()))
            + on_closure(draft, refs.closures))


class Busy:
    """Stored sessions sorted by start, to find those around an interval by bisection."""

    def __init__(self, sessions: list[Session]) -> None:
        self.sessions = sorted(sessions, key=lambda s: s.start)
        self._starts = [s.start for s in self.sessions]

    def around(self, start: datetime, end: datetime) -> list[Session]:
        """The sessions overlapping ``[start, end)``."""
        lo = bisect_left(self._starts, start - MAX_SESSION_LENGTH)
        hi = bisect_left(self._starts, end)
        return [s for s in self.sessions[lo:hi] if s.end > start]


class _Held:
    """The rows holding one person or room: in start order, and their ends sorted apart, so
    how many of them overlap an interval is two bisections."""

    __slots__ = ("ends", "rows", "starts")

    def __init__(self) -> None:
        self.starts: list[datetime] = []
        self.rows: list[Row] = []
        self.ends: list[datetime] = []

    def add(self, row: Row) -> None:
        # Rows mostly come in start order: each insertion is then an append.
        at = bisect_right(self.starts, row.draft.start)
        self.starts.insert(at, row.draft.start)
        self.rows.insert(at, row)
        insort(self.ends, row.draft.end)

    def count(self, start: datetime, end: datetime) -> int:
        """How many held rows overlap ``[start, end)``: those starting before its end, less
        those that end by its start (each of which starts before its end too)."""
        return bisect_left(self.starts, end) - bisect_right(self.ends, start)

    def first(self, start: datetime, end: datetime, n: int) -> list[int]:
        """The places of up to ``n`` held rows overlapping ``[start, end)``, in start order.

        Searched back from the interval's end: every row starting inside it overlaps it, and
        no row starting more than the longest session before it can."""
        found: list[int] = []
        low = bisect_left(self.starts, start - MAX_SESSION_LENGTH)
        for i in range(bisect_left(self.starts, end) - 1, low - 1, -1):
            if len(found) == n:
                break
            if self.rows[i].draft.end > start:
                found.append(i)
        return found[::-1]


class Batch:
    """Rows accepted so far in one request, indexed by the mentor, students and room they hold.

    A draft is checked against the held rows around it (:class:`_Held`): how many clash with
    it is counted by bisection for each person and room it names, and only the first few
    clashing rows become sessions, of id 0 (not yet written), to say how (:func:`clashes`).
    Rows that all clash with each other then cost n log n, not the n² pairs they make."""

    def __init__(self, people: Mapping[str, Person] | None = None) -> None:
        self._held: dict[tuple[str, str], _Held] = {}
        self.people = people or {}  # by email: named in conflicts

    @staticmethod
    def _keys(draft: SessionDraft) -> dict[tuple[str, str], str]:
        """The keys a draft holds, each with the kind of conflict it makes (a person named
        twice holds once: the count per key is then the count of conflicts of that kind)."""
        keys = {("person", draft.mentor): "mentor"}
        for student in draft.students:
            keys.setdefault(("person", student), "student")
        if draft.room:
            keys[("room", draft.room)] = "room"
        return keys

    def clashes(self, draft: SessionDraft) -> Clashes:
        found = Clashes()
        kinds: dict[str, int] = {}
        picked: dict[int, Row] = {}  # a row held under several keys is shown once
        for key, kind in self._keys(draft).items():
            held = self._held.get(key)
            if held is None:
                continue
            n = held.count(draft.start, draft.end)
            if n:
                kinds[kind] = kinds.get(kind, 0) + n
                for i in held.first(draft.start, draft.end, min(n, KEPT)):
                    picked.setdefault(id(held.rows[i]), held.rows[i])
        if kinds:
            found.counted(kinds, clashes(draft, [_session(r) for r in picked.values()],
                                        self.people))
        return found

    def add(self, row: Row) -> None:
        for key in self._keys(row.draft):
            self._held.setdefault(key, _Held()).add(row)


def _session(row: Row) -> Session:
    """A held row as the session it would be (id 0: not yet written)."""
    d = row.draft
    return Session(id=0, uid=row.uid, title=d.title, mentor=d.mentor, start=d.start, end=d.end,
                   tz=d.tz, students=d.students, room=d.room, recurrence_id=row.recurrence_id)


def together(rows: Sequence[Row], stored: Sequence[list[Conflict]], *,
             skip_conflicts: bool = False,
             people: Mapping[str, Person] | None = None) -> list[Clashes]:
    """Each row's conflicts: ``stored`` (its conflicts with the database, :func:`judge`) and
    its clashes with the rows before it (with ``skip_conflicts`` a row that clashes holds
    nothing for the rows after it, as it is not booked); ``people`` by email name them."""
    batch = Batch(people)
    found: list[Clashes] = []
    for row, theirs in zip(rows, stored, strict=True):
        clashing = Clashes()
        clashing.met(theirs)
        ours = batch.clashes(row.draft)
        clashing.counted(ours.kinds, ours.shown)
        found.append(clashing)
        if not (clashing and skip_conflicts):
            batch.add(row)
    return found
