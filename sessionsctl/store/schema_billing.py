"""The billing tables: charge and pay rates (the sessions' own billing columns are in
schema.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base, _enum_check

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
