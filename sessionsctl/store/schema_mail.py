"""The mail outbox's table: a row per message to send, kept until it is sent (transactional
outbox; ARCHITECTURE.md decision 5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .schema import OUTBOX_KINDS, OUTBOX_STATUSES, Base, _enum_check

# Indexes the migrations make (0003, again in 0004) but the model does not declare, which
# autogenerate and the drift check leave alone (migrations/env.py): ``uq_outbox_reminder``,
# unique (session_id, recipient, kind, start_at) WHERE kind = 'reminder'. Declared here with
# ``postgresql_where``, it would make SQLAlchemy import the PostgreSQL dialect in every
# command, a twentieth of starting one on SQLite.
MIGRATION_ONLY_INDEXES = frozenset({"uq_outbox_reminder"})


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
        # And MIGRATION_ONLY_INDEXES (above).
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
