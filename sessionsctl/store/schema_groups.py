"""Group sessions people join: a session open for registration, and its waitlist."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
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
