"""The use cases both faces call: each validates, checks and writes in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from . import access
from .access import Action
from .attendance import new_mark
from .domain import rules
from .domain.drafts import Row, SessionDraft, SessionQuery
from .domain.errors import ConflictError, InvalidInput, NotFound
from .domain.model import (
    Attendance,
    AttendanceStatus,
    Feedback,
    Material,
    Person,
    Role,
    Room,
    Session,
    SessionStatus,
    Subject,
)
from .domain.serialize import record
from .domain.timeutil import zone
from .exchange.service import Exchange
from .mail.notices import NoticeKind
from .mail.service import Mailing
from .reports.service import Reporting
from .schedule.availability import on_closure, outside_availability
from .schedule.booking import (
    EDITABLE,
    Batch,
    Booked,
    BookingResult,
    Busy,
    Clock,
    Refs,
    check_options,
    draft_of,
    new_uid,
    retry_race,
    utcnow,
)
from .schedule.conflicts import Conflict, capacity, clashes
from .schedule.service import Scheduling
from .storage import Store, UnitOfWork

__all__ = ["Booked", "BookingResult", "Centre", "Clock", "SessionDetails", "draft_of", "utcnow"]


@dataclass(frozen=True, slots=True)
class SessionDetails:
    session: Session
    attendance: list[Attendance]
    feedback: list[Feedback]
    materials: list[Material]


class Centre(Scheduling, Exchange, Mailing, Reporting):
    """The tutoring centre as the acting person sees it."""

    def __init__(self, store: Store, actor: str | None = None, clock: Clock = utcnow) -> None:
        self.store = store
        self.actor = actor
        self.clock = clock

    def _read(self):  # -> AbstractContextManager[UnitOfWork]
        return self.store.unit(self.actor)

    def _write(self):
        return self.store.unit(self.actor, write=True)

    def whoami(self) -> Person | None:
        with self._read() as uow:
            return uow.actor

    # ------------------------------------------------------------------ people and places
    def add_person(self, name: str, email: str, role: Role, tz: str | None = None) -> Person:
        name = rules.name(name)
        email = rules.email(email)
        if tz is not None:
            zone(tz, field="tz")
        with self._write() as uow:
            access.require(uow.actor, Action.ADD_PERSON, role=role)
            if uow.person(email) is not None:
                raise InvalidInput(f"{email} is already registered", field="email")
            person = uow.add_person(name, email, role, tz)
            uow.audit("add", "person", person.id, None, record(person))
            return person

    def list_people(self, role: Role | None = None) -> list[Person]:
        with self._read() as uow:
            return uow.list_people(role)

    def add_room(self, name: str, capacity: int | None = None) -> Room:
        name = rules.name(name)
        rules.positive(capacity, "capacity")
        with self._write() as uow:
            access.require(uow.actor, Action.ADD_ROOM)
            if uow.room(name) is not None:
                raise InvalidInput(f"room {name!r} exists already", field="name")
            room = uow.add_room(name, capacity)
            uow.audit("add", "room", room.id, None, record(room))
            return room

    def list_rooms(self) -> list[Room]:
        with self._read() as uow:
            return uow.list_rooms()

    def add_subject(self, name: str) -> Subject:
        name = rules.name(name)
        with self._write() as uow:
            access.require(uow.actor, Action.ADD_SUBJECT)
            if uow.subject(name) is not None:
                raise InvalidInput(f"subject {name!r} exists already", field="name")
            subject = uow.add_subject(name)
            uow.audit("add", "subject", subject.id, None, record(subject))
            return subject

    def list_subjects(self) -> list[Subject]:
        with self._read() as uow:
            return uow.list_subjects()

    # --------------------------------------------------------------------- sessions
    def _resolve(self, uow: UnitOfWork, drafts: Sequence[SessionDraft]) -> Refs:
        """Check that everyone and everything the drafts name exists, in the right role,
        and load what their conflicts are judged against: one look-up per kind per batch."""
        people = uow.people_by_email({e for d in drafts for e in (d.mentor, *d.students)})
        rooms: dict[str, Room] = {}
        subjects: set[str] = set()
        for draft in drafts:
            mentor = people.get(draft.mentor)
            if mentor is None:
                raise NotFound("mentor", draft.mentor)
            if mentor.role is Role.STUDENT:
                raise InvalidInput(f"{draft.mentor} is a student, not a mentor", field="mentor")
            for email in draft.students:
                if email not in people:
                    raise NotFound("student", email)
                if people[email].role is not Role.STUDENT:
                    raise InvalidInput(
                        f"{email} is a {people[email].role.value}, not a student", field="student")
            if draft.room is not None and draft.room not in rooms:
                room = uow.room(draft.room)
                if room is None:
                    raise NotFound("room", draft.room)
                rooms[draft.room] = room
            if draft.subject is not None and draft.subject not in subjects:
                if uow.subject(draft.subject) is None:
                    raise NotFound("subject", draft.subject)
                subjects.add(draft.subject)
        if not drafts:
            return Refs(rooms, {}, {}, [])
        mentors = {d.mentor for d in drafts}
        first = min(d.start for d in drafts)
        last = max(d.end for d in drafts)
        return Refs(
            rooms, uow.availability(mentors), uow.time_off(mentors, first, last),
            uow.closures(first.date() - timedelta(days=1), last.date() + timedelta(days=1)))

    def conflicts(self, uow: UnitOfWork, drafts: Sequence[SessionDraft], refs: Refs,
                  exclude: Sequence[int] = ()) -> list[list[Conflict]]:
        """Every reason each draft cannot be booked as it stands (against the database only).

        One range query covers the whole batch (its span, its people and rooms); each draft
        is then judged in memory against the sessions around it.
        """
        if not drafts:
            return []
        busy = Busy(uow.overlapping(
            min(d.start for d in drafts), max(d.end for d in drafts),
            people={p for d in drafts for p in (d.mentor, *d.students)},
            rooms={d.room for d in drafts if d.room}, exclude=exclude,
            within=sorted((d.start, d.end) for d in drafts)))
        return [self._judge(d, busy.around(d.start, d.end), refs) for d in drafts]

    @staticmethod
    def _judge(draft: SessionDraft, others: Sequence[Session], refs: Refs) -> list[Conflict]:
        room = refs.rooms.get(draft.room) if draft.room is not None else None
        return (clashes(draft, others) + capacity(draft, room)
                + outside_availability(draft, refs.availability.get(draft.mentor, ()),
                                       refs.time_off.get(draft.mentor, ()))
                + on_closure(draft, refs.closures))

    def check(self, draft: SessionDraft, exclude: Sequence[int] = ()) -> list[Conflict]:
        """The conflicts a booking would meet, without writing anything (live warnings)."""
        draft = rules.validate_session(draft)
        with self._read() as uow:
            return self.conflicts(uow, [draft], self._resolve(uow, [draft]), exclude)[0]

    def judge_together(self, uow: UnitOfWork, rows: Sequence[Row], exclude: Sequence[int] = (),
                       *, skip_conflicts: bool = False) -> list[list[Conflict]]:
        """Each row's conflicts, against the database and against the rows before it in the
        same request (with ``skip_conflicts`` a row that clashes is not booked, so it holds
        nothing for the rows after it). What a bulk booking refuses on, and what
        :meth:`~sessionsctl.core.schedule.service.Scheduling.check_series` reports before one."""
        refs = self._resolve(uow, [r.draft for r in rows])
        judged = self.conflicts(uow, [r.draft for r in rows], refs, exclude)
        batch = Batch()
        found: list[list[Conflict]] = []
        for row, against_stored in zip(rows, judged, strict=True):
            clashing = against_stored + batch.clashes(row.draft)
            found.append(clashing)
            if not (clashing and skip_conflicts):
                batch.add(row)
        return found

    def book(self, draft: SessionDraft, *, force_reason: str | None = None) -> Booked:
        """Book a one-off session: refused with every conflict unless forced with a reason."""
        result = self.book_many([draft], force_reason=force_reason)
        return Booked(result.booked[0], result.conflicts)

    def book_many(self, drafts: Sequence[SessionDraft], *, force_reason: str | None = None,
                  skip_conflicts: bool = False) -> BookingResult:
        """Book one-off sessions together in one transaction, all or none (see :meth:`_book`)."""
        check_options(force_reason, skip_conflicts)
        rows = [Row(rules.validate_session(d), uid=new_uid()) for d in drafts]
        given = {id(row): d for row, d in zip(rows, drafts, strict=True)}

        def attempt() -> BookingResult:
            with self._write() as uow:
                return self._book(uow, rows, force_reason, skip_conflicts)

        result = retry_race(attempt)
        # The drafts skipped as the caller gave them (validation fills in defaults).
        return replace(result, skipped=[given[id(r)] for r in result.skipped_rows])

    def _book(self, uow: UnitOfWork, rows: Sequence[Row], force_reason: str | None,
              skip_conflicts: bool, exclude: Sequence[int] = ()) -> BookingResult:
        """Check every row, then write all of them or none, inside the caller's transaction.

        Each row is checked against the database and against the rows before it. With no
        conflicts everything is booked; otherwise, by default, nothing is written and every
        conflict is raised at once; ``skip_conflicts`` books the rows that are free; a
        ``force_reason`` books all rows and records the reason on those that clashed.
        """
        for mentor in sorted({r.draft.mentor for r in rows}):
            access.require(uow.actor, Action.BOOK, mentor=mentor)
        accepted: list[Row] = []
        skipped: list[Row] = []
        found: list[Conflict] = []
        judged = self.judge_together(uow, rows, exclude, skip_conflicts=skip_conflicts)
        for row, clashing in zip(rows, judged, strict=True):
            found.extend(clashing)
            if clashing and skip_conflicts:
                skipped.append(row)
                continue
            if clashing and force_reason is not None:
                row = replace(row, force_reason=force_reason.strip())
            accepted.append(row)
        if found and force_reason is None and not skip_conflicts:
            raise ConflictError(found)
        booked = uow.insert_sessions(accepted)
        for session in booked:
            uow.audit("book", "session", session.id, None, record(session))
        self._notify(uow, NoticeKind.BOOKED, booked)
        return BookingResult(booked, found, [r.draft for r in skipped], skipped)

    def list_sessions(self, query: SessionQuery) -> list[Session]:
        with self._read() as uow:
            if not access.sees_everything(uow.actor):
                assert uow.actor is not None
                query = replace(query, visible_to=uow.actor.email)
            return uow.sessions(query)

    def _get(self, uow: UnitOfWork, session_id: int, action: Action) -> Session:
        session = uow.session(session_id)
        if session is None:
            raise NotFound("session", session_id)
        access.require(uow.actor, action, session=session)
        return session

    def show(self, session_id: int) -> SessionDetails:
        with self._read() as uow:
            session = self._get(uow, session_id, Action.VIEW_SESSION)
            return SessionDetails(session, uow.attendance(session_id),
                                  uow.feedback(session_id), uow.materials(session_id))

    def edit(self, session_id: int, changes: dict[str, Any], *,
             force_reason: str | None = None) -> Booked:
        """Change fields of one session; moving its start keeps its length unless end is given."""
        check_options(force_reason, False)
        return retry_race(lambda: self._edit_one(session_id, changes, force_reason))

    def _edit_one(self, session_id: int, changes: dict[str, Any],
                  force_reason: str | None) -> Booked:
        unknown = set(changes) - EDITABLE
        if unknown:
            raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}", field="edit")
        with self._write() as uow:
            before = self._get(uow, session_id, Action.EDIT_SESSION)
            if "start" in changes and "end" not in changes:
                changes = {**changes, "end": changes["start"] + before.duration}
            old = draft_of(before)
            draft = rules.validate_session(replace(old, **changes))
            changed = {f for f in changes if getattr(draft, f) != getattr(old, f)}
            rules.editable(before.status, changed)
            if draft.mentor != before.mentor:
                access.require(uow.actor, Action.BOOK, mentor=draft.mentor)
            if changed <= rules.ANNOTATIONS:
                # Notes, description, cost or payment move nobody: no clash to look for, and
                # a session booked over one stays recorded as such.
                found, reason = [], before.force_reason
            else:
                [found] = self.conflicts(uow, [draft], self._resolve(uow, [draft]),
                                         [session_id])
                if found and force_reason is None:
                    raise ConflictError(found)
                # A session moved to a free slot is no longer forced: the database guard
                # covers it.
                reason = force_reason.strip() if found and force_reason else None
            uow.update_session(session_id, Row(
                draft, uid=before.uid, status=before.status, series_id=before.series_id,
                recurrence_id=before.recurrence_id, force_reason=reason,
                sequence=before.sequence + 1))
            after = uow.session(session_id)
            assert after is not None
            uow.audit("edit", "session", session_id, record(before), record(after))
            self._notify(uow, NoticeKind.CHANGED, [after], before=[before])
            return Booked(after, found)

    def _set_status(self, session_id: int, target: SessionStatus, action: Action,
                    reason: str | None = None) -> Session:
        """Walk the session to ``target`` (ARCHITECTURE.md, decision 4), each step audited."""
        with self._write() as uow:
            before = self._get(uow, session_id, action)
            for step in rules.lifecycle_path(before.status, target):
                uow.set_status(session_id, step, cancel_reason=reason)
                after = uow.session(session_id)
                assert after is not None
                uow.audit(step.value, "session", session_id, record(before), record(after))
                before = after
            if target is SessionStatus.CANCELLED:
                self._notify(uow, NoticeKind.CANCELLED, [before])
            return before

    def cancel(self, session_id: int, reason: str | None = None) -> Session:
        return self._set_status(session_id, SessionStatus.CANCELLED, Action.CANCEL_SESSION, reason)

    def complete(self, session_id: int) -> Session:
        return self._set_status(session_id, SessionStatus.COMPLETED, Action.COMPLETE_SESSION)

    def begin(self, session_id: int) -> Session:
        return self._set_status(session_id, SessionStatus.IN_PROGRESS, Action.BEGIN_SESSION)

    # --------------------------------------------------------- attendance and feedback
    def mark_attendance(self, session_id: int, student: str, status: AttendanceStatus, *,
                        note: str | None = None, check_in: datetime | None = None,
                        check_out: datetime | None = None, force: bool = False) -> Attendance:
        """Record one student's attendance; only for a participant of a session that has started."""
        student = rules.email(student, field="student")
        with self._write() as uow:
            session = self._get(uow, session_id, Action.MARK_ATTENDANCE)
            mark = new_mark(uow, session, student, status, self.clock(), note=note,
                            check_in=check_in, check_out=check_out, force=force)
            before = {a.student: a for a in uow.attendance(session_id)}.get(student)
            uow.set_attendance(mark)
            uow.audit("attendance", "session", session_id,
                      record(before) if before else None, record(mark))
            return mark

    def attendance(self, session_id: int) -> list[Attendance]:
        with self._read() as uow:
            self._get(uow, session_id, Action.VIEW_SESSION)
            return uow.attendance(session_id)

    def add_feedback(self, session_id: int, author: str, rating: int, *,
                     categories: dict[str, int] | None = None,
                     text: str | None = None) -> Feedback:
        """One feedback per person per session; a second replaces the first (kept in the audit)."""
        rules.rating(rating)
        for category, value in (categories or {}).items():
            rules.rating(value, field=f"category {category}")
        author = rules.email(author, field="from")
        with self._write() as uow:
            session = self._get(uow, session_id, Action.VIEW_SESSION)
            if author != session.mentor and author not in session.students:
                if uow.person(author) is None:
                    raise NotFound("person", author)
                raise InvalidInput(f"{author} did not take part in session {session_id}",
                                   field="from")
            if session.status is SessionStatus.CANCELLED:
                raise InvalidInput(f"session {session_id} was cancelled", field="session")
            if session.start > self.clock():
                raise InvalidInput(f"session {session_id} has not started yet", field="session")
            if uow.actor is not None and uow.actor.email != author:
                access.require(uow.actor, Action.EDIT_SESSION, session=session)
            before = {f.author: f for f in uow.feedback(session_id)}.get(author)
            item = Feedback(session_id, author, rating, dict(categories or {}), text,
                            self.clock())
            uow.set_feedback(item)
            uow.audit("feedback", "session", session_id,
                      record(before) if before else None, record(item))
            return item


