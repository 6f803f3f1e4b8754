"""The table of dated availability: windows on given days that replace the weekly pattern."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Table

from .schema import metadata

# A window a mentor can teach in on one day, as wall times in ``tz``.
dated_window_table = Table(
    "availability_dates", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),
    Column("start_time", String(5), nullable=False),  # HH:MM
    Column("end_time", String(5), nullable=False),
    Column("tz", String(64), nullable=False),
    CheckConstraint("end_time > start_time", name="range"),
    Index(None, "person_id", "day"),
)
