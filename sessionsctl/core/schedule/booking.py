"""The building blocks every booking shares: results, the batch index, options, retries."""

from __future__ import annotations

import uuid
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import TypeVar

from ..domain.drafts import Row, SessionDraft
from ..domain.errors import Contended, InvalidInput
from ..domain.model import Availability, Closure, Room, Session, TimeOff
from ..domain.rules import MAX_SESSION_LENGTH
from .conflicts import Conflict, clashes, overlaps

Clock = Callable[[], datetime]

# Fields of SessionDraft that `edit` may change.
EDITABLE = frozenset(f.name for f in fields(SessionDraft))


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uid() -> str:
    return f"{uuid.uuid4()}@sessionsctl"



@dataclass(frozen=True, slots=True)
class BookingResult:
    """What a bulk booking wrote, every conflict it met, and the drafts it skipped."""

    booked: list[Session]
    conflicts: list[Conflict]
    skipped: list[SessionDraft]
    skipped_rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Refs:
    """What a batch's conflicts are judged against, loaded once per batch."""

    rooms: dict[str, Room]
    availability: dict[str, list[Availability]]
    time_off: dict[str, list[TimeOff]]
    closures: list[Closure]


def check_options(force_reason: str | None, skip_conflicts: bool) -> None:
    if force_reason is not None and skip_conflicts:
        raise InvalidInput("choose one of --force and --skip-conflicts", field="force")
    if force_reason is not None and not force_reason.strip():
        raise InvalidInput("--force needs a reason", field="reason")


T = TypeVar("T")


RACE_ATTEMPTS = 5


def retry_race(attempt: Callable[[], T]) -> T:
    """Run a booking again if the database's guard caught a race with another terminal: the
    next check sees the session that won and reports it as an ordinary conflict. A few tries
    are allowed, as a busy slot can be contested again while we retry."""
    for _ in range(RACE_ATTEMPTS - 1):
        try:
            return attempt()
        except Contended:
            continue
    return attempt()


@dataclass(frozen=True, slots=True)
class Booked:
    """What a booking wrote, and the clashes it was forced over."""

    session: Session
    forced_over: list[Conflict]



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


def draft_of(session: Session) -> SessionDraft:
    """The editable fields of a stored session."""
    return SessionDraft(**{f.name: getattr(session, f.name) for f in fields(SessionDraft)})
