"""The tables of mentorship requests (and, beside them, session invitations)."""

from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text

from .schema import metadata
from .types import UTCDateTime

REQUEST_STATUSES = ("open", "claimed", "scheduled", "completed", "expired", "cancelled")
URGENCIES = ("low", "normal", "high")


def _one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=column)


# A student's request for a short one-off session, from open to scheduled (or expired).
request_table = Table(
    "requests", metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("description", Text),
    Column("type", String(16), nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("urgency", String(8), nullable=False),
    Column("tz", String(64), nullable=False),
    Column("preferences", JSON, default=list, nullable=False),
    Column("tags", JSON, default=list, nullable=False),
    Column("student_id", Integer, ForeignKey("people.id"), index=True, nullable=False),
    Column("mentor_id", Integer, ForeignKey("people.id"), index=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="SET NULL"), index=True),
    Column("status", String(16), nullable=False),
    Column("created_by_id", Integer, ForeignKey("people.id")),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("claimed_at", UTCDateTime()),
    Column("changed_at", UTCDateTime(), nullable=False),
    Column("feedback_asked_at", UTCDateTime()),
    _one_of("status", REQUEST_STATUSES),
    _one_of("urgency", URGENCIES),
    CheckConstraint("minutes BETWEEN 30 AND 60", name="minutes"),
    # The queue, the expiry sweep and a lapsed claim are range scans of this.
    Index(None, "status", "created_at"),
)


INVITE_ROLES = ("learner", "instructor", "observer")
INVITE_STATUSES = ("pending", "accepted", "declined", "expired", "revoked")


# An invitation to a session: who, in which role, until when; the digest of its token
# (never the token itself).
invitation_table = Table(
    "invitations", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(320), nullable=False),
    Column("role", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=False),
    Column("sends", Integer, default=1, nullable=False),
    Column("created_by_id", Integer, ForeignKey("people.id")),
    Column("person_id", Integer, ForeignKey("people.id")),
    Column("responded_at", UTCDateTime()),
    _one_of("role", INVITE_ROLES),
    _one_of("status", INVITE_STATUSES),
    Index(None, "session_id", "status"),
)
