"""Reading sessions: the columns a session is built from, search and ordering, and the loader
that turns a select of those columns into core ``Session`` values."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import fields
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, String, and_, case, cast, exists, func, null, or_, select
from sqlalchemy.engine import Connection

from ...core.collector import paused
from ...core.domain.drafts import SessionOrder
from ...core.domain.model import PaymentStatus, Session, SessionStatus, SessionType
from ..schema import EnrolmentRow, PersonRow, RoomRow, SessionRow, SessionStudentRow, SubjectRow
from ..schema_billing import SessionPaymentRow
from ..types import read_instant
from .lookup import Lookup

_STATUSES = {s.value: s for s in SessionStatus}
_TYPES = {t.value: t for t in SessionType}
_PAYMENTS = {p.value: p for p in PaymentStatus}
# The session row alone, no joins: people, rooms and subjects are named afterwards from their
# ids in one query each (a month of sessions names a few hundred distinct ones), so the row
# scan stays a plain range scan of the start index. In the order of Session's fields (the
# students last), which ``SessionReader`` builds positionally.
_SESSION_COLUMNS = (
    SessionRow.id, SessionRow.uid, SessionRow.title, SessionRow.mentor_id,
    SessionRow.start_at, SessionRow.end_at, SessionRow.tz, SessionRow.status,
    SessionRow.type, SessionRow.room_id, SessionRow.subject_id, SessionRow.description,
    SessionRow.location, SessionRow.meeting_link, SessionRow.meeting_id,
    SessionRow.meeting_passcode, SessionRow.max_participants, SessionRow.notes,
    SessionRow.cost_hundredths.label("cost"),
    SessionRow.payment_status, SessionRow.series_id, SessionRow.recurrence_id,
    SessionRow.course_id, SessionRow.batch_id, SessionRow.cancel_reason, SessionRow.force_reason,
    SessionRow.sequence,
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
    private = func.sessionsctl_private(SessionRow.id).table_valued(
        "cost_hundredths", "payment_status", "meeting_passcode")

    def one(name: str) -> Any:
        return select(private.c[name]).scalar_subquery()

    swap = {"meeting_passcode": one("meeting_passcode"), "notes": null(), "cost": one("cost_hundredths"),
            "payment_status": func.coalesce(one("payment_status"), "unpaid"),
            "force_reason": null()}
    # The students it may see are itself at most; the seats taken count every one of them.
    return select(*(swap[c.key].label(c.key) if getattr(c, "key", None) in swap else c
                    for c in _SESSION_COLUMNS),
                  func.sessionsctl_taken(SessionRow.id).label("taken"))


def _cost(hundredths: int | None) -> Decimal | None:
    """A cost as stored (an exact integer of hundredths) as the session's amount."""
    return None if hundredths is None else Decimal(hundredths).scaleb(-2)


def paid_as(statuses: list[str]) -> Any:
    """Sessions with a place paid as one of ``statuses``: a student's own payment status,
    else the session's (a session without students: its own)."""
    place = (select(SessionStudentRow.session_id)
             .outerjoin(SessionPaymentRow, and_(
                 SessionPaymentRow.session_id == SessionStudentRow.session_id,
                 SessionPaymentRow.student_id == SessionStudentRow.student_id))
             .where(SessionStudentRow.session_id == SessionRow.id,
                    func.coalesce(SessionPaymentRow.status,
                                  SessionRow.payment_status).in_(statuses)))
    alone = ~exists().where(SessionStudentRow.session_id == SessionRow.id)
    return or_(exists(place), and_(alone, SessionRow.payment_status.in_(statuses)))


def matching(text: str, *, notes: bool = True) -> Any:
    """Sessions whose title, description, notes (unless ``notes`` is false: a reader who may
    not see them), location, mentor, room or subject contain ``text``, case-insensitively;
    the text is taken literally (LIKE's wildcards escaped)."""
    needle = "%{}%".format(re.sub(r"([\\%_])", r"\\\1", text.lower()))

    def like(column: Any) -> Any:
        return func.lower(column).like(needle, escape="\\")

    return or_(
        *(like(c) for c in (SessionRow.title, SessionRow.description, SessionRow.location,
                            *((SessionRow.notes,) if notes else ()))),
        SessionRow.mentor_id.in_(select(PersonRow.id).where(or_(like(PersonRow.name),
                                                                 like(PersonRow.email)))),
        SessionRow.room_id.in_(select(RoomRow.id).where(like(RoomRow.name))),
        SessionRow.subject_id.in_(select(SubjectRow.id).where(like(SubjectRow.name))),
    )


def visible_to(viewer: int | None) -> Any:
    """The sessions person ``viewer`` sees who does not see them all (core's ``visible``), as
    one condition: those they mentor or take part in, and those of each course they are
    actively enrolled in: in their batch, or the course's unbatched ones if they have none.
    A person who does not exist (None) sees none."""
    enrolled = EnrolmentRow
    return or_(
        SessionRow.mentor_id == viewer,
        SessionRow.id.in_(select(SessionStudentRow.session_id)
                          .where(SessionStudentRow.student_id == viewer)),
        exists().where(and_(
            enrolled.student_id == viewer, enrolled.status == "active",
            enrolled.course_id == SessionRow.course_id,
            enrolled.batch_id.is_not_distinct_from(SessionRow.batch_id))),
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


def ordering(order: SessionOrder, descending: bool) -> list[Any]:
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
        rooms = self.lookup.names_of(RoomRow, set(room_ids))
        subjects = self.lookup.names_of(SubjectRow, set(subject_ids))
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
