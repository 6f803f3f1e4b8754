"""What core needs from storage, as Protocols the store implements (ARCHITECTURE.md)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, Protocol, get_args

from .model import (
    Attendance,
    Availability,
    Batch,
    Closure,
    Course,
    Feedback,
    Material,
    PaymentStatus,
    Person,
    Role,
    Room,
    Series,
    Session,
    SessionStatus,
    SessionType,
    Subject,
    Term,
    TimeOff,
)
from .notices import Notice, OutboxMessage, OutboxStatus
from .reportdata import (
    Completion,
    Group,
    MentorFigures,
    ReportFilter,
    StudentSession,
    Tally,
)


@dataclass(frozen=True, slots=True)
class SessionDraft:
    """Every field of a session as a use case will write it (validated by core.rules)."""

    title: str
    mentor: str
    start: datetime
    end: datetime
    tz: str
    students: tuple[str, ...] = ()
    room: str | None = None
    subject: str | None = None
    type: SessionType = SessionType.INDIVIDUAL
    description: str | None = None
    location: str | None = None
    link: str | None = None
    meeting_id: str | None = None
    passcode: str | None = None
    max_participants: int | None = None
    notes: str | None = None
    cost: Decimal | None = None
    payment_status: PaymentStatus = PaymentStatus.UNPAID
    batch_id: int | None = None


# What a list of sessions can be ordered by: the start, or a column a person reads (names of
# the mentor, subject and room; the first student's name, then the number of students;
# status in lifecycle order).
SessionOrder = Literal["start", "title", "mentor", "students", "subject", "room", "status"]
SESSION_ORDERS: tuple[SessionOrder, ...] = get_args(SessionOrder)


@dataclass(frozen=True, slots=True)
class SessionQuery:
    """A filter over sessions; every part is optional and they combine with AND."""

    start: datetime | None = None  # sessions ending after this instant
    end: datetime | None = None  # sessions starting before this instant
    mentor: str | None = None
    student: str | None = None
    room: str | None = None
    subject: str | None = None
    statuses: tuple[SessionStatus, ...] = ()
    types: tuple[SessionType, ...] = ()
    search: str | None = None
    series_id: int | None = None
    ids: tuple[int, ...] = ()
    visible_to: str | None = None  # a mentor or student sees only their own sessions
    order: SessionOrder = "start"  # then by start and id, so pages never overlap
    descending: bool = False
    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Row:
    """Write values for a session row, as a use case has resolved them."""

    draft: SessionDraft
    uid: str
    status: SessionStatus = SessionStatus.SCHEDULED
    series_id: int | None = None
    recurrence_id: datetime | None = None
    force_reason: str | None = None
    cancel_reason: str | None = None
    sequence: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class ExchangeUnit(Protocol):
    """What CSV and iCalendar import/export need beyond the basic unit (issue: exchange)."""

    def session_span(self) -> tuple[datetime, datetime] | None: ...
    def session_zones(self) -> list[str]: ...
    def stream_sessions(self, query: SessionQuery) -> Iterator[Session]: ...
    def sessions_by_uid(self, uids: Iterable[str]) -> list[Session]: ...
    def series_by_uid(self, uids: Iterable[str]) -> dict[str, Series]: ...
    def series_many(self, series_ids: Iterable[int]) -> dict[int, Series]: ...
    def series_members(self, series_ids: Sequence[int]) -> list[Session]: ...


class OutboxUnit(Protocol):
    """The transactional outbox of mail notices and reminders (ARCHITECTURE.md, decision 5)."""

    def enqueue(self, notices: Sequence[Notice], *, once: bool = False,
                now: datetime | None = None) -> int:
        """Queue messages in this transaction, due from ``now``, in one multi-row insert;
        with ``once``, those already queued for the same (session, recipient, kind, start)
        are skipped. Returns how many were queued."""
        ...
    def reminder_targets(self, start: datetime, end: datetime
                         ) -> list[tuple[int, datetime, str]]:
        """(session id, start, participant email) of every participant (mentor and students)
        of each scheduled session starting in ``[start, end)`` that has no reminder in the
        outbox yet for that (session, recipient, start): what :meth:`enqueue_reminders`
        would queue now."""
        ...
    def enqueue_reminders(self, start: datetime, end: datetime, template: str,
                          now: datetime) -> int:
        """Queue a reminder (``template``, due ``now``) to each participant of each scheduled
        session starting in ``[start, end)``, skipping those already queued for the same
        (session, recipient, kind, start); returns how many were queued."""
        ...
    def claim_outbox(self, claimer: str, now: datetime, lease_until: datetime,
                     limit: int) -> list[OutboxMessage]:
        """Take up to ``limit`` messages due by ``now`` (or whose lease ran out), oldest first,
        for ``claimer``; two senders never take the same message."""
        ...
    def outbox_claimers(self) -> list[str]: ...
    def release_outbox(self, claimers: Sequence[str], error: str) -> int: ...
    def settle_outbox(self, message_id: int, claimer: str, status: OutboxStatus, *,
                      now: datetime, error: str | None = None, attempts: int | None = None,
                      next_attempt_at: datetime | None = None) -> None: ...
    def unclaim_outbox(self, message_ids: Sequence[int], claimer: str, error: str) -> None: ...
    def outbox(self, status: OutboxStatus | None = None,
               limit: int | None = None) -> list[OutboxMessage]: ...
    def outbox_counts(self) -> dict[str, int]: ...
    def retry_outbox(self, now: datetime) -> int: ...
    def course_students(self, course: str) -> list[Person] | None: ...


class ReportUnit(Protocol):
    """Aggregates for attendance, completion and mentor reports, computed in the database
    (store/reports.py; ``bounds`` are the UTC boundaries of consecutive periods), and what
    attendance files and courses/batches need."""

    def attendance_groups(self, f: ReportFilter,
                          by: Sequence[str]) -> dict[str, list[Group[Tally]]]: ...
    def attendance_by_period(self, f: ReportFilter,
                             bounds: Sequence[datetime]) -> dict[int, Tally]: ...
    def completion_groups(self, f: ReportFilter, by: str,
                          now: datetime) -> list[Group[Completion]]: ...
    def completion_by_period(self, f: ReportFilter, bounds: Sequence[datetime],
                             now: datetime) -> dict[int, Completion]: ...
    def mentor_figures(self, f: ReportFilter, now: datetime) -> list[MentorFigures]: ...
    def student_sessions(self, f: ReportFilter) -> list[StudentSession]: ...
    def session_at(self, uid: str, start: datetime) -> Session | None: ...
    def add_course(self, name: str, subject: str | None) -> Course: ...
    def courses(self) -> list[Course]: ...
    def add_batch(self, course_id: int, name: str, starts_on: date | None,
                  ends_on: date | None) -> Batch: ...
    def batches(self, course_id: int | None = None) -> list[Batch]: ...
    def set_sessions_batch(self, session_ids: Sequence[int], batch_id: int | None) -> int: ...
    def attendance_rows(self, f: ReportFilter
                        ) -> list[tuple[int, str, datetime, Attendance]]: ...


class UnitOfWork(ExchangeUnit, OutboxUnit, ReportUnit, Protocol):
    """One transaction. Leaving its context commits; an exception rolls everything back."""

    actor: Person | None

    # people, rooms, subjects
    def person(self, email: str) -> Person | None: ...
    def people_by_email(self, emails: Iterable[str]) -> dict[str, Person]: ...
    def add_person(self, name: str, email: str, role: Role, tz: str | None) -> Person: ...
    def list_people(self, role: Role | None = None) -> list[Person]: ...
    def room(self, name: str) -> Room | None: ...
    def add_room(self, name: str, capacity: int | None) -> Room: ...
    def list_rooms(self) -> list[Room]: ...
    def subject(self, name: str) -> Subject | None: ...
    def add_subject(self, name: str) -> Subject: ...
    def list_subjects(self) -> list[Subject]: ...

    # sessions
    def session(self, session_id: int) -> Session | None: ...
    def sessions(self, query: SessionQuery) -> list[Session]: ...
    def insert_sessions(self, rows: Sequence[Row]) -> list[Session]: ...
    def update_session(self, session_id: int, row: Row) -> None: ...
    def set_status(self, session_id: int, status: SessionStatus, *,
                   cancel_reason: str | None = None) -> None: ...
    def overlapping(self, start: datetime, end: datetime, *, people: Iterable[str],
                    rooms: Iterable[str], exclude: Iterable[int] = (),
                    within: Sequence[tuple[datetime, datetime]] | None = None
                    ) -> list[Session]: ...

    def delete_sessions(self, session_ids: Sequence[int]) -> None: ...

    # series
    def insert_series(self, series: Series) -> int: ...
    def series(self, series_id: int, *, lock: bool = False) -> Series | None: ...
    def update_series(self, series: Series) -> None: ...
    def list_series(self, *, expanded_before: datetime | None = None) -> list[Series]: ...

    # the calendar: terms, closures, availability, time off
    def add_term(self, name: str, starts_on: date, ends_on: date) -> Term: ...
    def term(self, name: str) -> Term | None: ...
    def list_terms(self) -> list[Term]: ...
    def add_closure(self, starts_on: date, ends_on: date, reason: str) -> Closure: ...
    def closures(self, start: date | None = None, end: date | None = None) -> list[Closure]: ...
    def set_availability(self, mentor: str, weekday: int,
                         windows: Sequence[Availability]) -> None: ...
    def availability(self, mentors: Iterable[str]) -> dict[str, list[Availability]]: ...
    def add_time_off(self, item: TimeOff) -> None: ...
    def time_off(self, mentors: Iterable[str], start: datetime,
                 end: datetime) -> dict[str, list[TimeOff]]: ...

    # what happens in sessions
    # A mark counts only while its student is in the session: ``attendance`` reads those;
    # one of a student taken off it is kept (``has_marks`` sees it) and is back with them.
    def attendance(self, session_id: int) -> list[Attendance]: ...
    def has_marks(self, session_id: int) -> bool: ...
    def set_attendance(self, record: Attendance) -> None: ...
    def feedback(self, session_id: int) -> list[Feedback]: ...
    def set_feedback(self, record: Feedback) -> None: ...
    def add_material(self, material: Material) -> Material: ...
    def materials(self, session_id: int) -> list[Material]: ...

    # bookkeeping
    def audit(self, action: str, entity: str, key: object,
              before: dict[str, Any] | None, after: dict[str, Any] | None) -> None: ...
    def counts(self) -> dict[str, int]: ...


class Store(Protocol):
    """Where the centre's data lives."""

    url: str

    def unit(self, actor: str | None = None, *, write: bool = False) -> AbstractContextManager[UnitOfWork]: ...
    def close(self) -> None: ...

