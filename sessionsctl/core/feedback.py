"""Feedback on a session: a rating (1-5), ratings by category and a comment, one per person
per session, from someone who took part in it."""

from __future__ import annotations

from .access import Action, require
from .context import Context
from .domain import rules
from .domain.errors import InvalidInput
from .domain.model import Feedback, SessionStatus
from .domain.serialize import record
from .names import Names
from .schedule.sessions import get_session


class Feedbacks:
    """Giving feedback."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def add(self, session_id: int, author: str, rating: int, *,
            categories: dict[str, int] | None = None, text: str | None = None) -> Feedback:
        """One feedback per person per session; a second replaces the first (kept in the
        audit)."""
        rules.rating(rating)
        for category, value in (categories or {}).items():
            rules.rating(value, field=f"category {category}")
        with self.ctx.write() as uow:
            session = get_session(uow, session_id, Action.VIEW_SESSION)
            person = Names(uow).person(author, field="from")
            author = person.email
            if author != session.mentor and author not in session.students:
                raise InvalidInput(f"{person.label} did not take part in session {session_id}",
                                   field="from")
            if session.status is SessionStatus.CANCELLED:
                raise InvalidInput(f"session {session_id} was cancelled", field="session")
            now = self.ctx.clock()
            if session.start > now:
                raise InvalidInput(f"session {session_id} has not started yet", field="session")
            # Feedback is its author's: others (staff) only record it on their behalf, and
            # that is kept with it.
            recorded_by = None
            if uow.actor is not None and uow.actor.email != author:
                require(uow.actor, Action.RECORD_FEEDBACK)
                recorded_by = uow.actor.email
            item = Feedback(session_id, author, rating, dict(categories or {}), text, now,
                            recorded_by)
            before = uow.attendance.set_feedback(item)  # the last writer wins, audited
            uow.audit.record("feedback", "session", session_id,
                             record(before) if before else None, record(item))
            return item
