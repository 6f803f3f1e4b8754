"""Feedback on a session: a rating (1-5), ratings by category and a comment, one per person
per session, from someone who took part in it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from .access import Action, may, require
from .domain import rules
from .domain.errors import InvalidInput
from .domain.model import Feedback, Role, SessionStatus
from .domain.serialize import record
from .names import Names
from .reports.scope import checked, known
from .schedule.sessions import get_session

if TYPE_CHECKING:
    from .context import Context
    from .reports.data import ReportFilter


class Feedbacks:
    """Giving feedback, and reading it. ``categories``: the centre's rating categories (the
    config's ``[feedback] categories``); none set, any is taken."""

    def __init__(self, ctx: Context, categories: Sequence[str] = ()) -> None:
        self.ctx = ctx
        self.categories = tuple(categories)

    def add(self, session_id: int, author: str, rating: int, *,
            categories: dict[str, int] | None = None, text: str | None = None) -> Feedback:
        """One feedback per person per session; a second replaces the first (kept in the
        audit)."""
        rules.rating(rating)
        unknown = sorted(set(categories or {}) - set(self.categories)) if self.categories else []
        if unknown:
            raise InvalidInput(f"{unknown[0]!r} is not one of the centre's categories: "
                               f"{', '.join(self.categories)}", field="category")
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

    def listed(self, f: ReportFilter, session_id: int | None = None
               ) -> list[tuple[int, datetime, str, Feedback]]:
        """(session id, start, mentor, feedback) of the sessions ``f`` selects, by start:
        staff read all, a mentor what was said of their sessions (and what they said), a
        student what they said."""
        f = checked(f)
        with self.ctx.read() as uow:
            f = known(uow, f)
            actor = uow.actor
            if session_id is not None:
                get_session(uow, session_id, Action.VIEW_SESSION)
            if actor is None or may(actor, Action.SEE_ALL_SESSIONS):
                return uow.attendance.feedback_in(f, session_id)
            if actor.role is Role.MENTOR:
                theirs = uow.attendance.feedback_in(replace(f, mentor=actor.email), session_id)
                said = [row for row in uow.attendance.feedback_in(f, session_id, actor.email)
                        if row[2] != actor.email]
                return sorted(theirs + said, key=lambda row: (row[1], row[0], row[3].author))
            return uow.attendance.feedback_in(f, session_id, actor.email)
