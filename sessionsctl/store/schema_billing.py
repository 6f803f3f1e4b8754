"""The billing tables: charge and pay rates, invoices and their lines (the sessions' own
billing columns are in schema.py)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .schema import PAYMENT_STATUSES, _enum_check, metadata
from .types import UTCDateTime

RATE_KINDS = ("charge", "pay")
RATE_TARGETS = ("student", "course", "subject", "mentor")
RATE_UNITS = ("hour", "session")
CANCELLERS = ("student", "centre", "mentor")


# One rate: what a student, course or subject is charged, or a mentor paid, per hour or
# per session, in minor units of ``currency``. One of each kind per target.
rate_table = Table(
    "rates", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("target", String(8), nullable=False),
    # A person's, course's or subject's id, as target says (no foreign key: one column
    # for three tables; none of those rows is ever deleted, only deactivated or retired).
    Column("target_id", Integer, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("unit", String(8), nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
    UniqueConstraint("kind", "target", "target_id"),
    _enum_check("kind", RATE_KINDS, "kind"),
    _enum_check("target", RATE_TARGETS, "target"),
    _enum_check("unit", RATE_UNITS, "unit"),
    CheckConstraint("amount >= 0", name="amount"),
)


# One student's own payment status for their place in a session (a group session's
# students each pay); a place without one has its session's ``payment_status``.
session_payment_table = Table(
    "session_payments", metadata,
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("student_id", Integer, ForeignKey("people.id"), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
    _enum_check("status", PAYMENT_STATUSES, "status"),
)


INVOICE_STATUSES = ("issued", "void")


# A numbered invoice to one student for a period (days inclusive). Numbers are never
# reused: a void invoice keeps its number and its row.
invoice_table = Table(
    "invoices", metadata,
    Column("id", Integer, primary_key=True),
    Column("number", Integer, unique=True, nullable=False),
    Column("student_id", Integer, ForeignKey("people.id"), index=True, nullable=False),
    Column("period_from", Date, nullable=False),
    Column("period_to", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("status", String(8), nullable=False),
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("issued_by_id", Integer, ForeignKey("people.id")),
    Column("void_reason", Text),
    _enum_check("status", INVOICE_STATUSES, "status"),
)


# One charged place on an invoice, as it was priced then.
invoice_line_table = Table(
    "invoice_lines", metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", Integer, ForeignKey("invoices.id", ondelete="CASCADE"), index=True, nullable=False),
    Column("session_id", Integer, ForeignKey("sessions.id"), nullable=False),
    Column("details", JSON, nullable=False),  # title, start, minutes, why, priced by
    Column("amount", BigInteger, nullable=False),
    Index(None, "session_id"),
)
