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
    attendance_table,
    audit_table,
    availability_table,
    course_table,
    enrolment_table,
    feedback_table,
    outbox_table,
    session_table,
    time_off_table,
)
from ..schema_archive import ARCHIVE
from ..schema_availability import dated_window_table
from ..schema_requests import invitation_table, request_table
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
                attendance_table.c.session_id, session_table.c.title, session_table.c.start_at,
                attendance_table.c.status, attendance_table.c.check_in, attendance_table.c.check_out,
                attendance_table.c.note)
                .join(session_table, session_table.c.id == attendance_table.c.session_id)
                .where(attendance_table.c.student_id == person_id).order_by(session_table.c.start_at)),
            "feedback": _rows(db, select(
                feedback_table.c.session_id, feedback_table.c.rating, feedback_table.c.categories,
                feedback_table.c.text, feedback_table.c.created_at)
                .where(feedback_table.c.author_id == person_id).order_by(feedback_table.c.id)),
            "enrolments": _rows(db, select(
                course_table.c.name.label("course"), enrolment_table.c.status, enrolment_table.c.enrolled_at,
                enrolment_table.c.changed_at)
                .join(course_table, course_table.c.id == enrolment_table.c.course_id)
                .where(enrolment_table.c.student_id == person_id).order_by(enrolment_table.c.id)),
            "availability": _rows(db, select(
                availability_table.c.weekday, availability_table.c.start_time, availability_table.c.end_time,
                availability_table.c.tz).where(availability_table.c.person_id == person_id)
                .order_by(availability_table.c.weekday, availability_table.c.start_time)),
            "time_off": _rows(db, select(time_off_table.c.start_at, time_off_table.c.end_at,
                                         time_off_table.c.reason)
                              .where(time_off_table.c.person_id == person_id)
                              .order_by(time_off_table.c.start_at)),
            "availability_dates": _rows(db, select(
                dated_window_table.c.day, dated_window_table.c.start_time, dated_window_table.c.end_time,
                dated_window_table.c.tz).where(dated_window_table.c.person_id == person_id)
                .order_by(dated_window_table.c.day, dated_window_table.c.start_time)),
            "requests": _rows(db, select(
                request_table.c.id, request_table.c.title, request_table.c.description,
                request_table.c.status,
                request_table.c.tags, request_table.c.created_at, request_table.c.session_id)
                .where(request_table.c.student_id == person_id).order_by(request_table.c.id)),
            "invitations": _rows(db, select(
                invitation_table.c.id, invitation_table.c.session_id, invitation_table.c.role,
                invitation_table.c.status, invitation_table.c.created_at)
                .where(invitation_table.c.email == email).order_by(invitation_table.c.id)),
            "mail": _rows(db, select(outbox_table.c.kind, outbox_table.c.template, outbox_table.c.session_id,
                                     outbox_table.c.status, outbox_table.c.created_at, outbox_table.c.sent_at)
                          .where(outbox_table.c.recipient == email).order_by(outbox_table.c.id)),
            "changes_made": _rows(db, select(audit_table.c.id, audit_table.c.at, audit_table.c.action,
                                             audit_table.c.entity, audit_table.c.entity_id)
                                  .where(audit_table.c.actor_id == person_id)
                                  .order_by(audit_table.c.id)),
        }

    def erase(self, person_id: int, email: str, name: str, anonymous: tuple[str, str]) -> int:
        """Replace ``email`` and ``name`` with ``anonymous`` (name, email) wherever free text
        or the audit log holds them (and invitations, and mail to others naming them); drop
        their notes, comments, the details of their requests, availability, time off and mail
        to them; their enrolments still running are dropped (the rows stay, as history,
        naming the stand-in). Returns how many audit records were rewritten."""
        db = self.db
        db.execute(update(enrolment_table).where(enrolment_table.c.student_id == person_id,
                                                 enrolment_table.c.status.in_(("active", "paused")))
                   .values(status="dropped", changed_at=clock.now()))
        # What they wrote and what names them is erased from the archive as from the
        # working tables.
        for marks in _with_archive(attendance_table):
            db.execute(update(marks).where(marks.c.student_id == person_id).values(note=None))
        for said in _with_archive(feedback_table):
            db.execute(update(said).where(said.c.author_id == person_id).values(text=None))
        db.execute(delete(availability_table).where(availability_table.c.person_id == person_id))
        db.execute(delete(time_off_table).where(time_off_table.c.person_id == person_id))
        db.execute(delete(dated_window_table).where(dated_window_table.c.person_id == person_id))
        for asked in _with_archive(request_table):
            db.execute(update(asked).where(asked.c.student_id == person_id)
                       .values(description=None))
        for invited in _with_archive(invitation_table):
            db.execute(update(invited).where(invited.c.email == email)
                       .values(email=anonymous[1]))
        for mail in _with_archive(outbox_table):
            db.execute(delete(mail).where(mail.c.recipient == email))
            # Mail to others naming them (a mentor's attendance summary lists its students).
            for row in db.execute(select(mail.c.id, mail.c.payload).where(
                    _mentioning((mail.c.payload,), email, name))).all():
                db.execute(update(mail).where(mail.c.id == row.id).values(
                    payload=_scrubbed(row.payload, email, name, anonymous)))
        rewritten = 0
        for log in _with_archive(audit_table):
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


def _with_archive(table: Table) -> tuple[Table, Table]:
    """``table`` and its archive table."""
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

