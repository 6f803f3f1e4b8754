"""The use cases of mentorship requests: ask, list, show, cancel, claim, release, schedule
(offering free slots, or booking one through the one booker), and the cron sweep that expires
open requests, reopens lapsed claims and follows requested sessions to their end."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..access import Action, may, require, sees_everything
from ..domain import policy, rules
from ..domain.drafts import Row, SessionDraft
from ..domain.errors import InvalidInput, NotFound, NotPermitted, Taken
from ..domain.model import Person, Role, Session, SessionStatus
from ..domain.serialize import record
from ..domain.timeutil import localize
from ..mail.notices import Notice, NoticeKind
from ..names import Names
from ..schedule.booking import check_not_past, new_uid, retry_race
from .model import (
    EXPIRE_AFTER,
    RELEASE_AFTER,
    TRANSITIONS,
    MentorRequest,
    RequestDraft,
    RequestQuery,
    RequestStatus,
    Urgency,
    queue_order,
    sources,
    validate,
)

if TYPE_CHECKING:
    from ..context import Context
    from ..schedule.booker import Booker
    from ..schedule.slots import FreeSlots, Slot
    from ..storage import UnitOfWork

_ORDER = {s: i for i, s in enumerate(RequestStatus)}


@dataclass(frozen=True, slots=True)
class Swept:
    """What one run of the sweep did."""

    expired: list[MentorRequest] = field(default_factory=list)
    reopened: list[MentorRequest] = field(default_factory=list)
    completed: list[MentorRequest] = field(default_factory=list)
    cancelled: list[MentorRequest] = field(default_factory=list)


def summary(request: MentorRequest) -> dict[str, object]:
    """What a notice says of a request (its template's ``request``)."""
    return {"id": request.id, "title": request.title, "minutes": request.minutes,
            "urgency": request.urgency.value, "created": request.created_at.isoformat()}


def sees(actor: Person | None, request: MentorRequest) -> bool:
    """Whether ``actor`` may see ``request``: staff see every request, mentors the open
    queue and what they claimed, students their own."""
    if actor is None or sees_everything(actor):
        return True
    if actor.email in (request.student, request.mentor):
        return True
    return request.status is RequestStatus.OPEN and may(actor, Action.SEE_REQUESTS)


def ask_feedback(uow: UnitOfWork, request: MentorRequest, now: datetime) -> bool:
    """Queue the one mail asking the student for feedback on the requested session (the
    request keeps that it was asked, in the same transaction: never twice)."""
    if request.session_id is None or not uow.requests.mark_feedback_asked(request.id, now):
        return False
    uow.outbox.enqueue([Notice(NoticeKind.CUSTOM, "request_feedback", request.student,
                               request.session_id, None, {"request": summary(request)})],
                       now=now)
    return True


def session_completed(uow: UnitOfWork, session: Session, now: datetime) -> None:
    """A session completed: the request it was scheduled for is completed too, and its
    student asked for feedback (in the transaction that completes the session)."""
    request = uow.requests.of_session(session.id)
    if request is None or request.status is not RequestStatus.SCHEDULED:
        return
    if uow.requests.move(request.id, sources(RequestStatus.COMPLETED), RequestStatus.COMPLETED,
                         now):
        uow.audit.record("complete", "request", request.id, {"status": "scheduled"},
                         {"status": "completed", "session_id": session.id})
        ask_feedback(uow, request, now)


class Requests:
    """Students ask for short sessions; mentors claim and schedule them."""

    def __init__(self, ctx: Context, booker: Booker, slots: FreeSlots) -> None:
        self.ctx = ctx
        self.booker = booker
        self.slots = slots

    # -------------------------------------------------------------------------- ask
    def add(self, draft: RequestDraft) -> MentorRequest:
        """Ask for a session: a student for themselves (``draft.student`` empty: the acting
        person), staff on a student's behalf."""
        draft = validate(draft)
        with self.ctx.write() as uow:
            if draft.student:
                student = Names(uow).person(draft.student, "student", field="for")
            elif uow.actor is not None:
                student = uow.actor
            else:
                raise InvalidInput("say whom the request is for (--for STUDENT)", field="for")
            if student.role is not Role.STUDENT:
                raise InvalidInput(f"{student.label} is {student.role.a}, not a student",
                                   field="for")
            if not student.active:
                raise InvalidInput(f"{student.label} is no longer active", field="for")
            require(uow.actor, Action.ASK_FOR_SESSION, mentor=student.email)
            made = uow.requests.add(replace(draft, student=student.email), self.ctx.clock())
            uow.audit.record("ask", "request", made.id, None, record(made))
            return made

    # ------------------------------------------------------------------------- read
    def find(self, *, which: str | None = None, tag: str | None = None,
             urgency: Urgency | None = None) -> list[MentorRequest]:
        """The requests the acting person may see: ``which`` is ``open`` (the queue, the most
        urgent and then the oldest first), ``mine`` (asked for by them, or claimed by them)
        or ``claimed``; none: all of them, open first."""
        statuses = {"open": (RequestStatus.OPEN,), "claimed": (RequestStatus.CLAIMED,)}.get(
            which or "", ())
        if which not in (None, "open", "mine", "claimed"):
            raise InvalidInput(f"must be open, mine or claimed, not {which!r}", field="which")
        with self.ctx.read() as uow:
            actor = uow.actor
            found = uow.requests.find(RequestQuery(statuses=statuses, tag=tag, urgency=urgency))
        if which == "mine":
            me = actor.email if actor else None
            found = [r for r in found if me in (r.student, r.mentor)]
        found = [r for r in found if sees(actor, r)]
        return sorted(found, key=lambda r: (_ORDER[r.status], *queue_order(r)))

    def show(self, request_id: int) -> MentorRequest:
        with self.ctx.read() as uow:
            return self._get(uow, request_id)

    def _get(self, uow: UnitOfWork, request_id: int, *, queue: bool = False) -> MentorRequest:
        """The request, if the acting person may see it; with ``queue``, also one that has
        left the queue they see (a claim that lost a race is told who won)."""
        request = uow.requests.get(request_id)
        if request is None:
            raise NotFound("request", request_id)
        if not (sees(uow.actor, request) or queue and may(uow.actor, Action.SEE_REQUESTS)):
            who = f"{uow.actor.email} ({uow.actor.role.label})" if uow.actor else "nobody"
            raise NotPermitted(f"{who} may not see request {request_id}")
        return request

    # ---------------------------------------------------------------------- moves
    def _move(self, uow: UnitOfWork, request: MentorRequest, target: RequestStatus,
              action: str, *, mentor: str | None = None, clear_mentor: bool = False,
              session_id: int | None = None) -> MentorRequest:
        """Move ``request`` to ``target`` if the database still has it where it may move from
        (a racing terminal may have moved it first: then refused, saying where it is now)."""
        if target not in TRANSITIONS[request.status] or not uow.requests.move(
                request.id, sources(target), target, self.ctx.clock(), mentor=mentor,
                clear_mentor=clear_mentor, session_id=session_id):
            now = uow.requests.get(request.id) or request
            raise Taken(f"request {request.id} is {_where(now)}: it cannot be {action}")
        after = uow.requests.get(request.id)
        assert after is not None
        uow.audit.record(action, "request", request.id, record(request), record(after))
        return after

    def cancel(self, request_id: int) -> MentorRequest:
        """Withdraw a request (its student, or staff) while it is not scheduled."""
        with self.ctx.write() as uow:
            request = self._get(uow, request_id)
            require(uow.actor, Action.ASK_FOR_SESSION, mentor=request.student)
            if request.status is RequestStatus.SCHEDULED:
                raise InvalidInput(f"request {request_id} is scheduled as session "
                                   f"{request.session_id}: cancel that session instead",
                                   field="request")
            return self._move(uow, request, RequestStatus.CANCELLED, "cancelled")

    def claim(self, request_id: int, mentor: str | None = None) -> MentorRequest:
        """Take an open request (a mentor for themselves; staff for a mentor). Of mentors
        claiming one request at the same moment exactly one gets it."""
        with self.ctx.write() as uow:
            request = self._get(uow, request_id, queue=True)
            person = Names(uow).person(mentor, "mentor", field="mentor") if mentor \
                else uow.actor
            if person is None:
                raise InvalidInput("say which mentor claims it (--mentor)", field="mentor")
            require(uow.actor, Action.CLAIM_REQUEST, mentor=person.email)
            if not person.role.teaches:
                raise InvalidInput(f"{person.label} is {person.role.a}, not a mentor",
                                   field="mentor")
            return self._move(uow, request, RequestStatus.CLAIMED, "claimed",
                              mentor=person.email)

    def release(self, request_id: int) -> MentorRequest:
        """Give a claimed request back to the queue (its mentor, or staff)."""
        with self.ctx.write() as uow:
            request = self._get(uow, request_id)
            require(uow.actor, Action.CLAIM_REQUEST, mentor=request.mentor or "")
            return self._move(uow, request, RequestStatus.OPEN, "released", clear_mentor=True)

    # -------------------------------------------------------------------- schedule
    def suggest(self, request_id: int, count: int = 5) -> list[Slot]:
        """The first free slots for a claimed request: on the student's preferred days and
        hours (else the next two weeks), where mentor and student are free and the mentor
        available, judged by the booking rule (:class:`FreeSlots`)."""
        request = self._claimed(request_id)
        assert request.mentor is not None
        tz = ZoneInfo(request.tz)
        now = self.ctx.clock()
        windows = [(localize(datetime.combine(p.day, p.start or policy.OPENING_HOURS[0]), tz),
                    localize(datetime.combine(p.day, p.end or time(23, 59)), tz))
                   for p in request.preferences] or [(now, now + policy.SLOT_HORIZON)]
        found: list[Slot] = []
        for begin, end in windows:
            if end <= now or len(found) >= count:
                continue
            draft = self._draft(request, max(begin, now))
            found += [s for s in self.slots.find(draft, until=end, count=count - len(found))
                      if s.start >= begin and s.end <= end]
        return found[:count]

    def schedule(self, request_id: int, start: datetime, *, room: str | None = None,
                 past: bool = False) -> Session:
        """Book the claimed request as a session at ``start`` through the booker (refused
        with every conflict), link it to the request and tell mentor and student, all in
        one transaction."""
        request = self._claimed(request_id)
        return self._book(request, replace(self._draft(request, start), room=room), past=past)

    def schedule_as(self, request_id: int, draft: SessionDraft, *,
                    force_reason: str | None = None, past: bool = False) -> Session:
        """Book the claimed request as ``draft`` (the session as the booking form left it:
        its title, times, room... changed there), which stays the request's: its mentor
        the one who claimed it, its student among the students. ``force_reason`` books over
        conflicts, saying why. Linked, told and moved as :meth:`schedule` does."""
        request = self._claimed(request_id)
        if draft.mentor != request.mentor:
            raise InvalidInput(f"request {request_id} is claimed by {request.mentor}: "
                               "the session is theirs", field="mentor")
        if request.student not in draft.students:
            raise InvalidInput(f"request {request_id} is {request.student}'s: keep them "
                               "among the students", field="student")
        return self._book(request, draft, past=past, force_reason=force_reason)

    def _book(self, request: MentorRequest, draft: SessionDraft, *, past: bool,
              force_reason: str | None = None) -> Session:
        draft = rules.validate_session(draft)
        check_not_past(draft.start, draft.tz, self.ctx.clock(), past)
        request_id = request.id

        def attempt() -> Session:
            with self.ctx.write() as uow:
                current = self._get(uow, request_id)
                require(uow.actor, Action.CLAIM_REQUEST, mentor=current.mentor or "")
                result = self.booker.book(uow, [Row(draft, uid=new_uid())],
                                          force_reason=force_reason, notify=False)
                session = result.booked[0]
                after = self._move(uow, current, RequestStatus.SCHEDULED, "scheduled",
                                   session_id=session.id)
                now = self.ctx.clock()
                uow.outbox.enqueue([Notice(NoticeKind.BOOKED, "request_scheduled", person,
                                           session.id, session.start,
                                           {"request": summary(after)})
                                    for person in (session.mentor, request.student)], now=now)
                return session

        return retry_race(attempt)

    def _claimed(self, request_id: int) -> MentorRequest:
        with self.ctx.read() as uow:
            request = self._get(uow, request_id)
            if request.status is not RequestStatus.CLAIMED:
                hint = (f": claim it first (sessionsctl request claim {request_id})"
                        if request.status is RequestStatus.OPEN else "")
                raise InvalidInput(f"request {request_id} is {_where(request)}{hint}",
                                   field="request")
            require(uow.actor, Action.CLAIM_REQUEST, mentor=request.mentor or "")
            return request

    @staticmethod
    def _draft(request: MentorRequest, start: datetime) -> SessionDraft:
        assert request.mentor is not None
        return SessionDraft(request.title, request.mentor, start, start + request.duration,
                            request.tz, students=(request.student,), type=request.type,
                            description=request.description)

    # ------------------------------------------------------------------------ sweep
    def sweep(self, *, expire_after: timedelta = EXPIRE_AFTER,
              release_after: timedelta = RELEASE_AFTER) -> Swept:
        """The cron job (safe to run twice, or at once from two places): open requests older
        than ``expire_after`` expire and their students are told; claims not scheduled within
        ``release_after`` go back to the queue; requests whose session was completed are
        completed (the student asked for feedback) or, cancelled, cancelled. Expired,
        cancelled and scheduled requests never reopen."""
        with self.ctx.write() as uow:
            require(uow.actor, Action.SWEEP_REQUESTS)
            now = self.ctx.clock()
            expired = _fetch(uow, uow.requests.expire(now - expire_after, now))
            uow.outbox.enqueue([Notice(NoticeKind.CUSTOM, "request_expired", r.student,
                                       payload={"request": summary(r)}) for r in expired],
                               now=now)
            reopened = _fetch(uow, uow.requests.lapse(now - release_after, now))
            for r in (*expired, *reopened):
                uow.audit.record("expire" if r in expired else "reopen", "request", r.id,
                                 None, {"status": r.status.value})
            completed: list[MentorRequest] = []
            cancelled: list[MentorRequest] = []
            for request, status in uow.requests.ended():
                target = RequestStatus.COMPLETED if status is SessionStatus.COMPLETED \
                    else RequestStatus.CANCELLED
                if uow.requests.move(request.id, sources(target), target, now):
                    uow.audit.record(target.value, "request", request.id,
                                     {"status": "scheduled"}, {"status": target.value})
                    (completed if target is RequestStatus.COMPLETED else cancelled).append(
                        request)
                    if target is RequestStatus.COMPLETED:
                        ask_feedback(uow, request, now)
            return Swept(expired, reopened, completed, cancelled)


def _fetch(uow: UnitOfWork, ids: Sequence[int]) -> list[MentorRequest]:
    return uow.requests.find(RequestQuery(ids=tuple(ids))) if ids else []


def _where(request: MentorRequest) -> str:
    """Where a request stands, in words: "claimed by ada@example.org", "expired"."""
    if request.status is RequestStatus.CLAIMED and request.mentor:
        return f"claimed by {request.mentor}"
    if request.status is RequestStatus.SCHEDULED:
        return f"scheduled as session {request.session_id}"
    return request.status.value
