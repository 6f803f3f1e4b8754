"""Joining a session as it runs (`session join`): its meeting link for a participant, and a
student's attendance recorded as they come in (present, or late after the grace), refused
outside the session's window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..access import Action
from ..domain.errors import InvalidInput, NotPermitted
from ..domain.model import Attendance, AttendanceStatus, Session, SessionStatus
from ..domain.policy import JOIN_EARLY, LATE_GRACE
from ..domain.serialize import record
from .sessions import get_session

if TYPE_CHECKING:
    from ..context import Context
    from ..storage import UnitOfWork


@dataclass(frozen=True, slots=True)
class Joined:
    session: Session
    link: str | None
    mark: Attendance | None  # the student's mark (written now, or the one they had)
    written: bool = False


class Joining:
    """A participant joining a session while it runs."""

    def __init__(self, ctx: Context, grace: timedelta = LATE_GRACE) -> None:
        self.ctx = ctx
        self.grace = grace

    def join(self, session_id: int) -> Joined:
        """Join session ``session_id`` as the acting person (its mentor or one of its
        students), from :data:`JOIN_EARLY` before its start to its end: its link, and a
        student's check-in (present, or late after the grace; a mark they have is kept)."""
        with self.ctx.write() as uow:
            session = get_session(uow, session_id, Action.VIEW_SESSION)
            actor = uow.actor
            if actor is None or (actor.email != session.mentor
                                 and actor.email not in session.students):
                who = actor.email if actor else "nobody"
                raise NotPermitted(f"{who} does not take part in session {session_id}")
            if session.status in (SessionStatus.CANCELLED, SessionStatus.COMPLETED):
                raise InvalidInput(f"session {session_id} is {session.status.label}",
                                   field="session")
            now = self.ctx.clock()
            if not session.start - JOIN_EARLY <= now < session.end:
                raise InvalidInput(
                    f"session {session_id} can be joined from "
                    f"{int(JOIN_EARLY.total_seconds() // 60)} minutes before its start to its "
                    f"end, not now", field="session")
            if actor.email == session.mentor:
                return Joined(session, session.link, None)
            had = next((m for m in uow.attendance.marks(session_id)
                        if m.student == actor.email), None)
            if had is not None:
                return Joined(session, session.link, had)
            mark, written = check_in(uow, session, actor.email, now, self.grace,
                                     "checked in on joining")
            return Joined(session, session.link, mark, written)


def check_in(uow: UnitOfWork, session: Session, student: str, now: datetime,
             grace: timedelta, note: str) -> tuple[Attendance, bool]:
    """Mark ``student`` present in ``session`` at ``now`` (late after ``grace`` from its
    start), audited: the rule `session join` and `attendance checkin` share. Whether it was
    written (not if another terminal marked them a moment ago)."""
    late = now > session.start + grace
    mark = Attendance(session.id, student,
                      AttendanceStatus.LATE if late else AttendanceStatus.PRESENT,
                      max(now, session.start), None, note, student, now)
    written = uow.attendance.add_mark(mark)
    if written:
        uow.audit.record("attendance", "session", session.id, None, record(mark))
    return mark, written
