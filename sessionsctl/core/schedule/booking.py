"""What every booking shares: its results, its options, new UIDs, and retrying a race."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from ..domain.drafts import Row, SessionDraft
from ..domain.errors import Contended, InvalidInput

if TYPE_CHECKING:
    from ..domain.model import Session
    from .conflicts import Conflict

# Fields of SessionDraft that `edit` may change.
EDITABLE = frozenset(f.name for f in fields(SessionDraft))


def new_uid() -> str:
    return f"{uuid.uuid4()}@sessionsctl"


@dataclass(frozen=True, slots=True)
class BookingResult:
    """What a bulk booking wrote, the conflicts it met (the first few of each row, and how
    many ``more``), and the drafts it skipped."""

    booked: list[Session]
    conflicts: list[Conflict]
    skipped: list[SessionDraft]
    skipped_rows: list[Row] = field(default_factory=list)
    more: int = 0


@dataclass(frozen=True, slots=True)
class Booked:
    """What a booking wrote, and the clashes it was forced over (the first few, and how
    many ``more``)."""

    session: Session
    forced_over: list[Conflict]
    more: int = 0


def check_options(force_reason: str | None, skip_conflicts: bool) -> None:
    if force_reason is not None and skip_conflicts:
        raise InvalidInput("choose one of --force and --skip-conflicts", field="force")
    if force_reason is not None and not force_reason.strip():
        raise InvalidInput("--force needs a reason", field="reason")


T = TypeVar("T")

RACE_ATTEMPTS = 5
RACE_JITTER = 0.02  # seconds, times the tries so far


def before_today(start: datetime, tz: str, now: datetime) -> bool:
    """Whether ``start`` is on a day before today in the booking's zone ``tz`` (earlier
    today is not: a walk-in written up as it happens)."""
    zone = ZoneInfo(tz)
    return start.astimezone(zone).date() < now.astimezone(zone).date()


def check_not_past(start: datetime, tz: str, now: datetime, past: bool, *,
                   field: str = "start") -> None:
    """Refuse a booking (or a move) to a day before today (:func:`before_today`) unless
    ``past`` says it is meant (recording a session held): a typo'd year would otherwise be
    booked silently."""
    if past or not before_today(start, tz, now):
        return
    zone = ZoneInfo(tz)
    raise InvalidInput(f"{start.astimezone(zone):%a %d %b %Y %H:%M} is before today: say it is "
                       "meant (--past) to record a session held", field=field)


def retry_race(attempt: Callable[[], T]) -> T:
    """Run a booking again if the database's guard caught a race with another terminal: the
    next check sees the session that won and reports it as an ordinary conflict. A few tries
    are allowed, as a busy slot can be contested again while we retry; before each, a short
    random wait (growing with the tries) lets the winner commit and keeps racers that lost
    together from meeting again at the same instant."""
    for tries in range(1, RACE_ATTEMPTS):
        try:
            return attempt()
        except Contended:
            time.sleep(random.uniform(0, RACE_JITTER * tries))
    return attempt()


def draft_of(session: Session) -> SessionDraft:
    """The editable fields of a stored session."""
    return SessionDraft(**{f.name: getattr(session, f.name) for f in fields(SessionDraft)})
