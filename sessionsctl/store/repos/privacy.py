"""Everything held about one person, and erasing it (implements core's ``PrivacyRepo``).

Sessions are read by core (through the session repository); this module reads and rewrites
the rest: marks, feedback, enrolments, availability (weekly and dated), time off, requests
(their details), invitations, mail, and the audit log's records (erasing reaches their
archived copies too: `sessionsctl archive`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import String, Table, cast, delete, or_, select, update
from sqlalchemy.engine import Connection

from .. import clock
from ..schema import (
    AttendanceRow,
    AuditRow,
    AvailabilityRow,
    CourseRow,
    EnrolmentRow,
    FeedbackRow,
    OutboxRow,
    SessionRow,
    TimeOffRow,
)
from ..schema_archive import ARCHIVE
from ..schema_availability import DatedWindowRow
from ..schema_requests import InvitationRow, RequestRow
from .archived import EVERY, including_archive


def _plain(value: Any) -> Any:
    """A value as JSON holds it (instants as ISO 8601 text)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _rows(db: Connection, stmt: Any) -> list[dict[str, Any]]:
    """The rows of ``stmt``, archived ones too: everything held about a person."""
    return [{k: _plain(v) for k, v in r._mapping.items()}
            for r in db.execute(including_archive(stmt, True, EVERY))]


class SqlPrivacy:
    def __init__(self, db: Connection) -> None:
        self.db = db

    def held(self, person_id: int, email: str) -> dict[str, list[dict[str, Any]]]:
        db = self.db
        return {
            "attendance": _rows(db, select(
                AttendanceRow.session_id, SessionRow.title, SessionRow.start_at,
                AttendanceRow.status, AttendanceRow.check_in, AttendanceRow.check_out,
                AttendanceRow.note).join(SessionRow, SessionRow.id == AttendanceRow.session_id)
                .where(AttendanceRow.student_id == person_id).order_by(SessionRow.start_at)),
            "feedback": _rows(db, select(
                FeedbackRow.session_id, FeedbackRow.rating, FeedbackRow.categories,
                FeedbackRow.text, FeedbackRow.created_at)
                .where(FeedbackRow.author_id == person_id).order_by(FeedbackRow.id)),
            "enrolments": _rows(db, select(
                CourseRow.name.label("course"), EnrolmentRow.status, EnrolmentRow.enrolled_at,
                EnrolmentRow.changed_at).join(CourseRow, CourseRow.id == EnrolmentRow.course_id)
                .where(EnrolmentRow.student_id == person_id).order_by(EnrolmentRow.id)),
            "availability": _rows(db, select(
                AvailabilityRow.weekday, AvailabilityRow.start_time, AvailabilityRow.end_time,
                AvailabilityRow.tz).where(AvailabilityRow.person_id == person_id)
                .order_by(AvailabilityRow.weekday, AvailabilityRow.start_time)),
            "time_off": _rows(db, select(TimeOffRow.start_at, TimeOffRow.end_at,
                                         TimeOffRow.reason)
                              .where(TimeOffRow.person_id == person_id)
                              .order_by(TimeOffRow.start_at)),
            "availability_dates": _rows(db, select(
                DatedWindowRow.day, DatedWindowRow.start_time, DatedWindowRow.end_time,
                DatedWindowRow.tz).where(DatedWindowRow.person_id == person_id)
                .order_by(DatedWindowRow.day, DatedWindowRow.start_time)),
            "requests": _rows(db, select(
                RequestRow.id, RequestRow.title, RequestRow.description, RequestRow.status,
                RequestRow.tags, RequestRow.created_at, RequestRow.session_id)
                .where(RequestRow.student_id == person_id).order_by(RequestRow.id)),
            "invitations": _rows(db, select(
                InvitationRow.id, InvitationRow.session_id, InvitationRow.role,
                InvitationRow.status, InvitationRow.created_at)
                .where(InvitationRow.email == email).order_by(InvitationRow.id)),
            "mail": _rows(db, select(OutboxRow.kind, OutboxRow.template, OutboxRow.session_id,
                                     OutboxRow.status, OutboxRow.created_at, OutboxRow.sent_at)
                          .where(OutboxRow.recipient == email).order_by(OutboxRow.id)),
            "changes_made": _rows(db, select(AuditRow.id, AuditRow.at, AuditRow.action,
                                             AuditRow.entity, AuditRow.entity_id)
                                  .where(AuditRow.actor_id == person_id)
                                  .order_by(AuditRow.id)),
        }

    def erase(self, person_id: int, email: str, name: str, anonymous: tuple[str, str]) -> int:
        """Replace ``email`` and ``name`` with ``anonymous`` (name, email) wherever free text
        or the audit log holds them (and invitations, and mail to others naming them); drop
        their notes, comments, the details of their requests, availability, time off and mail
        to them; their enrolments still running are dropped (the rows stay, as history,
        naming the stand-in). Returns how many audit records were rewritten."""
        db = self.db
        db.execute(update(EnrolmentRow).where(EnrolmentRow.student_id == person_id,
                                              EnrolmentRow.status.in_(("active", "paused")))
                   .values(status="dropped", changed_at=clock.now()))
        # What they wrote and what names them is erased from the archive as from the
        # working tables.
        for marks in _with_archive(AttendanceRow):
            db.execute(update(marks).where(marks.c.student_id == person_id).values(note=None))
        for said in _with_archive(FeedbackRow):
            db.execute(update(said).where(said.c.author_id == person_id).values(text=None))
        db.execute(delete(AvailabilityRow).where(AvailabilityRow.person_id == person_id))
        db.execute(delete(TimeOffRow).where(TimeOffRow.person_id == person_id))
        db.execute(delete(DatedWindowRow).where(DatedWindowRow.person_id == person_id))
        for asked in _with_archive(RequestRow):
            db.execute(update(asked).where(asked.c.student_id == person_id)
                       .values(description=None))
        for invited in _with_archive(InvitationRow):
            db.execute(update(invited).where(invited.c.email == email)
                       .values(email=anonymous[1]))
        for mail in _with_archive(OutboxRow):
            db.execute(delete(mail).where(mail.c.recipient == email))
            # Mail to others naming them (a mentor's attendance summary lists its students).
            for row in db.execute(select(mail.c.id, mail.c.payload).where(
                    _mentioning((mail.c.payload,), email, name))).all():
                db.execute(update(mail).where(mail.c.id == row.id).values(
                    payload=_scrubbed(row.payload, email, name, anonymous)))
        rewritten = 0
        for log in _with_archive(AuditRow):
            for row in self._audit_naming(log, person_id, email, name):
                db.execute(update(log).where(log.c.id == row.id).values(
                    actor=anonymous[1] if row.actor == email else row.actor,
                    login=anonymous[1] if row.login == email else row.login,
                    before=_scrubbed(row.before, email, name, anonymous),
                    after=_scrubbed(row.after, email, name, anonymous)))
                rewritten += 1
        return rewritten

    def _audit_naming(self, log: Table, person_id: int, email: str, name: str) -> Iterator[Any]:
        """The records of ``log`` (the audit log or its archive) that may name the person:
        theirs, about them, or mentioning their email or name in the records kept before and
        after a change."""
        mentions = _mentioning((log.c.before, log.c.after), email, name)
        yield from self.db.execute(select(
            log.c.id, log.c.actor, log.c.login, log.c.before, log.c.after)
            .where(or_(log.c.actor_id == person_id, log.c.actor == email,
                       log.c.login == email,
                       (log.c.entity == "person") & (log.c.entity_id == str(person_id)),
                       mentions))).all()


def _mentioning(columns: tuple[Any, ...], email: str, name: str) -> Any:
    """Whether one of the JSON ``columns`` holds ``email`` or ``name`` in its text."""
    return or_(*(cast(c, String).like(f"%{t}%") for c in columns for t in (email, name)))


def _with_archive(row: Any) -> tuple[Table, Table]:
    """The table of ``row`` and its archive table."""
    table: Table = row.__table__
    return table, ARCHIVE[table.name]


_THEIR_TEXT = {"student": "note", "author": "text"}  # a mark's note, a feedback's comment


def _scrubbed(value: Any, email: str, name: str, anonymous: tuple[str, str]) -> Any:
    """``value`` (a JSON record) with every string holding the email or name replaced, and
    the free text of a record of theirs (a mark's note, a feedback's comment) dropped."""
    if isinstance(value, dict):
        theirs = {text for key, text in _THEIR_TEXT.items() if value.get(key) == email}
        return {k: None if k in theirs else _scrubbed(v, email, name, anonymous)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v, email, name, anonymous) for v in value]
    if isinstance(value, str):
        return value.replace(email, anonymous[1]).replace(name, anonymous[0])
    return value

