"""Queries for CSV and iCalendar import and export."""

from __future__ import annotations


class ExchangeQueries:
    """Mixed into :class:`sessionsctl.store.unit.SqlUnit`; ``self.db`` is its connection."""
