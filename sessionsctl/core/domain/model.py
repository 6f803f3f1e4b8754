"""Domain values: people, places, courses, sessions and what happens in them.

These are plain frozen dataclasses. The store hands them back; faces render them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    ENROLMENT = "enrolment"  # an enrolment manager: enrolments and people, sees every session
    MENTOR = "mentor"
    STUDENT = "student"

    @property
    def label(self) -> str:
        """As a sentence says it: "enrolment manager" (the value stays what files carry)."""
        return "enrolment manager" if self is Role.ENROLMENT else self.value

    @property
    def a(self) -> str:
        """The label with its article: "a mentor", "an enrolment manager", "an admin"."""
        return ("an " if self.label[0] in "aeiou" else "a ") + self.label

    @property
    def teaches(self) -> bool:
        """Whether a person of this role may be booked as a session's mentor."""
        return self in (Role.ADMIN, Role.STAFF, Role.MENTOR)


class SessionType(StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"
    WORKSHOP = "workshop"


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """As a sentence says it: "in progress" (the value stays what files and JSON carry)."""
        return self.value.replace("_", " ")


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    LATE = "late"
    EXCUSED = "excused"


class EnrolmentStatus(StrEnum):
    """Where a student's enrolment in a course stands; only an active one shows them the
    course's sessions and reaches them by ``mail send --to course``."""

    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    DROPPED = "dropped"  # what `course unenrol` sets: the row is kept as history


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    WAIVED = "waived"
    REFUNDED = "refunded"


class MaterialType(StrEnum):
    DOCUMENT = "document"
    SLIDES = "slides"
    VIDEO = "video"
    LINK = "link"
    EXERCISE = "exercise"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    email: str
    role: Role
    tz: str | None = None
    active: bool = True  # a deactivated person is kept for history but cannot be booked
    login: str | None = None  # the database role (PostgreSQL) or OS user (SQLite) they act as

    @property
    def label(self) -> str:
        """How a person is named to people: ``Ada Byron <ada@example.org>``."""
        return f"{self.name} <{self.email}>"


@dataclass(frozen=True, slots=True)
class Room:
    id: int
    name: str
    capacity: int | None = None
    active: bool = True  # a retired room is kept for history but cannot be booked


@dataclass(frozen=True, slots=True)
class Subject:
    id: int
    name: str
    active: bool = True  # a retired subject is kept for history but cannot be booked


@dataclass(frozen=True, slots=True)
class Course:
    id: int
    name: str
    subject: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    id: int
    course_id: int
    name: str
    starts_on: datetime | None = None
    ends_on: datetime | None = None


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A student in a course (one row per course and student), in one of its batches or none."""

    id: int
    course: str  # the course's name
    student: str  # email
    name: str  # the student's name
    status: EnrolmentStatus
    batch: str | None = None  # the batch's name
    enrolled_at: datetime | None = None
    changed_at: datetime | None = None


@dataclass(slots=True)
class Session:
    """One occurrence on the calendar: a one-off session or one occurrence of a series.

    A value like the others here, changed only through ``dataclasses.replace``, but not
    declared frozen: a listing builds thousands at once, and a frozen dataclass sets each of
    its 32 fields through ``object.__setattr__``, six times the cost of a plain one (a fifth
    of listing a busy month). Sessions are therefore not hashable; key them by ``id``.
    """

    id: int
    uid: str
    title: str
    mentor: str  # email
    start: datetime  # aware UTC
    end: datetime  # aware UTC
    tz: str
    status: SessionStatus = SessionStatus.SCHEDULED
    type: SessionType = SessionType.INDIVIDUAL
    students: tuple[str, ...] = ()  # emails, sorted
    room: str | None = None
    subject: str | None = None
    description: str | None = None
    location: str | None = None
    link: str | None = None
    meeting_id: str | None = None
    passcode: str | None = None
    max_participants: int | None = None
    notes: str | None = None
    cost: Decimal | None = None
    payment_status: PaymentStatus = PaymentStatus.UNPAID
    series_id: int | None = None
    recurrence_id: datetime | None = None  # original start of a series occurrence, UTC
    course_id: int | None = None  # the course it belongs to (with a batch of it, or none)
    batch_id: int | None = None
    cancel_reason: str | None = None
    force_reason: str | None = None
    sequence: int = 0
    created_by: str | None = None
    created_at: datetime | None = None
    modified_by: str | None = None
    modified_at: datetime | None = None
    # How many students it has, where ``students`` shows a viewer only some of them (None:
    # ``students`` are all of them).
    taken: int | None = None

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def seats_taken(self) -> int:
        return self.taken if self.taken is not None else len(self.students)

    @property
    def seats(self) -> str:
        """Its seats as people read them: taken of total ("5/8"), or those taken alone
        ("5") where it has no limit."""
        if self.max_participants is None:
            return str(self.seats_taken)
        return f"{self.seats_taken}/{self.max_participants}"


@dataclass(frozen=True, slots=True)
class Attendance:
    session_id: int
    student: str  # email
    status: AttendanceStatus
    check_in: datetime | None = None
    check_out: datetime | None = None
    note: str | None = None
    recorded_by: str | None = None
    recorded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Feedback:
    session_id: int
    author: str  # email
    rating: int
    categories: dict[str, int] = field(default_factory=dict)
    text: str | None = None
    created_at: datetime | None = None
    recorded_by: str | None = None  # staff who recorded it on the author's behalf


@dataclass(frozen=True, slots=True)
class Material:
    id: int
    name: str
    location: str  # a URL, or the name of a file kept in the database (never a path used)
    type: MaterialType = MaterialType.OTHER
    size: int | None = None
    session_id: int | None = None
    course_id: int | None = None
    uploaded_by: str | None = None
    description: str | None = None
    uploaded_at: datetime | None = None
    media_type: str | None = None  # read from the content of a file kept in the database


@dataclass(frozen=True, slots=True)
class Term:
    id: int
    name: str
    starts_on: date
    ends_on: date  # inclusive


@dataclass(frozen=True, slots=True)
class Closure:
    id: int
    starts_on: date
    ends_on: date  # inclusive
    reason: str

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True, slots=True)
class Availability:
    """A weekly window (weekday 0 = Monday) a mentor can teach in, in wall time of ``tz``."""

    mentor: str
    weekday: int
    start: time
    end: time
    tz: str


@dataclass(frozen=True, slots=True)
class DatedWindow:
    """A window a mentor can teach in on one day, in wall time of ``tz``: a day that has any
    follows them instead of the weekly pattern (more hours that day, or fewer)."""

    mentor: str
    day: date
    start: time
    end: time
    tz: str


@dataclass(frozen=True, slots=True)
class TimeOff:
    mentor: str
    start: datetime
    end: datetime
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Series:
    """A recurring series: the rule (RRULE/EXDATE/RDATE text) expanded from ``dtstart``.

    ``dtstart`` is the naive wall time of the first occurrence in ``tz``; ``template`` holds
    the fields every occurrence starts from (a SessionDraft's fields but start, end and tz).
    """

    id: int
    uid: str
    rule: str
    dtstart: datetime
    tz: str
    duration: timedelta
    template: dict[str, Any]
    expanded_until: datetime | None = None
    sequence: int = 0
    origin_id: int | None = None  # the original series this part was split off (see scopes)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change in the audit log: who (``actor``; ``login`` when someone acted as them),
    when, what (``action`` on ``entity`` ``entity_id``), and the record before and after
    (plain data, UTC times; never a passcode)."""

    id: int
    at: datetime
    actor: str
    login: str | None
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Guest:
    """Someone in a session beside its mentor and students: an instructor or observer who
    accepted an invitation. In no roster, so judged for no clash and counted by no report."""

    email: str
    role: str  # "instructor" or "observer" (an invitation's role)
