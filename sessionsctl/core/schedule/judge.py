"""The conflict rule, once: :func:`judge` says every reason a draft cannot be booked (a
shared mentor, student or room at an overlapping time, capacity, the mentor's availability
and time off, a closure). Checking, booking, free slots, series and imports all call it, on
the sessions around the draft (:class:`Busy`, read from the store) and on the rows booked
before it in the same request (:class:`Batch`)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..domain.drafts import Row, SessionDraft
from ..domain.model import Availability, Closure, Room, Session, TimeOff
from ..domain.rules import MAX_SESSION_LENGTH
from .availability import on_closure, outside_availability
from .conflicts import Conflict, capacity, clashes, overlaps


@dataclass(frozen=True, slots=True)
class Refs:
    """What a batch's conflicts are judged against, loaded once per batch."""

    rooms: dict[str, Room]
    availability: dict[str, list[Availability]]
    time_off: dict[str, list[TimeOff]]
    closures: list[Closure]


def judge(draft: SessionDraft, others: Iterable[Session], refs: Refs) -> list[Conflict]:
    """Every conflict of ``draft`` with ``others`` (the sessions around it) and ``refs``."""
    room = refs.rooms.get(draft.room) if draft.room is not None else None
    return (clashes(draft, others) + capacity(draft, room)
            + outside_availability(draft, refs.availability.get(draft.mentor, ()),
                                   refs.time_off.get(draft.mentor, ()))
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


class Batch:
    """Rows accepted so far in one request, indexed by the mentor, students and room they hold.

    The rows themselves are held (a request keeps them anyway); one becomes a session, of
    id 0 (not yet written), only when it overlaps a draft being checked."""

    def __init__(self) -> None:
        self._held: dict[tuple[str, str], list[Row]] = {}

    @staticmethod
    def _keys(draft: SessionDraft) -> list[tuple[str, str]]:
        keys = [("person", p) for p in (draft.mentor, *draft.students)]
        return keys + ([("room", draft.room)] if draft.room else [])

    def clashes(self, draft: SessionDraft) -> list[Conflict]:
        return self._among(draft, (row for key in self._keys(draft)
                                   for row in self._held.get(key, ())))

    @staticmethod
    def _among(draft: SessionDraft, rows: Iterable[Row]) -> list[Conflict]:
        """The clashes of ``draft`` with these held rows (a row held under several keys
        counts once)."""
        seen: dict[int, Session] = {}
        for row in rows:
            d = row.draft
            if id(row) not in seen and overlaps(draft.start, draft.end, d.start, d.end):
                seen[id(row)] = Session(
                    id=0, uid=row.uid, title=d.title, mentor=d.mentor, start=d.start,
                    end=d.end, tz=d.tz, students=d.students, room=d.room,
                    recurrence_id=row.recurrence_id)
        return clashes(draft, seen.values()) if seen else []

    def add(self, row: Row) -> None:
        for key in self._keys(row.draft):
            self._held.setdefault(key, []).append(row)


def among(rows: Sequence[Row]) -> list[Conflict]:
    """The clashes of rows with the rows before them (no store involved)."""
    batch = Batch()
    found: list[Conflict] = []
    for row in rows:
        found.extend(batch.clashes(row.draft))
        batch.add(row)
    return found
