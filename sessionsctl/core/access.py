"""Who may do what (ARCHITECTURE.md, decision 6): every action a use case checks, and one
table of how far each role's right to it reaches.

No acting person means the local operator who owns the database, with an admin's rights.
Admins may do everything; staff everything but create admins, staff and enrolment managers,
bind logins, and lock the calendar or change what it froze; enrolment managers manage
enrolments and people (mentors and students) and see every session, but book and change
none; mentors run their own sessions (and read their history); students see the sessions
they take part in and those of the courses they are actively enrolled in, and give feedback
on the ones they took part in.
"""

from __future__ import annotations

from dataclasses import replace
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any

from .domain.drafts import SessionQuery
from .domain.errors import NotPermitted
from .domain.model import Attendance, Feedback, Guest, Person, Role, Series, Session
from .identity import how_to_bind, is_unbound

if TYPE_CHECKING:
    from .schedule.ports import Recording
    from .storage import UnitOfWork


class Action(StrEnum):
    """What a use case asks permission for; the value completes "may not ..."."""

    ADD_PERSON = "add people"
    EDIT_PERSON = "change people"
    LIST_PEOPLE = "list people"
    ADD_ROOM = "add rooms"
    EDIT_ROOM = "change or retire rooms"
    LIST_ROOMS = "list rooms"
    ADD_SUBJECT = "add subjects"
    EDIT_SUBJECT = "change or retire subjects"
    LIST_SUBJECTS = "list subjects"
    MANAGE_COURSES = "manage courses and batches"
    MANAGE_ENROLMENTS = "enrol students or list enrolments"
    MANAGE_TERMS = "add or remove terms"
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
    RECORD_FEEDBACK = "record feedback on behalf of others"
    READ_STAFF_NOTES = "read the staff notes of this session"
    SEE_CLASSMATES = "see who else takes part in this session"
    SEND_MAIL = "send mail"
    BIND_LOGIN = "bind logins to people"
    SYNC_ACCESS = "set up the database's roles and policies"
    READ_AUDIT = "read the change history of this session"
    LOCK_CALENDAR = "lock or reopen the calendar"
    CHANGE_LOCKED = "change sessions or marks before the calendar lock"
    SYNC_CALENDAR = "send a mentor's sessions to a CalDAV server"
    MANAGE_BILLING = "manage rates, payments and invoices, or read billing and payroll"
    ASK_FOR_SESSION = "ask for sessions"
    SEE_REQUESTS = "see the requests of others"
    CLAIM_REQUEST = "claim requests"
    SWEEP_REQUESTS = "expire requests or reopen lapsed claims"
    BACKUP = "back up or replace the whole database"
    ARCHIVE = "archive old sessions or restore archived ones"


class Reach(Enum):
    """How far a role's right to an action goes."""

    ANY = "any"
    JUNIOR = "mentors and students"  # people of the roles below staff
    # Sessions they mentor (with no session at hand: the mentor named is them; for a request,
    # the student asking or the mentor claiming is them).
    OWN = "own"
    TAKING_PART = "taking part"  # sessions they mentor or attend
    # Taking part, or (for a student) of a course they are actively enrolled in: known only
    # to the store's visibility filter, so :func:`may` answers for taking part and
    # :func:`require_view` asks the store about the rest.
    VISIBLE = "visible"


_PUBLIC = {Action.LIST_PEOPLE: Reach.ANY, Action.LIST_ROOMS: Reach.ANY,
           Action.LIST_SUBJECTS: Reach.ANY}
_OWN_SESSIONS = {a: Reach.OWN for a in (
    Action.BOOK, Action.SET_AVAILABILITY, Action.EDIT_SESSION, Action.NOTE_SESSION,
    Action.BEGIN_SESSION, Action.COMPLETE_SESSION, Action.CANCEL_SESSION,
    Action.MARK_ATTENDANCE, Action.READ_STAFF_NOTES, Action.SEE_CLASSMATES,
    Action.READ_AUDIT, Action.SYNC_CALENDAR)}
_PARTICIPANT = {Action.VIEW_SESSION: Reach.VISIBLE, Action.GIVE_FEEDBACK: Reach.TAKING_PART}
_SEES_ALL = {a: Reach.ANY for a in (
    Action.SEE_ALL_SESSIONS, Action.VIEW_SESSION, Action.READ_STAFF_NOTES,
    Action.SEE_CLASSMATES)}

_ADMIN_ONLY = {Action.BIND_LOGIN, Action.SYNC_ACCESS, Action.LOCK_CALENDAR,
               Action.CHANGE_LOCKED, Action.BACKUP, Action.ARCHIVE}

RIGHTS: dict[Role, dict[Action, Reach]] = {
    Role.ADMIN: dict.fromkeys(Action, Reach.ANY),
    Role.STAFF: {**{a: Reach.ANY for a in Action if a not in _ADMIN_ONLY},
                 Action.ADD_PERSON: Reach.JUNIOR, Action.EDIT_PERSON: Reach.JUNIOR},
    Role.ENROLMENT: {**_PUBLIC, **_SEES_ALL, Action.MANAGE_ENROLMENTS: Reach.ANY,
                     Action.SEE_REQUESTS: Reach.ANY,
                     Action.ADD_PERSON: Reach.JUNIOR, Action.EDIT_PERSON: Reach.JUNIOR},
    Role.MENTOR: {**_PUBLIC, **_PARTICIPANT, **_OWN_SESSIONS, Action.SEE_REQUESTS: Reach.ANY,
                  Action.CLAIM_REQUEST: Reach.OWN},
    Role.STUDENT: {**_PUBLIC, **_PARTICIPANT, Action.ASK_FOR_SESSION: Reach.OWN},
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
    if reach in (Reach.TAKING_PART, Reach.VISIBLE):
        return session is not None and (actor.email == session.mentor
                                        or actor.email in session.students)
    return False


def require(actor: Person | None, action: Action, *, session: Session | None = None,
            role: Role | None = None, mentor: str | None = None) -> None:
    """Raise :class:`NotPermitted`, naming the action, unless :func:`may` allows it."""
    if not may(actor, action, session=session, role=role, mentor=mentor):
        if is_unbound(actor):
            assert actor is not None
            raise NotPermitted(f"may not {action.value}: {how_to_bind(actor.name)}")
        who = f"{actor.email} ({actor.role.label})" if actor else "nobody"
        what = action.value
        if session is not None:
            what = what.replace("this session", f"session {session.id}")
        elif mentor is not None and action in (Action.BOOK, Action.SET_AVAILABILITY):
            what = f"{what} for {mentor}" if action is Action.BOOK \
                else f"set the availability of {mentor}"
        elif mentor is not None and action in (Action.ASK_FOR_SESSION, Action.CLAIM_REQUEST):
            what = f"{what} for {mentor}"
        elif role is not None:
            what = f"{'change' if action is Action.EDIT_PERSON else 'add'} {role.a}"
        raise NotPermitted(f"{who} may not {what}")


def sees_everything(actor: Person | None) -> bool:
    """Whether ``actor`` sees every session (others see the ones they take part in)."""
    return may(actor, Action.SEE_ALL_SESSIONS)


def visible(actor: Person | None, query: SessionQuery) -> SessionQuery:
    """``query`` narrowed to the sessions ``actor`` may see: all of them for staff,
    enrolment managers and admins; for mentors and students the ones they take part in, and
    for a student those of the courses their enrolment is active in (in their batch, or the
    course's unbatched sessions if they have none): the store's ``visible_to`` filter. A
    mentor naming another mentor, a student another student, is refused (exit 5)."""
    if sees_everything(actor):
        return query
    assert actor is not None
    other = (query.mentor if actor.role is Role.MENTOR and query.mentor not in (None, actor.email)
             else query.student if actor.role is Role.STUDENT
             and query.student not in (None, actor.email) else None)
    if other is not None:  # asking for someone else's sessions by name: refused, not emptied
        raise NotPermitted(f"{actor.email} ({actor.role.value}) may not see the sessions of "
                           f"{other}")
    return replace(query, visible_to=actor.email)


def require_view(uow: UnitOfWork, session: Session) -> None:
    """Raise :class:`NotPermitted` unless the acting person may see ``session``: by the table,
    or, where their right reaches only the sessions visible to them, if :func:`visible`
    finds it (one query, the same filter every listing uses)."""
    actor = uow.actor
    if may(actor, Action.VIEW_SESSION, session=session):
        return
    if actor is not None and RIGHTS[actor.role].get(Action.VIEW_SESSION) is Reach.VISIBLE \
            and uow.sessions.find(visible(actor, SessionQuery(ids=(session.id,)))):
        return
    require(actor, Action.VIEW_SESSION, session=session)


# ------------------------------------------------------------------ what a viewer is shown
def seen_people(actor: Person | None, people: list[Person]) -> list[Person]:
    """The people ``actor`` may list: everyone for those who may see who takes part in
    sessions (staff; mentors, who book students); for a student, themselves and those who
    are not students (no other student's name or email)."""
    if actor is None or actor.role is not Role.STUDENT:
        return people
    return [p for p in people if p.role is not Role.STUDENT or p.id == actor.id]


def seen(actor: Person | None, session: Session) -> Session:
    """``session`` as ``actor`` may see it (one it may view): without the staff notes and the
    reason it was booked over conflicts unless they may read those, with only themselves
    among the students unless they may see who else takes part, and without its passcode and
    cost unless they take part in it (or see every session)."""
    if actor is None:
        return session
    changes: dict[str, Any] = {}
    if session.notes or session.force_reason:
        if not may(actor, Action.READ_STAFF_NOTES, session=session):
            changes.update(notes=None, force_reason=None)
    if session.students and not may(actor, Action.SEE_CLASSMATES, session=session):
        changes["students"] = tuple(e for e in session.students if e == actor.email)
        changes["taken"] = session.seats_taken  # the seats taken are no one's secret
    if (session.passcode or session.cost is not None) and not sees_everything(actor) \
            and actor.email != session.mentor and actor.email not in session.students:
        changes.update(passcode=None, cost=None)  # a session seen without taking part in it
    return replace(session, **changes) if changes else session


def seen_recordings(actor: Person | None, session: Session,
                    recordings: list[Recording]) -> list[Recording]:
    """The recordings of ``session`` (one ``actor`` may see) that ``actor`` may see: all of
    them for those who see every session and its participants, the ``public`` ones for
    others (as :func:`seen` hides the passcode)."""
    if actor is None or sees_everything(actor) or actor.email == session.mentor \
            or actor.email in session.students:
        return recordings
    return [r for r in recordings if r.public]


def seen_guests(actor: Person | None, session: Session, guests: list[Guest]) -> list[Guest]:
    """The guests of ``session`` that ``actor`` may see, as its students: all of them for
    those who may see who takes part, else themselves alone."""
    if may(actor, Action.SEE_CLASSMATES, session=session):
        return guests
    assert actor is not None
    return [g for g in guests if g.email == actor.email]


def seen_marks(actor: Person | None, session: Session,
               marks: list[Attendance]) -> list[Attendance]:
    """The attendance marks of ``session`` that ``actor`` may see: every mark for those who
    may see who takes part, their own mark for a student."""
    if may(actor, Action.SEE_CLASSMATES, session=session):
        return marks
    assert actor is not None
    return [m for m in marks if m.student == actor.email]


def seen_feedback(actor: Person | None, session: Session,
                  feedback: list[Feedback]) -> list[Feedback]:
    """The feedback on ``session`` that ``actor`` may read: all of it for those who may see who
    takes part, their own for a student."""
    if may(actor, Action.SEE_CLASSMATES, session=session):
        return feedback
    assert actor is not None
    return [f for f in feedback if f.author == actor.email]


def sees_series(actor: Person | None, series: Series) -> bool:
    """Whether ``actor`` may see ``series`` as a whole (its rule and every occurrence): staff,
    and the mentor it is booked for. Others see only the occurrences they take part in."""
    return sees_everything(actor) or (
        actor is not None and series.template.get("mentor") == actor.email)


def takes_part_in_series(actor: Person | None, series: Series) -> bool:
    """Whether ``series`` is one ``actor`` sees whole or is booked into (as a student)."""
    return sees_series(actor, series) or (
        actor is not None and actor.email in (series.template.get("students") or ()))


def seen_series(actor: Person | None, series: Series) -> Series:
    """``series`` as ``actor`` may see it: its template without what :func:`seen` hides."""
    if sees_series(actor, series):
        return series
    assert actor is not None
    template = dict(series.template)
    if "notes" in template:
        template["notes"] = None
    template["students"] = tuple(e for e in template.get("students") or ()
                                 if e == actor.email)
    return replace(series, template=template)
