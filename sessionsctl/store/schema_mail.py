"""The mail outbox's table: a row per message to send, kept until it is sent (transactional
outbox; ARCHITECTURE.md decision 5)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text

from .schema import OUTBOX_KINDS, OUTBOX_STATUSES, _enum_check, metadata
from .types import UTCDateTime

# Indexes the migrations make (0003, again in 0004) but the model does not declare, which
# autogenerate and the drift check leave alone (migrations/env.py): ``uq_outbox_reminder``,
# unique (session_id, recipient, kind, start_at) WHERE kind = 'reminder'. Declared here with
# ``postgresql_where``, it would make SQLAlchemy import the PostgreSQL dialect in every
# command, a twentieth of starting one on SQLite.
MIGRATION_ONLY_INDEXES = frozenset({"uq_outbox_reminder"})


# A mail message waiting to be sent, written in the transaction of the change it reports.
#
# ``payload`` holds what the templates need, taken when the change was made. Reminders are
# unique per (session, recipient, kind, start): enqueued once, and again only if the session
# moves. A sender claims rows (``status='sending'`` with a lease until ``claimed_until``).
#
outbox_table = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("template", String(100), nullable=False),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="SET NULL"), index=True),
    Column("recipient", String(320), nullable=False),
    Column("start_at", UTCDateTime()),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, default=0, nullable=False),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("claimed_by", String(200)),
    Column("claimed_until", UTCDateTime()),
    Column("last_error", Text),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime()),
    _enum_check("kind", OUTBOX_KINDS, "kind"),
    _enum_check("status", OUTBOX_STATUSES, "status"),
    Index(None, "status", "next_attempt_at"),
)
