"""The calendar: terms, closures, mentors' availability and time off (implements core's
``CalendarRepo``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from ...core.domain.model import Availability, Closure, DatedWindow, Term, TimeOff
from .. import clock
from ..schema import (
    availability_table,
    closure_table,
    person_table,
    setting_table,
    term_table,
    time_off_table,
)
from ..schema_availability import dated_window_table

if TYPE_CHECKING:
    from .lookup import Lookup

_LOCK = "calendar_lock_before"  # the settings key of the calendar lock


class SqlCalendar:
    def __init__(self, db: Connection, lookup: Lookup) -> None:
        self.db = db
        self.lookup = lookup

    # -------------------------------------------------------------- terms and closures
    def add_term(self, name: str, starts_on: date, ends_on: date) -> Term:
        new_id = self.db.execute(insert(term_table).returning(term_table.c.id), {
            "name": name, "starts_on": starts_on, "ends_on": ends_on}).scalar_one()
        return Term(new_id, name, starts_on, ends_on)

    def term(self, name: str) -> Term | None:
        row = self.db.execute(select(term_table).where(term_table.c.name == name)).first()
        return Term(row.id, row.name, row.starts_on, row.ends_on) if row else None

    def terms(self) -> list[Term]:
        rows = self.db.execute(select(term_table).order_by(term_table.c.starts_on))
        return [Term(r.id, r.name, r.starts_on, r.ends_on) for r in rows]

    def remove_term(self, term_id: int) -> None:
        self.db.execute(delete(term_table).where(term_table.c.id == term_id))

    def remove_closure(self, closure_id: int) -> None:
        self.db.execute(delete(closure_table).where(closure_table.c.id == closure_id))

    def add_closure(self, starts_on: date, ends_on: date, reason: str) -> Closure:
        new_id = self.db.execute(insert(closure_table).returning(closure_table.c.id), {
            "starts_on": starts_on, "ends_on": ends_on, "reason": reason,
            "created_at": clock.now()}).scalar_one()
        return Closure(new_id, starts_on, ends_on, reason)

    def closures(self, start: date | None = None, end: date | None = None) -> list[Closure]:
        query = select(closure_table).order_by(closure_table.c.starts_on)
        if start is not None:
            query = query.where(closure_table.c.ends_on >= start)
        if end is not None:
            query = query.where(closure_table.c.starts_on <= end)
        return [Closure(r.id, r.starts_on, r.ends_on, r.reason)
                for r in self.db.execute(query)]

    # -------------------------------------------------------- availability and time off
    def set_availability(self, mentor: str, weekday: int,
                         windows: Sequence[Availability]) -> None:
        person_id = self.lookup.person_id(mentor)
        self.db.execute(delete(availability_table).where(availability_table.c.person_id == person_id,
                                                         availability_table.c.weekday == weekday))
        if windows:
            self.db.execute(insert(availability_table), [
                {"person_id": person_id, "weekday": weekday, "tz": w.tz,
                 "start_time": w.start.strftime("%H:%M"), "end_time": w.end.strftime("%H:%M")}
                for w in windows])

    def add_dated(self, windows: Sequence[DatedWindow]) -> None:
        if windows:
            self.db.execute(insert(dated_window_table), [
                {"person_id": self.lookup.person_id(w.mentor), "day": w.day, "tz": w.tz,
                 "start_time": w.start.strftime("%H:%M"), "end_time": w.end.strftime("%H:%M")}
                for w in windows])

    def dated(self, mentors: Iterable[str], first: date,
              last: date) -> dict[str, list[DatedWindow]]:
        ids = self._ids(mentors)
        found: dict[str, list[DatedWindow]] = defaultdict(list)
        if not ids:
            return found
        rows = self.db.execute(
            select(dated_window_table, person_table.c.email)
            .join(person_table, person_table.c.id == dated_window_table.c.person_id)
            .where(dated_window_table.c.person_id.in_(ids), dated_window_table.c.day >= first,
                   dated_window_table.c.day <= last)
            .order_by(dated_window_table.c.day, dated_window_table.c.start_time))
        for r in rows:
            found[r.email].append(DatedWindow(r.email, r.day, time.fromisoformat(r.start_time),
                                              time.fromisoformat(r.end_time), r.tz))
        return found

    def remove_dated(self, mentor: str, first: date, last: date) -> int:
        return self.db.execute(delete(dated_window_table).where(
            dated_window_table.c.person_id == self.lookup.person_id(mentor),
            dated_window_table.c.day >= first, dated_window_table.c.day <= last)).rowcount

    def _ids(self, mentors: Iterable[str]) -> list[int]:
        """The ids of the mentors that are registered (an unknown one has nothing stored)."""
        return [i for i in (self.lookup.person_id_or_none(m) for m in mentors) if i is not None]

    def availability(self, mentors: Iterable[str]) -> dict[str, list[Availability]]:
        ids = self._ids(mentors)
        found: dict[str, list[Availability]] = defaultdict(list)
        if not ids:
            return found
        rows = self.db.execute(
            select(availability_table, person_table.c.email)
            .join(person_table, person_table.c.id == availability_table.c.person_id)
            .where(availability_table.c.person_id.in_(ids))
            .order_by(availability_table.c.weekday, availability_table.c.start_time))
        for a in rows:
            found[a.email].append(Availability(a.email, a.weekday,
                                               time.fromisoformat(a.start_time),
                                               time.fromisoformat(a.end_time), a.tz))
        return found

    def add_time_off(self, item: TimeOff) -> None:
        self.db.execute(insert(time_off_table), {
            "person_id": self.lookup.person_id(item.mentor), "start_at": item.start,
            "end_at": item.end, "reason": item.reason})

    def time_off(self, mentors: Iterable[str], start: datetime,
                 end: datetime) -> dict[str, list[TimeOff]]:
        ids = self._ids(mentors)
        found: dict[str, list[TimeOff]] = defaultdict(list)
        if not ids:
            return found
        rows = self.db.execute(
            select(time_off_table, person_table.c.email)
            .join(person_table, person_table.c.id == time_off_table.c.person_id)
            .where(time_off_table.c.person_id.in_(ids), time_off_table.c.start_at < end,
                   time_off_table.c.end_at > start)
            .order_by(time_off_table.c.start_at))
        for t in rows:
            found[t.email].append(TimeOff(t.email, t.start_at, t.end_at, t.reason))
        return found

    # ------------------------------------------------------------------ the calendar lock
    def lock(self) -> date | None:
        value = self.db.execute(select(setting_table.c.value)
                                .where(setting_table.c.key == _LOCK)).scalar_one_or_none()
        return date.fromisoformat(value) if value else None

    def set_lock(self, before: date | None) -> None:
        self.db.execute(delete(setting_table).where(setting_table.c.key == _LOCK))
        if before is not None:
            self.db.execute(insert(setting_table).values(key=_LOCK, value=before.isoformat()))
