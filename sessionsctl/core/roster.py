"""A session's roster as a whole: who is not marked yet, and marking all of them at once
without ever overwriting a mark already given."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from . import permissions
from .errors import InvalidInput, NotFound
from .model import Attendance, AttendanceStatus, Session, SessionStatus
from .serialize import record

_CHECKED_IN = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


def check_in_time(session: Session, now: datetime) -> datetime:
    """When a student marked present or late came in, if nobody says: now, within the session.
    (Centre.mark_attendance and mark_rest both use it.)"""
    return min(now, session.end) if now >= session.start else session.start


def check_markable(session: Session, now: datetime, *, force: bool = False) -> None:
    """Attendance is marked for a session that is not cancelled and has started (or forced)."""
    if session.status is SessionStatus.CANCELLED:
        raise InvalidInput(f"session {session.id} is cancelled", field="session")
    if session.start > now and not force:
        raise InvalidInput(f"session {session.id} has not started yet (use --force)",
                           field="session")


def unmarked(session: Session, marks: Iterable[Attendance]) -> list[str]:
    """The students of ``session`` with no mark yet, in roster order."""
    marked = {m.student for m in marks}
    return [s for s in session.students if s not in marked]


def mark_rest(centre, session_id: int,  # centre: usecases.Centre
              status: AttendanceStatus = AttendanceStatus.PRESENT, *,
              force: bool = False) -> list[Attendance]:
    """Mark every student not marked yet with ``status``, in one transaction; the marks
    already given (also by another terminal a moment ago) are read inside that transaction
    and left as they are. Returns the marks written."""
    with centre.store.unit(centre.actor, write=True) as uow:
        session = uow.session(session_id)
        if session is None:
            raise NotFound("session", session_id)
        permissions.require(uow.actor, "attendance.mark", session=session)
        now = centre.clock()
        check_markable(session, now, force=force)
        written = []
        for student in unmarked(session, uow.attendance(session_id)):
            check_in = check_in_time(session, now) if status in _CHECKED_IN else None
            mark = Attendance(session_id, student, status, check_in, None, None,
                              uow.actor.email if uow.actor else None, now)
            uow.set_attendance(mark)
            uow.audit("attendance", "session", session_id, None, record(mark))
            written.append(mark)
        return written
