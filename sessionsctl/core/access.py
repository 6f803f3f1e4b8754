"""Who may do what (ARCHITECTURE.md, decision 6): every action a use case checks, and one
table of how far each role's right to it reaches.

No acting person means the local operator who owns the database, with an admin's rights.
Admins may do everything; staff everything but create admins and staff; mentors run their
own sessions; students see their own sessions and give feedback on them.
"""

from __future__ import annotations

from dataclasses import replace
from enum import Enum, StrEnum

from .domain.drafts import SessionQuery
from .domain.errors import NotPermitted
from .domain.model import Person, Role, Session


class Action(StrEnum):
    """What a use case asks permission for; the value completes "may not ..."."""

    ADD_PERSON = "add people"
    LIST_PEOPLE = "list people"
    ADD_ROOM = "add rooms"
    LIST_ROOMS = "list rooms"
    ADD_SUBJECT = "add subjects"
    LIST_SUBJECTS = "list subjects"
    MANAGE_COURSES = "manage courses and batches"
    MANAGE_TERMS = "add terms"
    MANAGE_CLOSURES = "close the centre"
    SET_AVAILABILITY = "set a mentor's availability"
    BOOK = "book sessions"
    SEE_ALL_SESSIONS = "see every session"
    VIEW_SESSION = "see this session"
    EDIT_SESSION = "change this session"
    NOTE_SESSION = "add notes to this session"
    BEGIN_SESSION = "start this session"
    COMPLETE_SESSION = "complete this session"
    CANCEL_SESSION = "cancel this session"
    MARK_ATTENDANCE = "mark attendance in this session"
    GIVE_FEEDBACK = "give feedback on this session"
    SEND_MAIL = "send mail"


class Reach(Enum):
    """How far a role's right to an action goes."""

    ANY = "any"
    JUNIOR = "mentors and students"  # people of the roles below staff
    OWN = "own"  # sessions they mentor (with no session at hand: the mentor named is them)
    TAKING_PART = "taking part"  # sessions they mentor or attend


_PUBLIC = {Action.LIST_PEOPLE: Reach.ANY, Action.LIST_ROOMS: Reach.ANY,
           Action.LIST_SUBJECTS: Reach.ANY}
_OWN_SESSIONS = {a: Reach.OWN for a in (
    Action.BOOK, Action.SET_AVAILABILITY, Action.EDIT_SESSION, Action.NOTE_SESSION,
    Action.BEGIN_SESSION, Action.COMPLETE_SESSION, Action.CANCEL_SESSION,
    Action.MARK_ATTENDANCE)}
_PARTICIPANT = {Action.VIEW_SESSION: Reach.TAKING_PART, Action.GIVE_FEEDBACK: Reach.TAKING_PART}

RIGHTS: dict[Role, dict[Action, Reach]] = {
    Role.ADMIN: dict.fromkeys(Action, Reach.ANY),
    Role.STAFF: {**dict.fromkeys(Action, Reach.ANY), Action.ADD_PERSON: Reach.JUNIOR},
    Role.MENTOR: {**_PUBLIC, **_PARTICIPANT, **_OWN_SESSIONS},
    Role.STUDENT: {**_PUBLIC, **_PARTICIPANT},
}


def may(actor: Person | None, action: Action, *, session: Session | None = None,
        role: Role | None = None, mentor: str | None = None) -> bool:
    """Whether ``actor`` may do ``action`` to ``session`` (or for ``mentor``, or to a person
    of ``role``), by the table above."""
    if actor is None:
        return True
    reach = RIGHTS[actor.role].get(action)
    if reach is Reach.ANY:
        return True
    if reach is Reach.JUNIOR:
        return role in (Role.MENTOR, Role.STUDENT)
    if reach is Reach.OWN:
        return (session.mentor if session is not None else mentor) == actor.email
    if reach is Reach.TAKING_PART:
        return session is not None and (actor.email == session.mentor
                                        or actor.email in session.students)
    return False


def require(actor: Person | None, action: Action, *, session: Session | None = None,
            role: Role | None = None, mentor: str | None = None) -> None:
    """Raise :class:`NotPermitted`, naming the action, unless :func:`may` allows it."""
    if not may(actor, action, session=session, role=role, mentor=mentor):
        who = f"{actor.email} ({actor.role.value})" if actor else "nobody"
        what = action.value
        if session is not None:
            what = what.replace("this session", f"session {session.id}")
        elif mentor is not None and action in (Action.BOOK, Action.SET_AVAILABILITY):
            what = f"{what} for {mentor}" if action is Action.BOOK \
                else f"set the availability of {mentor}"
        elif role is not None:
            what = f"add a {role.value}"
        raise NotPermitted(f"{who} may not {what}")


def sees_everything(actor: Person | None) -> bool:
    """Whether ``actor`` sees every session (others see the ones they take part in)."""
    return may(actor, Action.SEE_ALL_SESSIONS)


def visible(actor: Person | None, query: SessionQuery) -> SessionQuery:
    """``query`` narrowed to the sessions ``actor`` may see: all of them for staff, the ones
    they take part in for mentors and students."""
    if sees_everything(actor):
        return query
    assert actor is not None
    return replace(query, visible_to=actor.email)
