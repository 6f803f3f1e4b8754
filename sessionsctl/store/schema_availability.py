"""The table of dated availability: windows on given days that replace the weekly pattern."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base


class DatedWindowRow(Base):
    """A window a mentor can teach in on one day, as wall times in ``tz``."""

    __tablename__ = "availability_dates"
    __table_args__ = (CheckConstraint("end_time > start_time", name="range"),
                      Index(None, "person_id", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[str] = mapped_column(String(5))  # HH:MM
    end_time: Mapped[str] = mapped_column(String(5))
    tz: Mapped[str] = mapped_column(String(64))
