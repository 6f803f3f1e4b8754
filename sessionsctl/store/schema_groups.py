"""Group sessions people join: a session open for registration, and its waitlist; its
recordings; the check-in codes of in-person sessions and the wrong codes students gave."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base


class RegistrationRow(Base):
    """A session students may register for (``session open``) until ``until_at``."""

    __tablename__ = "registrations"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    until_at: Mapped[datetime]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    opened_at: Mapped[datetime]


class WaitlistRow(Base):
    """A student waiting for a seat of a full session; first come (lowest id), first served."""

    __tablename__ = "waitlist"
    __table_args__ = (UniqueConstraint("session_id", "student_id"),
                      Index(None, "session_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    joined_at: Mapped[datetime]


class RecordingRow(Base):
    """A recording of a session: a link, for its participants or (``public``) for anyone
    who may see the session."""

    __tablename__ = "recordings"
    __table_args__ = (Index(None, "session_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(String(200))
    public: Mapped[bool] = mapped_column(default=False)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    added_at: Mapped[datetime]


class CheckinCodeRow(Base):
    """The check-in code of an in-person session (made by `session code` while it runs)."""

    __tablename__ = "checkin_codes"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(12), index=True)
    made_at: Mapped[datetime]


class CheckinAttemptRow(Base):
    """A wrong check-in code a student gave (what the rate limit counts)."""

    __tablename__ = "checkin_attempts"
    __table_args__ = (Index(None, "student_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    at: Mapped[datetime]
