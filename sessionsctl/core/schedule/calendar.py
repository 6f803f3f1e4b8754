"""The centre's calendar: terms, closure days, and each mentor's weekly availability and
time off: what series are bounded by and bookings are judged against."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..access import Action, require
from ..domain import rules
from ..domain.drafts import SessionQuery
from ..domain.errors import InvalidInput, NotFound
from ..domain.model import (
    Availability,
    Closure,
    DatedWindow,
    Session,
    SessionStatus,
    Term,
    TimeOff,
)
from ..domain.serialize import record
from ..domain.timeutil import localize, zone
from ..names import Names
from . import bound
from .availability import outside_availability
from .booking import draft_of

if TYPE_CHECKING:
    from ..context import Context
    from ..storage import UnitOfWork


class CentreCalendar:
    """Terms, closures, availability and time off."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def add_term(self, name: str, starts_on: date, ends_on: date) -> Term:
        name = rules.name(name)
        if ends_on < starts_on:
            raise InvalidInput("must not be before --from", field="to")
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_TERMS)
            if uow.calendar.term(name) is not None:
                raise InvalidInput(f"term {name!r} exists already", field="name")
            term = uow.calendar.add_term(name, starts_on, ends_on)
            uow.audit.record("add", "term", term.id, None, record(term))
            return term

    def term_named(self, name: str) -> Term:
        with self.ctx.read() as uow:
            term = uow.calendar.term(name)
        if term is None:
            raise NotFound("term", name)
        return term

    def list_terms(self) -> list[Term]:
        with self.ctx.read() as uow:
            return uow.calendar.terms()

    def add_closure(self, starts_on: date, ends_on: date, reason: str,
                    tz: ZoneInfo) -> tuple[Closure, list[Session]]:
        """Close the centre on these days; returns the live sessions that fall on them,
        for staff to move or cancel (they are not changed here)."""
        if ends_on < starts_on:
            raise InvalidInput("must not be before the first day", field="to")
        bound.closure(starts_on, ends_on)
        if not reason.strip():
            raise InvalidInput("must not be empty", field="reason")
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_CLOSURES)
            closure = uow.calendar.add_closure(starts_on, ends_on, reason.strip())
            uow.audit.record("add", "closure", closure.id, None, record(closure))
            start = localize(datetime.combine(starts_on, time()), tz) - timedelta(days=1)
            end = localize(datetime.combine(ends_on + timedelta(days=1), time()), tz) \
                + timedelta(days=1)
            live = uow.sessions.find(SessionQuery(start=start, end=end, statuses=(
                SessionStatus.SCHEDULED, SessionStatus.IN_PROGRESS)))
            hit = [s for s in live if closure.covers(s.start.astimezone(ZoneInfo(s.tz)).date())]
            return closure, hit

    def remove_term(self, name: str) -> Term:
        """Remove a term (series booked within it keep their dates)."""
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_TERMS)
            term = uow.calendar.term(name.strip())
            if term is None:
                raise NotFound("term", name, [t.name for t in uow.calendar.terms()])
            uow.calendar.remove_term(term.id)
            uow.audit.record("remove", "term", term.id, record(term), None)
            return term

    def remove_closure(self, day: date, closure_id: int | None = None) -> list[Closure]:
        """Open the centre again on ``day``: the closure that covers it is removed (all its
        days); where several do, the one ``closure_id`` names (refused without it)."""
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_CLOSURES)
            found = [c for c in uow.calendar.closures(day, day) if c.covers(day)
                     and closure_id in (None, c.id)]
            if not found:
                raise NotFound("closure on", day.isoformat() + (
                    f" with id {closure_id}" if closure_id is not None else ""))
            if len(found) > 1:
                named = "; ".join(f"#{c.id} {c.starts_on} to {c.ends_on} ({c.reason})"
                                  for c in found)
                raise InvalidInput(f"{len(found)} closures cover {day}: {named}; say which "
                                   "with --id", field="id")
            for closure in found:
                uow.calendar.remove_closure(closure.id)
                uow.audit.record("remove", "closure", closure.id, record(closure), None)
            return found

    def list_closures(self) -> list[Closure]:
        with self.ctx.read() as uow:
            return uow.calendar.closures()

    # ---------------------------------------------------------------- availability
    def set_availability(self, mentor: str, weekday: int,
                         windows: list[tuple[time, time]], tz: str) -> list[Availability]:
        """Replace the mentor's (by email or name) windows on one weekday (an empty list
        clears the day)."""
        zone(tz, field="tz")
        for start, end in windows:
            if end <= start:
                raise InvalidInput("must be after --from", field="to")
        with self.ctx.write() as uow:
            person = Names(uow).person(mentor, "mentor")
            mentor = person.email
            items = [Availability(mentor, weekday, s, e, tz) for s, e in windows]
            require(uow.actor, Action.SET_AVAILABILITY, mentor=mentor)
            uow.calendar.set_availability(mentor, weekday, items)
            uow.audit.record("availability", "person", person.id, None, record(items))
            return uow.calendar.availability([mentor]).get(mentor, [])

    def availability_of(self, mentor: str) -> list[Availability]:
        with self.ctx.read() as uow:
            mentor = Names(uow).person(mentor, "mentor").email
            return uow.calendar.availability([mentor]).get(mentor, [])

    # ------------------------------------------------------------- dated availability
    def add_dated(self, mentor: str, first: date, last: date, start: time, end: time,
                  tz: str) -> tuple[list[DatedWindow], list[Session]]:
        """A window on each day ``first`` to ``last`` (those days then follow their dated
        windows, not the weekly pattern); the mentor's sessions those days now outside
        them (still booked: to reassign, move or cancel)."""
        if end <= start:
            raise InvalidInput("must be after --from", field="to")
        if last < first:
            raise InvalidInput("must not be before --on", field="until")
        if (last - first).days > 366:
            raise InvalidInput("a run of dated windows spans a year at most", field="until")
        zone(tz)
        with self.ctx.write() as uow:
            person = Names(uow).person(mentor, "mentor")
            require(uow.actor, Action.SET_AVAILABILITY, mentor=person.email)
            days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
            made = [DatedWindow(person.email, d, start, end, tz) for d in days]
            uow.calendar.add_dated(made)
            uow.audit.record("availability", "person", person.id, None,
                             {"dated": record(made)})
            return made, self._outside(uow, person.email, first, last)

    def remove_dated(self, mentor: str, first: date, last: date) -> tuple[int, list[Session]]:
        """Drop the dated windows of those days (they follow the weekly pattern again); how
        many went, and the sessions those days now outside the mentor's availability."""
        with self.ctx.write() as uow:
            person = Names(uow).person(mentor, "mentor")
            require(uow.actor, Action.SET_AVAILABILITY, mentor=person.email)
            before = uow.calendar.dated([person.email], first, last).get(person.email, [])
            gone = uow.calendar.remove_dated(person.email, first, last)
            if gone:
                uow.audit.record("availability", "person", person.id,
                                 {"dated": record(before)}, None)
            return gone, self._outside(uow, person.email, first, last)

    def dated_of(self, mentor: str, first: date, last: date) -> list[DatedWindow]:
        with self.ctx.read() as uow:
            person = Names(uow).person(mentor, "mentor")
            return uow.calendar.dated([person.email], first, last).get(person.email, [])

    def outside_after(self, mentor: str, first: date, last: date,
                      window: tuple[time, time, str] | None) -> list[Session]:
        """What :meth:`add_dated` (``window``: start, end, zone) or :meth:`remove_dated`
        (None) would leave outside the mentor's availability, nothing written: so the
        sessions can be handed on before the change, all or none."""
        with self.ctx.read() as uow:
            person = Names(uow).person(mentor, "mentor")
            require(uow.actor, Action.SET_AVAILABILITY, mentor=person.email)
            around = uow.calendar.dated([person.email], first - timedelta(days=1),
                                        last + timedelta(days=1)).get(person.email, [])
            kept = [w for w in around if not first <= w.day <= last]
            if window is not None:
                kept += [w for w in around if first <= w.day <= last]
                kept += [DatedWindow(person.email, first + timedelta(days=n), *window)
                         for n in range((last - first).days + 1)]
            return self._outside(uow, person.email, first, last, kept)

    @staticmethod
    def _outside(uow: UnitOfWork, mentor: str, first: date, last: date,
                 dated: list[DatedWindow] | None = None) -> list[Session]:
        """The mentor's scheduled sessions on the days ``first`` to ``last`` (in their own
        zone) that their availability (with ``dated`` windows, else those stored) does not
        cover."""
        start = datetime.combine(first - timedelta(days=1), time(), UTC)
        end = datetime.combine(last + timedelta(days=2), time(), UTC)
        weekly = uow.calendar.availability([mentor]).get(mentor, [])
        if dated is None:
            dated = uow.calendar.dated([mentor], first - timedelta(days=1),
                                       last + timedelta(days=1)).get(mentor, [])
        return [s for s in uow.sessions.find(SessionQuery(start=start, end=end, mentor=mentor,
                                                          statuses=(SessionStatus.SCHEDULED,)))
                if first <= s.start.astimezone(ZoneInfo(s.tz)).date() <= last
                and any(c.kind == "availability" for c in outside_availability(
                    draft_of(s), weekly, (), dated=dated))]

    def booked_in(self, mentor: str, start: datetime, end: datetime) -> list[Session]:
        """The mentor's scheduled sessions overlapping ``[start, end)``: what time off there
        would leave without its mentor (to move, reassign or cancel)."""
        with self.ctx.read() as uow:
            person = Names(uow).person(mentor, "mentor")
            require(uow.actor, Action.SET_AVAILABILITY, mentor=person.email)
            return uow.sessions.find(SessionQuery(start=start, end=end, mentor=person.email,
                                                  statuses=(SessionStatus.SCHEDULED,)))

    def add_time_off(self, mentor: str, start: datetime, end: datetime,
                     reason: str | None) -> TimeOff:
        if end <= start:
            raise InvalidInput("must be after --from", field="to")
        with self.ctx.write() as uow:
            person = Names(uow).person(mentor, "mentor")
            item = TimeOff(person.email, start, end, reason)
            require(uow.actor, Action.SET_AVAILABILITY, mentor=person.email)
            uow.calendar.add_time_off(item)
            uow.audit.record("time_off", "person", person.id, None, record(item))
            return item
