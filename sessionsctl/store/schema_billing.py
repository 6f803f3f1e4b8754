"""The billing tables: charge and pay rates, invoices and their lines (the sessions' own
billing columns are in schema.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .schema import PAYMENT_STATUSES, Base, _enum_check

RATE_KINDS = ("charge", "pay")
RATE_TARGETS = ("student", "course", "subject", "mentor")
RATE_UNITS = ("hour", "session")
CANCELLERS = ("student", "centre", "mentor")


class RateRow(Base):
    """One rate: what a student, course or subject is charged, or a mentor paid, per hour or
    per session, in minor units of ``currency``. One of each kind per target."""

    __tablename__ = "rates"
    __table_args__ = (
        UniqueConstraint("kind", "target", "target_id"),
        _enum_check("kind", RATE_KINDS, "kind"),
        _enum_check("target", RATE_TARGETS, "target"),
        _enum_check("unit", RATE_UNITS, "unit"),
        CheckConstraint("amount >= 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    target: Mapped[str] = mapped_column(String(8))
    # A person's, course's or subject's id, as target says (no foreign key: one column
    # for three tables; none of those rows is ever deleted, only deactivated or retired).
    target_id: Mapped[int]
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    unit: Mapped[str] = mapped_column(String(8))
    changed_at: Mapped[datetime]


class SessionPaymentRow(Base):
    """One student's own payment status for their place in a session (a group session's
    students each pay); a place without one has its session's ``payment_status``."""

    __tablename__ = "session_payments"
    __table_args__ = (_enum_check("status", PAYMENT_STATUSES, "status"),)

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    changed_at: Mapped[datetime]


INVOICE_STATUSES = ("issued", "void")


class InvoiceRow(Base):
    """A numbered invoice to one student for a period (days inclusive). Numbers are never
    reused: a void invoice keeps its number and its row."""

    __tablename__ = "invoices"
    __table_args__ = (_enum_check("status", INVOICE_STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(8))
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)


class InvoiceLineRow(Base):
    """One charged place on an invoice, as it was priced then."""

    __tablename__ = "invoice_lines"
    __table_args__ = (Index(None, "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"),
                                            index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    details: Mapped[dict[str, Any]]  # title, start, minutes, why, priced by
    amount: Mapped[int] = mapped_column(BigInteger)
