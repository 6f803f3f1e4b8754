"""The tables: SQLAlchemy Core tables with named constraints and range-scan indexes.

Core tables, not ORM classes: the store reads and writes with Core statements on a
connection, and declaring mapped classes would cost every command a tenth of a second at
start-up (importing the ORM and mapping the classes) for nothing it uses.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)

from .types import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


metadata = MetaData(naming_convention=NAMING)


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


person_table = Table(
    "people", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), unique=True, nullable=False),
    Column("role", String(16), nullable=False),
    Column("tz", String(64)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("active", Boolean, default=True, server_default=true(), nullable=False),
    Column("login", String(128), unique=True, index=True),
    _enum_check("role", ROLES, "role"),
)


room_table = Table(
    "rooms", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), unique=True, nullable=False),
    Column("capacity", Integer),
    Column("active", Boolean, default=True, server_default=true(), nullable=False),
)


subject_table = Table(
    "subjects", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), unique=True, nullable=False),
    Column("active", Boolean, default=True, server_default=true(), nullable=False),
)


course_table = Table(
    "courses", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), unique=True, nullable=False),
    Column("subject_id", Integer, ForeignKey("subjects.id")),
    Column("description", Text),
)


batch_table = Table(
    "batches", metadata,
    Column("id", Integer, primary_key=True),
    Column("course_id", Integer, ForeignKey("courses.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("starts_on", Date),
    Column("ends_on", Date),
    UniqueConstraint("course_id", "name"),
)


# A student in a course: one row per course and student, in one of its batches or none.
# Unenrolling sets the status to ``dropped``; the row stays as history.
enrolment_table = Table(
    "enrolments", metadata,
    Column("id", Integer, primary_key=True),
    Column("course_id", Integer, ForeignKey("courses.id", ondelete="CASCADE"), nullable=False),
    Column("batch_id", Integer, ForeignKey("batches.id")),
    Column("student_id", Integer, ForeignKey("people.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("enrolled_at", UTCDateTime(), nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
    UniqueConstraint("course_id", "student_id"),
    _enum_check("status", ENROLMENT_STATUSES, "status"),
    # What the visibility filter probes: a student's active enrolments.
    Index(None, "student_id", "status"),
)


# A recurring series: its RFC 5545 rule, expanded in ``tz`` from the wall time ``dtstart``.
series_table = Table(
    "series", metadata,
    Column("id", Integer, primary_key=True),
    Column("uid", String(255), unique=True, nullable=False),
    Column("rrule", Text, nullable=False),
    Column("exdates", Text),
    Column("rdates", Text),
    Column("dtstart", String(32), nullable=False),  # naive local wall time, ISO 8601
    Column("tz", String(64), nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("expanded_until", UTCDateTime()),
    Column("template", JSON, nullable=False),  # the fields every occurrence starts from
    Column("sequence", Integer, default=0, nullable=False),
    # The original series a part split off by `--scope following` belongs to (its first
    # part; a split of a split too): what `--scope all` reaches. None for an original.
    Column("origin_id", Integer, ForeignKey("series.id"), index=True),
    Column("created_by_id", Integer, ForeignKey("people.id")),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("modified_at", UTCDateTime(), nullable=False),
)


session_table = Table(
    "sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("uid", String(255), nullable=False),
    Column("series_id", Integer, ForeignKey("series.id")),
    Column("recurrence_id", UTCDateTime()),
    Column("title", String(300), nullable=False),
    Column("description", Text),
    Column("mentor_id", Integer, ForeignKey("people.id"), nullable=False),
    Column("subject_id", Integer, ForeignKey("subjects.id")),
    Column("room_id", Integer, ForeignKey("rooms.id")),
    # The course a session belongs to, in one of its batches or (batch_id NULL) in none.
    Column("course_id", Integer, ForeignKey("courses.id")),
    Column("batch_id", Integer, ForeignKey("batches.id")),
    Column("type", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("start_at", UTCDateTime(), nullable=False),
    Column("end_at", UTCDateTime(), nullable=False),
    Column("tz", String(64), nullable=False),
    Column("location", String(500)),
    Column("meeting_link", String(2000)),
    Column("meeting_id", String(200)),
    Column("meeting_passcode", String(200)),
    Column("max_participants", Integer),
    Column("notes", Text),
    # The cost set on the session is read from cost_hundredths, an exact integer (a Numeric
    # is a float on SQLite); cost is written in step with it for readers of the old column.
    Column("cost", Numeric(10, 2)),
    Column("cost_hundredths", BigInteger),
    Column("payment_status", String(16), nullable=False),
    Column("cancel_reason", Text),
    Column("cancelled_by", String(16)),  # student | centre | mentor
    Column("cancelled_at", UTCDateTime()),
    Column("force_reason", Text),
    Column("sequence", Integer, default=0, nullable=False),
    Column("created_by_id", Integer, ForeignKey("people.id")),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("modified_by_id", Integer, ForeignKey("people.id")),
    Column("modified_at", UTCDateTime(), nullable=False),
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


# A student taking part in a session.
#
# The session's interval and whether it is cancelled are copied here so that "sessions of
# this student between A and B" is one range scan of ``(student_id, start_at)``.
#
session_student_table = Table(
    "session_students", metadata,
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("student_id", Integer, ForeignKey("people.id"), primary_key=True),
    Column("start_at", UTCDateTime(), nullable=False),
    Column("end_at", UTCDateTime(), nullable=False),
    Column("cancelled", Boolean, default=False, nullable=False),
    Column("forced", Boolean, default=False, nullable=False),
    Index(None, "student_id", "start_at"),
)


# A named teaching period, so a series can be booked as "Tuesdays 16:00 in Spring 2027".
term_table = Table(
    "terms", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), unique=True, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    CheckConstraint("ends_on >= starts_on", name="range"),
)


# Days the centre is closed (holidays, half-term), inclusive.
closure_table = Table(
    "closures", metadata,
    Column("id", Integer, primary_key=True),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    CheckConstraint("ends_on >= starts_on", name="range"),
    Index(None, "starts_on"),
)


# A weekly window a mentor can teach in, as wall times in ``tz`` (weekday 0 = Monday).
availability_table = Table(
    "availability", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("weekday", Integer, nullable=False),
    Column("start_time", String(5), nullable=False),  # HH:MM
    Column("end_time", String(5), nullable=False),
    Column("tz", String(64), nullable=False),
    CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
    CheckConstraint("end_time > start_time", name="range"),
    Index(None, "person_id", "weekday"),
)


# An absence of a mentor: no sessions may be booked for them inside it.
time_off_table = Table(
    "time_off", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("start_at", UTCDateTime(), nullable=False),
    Column("end_at", UTCDateTime(), nullable=False),
    Column("reason", Text),
    CheckConstraint("end_at > start_at", name="range"),
    Index(None, "person_id", "start_at"),
)


attendance_table = Table(
    "attendance", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("student_id", Integer, ForeignKey("people.id"), index=True, nullable=False),
    Column("status", String(16), nullable=False),
    Column("check_in", UTCDateTime()),
    Column("check_out", UTCDateTime()),
    Column("note", Text),
    Column("recorded_by_id", Integer, ForeignKey("people.id")),
    Column("recorded_at", UTCDateTime(), nullable=False),
    UniqueConstraint("session_id", "student_id"),
    _enum_check("status", ATTENDANCE_STATUSES, "status"),
)


feedback_table = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", Integer, ForeignKey("people.id"), index=True, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("categories", JSON, nullable=False),
    Column("text", Text),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("recorded_by_id", Integer, ForeignKey("people.id")),
    UniqueConstraint("session_id", "author_id"),
    CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
)


material_table = Table(
    "materials", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("location", String(2000), nullable=False),
    Column("type", String(16), nullable=False),
    Column("size", Integer),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), index=True),
    Column("course_id", Integer, ForeignKey("courses.id"), index=True),
    Column("uploaded_by_id", Integer, ForeignKey("people.id")),
    Column("description", Text),
    Column("uploaded_at", UTCDateTime(), nullable=False),
    Column("media_type", String(120)),
    Column("content", LargeBinary),  # the file itself (not a URL's)
)


# Who changed what and when, with the record before and after (never a passcode:
# core/domain/serialize.py ``redacted``). ``login`` is who acted when that is not
# ``actor`` (an admin acting as another person); empty otherwise.
audit_table = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor_id", Integer, ForeignKey("people.id")),
    Column("actor", String(320), nullable=False),
    Column("login", String(320)),
    Column("action", String(64), nullable=False),
    Column("entity", String(64), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("before", JSON),
    Column("after", JSON),
    Index(None, "entity", "entity_id"),
    Index(None, "at"),
)


# The centre's settings kept with its data, one value by key: the calendar lock.
setting_table = Table(
    "settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)


# The tables kept in schema_<topic> modules join this metadata here.
from . import schema_availability, schema_billing, schema_caldav  # noqa: E402,F401,I001
from . import schema_groups, schema_requests  # noqa: E402,F401,I001
from .schema_mail import outbox_table  # noqa: E402,F401,I001  (still importable from here)
from . import schema_archive  # noqa: E402,F401,I001  (after every table it copies)
