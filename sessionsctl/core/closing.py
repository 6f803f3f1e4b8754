"""Closing sessions that have ended: completing them (for cron, `session close-ended`) and
marking the students nobody marked absent, each session in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from .access import Action
from .attendance import unmarked
from .completion import UNMARKED, Unmarked, check_unmarked, completed
from .domain import rules
from .domain.drafts import SessionQuery
from .domain.model import Session, SessionStatus
from .domain.serialize import record
from .schedule.sessions import get_session

if TYPE_CHECKING:
    from .context import Context

__all__ = ["UNMARKED", "Closed", "Closing", "Unmarked"]


@dataclass(frozen=True)
class Closed:
    """A session completed, and the students it marked absent."""

    session: Session
    absent: tuple[str, ...]


class Closing:
    """Completing sessions that have ended, and what happens to their unmarked students."""

    def __init__(self, ctx: Context, unmarked_as: Unmarked = "absent") -> None:
        self.ctx = ctx
        self.unmarked_as = unmarked_as  # the config's, unless a run says otherwise

    def ended(self, after: timedelta) -> list[Session]:
        """The sessions still scheduled or in progress that ended more than ``after`` ago."""
        cutoff = self.ctx.clock() - after
        with self.ctx.read() as uow:
            found = uow.sessions.find(SessionQuery(
                end=cutoff, statuses=(SessionStatus.SCHEDULED, SessionStatus.IN_PROGRESS)))
        return [s for s in found if s.end <= cutoff]

    def close_ended(self, after: timedelta, unmarked_as: str | None = None, *,
                    dry_run: bool = False) -> list[Closed]:
        """Complete every session :meth:`ended` finds, each in its own transaction (a run cut
        short leaves the rest for the next; a second run finds none), marking its unmarked
        students absent unless ``unmarked_as`` (else the config's) is ``leave``."""
        unmarked_as = check_unmarked(unmarked_as, "--unmarked") if unmarked_as is not None \
            else self.unmarked_as
        done = []
        for session in self.ended(after):
            if dry_run:
                with self.ctx.read() as uow:
                    left = unmarked(session, uow.attendance.marks(session.id))
                done.append(Closed(session, tuple(left) if unmarked_as == "absent" else ()))
                continue
            closed = self.close(session.id, unmarked_as)
            if closed is not None:
                done.append(closed)
        return done

    def close(self, session_id: int, unmarked_as: Unmarked) -> Closed | None:
        """Complete one session (each step audited, as ``session complete``) and mark its
        unmarked students; None if another terminal closed or cancelled it meanwhile."""
        with self.ctx.write() as uow:
            before = get_session(uow, session_id, Action.COMPLETE_SESSION)
            if before.status not in (SessionStatus.SCHEDULED, SessionStatus.IN_PROGRESS):
                return None
            for step in rules.lifecycle_path(before.status, SessionStatus.COMPLETED):
                uow.sessions.set_status(session_id, step)
                after = uow.sessions.get(session_id)
                assert after is not None
                uow.audit.record(step.value, "session", session_id, record(before),
                                 record(after))
                before = after
            absent = completed(uow, before, self.ctx.clock(), unmarked_as)
            return Closed(before, tuple(absent))
