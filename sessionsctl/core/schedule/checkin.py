"""Checking in to an in-person session with its code: `session code` shows the mentor (or
staff) a short code while the session runs, `attendance checkin CODE` marks the student who
gives it present (or late after the grace, as `session join` does).

The code is random (:mod:`secrets`, from an alphabet without look-alike characters) and
stored as is, one per session; the wrong codes a student gives are kept in the database (so
every terminal shares the limit) and refused after :data:`MAX_WRONG` in :data:`WRONG_WINDOW`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..access import Action, require
from ..domain.errors import InvalidInput, NotFound, NotPermitted
from ..domain.model import Attendance, Session, SessionStatus
from ..domain.policy import JOIN_EARLY, LATE_GRACE
from .joining import check_in
from .sessions import get_session

if TYPE_CHECKING:
    from ..context import Context

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
LENGTH = 6
MAX_WRONG = 5
WRONG_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Code:
    session: Session
    code: str
    until: datetime  # valid until the session's end


@dataclass(frozen=True, slots=True)
class CheckedIn:
    session: Session
    mark: Attendance
    written: bool  # False: they had been marked already (the mark they have is kept)


def _running(session: Session, now: datetime, what: str) -> None:
    if session.status in (SessionStatus.CANCELLED, SessionStatus.COMPLETED):
        raise InvalidInput(f"session {session.id} is {session.status.label}", field="session")
    if now < session.start - JOIN_EARLY:
        raise InvalidInput(f"session {session.id} has not started: {what} from "
                           f"{int(JOIN_EARLY.total_seconds() // 60)} minutes before its start",
                           field="session")
    if now >= session.end:
        raise InvalidInput(f"session {session.id} has ended", field="session")


class Checkins:
    """Check-in codes of sessions as they run."""

    def __init__(self, ctx: Context, grace: timedelta = LATE_GRACE) -> None:
        self.ctx = ctx
        self.grace = grace

    def code(self, session_id: int) -> Code:
        """Session ``session_id``'s check-in code (made on first asking), for its mentor or
        staff, while it runs; none for a session that meets only online (a link, no room or
        place)."""
        with self.ctx.write() as uow:
            session = get_session(uow, session_id, Action.VIEW_SESSION)
            require(uow.actor, Action.MARK_ATTENDANCE, session=session)
            if session.link and not session.room and not session.location:
                raise InvalidInput(f"session {session_id} meets online: its students check in "
                                   "with session join", field="session")
            _running(session, self.ctx.clock(), "its code is shown")
            code = uow.checkins.code(session_id)
            if code is None:
                code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
                uow.checkins.set_code(session_id, code, self.ctx.clock())
            return Code(session, code, session.end)

    def check_in(self, code: str) -> CheckedIn:
        """Mark the acting student present in the running session whose code is ``code``."""
        given = "".join(code.split()).upper()
        wrong: Exception | None = None
        with self.ctx.write() as uow:
            actor = uow.actor
            if actor is None:
                raise InvalidInput("check in as the student (--as EMAIL, or their login)",
                                   field="as")
            now = self.ctx.clock()
            since = now - WRONG_WINDOW
            if uow.checkins.failures(actor.email, since) >= MAX_WRONG:
                raise NotPermitted(f"{actor.email} gave {MAX_WRONG} wrong codes in "
                                   f"{int(WRONG_WINDOW.total_seconds() // 60)} minutes: "
                                   "try again later")
            found = [s for s in (uow.sessions.get(i) for i in uow.checkins.sessions_with(given))
                     if s is not None and actor.email in s.students]
            if not found:
                uow.checkins.fail(actor.email, now)
                wrong = NotFound("check-in code", given)
            else:
                session = next((s for s in found if s.start - JOIN_EARLY <= now < s.end),
                               found[-1])
                _running(session, now, "check in")
                session = get_session(uow, session.id, Action.VIEW_SESSION)
                mark = next((m for m in uow.attendance.marks(session.id)
                             if m.student == actor.email), None)
                if mark is not None:
                    return CheckedIn(session, mark, False)
                mark, written = check_in(uow, session, actor.email, now, self.grace,
                                         "checked in with the session's code")
                return CheckedIn(session, mark, written)
        raise wrong
