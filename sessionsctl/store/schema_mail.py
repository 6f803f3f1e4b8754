"""The mail outbox's table: a row per message to send, kept until it is sent (transactional
outbox; ARCHITECTURE.md decision 5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .schema import OUTBOX_KINDS, OUTBOX_STATUSES, Base, _enum_check

_REMINDER = text("kind = 'reminder'")


class OutboxRow(Base):
    """A mail message waiting to be sent, written in the transaction of the change it reports.

    ``payload`` holds what the templates need, taken when the change was made. Reminders are
    unique per (session, recipient, kind, start): enqueued once, and again only if the session
    moves. A sender claims rows (``status='sending'`` with a lease until ``claimed_until``).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        _enum_check("kind", OUTBOX_KINDS, "kind"),
        _enum_check("status", OUTBOX_STATUSES, "status"),
        Index(None, "status", "next_attempt_at"),
        Index("uq_outbox_reminder", "session_id", "recipient", "kind", "start_at", unique=True,
              sqlite_where=_REMINDER, postgresql_where=_REMINDER),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    template: Mapped[str] = mapped_column(String(100))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(String(320))
    start_at: Mapped[datetime | None]
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
