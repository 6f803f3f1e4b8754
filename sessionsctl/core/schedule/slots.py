"""Finding free slots: the next starts at which a booking would meet no conflict, judged by
the same rule as a booking (:func:`~sessionsctl.core.schedule.judge.judge`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..access import Action, require
from ..context import Context
from ..domain import policy, rules
from ..domain.drafts import SessionDraft
from .booker import Booker
from .conflicts import capacity
from .judge import Busy, judge
from .series import wall


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    end: datetime


def _round_up(instant: datetime, step: timedelta) -> datetime:
    seconds = int(step.total_seconds())
    epoch = int(instant.timestamp())
    rounded = -(-epoch // seconds) * seconds
    return instant + timedelta(seconds=rounded - epoch) - timedelta(microseconds=instant.microsecond)


class FreeSlots:
    """Where a booking would fit."""

    def __init__(self, ctx: Context, booker: Booker) -> None:
        self.ctx = ctx
        self.booker = booker

    def find(self, draft: SessionDraft, *, until: datetime, count: int = 5,
             step: timedelta = timedelta(minutes=15),
             hours: tuple[time, time] = policy.OPENING_HOURS) -> list[Slot]:
        """The next ``count`` starts from ``draft.start`` on that fit mentor, students, room,
        availability and closures; ``hours`` bound the day where no availability is set."""
        draft = rules.validate_session(draft)
        length = draft.end - draft.start
        tz = ZoneInfo(draft.tz)
        with self.ctx.read() as uow:
            require(uow.actor, Action.BOOK, mentor=draft.mentor)
            probe = replace(draft, end=until + length)
            refs = self.booker.resolve(uow, [probe])
            busy = Busy(uow.sessions.overlapping(draft.start, until + length,
                                                 people=(draft.mentor, *draft.students),
                                                 rooms=[draft.room] if draft.room else []))
        if capacity(draft, refs.rooms.get(draft.room or "")):
            return []  # too many for the room or the session: no time fits
        windows = refs.availability.get(draft.mentor, [])
        found: list[Slot] = []
        start = _round_up(draft.start, step)
        while start < until and len(found) < count:
            end = start + length
            begins, ends = wall(start, tz), wall(end, tz)
            in_hours = windows or (hours[0] <= begins.time() and ends.date() == begins.date()
                                   and ends.time() <= hours[1])
            if in_hours and not judge(replace(draft, start=start, end=end),
                                      busy.around(start, end), refs):
                found.append(Slot(start, end))
            start += step
        return found
