"""Registration for group sessions: a session opened (`session open`, until a time, the start
by default), students registering themselves (or staff for them) and withdrawing, a full
session's waitlist, and promotion: when a seat frees, the first waiting student whose time is
still free takes it in the same transaction and is told by mail; one who is busy then is
passed over (and keeps their place)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..access import Action, require, require_view, seen, visible
from ..domain import rules
from ..domain.drafts import Row, SessionQuery
from ..domain.errors import ConflictError, InvalidInput, NotFound
from ..domain.model import Session, SessionStatus
from ..domain.policy import DEFAULT_SEATS
from ..domain.serialize import record
from ..mail.notices import Notice, NoticeKind
from ..names import Names
from .booking import draft_of, retry_race
from .roster import Roster
from .roster import seats as seat_limit
from .sessions import get_session

if TYPE_CHECKING:
    from ..context import Context
    from ..mail.notify import Notifier
    from ..storage import UnitOfWork


@dataclass(frozen=True, slots=True)
class Registered:
    """Where a registration left the student: on the session, or waiting at ``place``."""

    session: Session
    student: str
    place: int | None = None  # their place on the waitlist (1 = next); None: they have a seat
    promoted: tuple[str, ...] = ()  # those a withdrawal let in


@dataclass(frozen=True, slots=True)
class Waitlist:
    session: Session
    until: datetime | None  # when registration closes (None: not open)
    waiting: list[tuple[str, datetime]]


def free_seats(uow: UnitOfWork, session: Session) -> int | None:
    """How many more students the session may take (None: no limit)."""
    room = uow.rooms.get(session.room) if session.room else None
    limit = seat_limit(session, room)
    return None if limit is None else max(limit - session.seats_taken, 0)


def promote(uow: UnitOfWork, roster: Roster, notifier: Notifier, session_id: int,
            now: datetime, notify: bool = True) -> tuple[str, ...]:
    """Give the session's free seats to the first students waiting whose time is still free,
    in the caller's transaction; each is taken off the waitlist, audited, and told by mail.
    One busy then is passed over and keeps their place."""
    session = uow.sessions.get(session_id)
    if session is None or session.status is not SessionStatus.SCHEDULED or session.end <= now:
        return ()
    if uow.registrations.promote_unseen(session_id, notify) is not None:
        return ()  # a student's login, told nothing of who was seated
    promoted: list[str] = []
    for student, _ in uow.registrations.waiting(session_id):
        free = free_seats(uow, session)
        if free is not None and free <= 0:
            break
        if roster.judge(uow, session, [student]):
            continue
        uow.sessions.add_students(session_id, [student])
        uow.registrations.unwait(session_id, student)
        after = uow.sessions.get(session_id)
        assert after is not None
        uow.audit.record("promote", "session", session_id, record(session), record(after))
        if notify and after.start >= now:
            uow.outbox.enqueue([Notice(NoticeKind.BOOKED, "promoted", student, session_id,
                                       after.start, {"sessions": [session_id]})], now=now)
        promoted.append(student)
        session = after
    return tuple(promoted)


MISSED = "waitlist_missed"  # the template telling one waiting that the session started
MISSED_WITHIN = timedelta(days=7)  # sessions started longer ago are no news any more


def tell_missed(uow: UnitOfWork, now: datetime) -> int:
    """Queue a mail (``templates/waitlist_missed``) to each student still waiting for a seat
    of a session that has started (in the last :data:`MISSED_WITHIN`, not cancelled), once
    per student and session: the session is held and the outbox asked first, so two runs at
    once queue it once; it is queued in the caller's transaction, so none is lost to a run
    that fails. Returns how many were queued."""
    told = 0
    for session_id, student in uow.registrations.missed(now - MISSED_WITHIN, now):
        uow.sessions.hold(session_id)  # a rival run waits here, then sees what this queued
        if uow.outbox.queued(MISSED, session_id, student):
            continue
        session = uow.sessions.get(session_id)
        if session is None:
            continue
        uow.outbox.enqueue([Notice(NoticeKind.CUSTOM, MISSED, student, session_id,
                                   session.start, {"sessions": [session_id]})], now=now)
        told += 1
    return told


class Registration:
    """Opening sessions for registration, registering, withdrawing, the waitlist."""

    def __init__(self, ctx: Context, roster: Roster, notifier: Notifier) -> None:
        self.ctx = ctx
        self.roster = roster
        self.notifier = notifier

    def open(self, session_id: int, *, seats: int | None = None,
             until: datetime | None = None) -> Waitlist:
        """Open a session for registration until ``until`` (its start by default) with
        ``seats`` (else its limit, else its type's default); more seats than before let those
        waiting in."""
        with self.ctx.write() as uow:
            uow.sessions.hold(session_id)
            before = get_session(uow, session_id, Action.EDIT_SESSION)
            if before.status is not SessionStatus.SCHEDULED:
                raise InvalidInput(f"session {session_id} is {before.status.label}: only a "
                                   "scheduled one opens for registration", field="session")
            now = self.ctx.clock()
            closes = until if until is not None else before.start
            if closes <= now:
                raise InvalidInput("registration would close before now", field="until")
            if closes > before.end:
                raise InvalidInput("registration must close by the session's end", field="until")
            wanted = seats if seats is not None else (
                before.max_participants if before.max_participants is not None
                else DEFAULT_SEATS[before.type])
            # A session holds no more students than its room seats (roster.seats): seats it
            # is opened with are a promise to those registering, so none are offered past it.
            room = uow.rooms.get(before.room) if before.room else None
            limit = seat_limit(replace(before, max_participants=wanted), room)
            assert limit is not None
            if seats is not None and limit < seats and room is not None:
                raise InvalidInput(f"{seats} is more than room {room.name} seats ({limit}): "
                                   f"open it with {limit} or fewer, or move it to a larger "
                                   "room", field="seats")
            if limit < 1 or limit < len(before.students):
                raise InvalidInput(f"must be at least 1 and the {len(before.students)} "
                                   "students it has", field="seats")
            if limit != before.max_participants:
                draft = rules.validate_session(replace(draft_of(before), max_participants=limit))
                uow.sessions.update(session_id, Row(
                    draft, uid=before.uid, status=before.status, series_id=before.series_id,
                    recurrence_id=before.recurrence_id, force_reason=before.force_reason,
                    sequence=before.sequence))
            uow.registrations.open(session_id, closes)
            after = uow.sessions.get(session_id)
            assert after is not None
            uow.audit.record("open", "session", session_id, record(before),
                             {**record(after), "registration_until": record(closes)})
            promote(uow, self.roster, self.notifier, session_id, now)
            return self._waitlist(uow, session_id)

    def find_open(self, query: SessionQuery) -> list[Session]:
        """The sessions open for registration now that ``query`` selects and the acting
        person may see (a student: those their enrolment lets them see)."""
        with self.ctx.read() as uow:
            ids = uow.registrations.open_ids(self.ctx.clock())
            if not ids:
                return []
            actor = uow.actor
            return [seen(actor, s) for s in uow.sessions.find(visible(actor, replace(
                query, ids=tuple(ids))))]

    def register(self, session_id: int, student: str | None = None, *,
                 notify: bool = True) -> Registered:
        """Register ``student`` (the acting person by default; staff or the session's mentor
        for another) for an open session: a seat if one is free, else a place on the
        waitlist. Refused if they are busy then, or registration is closed."""
        return retry_race(lambda: self._register(session_id, student, notify))

    def _register(self, session_id: int, student: str | None, notify: bool) -> Registered:
        with self.ctx.write() as uow:
            uow.sessions.hold(session_id)
            session, email = self._whose(uow, session_id, student)
            until = uow.registrations.until(session_id)
            now = self.ctx.clock()
            if until is None or session.status is not SessionStatus.SCHEDULED:
                raise InvalidInput(f"session {session_id} is not open for registration",
                                   field="session")
            if now >= until:
                raise InvalidInput(f"registration for session {session_id} has closed",
                                   field="session")
            if email in session.students:
                raise InvalidInput(f"{email} is on session {session_id} already",
                                   field="student")
            waiting = [e for e, _ in uow.registrations.waiting(session_id)]
            if email in waiting:
                raise InvalidInput(f"{email} is on the waitlist of session {session_id} "
                                   f"already (place {waiting.index(email) + 1})",
                                   field="student")
            clashes = [c for c in self.roster.judge(uow, session, [email])
                       if c.kind != "capacity"]
            if clashes:
                raise ConflictError(clashes)
            free = free_seats(uow, session)
            if free is not None and (free <= 0 or waiting):
                uow.registrations.wait(session_id, email)
                uow.audit.record("waitlist", "session", session_id, None,
                                 {"student": email, "place": len(waiting) + 1})
                return Registered(session, email, place=len(waiting) + 1)
            uow.sessions.add_students(session_id, [email])
            after = uow.sessions.get(session_id)
            assert after is not None
            uow.audit.record("register", "session", session_id, record(session), record(after))
            if notify:
                self.notifier.roster(uow, after, added=[email])
            return Registered(after, email)

    def withdraw(self, session_id: int, student: str | None = None, *,
                 notify: bool = True) -> Registered:
        """Take ``student`` (the acting person by default) off a session or its waitlist; a
        seat freed goes to the first one waiting who is free then."""
        with self.ctx.write() as uow:
            uow.sessions.hold(session_id)
            session, email = self._whose(uow, session_id, student)
            if email in session.students:
                rules.editable(session.status, ["students"])
                uow.sessions.drop_student(session_id, email)
                after = uow.sessions.get(session_id)
                assert after is not None
                uow.audit.record("withdraw", "session", session_id, record(session),
                                 record(after))
                if notify:
                    self.notifier.roster(uow, after, removed=[email])
                promoted = promote(uow, self.roster, self.notifier, session_id,
                                   self.ctx.clock(), notify)
                final = uow.sessions.get(session_id)
                assert final is not None
                return Registered(final, email, promoted=promoted)
            if email in [e for e, _ in uow.registrations.waiting(session_id)]:
                uow.registrations.unwait(session_id, email)
                uow.audit.record("withdraw", "session", session_id,
                                 {"student": email, "waiting": True}, None)
                return Registered(session, email)
            raise InvalidInput(f"{email} is neither on session {session_id} nor waiting for "
                               "it", field="student")

    def waitlist(self, session_id: int) -> Waitlist:
        with self.ctx.read() as uow:
            get_session(uow, session_id, Action.EDIT_SESSION)  # who waits: staff, its mentor
            return self._waitlist(uow, session_id)

    def _waitlist(self, uow: UnitOfWork, session_id: int) -> Waitlist:
        session = uow.sessions.get(session_id)
        if session is None:
            raise NotFound("session", session_id)
        return Waitlist(session, uow.registrations.until(session_id),
                        uow.registrations.waiting(session_id))

    def _whose(self, uow: UnitOfWork, session_id: int,
               student: str | None) -> tuple[Session, str]:
        """The session and the student a registration is for: the acting person themselves
        (who must see the session), or another, for those who may change the session."""
        actor = uow.actor
        if student is None:
            if actor is None:
                raise InvalidInput("say which student (--for)", field="for")
            email = actor.email
        else:
            email = Names(uow).person(student, "student", field="for").email
        session = uow.sessions.get(session_id)
        if session is None:
            raise NotFound("session", session_id)
        if actor is not None and email == actor.email:
            require_view(uow, session)
        else:
            require(actor, Action.EDIT_SESSION, session=session)
        person = uow.people.get(email)
        if person is None or person.role.value != "student":
            raise InvalidInput(f"{email} is not a student", field="for")
        return session, email

