"""What a use case is asked to write (a session draft, a row) or to read (a query)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, get_args

from .model import PaymentStatus, SessionStatus, SessionType


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
    type: SessionType | None = None  # none given: the policy's default (validate_session)
    description: str | None = None
    location: str | None = None
    link: str | None = None
    meeting_id: str | None = None
    passcode: str | None = None
    max_participants: int | None = None
    notes: str | None = None
    cost: Decimal | None = None
    payment_status: PaymentStatus = PaymentStatus.UNPAID
    course_id: int | None = None
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
    payments: tuple[PaymentStatus, ...] = ()  # staff's: a filter on what was paid
    search: str | None = None
    series_id: int | None = None
    ids: tuple[int, ...] = ()
    # A mentor or student sees only the sessions they take part in, and a student also those
    # of the courses they are actively enrolled in (their batch, or unbatched if they have none)
    visible_to: str | None = None
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


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """A filter over the audit log, newest first; every part optional, combined with AND."""

    session_id: int | None = None  # changes to this session (and its marks)
    actor: str | None = None  # changes made by this person
    since: datetime | None = None
    action: str | None = None
    mentored_by: str | None = None  # only changes to the sessions this mentor runs
    limit: int | None = None
