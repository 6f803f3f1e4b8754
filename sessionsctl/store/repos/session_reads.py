"""Reading sessions: the columns a session is built from, search and ordering, and the loader
that turns a select of those columns into core ``Session`` values."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, String, and_, case, cast, exists, func, null, or_, select
from sqlalchemy.engine import Connection

from ...core.collector import paused
from ...core.domain.model import PaymentStatus, Session, SessionStatus, SessionType
from ..schema import (
    enrolment_table,
    person_table,
    room_table,
    session_student_table,
    session_table,
    subject_table,
)
from ..schema_billing import session_payment_table
from ..types import read_instant

if TYPE_CHECKING:
    from ...core.domain.drafts import SessionOrder
    from .lookup import Lookup

_STATUSES = {s.value: s for s in SessionStatus}
_TYPES = {t.value: t for t in SessionType}
_PAYMENTS = {p.value: p for p in PaymentStatus}
# The session row alone, no joins: people, rooms and subjects are named afterwards from their
# ids in one query each (a month of sessions names a few hundred distinct ones), so the row
# scan stays a plain range scan of the start index. In the order of Session's fields (the
# students last), which ``SessionReader`` builds positionally.
_SESSION_COLUMNS = (
    session_table.c.id, session_table.c.uid, session_table.c.title, session_table.c.mentor_id,
    session_table.c.start_at, session_table.c.end_at, session_table.c.tz, session_table.c.status,
    session_table.c.type, session_table.c.room_id, session_table.c.subject_id, session_table.c.description,
    session_table.c.location, session_table.c.meeting_link, session_table.c.meeting_id,
    session_table.c.meeting_passcode, session_table.c.max_participants, session_table.c.notes,
    session_table.c.cost_hundredths.label("cost"),
    session_table.c.payment_status, session_table.c.series_id, session_table.c.recurrence_id,
    session_table.c.course_id, session_table.c.batch_id, session_table.c.cancel_reason,
    session_table.c.force_reason,
    session_table.c.sequence,
    session_table.c.created_by_id, session_table.c.created_at, session_table.c.modified_by_id,
    session_table.c.modified_at,
    # Each session's student ids as one text ("3,17"): a primary-key probe per row, where a
    # second query would hand back a row object per student.
    select(func.aggregate_strings(cast(session_student_table.c.student_id, String), ","))
    .where(session_student_table.c.session_id == session_table.c.id).scalar_subquery().label("students"),
)
_SESSION_FIELDS = ("id", "uid", "title", "mentor", "start", "end", "tz", "status", "type",
                   "students", "room", "subject", "description", "location", "link",
                   "meeting_id", "passcode", "max_participants", "notes", "cost",
                   "payment_status", "series_id", "recurrence_id", "course_id", "batch_id",
                   "cancel_reason",
                   "force_reason", "sequence", "created_by", "created_at", "modified_by",
                   "modified_at", "taken")  # taken: only a viewer's narrowed copy sets it
if tuple(f.name for f in fields(Session)) != _SESSION_FIELDS:
    raise ImportError("Session's fields changed: update _SESSION_COLUMNS and SessionReader to match")

# Built once: statements are immutable, and building this one costs more than running it.
SESSION_SELECT: Select[Any] = select(*_SESSION_COLUMNS)


def private_select() -> Select[Any]:
    """:data:`SESSION_SELECT` for a PostgreSQL connection in the student group (``access
    sync``), which may not select a session's private columns: cost, payment and passcode come
    from ``sessionsctl_private(id)`` (for the sessions it takes part in), staff notes and the
    reason conflicts were overridden are empty; and the seats taken (``Session.taken``) from
    ``sessionsctl_taken(id)``."""
    private = func.sessionsctl_private(session_table.c.id).table_valued(
        "cost_hundredths", "payment_status", "meeting_passcode")

    def one(name: str) -> Any:
        return select(private.c[name]).scalar_subquery()

    swap = {"meeting_passcode": one("meeting_passcode"), "notes": null(), "cost": one("cost_hundredths"),
            "payment_status": func.coalesce(one("payment_status"), "unpaid"),
            "force_reason": null()}
    # The students it may see are itself at most; the seats taken count every one of them.
    return select(*(swap[c.key].label(c.key) if getattr(c, "key", None) in swap else c
                    for c in _SESSION_COLUMNS),
                  func.sessionsctl_taken(session_table.c.id).label("taken"))


def _cost(hundredths: int | None) -> Decimal | None:
    """A cost as stored (an exact integer of hundredths) as the session's amount."""
    return None if hundredths is None else Decimal(hundredths).scaleb(-2)


def paid_as(statuses: list[str]) -> Any:
    """Sessions with a place paid as one of ``statuses``: a student's own payment status,
    else the session's (a session without students: its own)."""
    place = (select(session_student_table.c.session_id)
             .outerjoin(session_payment_table, and_(
                 session_payment_table.c.session_id == session_student_table.c.session_id,
                 session_payment_table.c.student_id == session_student_table.c.student_id))
             .where(session_student_table.c.session_id == session_table.c.id,
                    func.coalesce(session_payment_table.c.status,
                                  session_table.c.payment_status).in_(statuses)))
    alone = ~exists().where(session_student_table.c.session_id == session_table.c.id)
    return or_(exists(place), and_(alone, session_table.c.payment_status.in_(statuses)))


def matching(text: str, *, notes: bool = True) -> Any:
    """Sessions whose title, description, notes (unless ``notes`` is false: a reader who may
    not see them), location, mentor, room or subject contain ``text``, case-insensitively;
    the text is taken literally (LIKE's wildcards escaped)."""
    needle = "%{}%".format(re.sub(r"([\\%_])", r"\\\1", text.lower()))

    def like(column: Any) -> Any:
        return func.lower(column).like(needle, escape="\\")

    return or_(
        *(like(c) for c in (session_table.c.title, session_table.c.description, session_table.c.location,
                            *((session_table.c.notes,) if notes else ()))),
        session_table.c.mentor_id.in_(select(person_table.c.id).where(or_(like(person_table.c.name),
                                                                 like(person_table.c.email)))),
        session_table.c.room_id.in_(select(room_table.c.id).where(like(room_table.c.name))),
        session_table.c.subject_id.in_(select(subject_table.c.id).where(like(subject_table.c.name))),
    )


def visible_to(viewer: int | None) -> Any:
    """The sessions person ``viewer`` sees who does not see them all (core's ``visible``), as
    one condition: those they mentor or take part in, and those of each course they are
    actively enrolled in: in their batch, or the course's unbatched ones if they have none.
    A person who does not exist (None) sees none."""
    enrolled = enrolment_table
    return or_(
        session_table.c.mentor_id == viewer,
        session_table.c.id.in_(select(session_student_table.c.session_id)
                               .where(session_student_table.c.student_id == viewer)),
        exists().where(and_(
            enrolled.c.student_id == viewer, enrolled.c.status == "active",
            enrolled.c.course_id == session_table.c.course_id,
            enrolled.c.batch_id.is_not_distinct_from(session_table.c.batch_id))),
    )


_STATUS_RANK = case({s.value: i for i, s in enumerate(SessionStatus)}, value=session_table.c.status)


def _name_of(table: Any, column: Any) -> Any:
    """The lower-cased name a session's id column points at ('' for none), for sorting."""
    return func.coalesce(select(func.lower(table.c.name)).where(table.c.id == column)
                         .scalar_subquery(), "")


def _students_key() -> list[Any]:
    """The students' order: by the first of their names (as lists show it), then how many."""
    link = session_student_table
    first = (select(func.min(func.lower(person_table.c.name)))
             .join_from(link, person_table, person_table.c.id == link.c.student_id)
             .where(link.c.session_id == session_table.c.id).scalar_subquery())
    count = select(func.count()).where(link.c.session_id == session_table.c.id).scalar_subquery()
    return [func.coalesce(first, ""), count]


def ordering(order: SessionOrder, descending: bool) -> list[Any]:
    """ORDER BY for a listing: the chosen key, then start and id (so pages never overlap)."""
    keys: dict[str, Any] = {
        "title": func.lower(session_table.c.title),
        "mentor": _name_of(person_table, session_table.c.mentor_id),
        "subject": _name_of(subject_table, session_table.c.subject_id),
        "room": _name_of(room_table, session_table.c.room_id),
        "status": _STATUS_RANK,
    }
    columns = (_students_key() if order == "students"
               else [keys[order]] if order in keys else [])
    columns += [session_table.c.start_at, session_table.c.id]
    return [c.desc() for c in columns] if descending else columns


class SessionReader:
    """Runs a select of :data:`SESSION_SELECT`'s columns and builds the sessions, naming their
    people, rooms and subjects through the unit's :class:`Lookup`."""

    def __init__(self, db: Connection, lookup: Lookup) -> None:
        self.db = db
        self.lookup = lookup

    def load(self, stmt: Select[Any]) -> list[Session]:
        # Listing a busy month builds thousands of sessions, so no Python runs per row: the
        # driver's own tuples (a row object each, with the column types' processors run on
        # every value, cost time and then collector time) are turned into columns, each
        # column mapped through a dict (names by id, enum members by value, instants and
        # costs by their raw value, each distinct one read once) and the sessions built by
        # map() from the columns, positionally.
        with paused():
            return self._build(stmt)

    def _build(self, stmt: Select[Any]) -> list[Session]:
        result = self.db.execute(stmt)
        cursor = result.cursor
        rows = cursor.fetchall()
        result.close()
        if not rows:
            return []
        (ids, uids, titles, mentors, starts, ends, tzs, statuses, types, room_ids, subject_ids,
         descriptions, locations, links, meeting_ids, passcodes, max_participants, notes,
         costs, payments, series_ids, recurrence_ids, course_ids, batch_ids, cancel_reasons,
         force_reasons, sequences, created_by, created_at, modified_by, modified_at,
         student_lists, *taken) = zip(*rows)
        groups = {g: [int(i) for i in g.split(",")] for g in set(student_lists) if g}
        emails = self.lookup.emails_of({*mentors, *created_by, *modified_by,
                                        *(i for group in groups.values() for i in group)})
        rooms = self.lookup.names_of(room_table, set(room_ids))
        subjects = self.lookup.names_of(subject_table, set(subject_ids))
        instants = {*starts, *ends, *recurrence_ids, *created_at, *modified_at}
        instant = {v: read_instant(v) for v in instants}.__getitem__
        read_costs: Iterable[Any] = map({v: _cost(v) for v in set(costs)}.__getitem__, costs)
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
            course_ids, batch_ids, cancel_reasons, force_reasons, sequences, map(emails.get, created_by),
            map(instant, created_at), map(emails.get, modified_by), map(instant, modified_at),
            *taken))
