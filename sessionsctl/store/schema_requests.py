"""The tables of mentorship requests (and, beside them, session invitations)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base

REQUEST_STATUSES = ("open", "claimed", "scheduled", "completed", "expired", "cancelled")
URGENCIES = ("low", "normal", "high")


def _one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=column)


class RequestRow(Base):
    """A student's request for a short one-off session, from open to scheduled (or expired)."""

    __tablename__ = "requests"
    __table_args__ = (
        _one_of("status", REQUEST_STATUSES),
        _one_of("urgency", URGENCIES),
        CheckConstraint("minutes BETWEEN 30 AND 60", name="minutes"),
        # The queue, the expiry sweep and a lapsed claim are range scans of this.
        Index(None, "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int]
    urgency: Mapped[str] = mapped_column(String(8))
    tz: Mapped[str] = mapped_column(String(64))
    preferences: Mapped[list[Any]] = mapped_column(JSON, default=list)
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    changed_at: Mapped[datetime]
    feedback_asked_at: Mapped[datetime | None]


INVITE_ROLES = ("learner", "instructor", "observer")
INVITE_STATUSES = ("pending", "accepted", "declined", "expired", "revoked")


class InvitationRow(Base):
    """An invitation to a session: who, in which role, until when; the digest of its token
    (never the token itself)."""

    __tablename__ = "invitations"
    __table_args__ = (
        _one_of("role", INVITE_ROLES),
        _one_of("status", INVITE_STATUSES),
        Index(None, "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime]
    sends: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    responded_at: Mapped[datetime | None]
