"""The tables: typed SQLAlchemy models with named constraints and range-scan indexes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .types import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


def _enum_check(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


ROLES = ("admin", "staff", "enrolment", "mentor", "student")
SESSION_TYPES = ("individual", "group", "workshop")
SESSION_STATUSES = ("scheduled", "in_progress", "completed", "cancelled")
ATTENDANCE_STATUSES = ("present", "absent", "late", "excused")
ENROLMENT_STATUSES = ("active", "paused", "completed", "dropped")
PAYMENT_STATUSES = ("unpaid", "paid", "waived", "refunded")
OUTBOX_KINDS = ("booked", "changed", "cancelled", "reminder", "custom", "test")
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "skipped")


class PersonRow(Base):
    __tablename__ = "people"
    __table_args__ = (_enum_check("role", ROLES, "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    tz: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    login: Mapped[str | None] = mapped_column(String(128), unique=True, index=True)


class RoomRow(Base):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    capacity: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True, server_default=true())


class SubjectRow(Base):
    __tablename__ = "subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())


class CourseRow(Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"))
    description: Mapped[str | None] = mapped_column(Text)


class BatchRow(Base):
    __tablename__ = "batches"
    __table_args__ = (UniqueConstraint("course_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)


class EnrolmentRow(Base):
    """A student in a course: one row per course and student, in one of its batches or none.
    Unenrolling sets the status to ``dropped``; the row stays as history."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("course_id", "student_id"),
        _enum_check("status", ENROLMENT_STATUSES, "status"),
        # What the visibility filter probes: a student's active enrolments.
        Index(None, "student_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    status: Mapped[str] = mapped_column(String(16))
    enrolled_at: Mapped[datetime]
    changed_at: Mapped[datetime]


class SeriesRow(Base):
    """A recurring series: its RFC 5545 rule, expanded in ``tz`` from the wall time ``dtstart``."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    rrule: Mapped[str] = mapped_column(Text)
    exdates: Mapped[str | None] = mapped_column(Text)
    rdates: Mapped[str | None] = mapped_column(Text)
    dtstart: Mapped[str] = mapped_column(String(32))  # naive local wall time, ISO 8601
    tz: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int]
    expanded_until: Mapped[datetime | None]
    template: Mapped[dict[str, Any]]  # the fields every occurrence starts from
    sequence: Mapped[int] = mapped_column(default=0)
    # The original series a part split off by `--scope following` belongs to (its first
    # part; a split of a split too): what `--scope all` reaches. None for an original.
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    modified_at: Mapped[datetime]


class SessionRow(Base):
    __tablename__ = "sessions"
    __table_args__ = (
        _enum_check("type", SESSION_TYPES, "type"),
        _enum_check("status", SESSION_STATUSES, "status"),
        _enum_check("payment_status", PAYMENT_STATUSES, "payment_status"),
        CheckConstraint("end_at > start_at", name="interval"),
        UniqueConstraint("uid", "recurrence_id"),
        Index(None, "start_at"),
        Index(None, "mentor_id", "start_at"),
        Index(None, "room_id", "start_at"),
        Index(None, "series_id", "start_at"),
        Index(None, "course_id", "batch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(255))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"))
    recurrence_id: Mapped[datetime | None]
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    # The course a session belongs to, in one of its batches or (batch_id NULL) in none.
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    tz: Mapped[str] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(String(500))
    meeting_link: Mapped[str | None] = mapped_column(String(2000))
    meeting_id: Mapped[str | None] = mapped_column(String(200))
    meeting_passcode: Mapped[str | None] = mapped_column(String(200))
    max_participants: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(Text)
    # The cost set on the session is read from cost_hundredths, an exact integer (a Numeric
    # is a float on SQLite); cost is written in step with it for readers of the old column.
    cost: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    cost_hundredths: Mapped[int | None] = mapped_column(BigInteger)
    payment_status: Mapped[str] = mapped_column(String(16))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_by: Mapped[str | None] = mapped_column(String(16))  # student | centre | mentor
    cancelled_at: Mapped[datetime | None]
    force_reason: Mapped[str | None] = mapped_column(Text)
    sequence: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    modified_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    modified_at: Mapped[datetime]


class SessionStudentRow(Base):
    """A student taking part in a session.

    The session's interval and whether it is cancelled are copied here so that "sessions of
    this student between A and B" is one range scan of ``(student_id, start_at)``.
    """

    __tablename__ = "session_students"
    __table_args__ = (Index(None, "student_id", "start_at"),)

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    cancelled: Mapped[bool] = mapped_column(default=False)
    forced: Mapped[bool] = mapped_column(default=False)


class TermRow(Base):
    """A named teaching period, so a series can be booked as "Tuesdays 16:00 in Spring 2027"."""

    __tablename__ = "terms"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class ClosureRow(Base):
    """Days the centre is closed (holidays, half-term), inclusive."""

    __tablename__ = "closures"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="range"),
                      Index(None, "starts_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class AvailabilityRow(Base):
    """A weekly window a mentor can teach in, as wall times in ``tz`` (weekday 0 = Monday)."""

    __tablename__ = "availability"
    __table_args__ = (CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
                      CheckConstraint("end_time > start_time", name="range"),
                      Index(None, "person_id", "weekday"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    weekday: Mapped[int]
    start_time: Mapped[str] = mapped_column(String(5))  # HH:MM
    end_time: Mapped[str] = mapped_column(String(5))
    tz: Mapped[str] = mapped_column(String(64))


class TimeOffRow(Base):
    """An absence of a mentor: no sessions may be booked for them inside it."""

    __tablename__ = "time_off"
    __table_args__ = (CheckConstraint("end_at > start_at", name="range"),
                      Index(None, "person_id", "start_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(Text)


class AttendanceRow(Base):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "student_id"),
        _enum_check("status", ATTENDANCE_STATUSES, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    check_in: Mapped[datetime | None]
    check_out: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]


class FeedbackRow(Base):
    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("session_id", "author_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    rating: Mapped[int]
    categories: Mapped[dict[str, Any]]
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class MaterialRow(Base):
    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    location: Mapped[str] = mapped_column(String(2000))
    type: Mapped[str] = mapped_column(String(16))
    size: Mapped[int | None]
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    description: Mapped[str | None] = mapped_column(Text)
    uploaded_at: Mapped[datetime]
    media_type: Mapped[str | None] = mapped_column(String(120))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)  # the file itself (not a URL's)


class AuditRow(Base):
    """Who changed what and when, with the record before and after (never a passcode:
    core/domain/serialize.py ``redacted``). ``login`` is who acted when that is not
    ``actor`` (an admin acting as another person); empty otherwise."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "entity", "entity_id"), Index(None, "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    actor: Mapped[str] = mapped_column(String(320))
    login: Mapped[str | None] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SettingRow(Base):
    """The centre's settings kept with its data, one value by key: the calendar lock."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


# The tables kept in schema_<topic> modules (built on Base) join its metadata here.
from . import schema_availability, schema_billing, schema_caldav  # noqa: E402,F401,I001
from . import schema_groups, schema_requests  # noqa: E402,F401,I001
from .schema_mail import OutboxRow  # noqa: E402,F401,I001  (still importable from here)
from . import schema_archive  # noqa: E402,F401,I001  (after every table it copies)
