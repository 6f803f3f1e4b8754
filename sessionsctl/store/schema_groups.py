"""Group sessions people join: a session open for registration, and its waitlist; its
recordings; the check-in codes of in-person sessions and the wrong codes students gave."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from .schema import metadata
from .types import UTCDateTime

# A session students may register for (``session open``) until ``until_at``.
registration_table = Table(
    "registrations", metadata,
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("until_at", UTCDateTime(), nullable=False),
    Column("opened_by_id", Integer, ForeignKey("people.id")),
    Column("opened_at", UTCDateTime(), nullable=False),
)


# A student waiting for a seat of a full session; first come (lowest id), first served.
waitlist_table = Table(
    "waitlist", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("student_id", Integer, ForeignKey("people.id"), nullable=False),
    Column("joined_at", UTCDateTime(), nullable=False),
    UniqueConstraint("session_id", "student_id"),
    Index(None, "session_id", "id"),
)


# A recording of a session: a link, for its participants or (``public``) for anyone
# who may see the session.
recording_table = Table(
    "recordings", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("title", String(200)),
    Column("public", Boolean, default=False, nullable=False),
    Column("added_by_id", Integer, ForeignKey("people.id")),
    Column("added_at", UTCDateTime(), nullable=False),
    Index(None, "session_id", "id"),
)


# The check-in code of an in-person session (made by `session code` while it runs).
checkin_code_table = Table(
    "checkin_codes", metadata,
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("code", String(12), index=True, nullable=False),
    Column("made_at", UTCDateTime(), nullable=False),
)


# A wrong check-in code a student gave (what the rate limit counts).
checkin_attempt_table = Table(
    "checkin_attempts", metadata,
    Column("id", Integer, primary_key=True),
    Column("student_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Index(None, "student_id", "at"),
)
