"""Sessions: reading (one, a query, a stream, by UID), writing, and the overlap search the
conflict judge runs inside the writing transaction (implements core's ``SessionRepo``)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, and_, case, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from ...core.domain.errors import NotFound, NotPermitted
from ...core.domain.model import Person, Session, SessionStatus
from ...core.domain.rules import MAX_SESSION_LENGTH
from .. import clock
from ..schema import room_table, session_student_table, session_table, subject_table
from . import bulk, session_writes
from .lookup import CHUNK, Lookup
from .session_reads import (
    SESSION_SELECT,
    SessionReader,
    matching,
    ordering,
    paid_as,
    private_select,
    visible_to,
)

if TYPE_CHECKING:
    from ...core.domain.drafts import Row, SessionQuery

_MAX_ID = 2**31  # ids are 32-bit integers on PostgreSQL
# Sessions are streamed a fortnight at a time: a few thousand rows at the busiest, whatever
# the size of the database, so an export's memory does not grow with it.
_WINDOW = timedelta(days=14)
_UID_CHUNK = 1000
_BATCH_CHUNK = 500


class SqlSessions:
    def __init__(self, db: Connection, actor: Person | None, lookup: Lookup, *,
                 private: bool = False) -> None:
        self.db = db
        self.actor = actor
        self.lookup = lookup
        self.reader = SessionReader(db, lookup)
        # A connection that may not read sessions' private columns (PostgreSQL's student
        # group) reads them through the function that hands them to those taking part.
        self.private = private
        self.select = private_select() if private else SESSION_SELECT

    # ------------------------------------------------------------------------ reading
    def get(self, session_id: int) -> Session | None:
        if not 0 < session_id < _MAX_ID:
            return None  # no such row; the database would refuse to compare with it
        found = self.reader.load(self.select.where(session_table.c.id == session_id))
        return found[0] if found else None

    def find(self, query: SessionQuery) -> list[Session]:
        stmt = self.select
        if query.start is not None:
            # Bounding the start from below keeps this a range scan of the start index.
            stmt = stmt.where(session_table.c.end_at > query.start,
                              session_table.c.start_at > query.start - MAX_SESSION_LENGTH)
        if query.end is not None:
            stmt = stmt.where(session_table.c.start_at < query.end)
        # A person, room or subject that does not exist has no sessions.
        if query.mentor is not None:
            mentor_id = self.lookup.person_id_or_none(query.mentor)
            if mentor_id is None:
                return []
            stmt = stmt.where(session_table.c.mentor_id == mentor_id)
        if query.student is not None:
            if self.lookup.person_id_or_none(query.student) is None:
                return []
            stmt = stmt.where(session_table.c.id.in_(self._student_sessions(query.student, query)))
        for table, column, name in ((room_table, session_table.c.room_id, query.room),
                                    (subject_table, session_table.c.subject_id, query.subject)):
            if name is not None:
                try:
                    stmt = stmt.where(column == self.lookup.named_id(table, name))
                except NotFound:
                    return []
        if query.statuses:
            stmt = stmt.where(session_table.c.status.in_([s.value for s in query.statuses]))
        if query.payments:
            stmt = stmt.where(paid_as([p.value for p in query.payments]))
        if query.types:
            stmt = stmt.where(session_table.c.type.in_([t.value for t in query.types]))
        if query.ids:
            stmt = stmt.where(session_table.c.id.in_(query.ids))
        if query.series_id is not None:
            stmt = stmt.where(session_table.c.series_id == query.series_id)
        if query.search:
            stmt = stmt.where(matching(query.search, notes=not self.private))
        if query.visible_to is not None:
            stmt = stmt.where(visible_to(self.lookup.person_id_or_none(query.visible_to)))
        stmt = stmt.order_by(*ordering(query.order, query.descending))
        if query.limit is not None:
            stmt = stmt.limit(query.limit)
        if query.offset:
            stmt = stmt.offset(query.offset)
        return self.reader.load(stmt)

    def _student_sessions(self, email: str, query: SessionQuery) -> Select[Any]:
        sub = select(session_student_table.c.session_id).where(
            session_student_table.c.student_id == self.lookup.person_id_or_none(email))
        if query.start is not None:
            sub = sub.where(session_student_table.c.start_at > query.start - MAX_SESSION_LENGTH,
                            session_student_table.c.end_at > query.start)
        if query.end is not None:
            sub = sub.where(session_student_table.c.start_at < query.end)
        return sub

    def span(self) -> tuple[datetime, datetime] | None:
        """The first and the last start of any session, or None for an empty database."""
        first, last = self.db.execute(
            select(func.min(session_table.c.start_at), func.max(session_table.c.start_at))).one()
        if first is None:
            return None
        return _aware(first), _aware(last)

    def zones(self) -> list[str]:
        """Every zone any session was booked in."""
        return sorted(self.db.execute(select(session_table.c.tz).distinct()).scalars())

    def stream(self, query: SessionQuery) -> Iterator[Session]:
        """The sessions of ``query`` in start order, read window by window (constant memory).

        Each window is an ordinary :meth:`find` query over a fortnight (so every filter
        means what it means there); a session is given by the window its start falls in.
        """
        span = self.span()
        if span is None:
            return
        lo = query.start if query.start is not None else span[0]
        stop = min(query.end, span[1] + timedelta(seconds=1)) if query.end is not None \
            else span[1] + timedelta(seconds=1)
        first = True
        while lo < stop:
            hi = min(lo + _WINDOW, stop)
            for session in self.find(replace(query, start=lo, end=hi)):
                if first or session.start >= lo:
                    yield session
            first = False
            lo = hi

    def by_uid(self, uids: Iterable[str]) -> list[Session]:
        """Every stored session with one of these iCalendar UIDs (one-offs and occurrences)."""
        wanted = sorted(set(uids))
        found: list[Session] = []
        for i in range(0, len(wanted), _UID_CHUNK):
            stmt = self.select.where(session_table.c.uid.in_(wanted[i:i + _UID_CHUNK])) \
                .order_by(session_table.c.start_at, session_table.c.id)
            found.extend(self.reader.load(stmt))
        return found

    def of_series(self, series_ids: Sequence[int]) -> list[Session]:
        """Every stored occurrence of these series, in start order."""
        found: list[Session] = []
        wanted = sorted(set(series_ids))
        for i in range(0, len(wanted), _UID_CHUNK):
            stmt = self.select.where(session_table.c.series_id.in_(wanted[i:i + _UID_CHUNK]))
            found.extend(self.reader.load(stmt.order_by(session_table.c.start_at, session_table.c.id)))
        return found

    def at(self, uid: str, start: datetime) -> Session | None:
        """The occurrence of the series or one-off ``uid`` that starts at ``start``."""
        found = self.db.execute(select(session_table.c.id).where(
            session_table.c.uid == uid, session_table.c.start_at == start)).scalar_one_or_none()
        return None if found is None else self.get(found)

    # ------------------------------------------------------------------------ writing
    def insert(self, rows: Sequence[Row]) -> list[Session]:
        """Write the rows (a booking's few); the sessions come back built from what was
        written (no re-read). Each is one INSERT … RETURNING its id: the shortest
        transaction, as two terminals booking at once race through it."""
        if not rows:
            return []
        self._known(rows)
        now = clock.now()
        written = self.db.execute(
            insert(session_table).returning(session_table.c.id, session_table.c.uid,
                                            session_table.c.recurrence_id),
            [session_writes.values(self.lookup, self.actor, r, now) for r in rows]).all()
        ids = {(w.uid, w.recurrence_id): w.id for w in written}
        links = [s for r in rows
                 for s in session_writes.student_rows(self.lookup, ids[r.uid, r.recurrence_id], r)]
        if links:
            self.db.execute(insert(session_student_table), links)
        actor = self.actor.email if self.actor else None
        return [session_writes.written(ids[r.uid, r.recurrence_id], r, actor, now) for r in rows]

    def add(self, rows: Sequence[Row]) -> list[int]:
        """Write the rows (an import's many) and their students' links, their ids taken first
        (:func:`.bulk.new_ids`), in one ``executemany`` per table; only the ids come back,
        in order."""
        if not rows:
            return []
        self._known(rows)
        now = clock.now()
        lookup = self.lookup
        ids = bulk.new_ids(self.db, session_table, len(rows))
        actor_id = self.actor.id if self.actor else None
        fields = session_writes.fields
        bulk.insert_rows(self.db, session_table, ("id", *session_writes.COLUMNS),
                         [(i, *fields(lookup, actor_id, r, now))
                          for i, r in zip(ids, rows, strict=True)])
        links = session_writes.links
        bulk.insert_rows(self.db, session_student_table, session_writes.LINK_COLUMNS,
                         [link for i, r in zip(ids, rows, strict=True)
                          for link in links(lookup, i, r)])
        return ids

    def _known(self, rows: Sequence[Row]) -> None:
        """The ids of everyone the rows name, read in one query for those not known yet."""
        unknown = self.lookup.unknown(e for r in rows for e in (r.draft.mentor, *r.draft.students))
        if unknown:
            self.lookup.people_by_email(unknown)

    def update(self, session_id: int, row: Row) -> None:
        values = session_writes.values(self.lookup, self.actor, row, clock.now())
        for kept in ("created_by_id", "created_at"):
            del values[kept]
        self.db.execute(update(session_table).where(session_table.c.id == session_id).values(values))
        self.db.execute(session_student_table.delete()
                        .where(session_student_table.c.session_id == session_id))
        links = session_writes.student_rows(self.lookup, session_id, row)
        if links:
            self.db.execute(insert(session_student_table), links)

    def hold(self, session_id: int) -> None:
        """Lock the session's row until the transaction ends, so changes to its roster are
        made one after another (PostgreSQL; a SQLite writer holds the whole database)."""
        if self.db.dialect.name == "postgresql" and 0 < session_id < _MAX_ID:
            if self.private:  # a student's login may not lock rows: the function does
                self.db.execute(select(func.sessionsctl_hold(session_id)))
                return
            self.db.execute(select(session_table.c.id).where(session_table.c.id == session_id)
                            .with_for_update())

    def add_students(self, session_id: int, students: Sequence[str], *,
                     forced: bool = False) -> None:
        """Put students on a session (its interval and whether cancelled copied to each
        link; ``forced``: booked over a clash); nothing else about it changes. A student's
        login takes its own seat through ``sessionsctl_take_seat`` (:mod:`.access_self`)."""
        if self.private:
            self._own_seat(session_id, students, "sessionsctl_take_seat")
            return
        start, end, status = self.db.execute(
            select(session_table.c.start_at, session_table.c.end_at, session_table.c.status)
            .where(session_table.c.id == session_id)).one()
        unknown = self.lookup.unknown(students)
        if unknown:
            self.lookup.people_by_email(unknown)
        self.db.execute(insert(session_student_table), [
            {"session_id": session_id, "student_id": self.lookup.person_id(e),
             "start_at": start, "end_at": end, "cancelled": status == "cancelled",
             "forced": forced} for e in students])
        self._touched(session_id)

    def _touched(self, session_id: int) -> None:
        self.db.execute(update(session_table).where(session_table.c.id == session_id).values(
            sequence=session_table.c.sequence + 1, modified_at=clock.now(),
            modified_by_id=self.actor.id if self.actor else None))

    def _own_seat(self, session_id: int, students: Sequence[str], function: str) -> None:
        if self.actor is None or list(students) != [self.actor.email]:
            raise NotPermitted("a student's login changes its own seat alone")
        self.db.execute(select(getattr(func, function)(session_id)))

    def drop_student(self, session_id: int, student: str) -> None:
        if self.private:
            self._own_seat(session_id, [student], "sessionsctl_leave")
            return
        self.db.execute(session_student_table.delete().where(
            session_student_table.c.session_id == session_id,
            session_student_table.c.student_id == self.lookup.person_id(student)))
        self._touched(session_id)

    def append_note(self, session_id: int, line: str) -> None:
        """Add ``line`` to the session's notes in one statement (a note another terminal
        added meanwhile is kept)."""
        notes = session_table.c.notes
        self.db.execute(update(session_table).where(session_table.c.id == session_id).values(
            notes=case((or_(notes.is_(None), notes == ""), line),
                       else_=notes + "\n" + line),
            modified_at=clock.now(), modified_by_id=self.actor.id if self.actor else None))

    def set_status(self, session_id: int, status: SessionStatus, *,
                   cancel_reason: str | None = None) -> None:
        values: dict[str, Any] = {
            "status": status.value, "modified_at": clock.now(),
            "modified_by_id": self.actor.id if self.actor else None,
            "sequence": session_table.c.sequence + 1,
        }
        # A session reinstated (cancelled -> scheduled) keeps no reason for a cancellation.
        values["cancel_reason"] = cancel_reason if status is SessionStatus.CANCELLED else None
        # When it was cancelled (a late cancellation is billed); who cancelled is set after.
        values["cancelled_at"] = values["modified_at"] if status is SessionStatus.CANCELLED \
            else None
        values["cancelled_by"] = None
        self.db.execute(update(session_table).where(session_table.c.id == session_id).values(values))
        self.db.execute(update(session_student_table)
                        .where(session_student_table.c.session_id == session_id)
                        .values(cancelled=status is SessionStatus.CANCELLED))

    def set_course(self, session_ids: Sequence[int], course_id: int | None,
                   batch_id: int | None) -> int:
        """Put these sessions in course ``course_id`` and its batch ``batch_id`` (None: in
        none); how many changed."""
        changed = 0
        for chunk in range(0, len(session_ids), _BATCH_CHUNK):
            changed += self.db.execute(
                update(session_table)
                .where(session_table.c.id.in_(session_ids[chunk:chunk + _BATCH_CHUNK]))
                .values(course_id=course_id, batch_id=batch_id)).rowcount
        return changed

    def delete(self, session_ids: Sequence[int]) -> None:
        ids = list(session_ids)
        for i in range(0, len(ids), CHUNK):
            self.db.execute(delete(session_table).where(session_table.c.id.in_(ids[i:i + CHUNK])))

    # --------------------------------------------------------------------- conflicts
    def overlapping(self, start: datetime, end: datetime, *, people: Iterable[str],
                    rooms: Iterable[str], exclude: Iterable[int] = (),
                    within: Sequence[tuple[datetime, datetime]] | None = None) -> list[Session]:
        """Live sessions overlapping ``[start, end)`` with any of these people (as mentor or
        student) or rooms; with ``within``, only those overlapping one of those intervals.

        Each part is one range scan of ids and times: ``(mentor_id, start_at)``,
        ``(room_id, start_at)``, ``(student_id, start_at)``, bounded below by the longest a
        session may last. Only the sessions that remain are loaded in full.
        """
        low = start - MAX_SESSION_LENGTH
        live = and_(session_table.c.start_at < end, session_table.c.start_at > low,
                    session_table.c.end_at > start, session_table.c.status != "cancelled")
        spans: dict[int, tuple[datetime, datetime]] = {}
        # A person is booked once at a time whatever their part: each is looked for both as
        # a mentor and as a student (core.conflicts.clashes).
        person_ids = [i for i in (self.lookup.person_id_or_none(e) for e in set(people))
                      if i is not None]
        room_ids = [i for i in (self.lookup.room_id_or_none(r) for r in set(rooms))
                    if i is not None]
        queries = []
        if person_ids:
            queries.append(select(session_table.c.id, session_table.c.start_at, session_table.c.end_at)
                           .where(session_table.c.mentor_id.in_(person_ids), live))
            queries.append(select(session_student_table.c.session_id, session_student_table.c.start_at,
                                  session_student_table.c.end_at).where(
                session_student_table.c.student_id.in_(person_ids),
                session_student_table.c.start_at < end, session_student_table.c.start_at > low,
                session_student_table.c.end_at > start, session_student_table.c.cancelled.is_(False)))
        if room_ids:
            queries.append(select(session_table.c.id, session_table.c.start_at, session_table.c.end_at)
                           .where(session_table.c.room_id.in_(room_ids), live))
        for query in queries:
            spans.update((i, (a, b)) for i, a, b in self.db.execute(query))
        for session_id in exclude:
            spans.pop(session_id, None)
        if within is not None:
            spans = {i: ab for i, ab in spans.items() if _meets(ab, within)}
        if not spans:
            return []
        return self.reader.load(self.select.where(session_table.c.id.in_(sorted(spans)))
                                .order_by(session_table.c.start_at, session_table.c.id))


def _meets(span: tuple[datetime, datetime], intervals: Sequence[tuple[datetime, datetime]]) -> bool:
    """Whether ``span`` overlaps one of ``intervals`` (sorted by start, none longer than a
    session may last)."""
    start, end = span
    first = bisect_left(intervals, (start - MAX_SESSION_LENGTH,))
    return any(a < end and start < b for a, b in intervals[first:bisect_left(intervals, (end,))])


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
