"""One transaction over the tables, handing back core values (never ORM objects)."""

from __future__ import annotations

import gc
import getpass
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from ..core.domain.drafts import Row, SessionDraft, SessionOrder, SessionQuery
from ..core.domain.errors import NotFound
from ..core.domain.model import (
    Attendance,
    AttendanceStatus,
    Availability,
    Closure,
    Feedback,
    Material,
    MaterialType,
    PaymentStatus,
    Person,
    Role,
    Room,
    Series,
    Session,
    SessionStatus,
    SessionType,
    Subject,
    Term,
    TimeOff,
)
from ..core.domain.rules import MAX_SESSION_LENGTH
from .exchange import ExchangeQueries
from .marks import has_any_mark, with_marks
from .outbox import OutboxQueries
from .reports import ReportQueries
from .schema import (
    AttendanceRow,
    AuditRow,
    AvailabilityRow,
    ClosureRow,
    FeedbackRow,
    MaterialRow,
    PersonRow,
    RoomRow,
    SeriesRow,
    SessionRow,
    SessionStudentRow,
    SubjectRow,
    TermRow,
    TimeOffRow,
)
from .types import read_instant

_CHUNK = 5000
_STATUSES = {s.value: s for s in SessionStatus}
_TYPES = {t.value: t for t in SessionType}
_PAYMENTS = {p.value: p for p in PaymentStatus}
_MAX_ID = 2**31  # ids are 32-bit integers on PostgreSQL
# The session row alone, no joins: people, rooms and subjects are named afterwards from their
# ids in one query each (a month of sessions names a few hundred distinct ones), so the row
# scan stays a plain range scan of the start index. In the order of Session's fields (the
# students last), which ``_load`` builds positionally.
_SESSION_COLUMNS = (
    SessionRow.id, SessionRow.uid, SessionRow.title, SessionRow.mentor_id,
    SessionRow.start_at, SessionRow.end_at, SessionRow.tz, SessionRow.status,
    SessionRow.type, SessionRow.room_id, SessionRow.subject_id, SessionRow.description,
    SessionRow.location, SessionRow.meeting_link, SessionRow.meeting_id,
    SessionRow.meeting_passcode, SessionRow.max_participants, SessionRow.notes, SessionRow.cost,
    SessionRow.payment_status, SessionRow.series_id, SessionRow.recurrence_id,
    SessionRow.batch_id, SessionRow.cancel_reason, SessionRow.force_reason, SessionRow.sequence,
    SessionRow.created_by_id, SessionRow.created_at, SessionRow.modified_by_id,
    SessionRow.modified_at,
    # Each session's student ids as one text ("3,17"): a primary-key probe per row, where a
    # second query would hand back a row object per student.
    select(func.aggregate_strings(cast(SessionStudentRow.student_id, String), ","))
    .where(SessionStudentRow.session_id == SessionRow.id).scalar_subquery().label("students"),
)
_SESSION_FIELDS = ("id", "uid", "title", "mentor", "start", "end", "tz", "status", "type",
                   "students", "room", "subject", "description", "location", "link",
                   "meeting_id", "passcode", "max_participants", "notes", "cost",
                   "payment_status", "series_id", "recurrence_id", "batch_id", "cancel_reason",
                   "force_reason", "sequence", "created_by", "created_at", "modified_by",
                   "modified_at")
if tuple(f.name for f in fields(Session)) != _SESSION_FIELDS:
    raise ImportError("Session's fields changed: update _SESSION_COLUMNS and _load to match")


def _cost_reader(dialect: Any, coltype: Any) -> Any:
    """The cost column type's own reading of a raw value (SQLite's float to a Decimal), if any."""
    return SessionRow.cost.type.dialect_impl(dialect).result_processor(dialect, coltype)


def _matching(text: str) -> Any:
    """Sessions whose title, description, notes, location, mentor, room or subject contain
    ``text``, case-insensitively; the text is taken literally (LIKE's wildcards escaped)."""
    needle = "%{}%".format(re.sub(r"([\\%_])", r"\\\1", text.lower()))

    def like(column: Any) -> Any:
        return func.lower(column).like(needle, escape="\\")

    return or_(
        *(like(c) for c in (SessionRow.title, SessionRow.description, SessionRow.notes,
                            SessionRow.location)),
        SessionRow.mentor_id.in_(select(PersonRow.id).where(or_(like(PersonRow.name),
                                                                 like(PersonRow.email)))),
        SessionRow.room_id.in_(select(RoomRow.id).where(like(RoomRow.name))),
        SessionRow.subject_id.in_(select(SubjectRow.id).where(like(SubjectRow.name))),
    )


_STATUS_RANK = case({s.value: i for i, s in enumerate(SessionStatus)}, value=SessionRow.status)


def _name_of(table: Any, column: Any) -> Any:
    """The lower-cased name a session's id column points at ('' for none), for sorting."""
    return func.coalesce(select(func.lower(table.name)).where(table.id == column)
                         .scalar_subquery(), "")


def _students_key() -> list[Any]:
    """The students' order: by the first of their names (as lists show it), then how many."""
    link = SessionStudentRow
    first = (select(func.min(func.lower(PersonRow.name)))
             .join_from(link, PersonRow, PersonRow.id == link.student_id)
             .where(link.session_id == SessionRow.id).scalar_subquery())
    count = select(func.count()).where(link.session_id == SessionRow.id).scalar_subquery()
    return [func.coalesce(first, ""), count]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a listing builds its objects.

    A busy month allocates tens of thousands of tuples, datetimes and sessions, none of them
    in a cycle; left on, the collector walks them again and again as they pile up (a fifth of
    the listing's time at 100k sessions). Paused only if it was on, and restored on exit."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _ordering(order: SessionOrder, descending: bool) -> list[Any]:
    """ORDER BY for a listing: the chosen key, then start and id (so pages never overlap)."""
    keys: dict[str, Any] = {
        "title": func.lower(SessionRow.title),
        "mentor": _name_of(PersonRow, SessionRow.mentor_id),
        "subject": _name_of(SubjectRow, SessionRow.subject_id),
        "room": _name_of(RoomRow, SessionRow.room_id),
        "status": _STATUS_RANK,
    }
    columns = (_students_key() if order == "students"
               else [keys[order]] if order in keys else [])
    columns += [SessionRow.start_at, SessionRow.id]
    return [c.desc() for c in columns] if descending else columns


def _now() -> datetime:
    return datetime.now(UTC)


def _person(row: Any) -> Person:
    return Person(id=row.id, name=row.name, email=row.email, role=Role(row.role), tz=row.tz)


# Built once: statements are immutable, and building this one costs more than running it.
_SESSION_SELECT: Select[Any] = select(*_SESSION_COLUMNS)


def _session_select() -> Select[Any]:
    return _SESSION_SELECT


class SqlUnit(ExchangeQueries, OutboxQueries, ReportQueries):
    """The core UnitOfWork protocol inside one SQLAlchemy transaction."""

    def __init__(self, db: Connection, actor: str | None) -> None:
        self.db = db
        self._ids: dict[str, int] = {}  # person ids by email, as looked up in this unit
        self._emails: dict[int, str] = {}  # and the other way round
        self._named: dict[tuple[str, str], int] = {}  # room and subject ids by name
        self._audit: list[dict[str, Any]] = []
        self.actor: Person | None = None
        if actor:
            self.actor = self.person(actor)
            if self.actor is None:
                raise NotFound("person", actor)

    # ----------------------------------------------------------------- people and places
    def person(self, email: str) -> Person | None:
        row = self.db.execute(
            select(PersonRow.id, PersonRow.name, PersonRow.email, PersonRow.role, PersonRow.tz)
            .where(PersonRow.email == email.lower())).first()
        return _person(row) if row else None

    def people_by_email(self, emails: Iterable[str]) -> dict[str, Person]:
        wanted = sorted({e.lower() for e in emails})
        found: dict[str, Person] = {}
        for i in range(0, len(wanted), _CHUNK):
            rows = self.db.execute(
                select(PersonRow.id, PersonRow.name, PersonRow.email, PersonRow.role, PersonRow.tz)
                .where(PersonRow.email.in_(wanted[i:i + _CHUNK])))
            found.update((r.email, _person(r)) for r in rows)
        self._ids.update((email, p.id) for email, p in found.items())
        return found

    def add_person(self, name: str, email: str, role: Role, tz: str | None) -> Person:
        new_id = self.db.execute(insert(PersonRow).returning(PersonRow.id), {
            "name": name, "email": email, "role": role.value, "tz": tz, "created_at": _now(),
        }).scalar_one()
        return Person(id=new_id, name=name, email=email, role=role, tz=tz)

    def list_people(self, role: Role | None = None) -> list[Person]:
        query = select(PersonRow.id, PersonRow.name, PersonRow.email, PersonRow.role,
                       PersonRow.tz).order_by(PersonRow.name, PersonRow.email)
        if role is not None:
            query = query.where(PersonRow.role == role.value)
        return [_person(r) for r in self.db.execute(query)]

    def room(self, name: str) -> Room | None:
        row = self.db.execute(select(RoomRow.id, RoomRow.name, RoomRow.capacity)
                              .where(RoomRow.name == name)).first()
        if row is None:
            return None
        self._named["rooms", name] = row.id
        return Room(row.id, row.name, row.capacity)

    def add_room(self, name: str, capacity: int | None) -> Room:
        new_id = self.db.execute(insert(RoomRow).returning(RoomRow.id),
                                  {"name": name, "capacity": capacity}).scalar_one()
        return Room(new_id, name, capacity)

    def list_rooms(self) -> list[Room]:
        rows = self.db.execute(select(RoomRow.id, RoomRow.name, RoomRow.capacity)
                                .order_by(RoomRow.name))
        return [Room(r.id, r.name, r.capacity) for r in rows]

    def subject(self, name: str) -> Subject | None:
        row = self.db.execute(select(SubjectRow.id, SubjectRow.name)
                              .where(SubjectRow.name == name)).first()
        if row is None:
            return None
        self._named["subjects", name] = row.id
        return Subject(row.id, row.name)

    def add_subject(self, name: str) -> Subject:
        new_id = self.db.execute(insert(SubjectRow).returning(SubjectRow.id),
                                  {"name": name}).scalar_one()
        return Subject(new_id, name)

    def list_subjects(self) -> list[Subject]:
        rows = self.db.execute(select(SubjectRow.id, SubjectRow.name).order_by(SubjectRow.name))
        return [Subject(r.id, r.name) for r in rows]

    def _person_id(self, email: str) -> int:
        email = email.lower()
        if email not in self._ids:
            found = self.people_by_email([email])
            if email not in found:
                raise NotFound("person", email)
        return self._ids[email]

    def _named_id(self, table: type[RoomRow] | type[SubjectRow], name: str | None) -> int | None:
        if name is None:
            return None
        key = (table.__tablename__, name)
        if key not in self._named:
            found = self.db.execute(select(table.id).where(table.name == name)).scalar()
            if found is None:
                raise NotFound(table.__tablename__.rstrip("s"), name)
            self._named[key] = found
        return self._named[key]

    # ----------------------------------------------------------------------- sessions
    def session(self, session_id: int) -> Session | None:
        if not 0 < session_id < _MAX_ID:
            return None  # no such row; the database would refuse to compare with it
        found = self._load(_session_select().where(SessionRow.id == session_id))
        return found[0] if found else None

    def sessions(self, query: SessionQuery) -> list[Session]:
        stmt = _session_select()
        if query.start is not None:
            # Bounding the start from below keeps this a range scan of the start index.
            stmt = stmt.where(SessionRow.end_at > query.start,
                              SessionRow.start_at > query.start - MAX_SESSION_LENGTH)
        if query.end is not None:
            stmt = stmt.where(SessionRow.start_at < query.end)
        # A person, room or subject that does not exist has no sessions.
        if query.mentor is not None:
            mentor_id = self._id_or_none(query.mentor)
            if mentor_id is None:
                return []
            stmt = stmt.where(SessionRow.mentor_id == mentor_id)
        if query.student is not None:
            if self._id_or_none(query.student) is None:
                return []
            stmt = stmt.where(SessionRow.id.in_(self._student_sessions(query.student, query)))
        for table, column, name in ((RoomRow, SessionRow.room_id, query.room),
                                    (SubjectRow, SessionRow.subject_id, query.subject)):
            if name is not None:
                try:
                    stmt = stmt.where(column == self._named_id(table, name))
                except NotFound:
                    return []
        if query.statuses:
            stmt = stmt.where(SessionRow.status.in_([s.value for s in query.statuses]))
        if query.types:
            stmt = stmt.where(SessionRow.type.in_([t.value for t in query.types]))
        if query.ids:
            stmt = stmt.where(SessionRow.id.in_(query.ids))
        if query.series_id is not None:
            stmt = stmt.where(SessionRow.series_id == query.series_id)
        if query.search:
            stmt = stmt.where(_matching(query.search))
        if query.visible_to is not None:
            viewer = self._id_or_none(query.visible_to)
            stmt = stmt.where(or_(
                SessionRow.mentor_id == viewer,
                SessionRow.id.in_(select(SessionStudentRow.session_id)
                                  .where(SessionStudentRow.student_id == viewer))))
        stmt = stmt.order_by(*_ordering(query.order, query.descending))
        if query.limit is not None:
            stmt = stmt.limit(query.limit)
        if query.offset:
            stmt = stmt.offset(query.offset)
        return self._load(stmt)

    def _id_or_none(self, email: str) -> int | None:
        try:
            return self._person_id(email)
        except NotFound:
            return None

    def _student_sessions(self, email: str, query: SessionQuery) -> Select[Any]:
        sub = select(SessionStudentRow.session_id).where(
            SessionStudentRow.student_id == self._id_or_none(email))
        if query.start is not None:
            sub = sub.where(SessionStudentRow.start_at > query.start - MAX_SESSION_LENGTH,
                            SessionStudentRow.end_at > query.start)
        if query.end is not None:
            sub = sub.where(SessionStudentRow.start_at < query.end)
        return sub

    def _load(self, stmt: Select[Any]) -> list[Session]:
        # Listing a busy month builds thousands of sessions, so no Python runs per row: the
        # driver's own tuples (a row object each, with the column types' processors run on
        # every value, cost time and then collector time) are turned into columns, each
        # column mapped through a dict (names by id, enum members by value, instants and
        # costs by their raw value, each distinct one read once) and the sessions built by
        # map() from the columns, positionally.
        with _collector_paused():
            return self._build(stmt)

    def _build(self, stmt: Select[Any]) -> list[Session]:
        result = self.db.execute(stmt)
        cursor = result.cursor
        rows = cursor.fetchall()
        cost_type = next(d[1] for d in cursor.description if d[0] == "cost")
        result.close()
        if not rows:
            return []
        (ids, uids, titles, mentors, starts, ends, tzs, statuses, types, room_ids, subject_ids,
         descriptions, locations, links, meeting_ids, passcodes, max_participants, notes,
         costs, payments, series_ids, recurrence_ids, batch_ids, cancel_reasons,
         force_reasons, sequences, created_by, created_at, modified_by, modified_at,
         student_lists) = zip(*rows)
        groups = {g: [int(i) for i in g.split(",")] for g in set(student_lists) if g}
        emails = self._emails_of({*mentors, *created_by, *modified_by,
                                  *(i for group in groups.values() for i in group)})
        rooms = self._names_of(RoomRow, set(room_ids))
        subjects = self._names_of(SubjectRow, set(subject_ids))
        instants = {*starts, *ends, *recurrence_ids, *created_at, *modified_at}
        instant = {v: read_instant(v) for v in instants}.__getitem__
        to_cost = _cost_reader(self.db.dialect, cost_type)
        read_costs: Iterable[Any] = (
            costs if to_cost is None
            else map({v: to_cost(v) for v in set(costs)}.__getitem__, costs))
        email = emails.__getitem__
        students = {g: tuple(sorted(map(email, group))) for g, group in groups.items()}
        students[None] = ()
        return list(map(
            Session, ids, uids, titles, map(email, mentors), map(instant, starts),
            map(instant, ends), tzs, map(_STATUSES.__getitem__, statuses),
            map(_TYPES.__getitem__, types), map(students.__getitem__, student_lists),
            map(rooms.get, room_ids), map(subjects.get, subject_ids), descriptions, locations,
            links, meeting_ids, passcodes, max_participants, notes, read_costs,
            map(_PAYMENTS.__getitem__, payments), series_ids, map(instant, recurrence_ids),
            batch_ids, cancel_reasons, force_reasons, sequences, map(emails.get, created_by),
            map(instant, created_at), map(emails.get, modified_by), map(instant, modified_at)))

    def _emails_of(self, person_ids: set[int | None]) -> dict[int, str]:
        """Emails by person id, from this unit's cache or one query for the rest."""
        wanted = [i for i in person_ids if i is not None and i not in self._emails]
        for i in range(0, len(wanted), _CHUNK):
            for person_id, email in self.db.execute(
                    select(PersonRow.id, PersonRow.email)
                    .where(PersonRow.id.in_(wanted[i:i + _CHUNK]))).all():
                self._emails[person_id] = email
                self._ids[email] = person_id
        return self._emails

    def _names_of(self, table: type[RoomRow] | type[SubjectRow],
                  ids: set[int | None]) -> dict[int, str]:
        wanted = [i for i in ids if i is not None]
        if not wanted:
            return {}
        return dict(self.db.execute(select(table.id, table.name).where(table.id.in_(wanted))).all())

    def _values(self, row: Row, now: datetime) -> dict[str, Any]:
        d = row.draft
        actor_id = self.actor.id if self.actor else None
        return {
            "uid": row.uid, "series_id": row.series_id, "recurrence_id": row.recurrence_id,
            "title": d.title, "description": d.description,
            "mentor_id": self._person_id(d.mentor),
            "subject_id": self._named_id(SubjectRow, d.subject),
            "room_id": self._named_id(RoomRow, d.room), "batch_id": d.batch_id,
            "type": _type(d).value, "status": row.status.value, "start_at": d.start,
            "end_at": d.end, "tz": d.tz, "location": d.location, "meeting_link": d.link,
            "meeting_id": d.meeting_id, "meeting_passcode": d.passcode,
            "max_participants": d.max_participants, "notes": d.notes, "cost": d.cost,
            "payment_status": d.payment_status.value, "cancel_reason": row.cancel_reason,
            "force_reason": row.force_reason, "sequence": row.sequence,
            "created_by_id": actor_id, "created_at": now,
            "modified_by_id": actor_id, "modified_at": now,
        }

    def _student_rows(self, session_id: int, row: Row) -> list[dict[str, Any]]:
        cancelled = row.status is SessionStatus.CANCELLED
        forced = row.force_reason is not None
        return [{"session_id": session_id, "student_id": self._person_id(e),
                 "start_at": row.draft.start, "end_at": row.draft.end, "cancelled": cancelled,
                 "forced": forced}
                for e in row.draft.students]

    def insert_sessions(self, rows: Sequence[Row]) -> list[Session]:
        """Write the rows; the sessions come back built from what was written (no re-read)."""
        if not rows:
            return []
        unknown = {e for r in rows for e in (r.draft.mentor, *r.draft.students)} - set(self._ids)
        if unknown:
            self.people_by_email(unknown)
        now = _now()
        # One multi-row INSERT … RETURNING; rows are matched back by their unique key.
        written = self.db.execute(
            insert(SessionRow).returning(SessionRow.id, SessionRow.uid, SessionRow.recurrence_id),
            [self._values(r, now) for r in rows]).all()
        ids = {(w.uid, w.recurrence_id): w.id for w in written}
        links = [s for r in rows for s in self._student_rows(ids[r.uid, r.recurrence_id], r)]
        if links:
            self.db.execute(insert(SessionStudentRow), links)
        actor = self.actor.email if self.actor else None
        return [_written(ids[r.uid, r.recurrence_id], r, actor, now) for r in rows]

    def update_session(self, session_id: int, row: Row) -> None:
        values = self._values(row, _now())
        for kept in ("created_by_id", "created_at"):
            del values[kept]
        self.db.execute(update(SessionRow).where(SessionRow.id == session_id).values(values))
        self.db.execute(SessionStudentRow.__table__.delete()
                         .where(SessionStudentRow.session_id == session_id))
        links = self._student_rows(session_id, row)
        if links:
            self.db.execute(insert(SessionStudentRow), links)

    def append_note(self, session_id: int, line: str) -> None:
        notes = SessionRow.notes
        self.db.execute(update(SessionRow).where(SessionRow.id == session_id).values(
            notes=case((or_(notes.is_(None), notes == ""), line),
                       else_=notes + "\n" + line),
            modified_at=_now(), modified_by_id=self.actor.id if self.actor else None))

    def set_status(self, session_id: int, status: SessionStatus, *,
                   cancel_reason: str | None = None) -> None:
        values: dict[str, Any] = {
            "status": status.value, "modified_at": _now(),
            "modified_by_id": self.actor.id if self.actor else None,
            "sequence": SessionRow.sequence + 1,
        }
        if status is SessionStatus.CANCELLED:
            values["cancel_reason"] = cancel_reason
        self.db.execute(update(SessionRow).where(SessionRow.id == session_id).values(values))
        self.db.execute(update(SessionStudentRow)
                         .where(SessionStudentRow.session_id == session_id)
                         .values(cancelled=status is SessionStatus.CANCELLED))

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
        live = and_(SessionRow.start_at < end, SessionRow.start_at > low,
                    SessionRow.end_at > start, SessionRow.status != "cancelled")
        spans: dict[int, tuple[datetime, datetime]] = {}
        # A person is booked once at a time whatever their part: each is looked for both as
        # a mentor and as a student (core.conflicts.clashes).
        person_ids = [i for i in (self._id_or_none(e) for e in set(people)) if i is not None]
        room_ids = [i for i in (self._room_id_or_none(r) for r in set(rooms)) if i is not None]
        queries = []
        if person_ids:
            queries.append(select(SessionRow.id, SessionRow.start_at, SessionRow.end_at)
                           .where(SessionRow.mentor_id.in_(person_ids), live))
            queries.append(select(SessionStudentRow.session_id, SessionStudentRow.start_at,
                                  SessionStudentRow.end_at).where(
                SessionStudentRow.student_id.in_(person_ids),
                SessionStudentRow.start_at < end, SessionStudentRow.start_at > low,
                SessionStudentRow.end_at > start, SessionStudentRow.cancelled.is_(False)))
        if room_ids:
            queries.append(select(SessionRow.id, SessionRow.start_at, SessionRow.end_at)
                           .where(SessionRow.room_id.in_(room_ids), live))
        for query in queries:
            spans.update((i, (a, b)) for i, a, b in self.db.execute(query))
        for session_id in exclude:
            spans.pop(session_id, None)
        if within is not None:
            spans = {i: ab for i, ab in spans.items() if _meets(ab, within)}
        if not spans:
            return []
        return self._load(_session_select().where(SessionRow.id.in_(sorted(spans)))
                          .order_by(SessionRow.start_at, SessionRow.id))

    def _room_id_or_none(self, name: str) -> int | None:
        try:
            return self._named_id(RoomRow, name)
        except NotFound:
            return None

    def delete_sessions(self, session_ids: Sequence[int]) -> None:
        ids = list(session_ids)
        for i in range(0, len(ids), _CHUNK):
            self.db.execute(delete(SessionRow).where(SessionRow.id.in_(ids[i:i + _CHUNK])))

    # ------------------------------------------------------------------------- series
    @staticmethod
    def _series(r: Any) -> Series:
        return Series(id=r.id, uid=r.uid, rule=r.rrule, dtstart=datetime.fromisoformat(r.dtstart),
                      tz=r.tz, duration=timedelta(minutes=r.duration_minutes),
                      template=dict(r.template), expanded_until=r.expanded_until,
                      sequence=r.sequence)

    def _series_values(self, series: Series) -> dict[str, Any]:
        return {"uid": series.uid, "rrule": series.rule, "dtstart": series.dtstart.isoformat(),
                "tz": series.tz, "duration_minutes": int(series.duration.total_seconds() // 60),
                "template": series.template, "expanded_until": series.expanded_until,
                "sequence": series.sequence, "modified_at": _now()}

    def insert_series(self, series: Series) -> int:
        return self.db.execute(insert(SeriesRow).returning(SeriesRow.id), {
            **self._series_values(series), "created_at": _now(),
            "created_by_id": self.actor.id if self.actor else None,
        }).scalar_one()

    def series(self, series_id: int, *, lock: bool = False) -> Series | None:
        query = select(SeriesRow.__table__).where(SeriesRow.id == series_id)
        if lock:
            query = query.with_for_update()  # serialises `series extend` runs on PostgreSQL
        row = self.db.execute(query).first()
        return self._series(row) if row else None

    def update_series(self, series: Series) -> None:
        self.db.execute(update(SeriesRow).where(SeriesRow.id == series.id)
                         .values(self._series_values(series)))

    def list_series(self, *, expanded_before: datetime | None = None) -> list[Series]:
        query = select(SeriesRow.__table__).order_by(SeriesRow.id)
        if expanded_before is not None:
            query = query.where(SeriesRow.expanded_until < expanded_before)
        return [self._series(r) for r in self.db.execute(query)]

    # ------------------------------------------------------------------- the calendar
    def add_term(self, name: str, starts_on: date, ends_on: date) -> Term:
        new_id = self.db.execute(insert(TermRow).returning(TermRow.id), {
            "name": name, "starts_on": starts_on, "ends_on": ends_on}).scalar_one()
        return Term(new_id, name, starts_on, ends_on)

    def term(self, name: str) -> Term | None:
        row = self.db.execute(select(TermRow.__table__).where(TermRow.name == name)).first()
        return Term(row.id, row.name, row.starts_on, row.ends_on) if row else None

    def list_terms(self) -> list[Term]:
        rows = self.db.execute(select(TermRow.__table__).order_by(TermRow.starts_on))
        return [Term(r.id, r.name, r.starts_on, r.ends_on) for r in rows]

    def add_closure(self, starts_on: date, ends_on: date, reason: str) -> Closure:
        new_id = self.db.execute(insert(ClosureRow).returning(ClosureRow.id), {
            "starts_on": starts_on, "ends_on": ends_on, "reason": reason,
            "created_at": _now()}).scalar_one()
        return Closure(new_id, starts_on, ends_on, reason)

    def closures(self, start: date | None = None, end: date | None = None) -> list[Closure]:
        query = select(ClosureRow.__table__).order_by(ClosureRow.starts_on)
        if start is not None:
            query = query.where(ClosureRow.ends_on >= start)
        if end is not None:
            query = query.where(ClosureRow.starts_on <= end)
        return [Closure(r.id, r.starts_on, r.ends_on, r.reason)
                for r in self.db.execute(query)]

    def set_availability(self, mentor: str, weekday: int,
                         windows: Sequence[Availability]) -> None:
        person_id = self._person_id(mentor)
        self.db.execute(delete(AvailabilityRow).where(AvailabilityRow.person_id == person_id,
                                                       AvailabilityRow.weekday == weekday))
        if windows:
            self.db.execute(insert(AvailabilityRow), [
                {"person_id": person_id, "weekday": weekday, "tz": w.tz,
                 "start_time": w.start.strftime("%H:%M"), "end_time": w.end.strftime("%H:%M")}
                for w in windows])

    def availability(self, mentors: Iterable[str]) -> dict[str, list[Availability]]:
        ids = [i for i in (self._id_or_none(m) for m in mentors) if i is not None]
        found: dict[str, list[Availability]] = defaultdict(list)
        if not ids:
            return found
        rows = self.db.execute(
            select(AvailabilityRow.__table__, PersonRow.email)
            .join(PersonRow, PersonRow.id == AvailabilityRow.person_id)
            .where(AvailabilityRow.person_id.in_(ids))
            .order_by(AvailabilityRow.weekday, AvailabilityRow.start_time))
        for a in rows:
            found[a.email].append(Availability(a.email, a.weekday,
                                               time.fromisoformat(a.start_time),
                                               time.fromisoformat(a.end_time), a.tz))
        return found

    def add_time_off(self, item: TimeOff) -> None:
        self.db.execute(insert(TimeOffRow), {
            "person_id": self._person_id(item.mentor), "start_at": item.start,
            "end_at": item.end, "reason": item.reason})

    def time_off(self, mentors: Iterable[str], start: datetime,
                 end: datetime) -> dict[str, list[TimeOff]]:
        ids = [i for i in (self._id_or_none(m) for m in mentors) if i is not None]
        found: dict[str, list[TimeOff]] = defaultdict(list)
        if not ids:
            return found
        rows = self.db.execute(
            select(TimeOffRow.__table__, PersonRow.email)
            .join(PersonRow, PersonRow.id == TimeOffRow.person_id)
            .where(TimeOffRow.person_id.in_(ids), TimeOffRow.start_at < end,
                   TimeOffRow.end_at > start)
            .order_by(TimeOffRow.start_at))
        for t in rows:
            found[t.email].append(TimeOff(t.email, t.start_at, t.end_at, t.reason))
        return found

    # ------------------------------------------------------------ what happens in sessions
    def attendance(self, session_id: int) -> list[Attendance]:
        """The marks that count (store/marks.py): those of the session's students."""
        Recorder = aliased(PersonRow)
        link = SessionStudentRow
        rows = self.db.execute(
            with_marks(select(AttendanceRow.__table__, PersonRow.email.label("student"),
                              Recorder.email.label("recorder")).select_from(link))
            .join(PersonRow, PersonRow.id == link.student_id)
            .outerjoin(Recorder, Recorder.id == AttendanceRow.recorded_by_id)
            .where(link.session_id == session_id).order_by(PersonRow.email))
        return [Attendance(session_id=a.session_id, student=a.student,
                           status=AttendanceStatus(a.status), check_in=a.check_in,
                           check_out=a.check_out, note=a.note, recorded_by=a.recorder,
                           recorded_at=a.recorded_at)
                for a in rows]

    def has_marks(self, session_id: int) -> bool:
        return bool(self.db.execute(select(has_any_mark(session_id))).scalar())

    def set_attendance(self, record: Attendance) -> None:
        student_id = self._person_id(record.student)
        values = {"status": record.status.value, "check_in": record.check_in,
                  "check_out": record.check_out, "note": record.note,
                  "recorded_by_id": self.actor.id if self.actor else None,
                  "recorded_at": record.recorded_at or _now()}
        changed = self.db.execute(
            update(AttendanceRow).where(AttendanceRow.session_id == record.session_id,
                                        AttendanceRow.student_id == student_id)
            .values(values)).rowcount
        if not changed:
            self.db.execute(insert(AttendanceRow), {
                "session_id": record.session_id, "student_id": student_id, **values})

    def feedback(self, session_id: int) -> list[Feedback]:
        rows = self.db.execute(
            select(FeedbackRow.__table__, PersonRow.email.label("author"))
            .join(PersonRow, PersonRow.id == FeedbackRow.author_id)
            .where(FeedbackRow.session_id == session_id).order_by(PersonRow.email))
        return [Feedback(session_id=f.session_id, author=f.author, rating=f.rating,
                         categories=dict(f.categories or {}), text=f.text,
                         created_at=f.created_at)
                for f in rows]

    def set_feedback(self, record: Feedback) -> None:
        author_id = self._person_id(record.author)
        values = {"rating": record.rating, "categories": dict(record.categories),
                  "text": record.text, "created_at": record.created_at or _now()}
        changed = self.db.execute(
            update(FeedbackRow).where(FeedbackRow.session_id == record.session_id,
                                      FeedbackRow.author_id == author_id)
            .values(values)).rowcount
        if not changed:
            self.db.execute(insert(FeedbackRow), {
                "session_id": record.session_id, "author_id": author_id, **values})

    def add_material(self, material: Material) -> Material:
        uploaded_at = material.uploaded_at or _now()
        new_id = self.db.execute(insert(MaterialRow).returning(MaterialRow.id), {
            "name": material.name, "location": material.location, "type": material.type.value,
            "size": material.size, "session_id": material.session_id,
            "course_id": material.course_id, "description": material.description,
            "uploaded_by_id": self._person_id(material.uploaded_by) if material.uploaded_by else None,
            "uploaded_at": uploaded_at,
        }).scalar_one()
        return replace(material, id=new_id, uploaded_at=uploaded_at)

    def materials(self, session_id: int) -> list[Material]:
        rows = self.db.execute(
            select(MaterialRow.__table__, PersonRow.email.label("uploader"))
            .outerjoin(PersonRow, PersonRow.id == MaterialRow.uploaded_by_id)
            .where(MaterialRow.session_id == session_id).order_by(MaterialRow.id))
        return [Material(id=m.id, name=m.name, location=m.location, type=MaterialType(m.type),
                         size=m.size, session_id=m.session_id, course_id=m.course_id,
                         uploaded_by=m.uploader, description=m.description,
                         uploaded_at=m.uploaded_at)
                for m in rows]

    # ---------------------------------------------------------------------- bookkeeping
    def audit(self, action: str, entity: str, key: object,
              before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        """Record a change; the records are written together when the unit commits."""
        self._audit.append({
            "at": _now(), "actor_id": self.actor.id if self.actor else None,
            "actor": self.actor.email if self.actor else f"local:{getpass.getuser()}",
            "action": action, "entity": entity, "entity_id": str(key),
            "before": before, "after": after,
        })

    def flush(self) -> None:
        """Write what is pending (the audit records) before the transaction commits."""
        if self._audit:
            self.db.execute(insert(AuditRow), self._audit)
            self._audit = []

    def counts(self) -> dict[str, int]:
        tables = (PersonRow, RoomRow, SubjectRow, SeriesRow, SessionRow, SessionStudentRow,
                  AttendanceRow, FeedbackRow, MaterialRow, TermRow, ClosureRow,
                  AvailabilityRow, TimeOffRow, AuditRow)
        return {t.__tablename__: self.db.execute(select(func.count()).select_from(t)).scalar_one()
                for t in tables}



def _type(draft: SessionDraft) -> SessionType:
    """A validated draft has its type; one written behind the rules (a test's fixture, a
    benchmark's bulk data) without one is stored as the column's default."""
    return draft.type if draft.type is not None else SessionType.INDIVIDUAL


def _written(session_id: int, row: Row, actor: str | None, now: datetime) -> Session:
    """The session a row became, as a read would return it."""
    d = row.draft
    return Session(
        id=session_id, uid=row.uid, title=d.title, mentor=d.mentor, start=d.start, end=d.end,
        tz=d.tz, status=row.status, type=_type(d), students=tuple(sorted(d.students)),
        room=d.room, subject=d.subject, description=d.description, location=d.location,
        link=d.link, meeting_id=d.meeting_id, passcode=d.passcode,
        max_participants=d.max_participants, notes=d.notes, cost=d.cost,
        payment_status=d.payment_status, series_id=row.series_id,
        recurrence_id=row.recurrence_id, batch_id=d.batch_id, cancel_reason=row.cancel_reason,
        force_reason=row.force_reason, sequence=row.sequence, created_by=actor,
        created_at=now, modified_by=actor, modified_at=now)


def _meets(span: tuple[datetime, datetime], intervals: Sequence[tuple[datetime, datetime]]) -> bool:
    """Whether ``span`` overlaps one of ``intervals`` (sorted by start, none longer than a
    session may last)."""
    start, end = span
    first = bisect_left(intervals, (start - MAX_SESSION_LENGTH,))
    return any(a < end and start < b for a, b in intervals[first:bisect_left(intervals, (end,))])
