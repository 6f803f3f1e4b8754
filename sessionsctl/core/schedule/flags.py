"""Sessions flagged for attention: one booked whose mentor is no longer available at its time
(`availability off`, a dated window changed, the weekly pattern) and was left with them.

The flag is computed from the data, never stored: the session's own time against its mentor's
availability, time off and dated windows (three indexed reads for any number of sessions), so
it goes by itself when the session is reassigned, moved or the availability restored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..access import seen, visible
from ..domain.model import Session, SessionStatus
from .availability import outside_availability

if TYPE_CHECKING:
    from ..context import Context
    from ..domain.drafts import SessionQuery
    from ..storage import UnitOfWork

MENTOR_UNAVAILABLE = "mentor unavailable"


def flagged(uow: UnitOfWork, sessions: Sequence[Session],
            now: datetime) -> dict[int, list[str]]:
    """The flags of each of ``sessions`` that has any, by session id ("mentor unavailable:
    why"): one still to end (scheduled) that its mentor cannot teach then."""
    due = [s for s in sessions if s.status is SessionStatus.SCHEDULED and s.end > now]
    if not due:
        return {}
    mentors = {s.mentor for s in due}
    first, last = min(s.start for s in due), max(s.end for s in due)
    weekly = uow.calendar.availability(mentors)
    off = uow.calendar.time_off(mentors, first, last)
    dated = uow.calendar.dated(mentors, first.date() - timedelta(days=1),
                               last.date() + timedelta(days=1))
    flags: dict[int, list[str]] = {}
    for s in due:
        found = outside_availability(s, weekly.get(s.mentor, []),
                                     off.get(s.mentor, []), dated=dated.get(s.mentor, []))
        if found:
            flags[s.id] = [f"{MENTOR_UNAVAILABLE}: {'; '.join(c.detail for c in found)}"]
    return flags


class Flags:
    """The flags of the sessions a face shows, and those a query selects that are flagged."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def of(self, sessions: Sequence[Session]) -> dict[int, list[str]]:
        """The flags of each of ``sessions`` that has any, by session id."""
        with self.ctx.read() as uow:
            return flagged(uow, sessions, self.ctx.clock())

    def find(self, query: SessionQuery) -> tuple[list[Session], dict[int, list[str]]]:
        """The sessions ``query`` selects (those the acting person may see) that are flagged,
        still to end, and why."""
        with self.ctx.read() as uow:
            now = self.ctx.clock()
            actor = uow.actor
            ending = query.start if query.start is not None and query.start > now else now
            found = uow.sessions.find(visible(actor, replace(
                query, start=ending, statuses=(SessionStatus.SCHEDULED,), limit=None)))
            flags = flagged(uow, found, now)
            kept = [seen(actor, s) for s in found if s.id in flags]
            return kept[:query.limit] if query.limit is not None else kept, flags
