"""Who may do what (ARCHITECTURE.md, decision 6).

No acting person means the local operator who owns the database, with an admin's rights.
Admins may do everything; staff everything but create admins and staff; mentors run their
own sessions; students see their own sessions and give feedback on them.
"""

from __future__ import annotations

from .domain.errors import NotPermitted
from .domain.model import Person, Role, Session

_STAFF = (Role.ADMIN, Role.STAFF)


def _involved(actor: Person, session: Session | None) -> bool:
    return session is not None and (actor.email == session.mentor
                                     or actor.email in session.students)


def may(actor: Person | None, action: str, *, session: Session | None = None,
        role: Role | None = None, mentor: str | None = None) -> bool:
    if actor is None or actor.role is Role.ADMIN:
        return True
    if action == "person.add":
        return actor.role is Role.STAFF and role in (Role.MENTOR, Role.STUDENT)
    if actor.role is Role.STAFF:
        return True
    if action in ("session.view", "feedback.add"):
        return _involved(actor, session)
    if actor.role is Role.MENTOR:
        if action == "session.book":
            return mentor == actor.email
        if action in ("session.edit", "session.cancel", "session.complete", "attendance.mark"):
            # A session's own mentor; a series' (no session at hand) its template's mentor.
            owner = session.mentor if session is not None else mentor
            return owner == actor.email
    return action in ("person.list", "room.list", "subject.list")


def require(actor: Person | None, action: str, **context: object) -> None:
    if not may(actor, action, **context):  # type: ignore[arg-type]
        who = f"{actor.email} ({actor.role.value})" if actor else "nobody"
        raise NotPermitted(f"{who} may not {action.replace('.', ' ')}")


def sees_everything(actor: Person | None) -> bool:
    return actor is None or actor.role in _STAFF
