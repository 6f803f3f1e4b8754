"""Finding free slots: the next starts at which a booking would meet no conflict, judged by
the same rule as a booking (:func:`~sessionsctl.core.schedule.judge.judge`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..access import Action, require
from ..domain import policy, rules
from ..domain.timeutil import localize
from .conflicts import capacity
from .judge import Busy, judge
from .series import wall

if TYPE_CHECKING:
    from ..context import Context
    from ..domain.drafts import SessionDraft
    from ..domain.model import Room
    from .booker import Booker


@dataclass(frozen=True, slots=True)
class Slot:
    """A time that fits: ``room`` is set when the room asked for is taken then and this
    other room (big enough, free) is offered with it."""

    start: datetime
    end: datetime
    room: str | None = None


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
        """Up to ``count`` times that fit mentor, students, room, availability and closures,
        from the start of ``draft``'s day (earlier that day too, never in the past) to
        ``until``, in time order. Each stretch of free time is offered once (not 15:00,
        15:15, 15:30...): at the time asked for, or the first start after it, on that day or
        at that time of day on another, when the stretch holds one, else at its start.
        Where only the room is taken, another free room big enough is offered. ``hours``
        bound the day where the mentor has no availability set."""
        draft = rules.validate_session(draft)
        length = draft.end - draft.start
        tz = ZoneInfo(draft.tz)
        day = datetime.combine(wall(draft.start, tz).date(), time())
        first = max(localize(day, tz), self.ctx.clock())
        with self.ctx.read() as uow:
            require(uow.actor, Action.BOOK, mentor=draft.mentor)
            probe = replace(draft, end=until + length)
            refs = self.booker.resolve(uow, [probe])
            rooms = _other_rooms(draft, uow.rooms.all()) if draft.room else []
            busy = Busy(uow.sessions.overlapping(
                first, until + length, people=(draft.mentor, *draft.students),
                rooms=[draft.room, *(r.name for r in rooms)] if draft.room else []))
        if capacity(draft, refs.rooms.get(draft.room or "")):
            return []  # too many for the room or the session: no time fits
        refs = replace(refs, rooms={**refs.rooms, **{r.name: r for r in rooms}})
        windows = refs.availability.get(draft.mentor, [])
        dated_days = {w.day for w in refs.dated.get(draft.mentor, [])}  # their own hours

        def fits(start: datetime) -> Slot | None:
            end = start + length
            begins, ends = wall(start, tz), wall(end, tz)
            if not windows and begins.date() not in dated_days \
                    and not (hours[0] <= begins.time() and ends.date() == begins.date()
                             and ends.time() <= hours[1]):
                return None
            moved = replace(draft, start=start, end=end)
            around = busy.around(start, end)
            found = judge(moved, around, refs)
            if not found:
                return Slot(start, end)
            if draft.room and {c.kind for c in found} == {"room"}:
                for room in rooms:  # only the room is taken: the first other room free then
                    if not judge(replace(moved, room=room.name), around, refs):
                        return Slot(start, end, room.name)
            return None

        asked = wall(draft.start, tz).time()

        def preferred(slot: Slot) -> bool:
            """At or after the time asked for, and at that time of day or later."""
            return slot.start >= draft.start and wall(slot.start, tz).time() >= asked

        return _stretches(fits, _round_up(first, step), until, step, preferred, count)


def _other_rooms(draft: SessionDraft, rooms: list[Room]) -> list[Room]:
    """The rooms but the one asked for that seat everyone, smallest first (a big hall is
    kept for when it is needed)."""
    seats = len(draft.students)  # a room's capacity counts students (conflicts.capacity)
    return sorted((r for r in rooms if r.name != draft.room
                   and (r.capacity is None or r.capacity >= seats)),
                  key=lambda r: (r.capacity is None, r.capacity or 0, r.name))


def _stretches(fits: Callable[[datetime], Slot | None], start: datetime, until: datetime,
               step: timedelta, preferred: Callable[[Slot], bool], count: int) -> list[Slot]:
    """One slot per stretch of consecutive fitting starts (in the same room): its first
    ``preferred`` one when it has one, else its first."""
    found: list[Slot] = []
    current: Slot | None = None  # the stretch being walked: its slot offered so far
    while start < until and len(found) < count:
        slot = fits(start)
        if slot is None or current is None or slot.room != current.room:
            if current is not None:
                found.append(current)
            current = slot
        elif not preferred(current) and preferred(slot):
            current = slot
        start += step
    if current is not None and len(found) < count:
        found.append(current)
    return found
