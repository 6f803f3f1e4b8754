"""The calendar lock (Teachworks' "calendar lock"): sessions before a day, and their
attendance marks, are frozen to everyone but admins.

The rule is applied in one place every write goes through: :func:`guarded` wraps a writing unit
of work (``Context.write``) so that its sessions and marks repositories refuse any write to a
session that starts, or would start, before the lock's day (in the session's own zone). Every
use case (booking, edits, status changes, scopes, bulk changes, courses, imports, attendance)
is held to it without saying so; an admin's unit, or one opened while no lock is set, is not
wrapped at all.

The same wrapper holds every writing unit, an admin's too, to the invoice lock
(:mod:`.billing.guard`): a session on an issued invoice keeps what made its amount.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .access import Action, may, require
from .billing.guard import InvoiceLock
from .domain.drafts import Row, SessionQuery
from .domain.errors import InvalidInput, NotPermitted
from .domain.timeutil import zone

if TYPE_CHECKING:  # the protocols, for the types alone
    from .archive.ports import ArchiveRepo
    from .billing.ports import BillingRepo
    from .context import Context
    from .domain.model import Attendance, Person, Session, SessionStatus
    from .exchange.ports import CalDavStateRepo
    from .invitations.ports import InvitationRepo
    from .mail.ports import OutboxRepo
    from .requests.ports import RequestRepo
    from .schedule.ports import CheckinRepo, MaterialRepo, RecordingRepo, RegistrationRepo
    from .storage import (
        AccessRepo,
        AttendanceRepo,
        AuditRepo,
        CalendarRepo,
        CourseRepo,
        PeopleRepo,
        PrivacyRepo,
        ReportRepo,
        RoomRepo,
        SeriesRepo,
        SessionRepo,
        SubjectRepo,
        UnitOfWork,
    )


def local_day(start: datetime, tz: str) -> date:
    """The day ``start`` falls on in the zone ``tz`` (a session's own)."""
    return start.astimezone(zone(tz)).date()


class Frozen:
    """The lock as it applies to one unit of work: refuses a session before ``before``."""

    def __init__(self, before: date, actor: Person | None) -> None:
        self.before = before
        self.actor = actor

    def check(self, start: datetime, tz: str, what: str) -> None:
        day = local_day(start, tz)
        if day < self.before:
            who = f"{self.actor.email} ({self.actor.role.value})" if self.actor else "nobody"
            raise NotPermitted(f"{who} may not change {what} on {day:%a %d %b %Y}: the calendar "
                               f"is locked before {self.before:%a %d %b %Y} (only an admin "
                               "may change what it froze)")


class LockedSessions:
    """A :class:`SessionRepo` whose writes are held to the calendar lock (when one applies,
    ``frozen``) and the invoice lock; reads pass through, and the position of every session
    read is kept so a write rarely needs to read it again."""

    def __init__(self, inner: SessionRepo, frozen: Frozen | None,
                 invoices: InvoiceLock) -> None:
        self._inner = inner
        self._frozen = frozen
        self._invoices = invoices
        self._at: dict[int, tuple[datetime, str]] = {}

    def __getattr__(self, name: str) -> Any:  # every read not listed below
        return getattr(self._inner, name)

    def _seen(self, sessions: Iterable[Session]) -> list[Session]:
        found = list(sessions)
        for s in found:
            self._at[s.id] = (s.start, s.tz)
        return found

    def stored(self, session_ids: Sequence[int]) -> None:
        """Refuse if any of these stored sessions is frozen."""
        if self._frozen is None:
            return
        unknown = tuple(i for i in session_ids if i not in self._at)
        if unknown:
            self._seen(self._inner.find(SessionQuery(ids=unknown)))
        for session_id in session_ids:
            if session_id in self._at:
                start, tz = self._at[session_id]
                self._frozen.check(start, tz, f"session {session_id}")

    def get(self, session_id: int) -> Session | None:
        found = self._inner.get(session_id)
        return self._seen([found])[0] if found is not None else None

    def find(self, query: SessionQuery) -> list[Session]:
        return self._seen(self._inner.find(query))

    def insert(self, rows: Sequence[Row]) -> list[Session]:
        self._new(rows)
        return self._seen(self._inner.insert(rows))

    def add(self, rows: Sequence[Row]) -> list[int]:
        self._new(rows)
        ids = self._inner.add(rows)
        for session_id, row in zip(ids, rows, strict=True):
            self._at[session_id] = (row.draft.start, row.draft.tz)
        return ids

    def _new(self, rows: Sequence[Row]) -> None:
        if self._frozen is not None:
            for row in rows:
                self._frozen.check(row.draft.start, row.draft.tz,
                                   f"a session ({row.draft.title})")

    def update(self, session_id: int, row: Row) -> None:
        self.stored([session_id])
        if self._frozen is not None:
            self._frozen.check(row.draft.start, row.draft.tz, f"session {session_id}")
        self._invoices.update(self._inner, session_id, row)
        self._inner.update(session_id, row)
        self._at[session_id] = (row.draft.start, row.draft.tz)

    def set_status(self, session_id: int, status: SessionStatus, *,
                   cancel_reason: str | None = None) -> None:
        self.stored([session_id])
        self._invoices.set_status(self._inner, session_id, status)
        self._inner.set_status(session_id, status, cancel_reason=cancel_reason)

    def append_note(self, session_id: int, line: str) -> None:
        self.stored([session_id])
        self._inner.append_note(session_id, line)

    def drop_student(self, session_id: int, student: str) -> None:
        self.stored([session_id])
        self._invoices.drop_student(session_id, student)
        self._inner.drop_student(session_id, student)

    def add_students(self, session_id: int, students: Sequence[str], *,
                     forced: bool = False) -> None:
        self.stored([session_id])
        self._inner.add_students(session_id, students, forced=forced)

    def set_course(self, session_ids: Sequence[int], course_id: int | None,
                   batch_id: int | None) -> int:
        self.stored(session_ids)
        self._invoices.set_course(self._inner, session_ids, course_id, batch_id)
        return self._inner.set_course(session_ids, course_id, batch_id)

    def delete(self, session_ids: Sequence[int]) -> None:
        self.stored(session_ids)
        self._invoices.delete(session_ids)
        self._inner.delete(session_ids)


class LockedMarks:
    """An :class:`AttendanceRepo` whose marks are held to the calendar lock (by their
    session) and the invoice lock (an invoiced place's mark keeps whether it is charged)."""

    def __init__(self, inner: AttendanceRepo, sessions: LockedSessions,
                 invoices: InvoiceLock) -> None:
        self._inner = inner
        self._sessions = sessions
        self._invoices = invoices

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def set_mark(self, record: Attendance) -> Attendance | None:
        self._sessions.stored([record.session_id])
        self._invoices.mark(self._inner, record.session_id, record.student,
                            record.status.value)
        return self._inner.set_mark(record)

    def add_mark(self, record: Attendance) -> bool:
        self._sessions.stored([record.session_id])
        self._invoices.mark(self._inner, record.session_id, record.student,
                            record.status.value, adding=True)
        return self._inner.add_mark(record)

    def remove_mark(self, session_id: int, student: str) -> Attendance | None:
        self._sessions.stored([session_id])
        self._invoices.mark(self._inner, session_id, student, None)
        return self._inner.remove_mark(session_id, student)


class LockedUnit:
    """A unit of work whose sessions and marks are held to the locks; the rest is the unit's."""

    def __init__(self, inner: UnitOfWork, frozen: Frozen | None) -> None:
        self._inner = inner
        self.actor = inner.actor
        self._invoices = InvoiceLock(lambda: inner.billing)
        self._sessions = LockedSessions(inner.sessions, frozen, self._invoices)

    @property
    def sessions(self) -> SessionRepo:
        return self._sessions  # reads delegate (__getattr__)

    @cached_property
    def attendance(self) -> AttendanceRepo:
        return LockedMarks(self._inner.attendance, self._sessions, self._invoices)

    @property
    def people(self) -> PeopleRepo:
        return self._inner.people

    @property
    def rooms(self) -> RoomRepo:
        return self._inner.rooms

    @property
    def subjects(self) -> SubjectRepo:
        return self._inner.subjects

    @property
    def series(self) -> SeriesRepo:
        return self._inner.series

    @property
    def calendar(self) -> CalendarRepo:
        return self._inner.calendar

    @property
    def courses(self) -> CourseRepo:
        return self._inner.courses

    @property
    def outbox(self) -> OutboxRepo:
        return self._inner.outbox

    @property
    def audit(self) -> AuditRepo:
        return self._inner.audit

    @property
    def reports(self) -> ReportRepo:
        return self._inner.reports

    @property
    def access(self) -> AccessRepo:
        return self._inner.access

    @property
    def privacy(self) -> PrivacyRepo:
        return self._inner.privacy

    @property
    def caldav(self) -> CalDavStateRepo:
        return self._inner.caldav

    @property
    def billing(self) -> BillingRepo:
        return self._inner.billing  # payments and rates are not the calendar's

    @property
    def materials(self) -> MaterialRepo:
        return self._inner.materials

    @property
    def requests(self) -> RequestRepo:
        return self._inner.requests

    @property
    def invitations(self) -> InvitationRepo:
        return self._inner.invitations

    @property
    def registrations(self) -> RegistrationRepo:
        return self._inner.registrations

    @property
    def recordings(self) -> RecordingRepo:
        return self._inner.recordings

    @property
    def checkins(self) -> CheckinRepo:
        return self._inner.checkins

    @property
    def archive(self) -> ArchiveRepo:
        return self._inner.archive


def guarded(uow: UnitOfWork) -> UnitOfWork:
    """``uow`` held to the invoice lock, and to the calendar lock unless none is set or its
    actor may change what the lock froze (an admin)."""
    before = None if may(uow.actor, Action.CHANGE_LOCKED) else uow.calendar.lock()
    return LockedUnit(uow, Frozen(before, uow.actor) if before is not None else None)


class CalendarLock:
    """``lock show`` and ``lock --before``: reading and moving the calendar lock (admins)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def show(self) -> date | None:
        """The day before which sessions are frozen, or None."""
        with self.ctx.read() as uow:
            return uow.calendar.lock()

    def set(self, before: date | None, *, future: bool = False) -> date | None:
        """Freeze the sessions (and marks) before ``before`` to everyone but admins; an earlier
        day reopens those after it, None lifts the lock. A day after tomorrow would freeze
        sessions still to come: refused unless ``future`` says it is meant (a lock is for the
        past). Audited; returns the lock it replaced."""
        with self.ctx.write() as uow:
            require(uow.actor, Action.LOCK_CALENDAR)
            tz = uow.actor.tz if uow.actor and uow.actor.tz else "UTC"
            today = self.ctx.clock().astimezone(zone(tz)).date()
            if before is not None and before > today + timedelta(days=1) and not future:
                raise InvalidInput(
                    f"locking before {before:%a %d %b %Y} would freeze sessions still to come "
                    f"(today is {today:%a %d %b %Y}); add --future if that is meant",
                    field="before")
            old = uow.calendar.lock()
            uow.calendar.set_lock(before)
            uow.audit.record("lock", "calendar", "lock",
                             {"before": old.isoformat() if old else None},
                             {"before": before.isoformat() if before else None})
            return old
