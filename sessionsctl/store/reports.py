"""Report aggregates, computed in SQL."""

from __future__ import annotations


class ReportQueries:
    """Mixed into :class:`sessionsctl.store.unit.SqlUnit`; ``self.db`` is its connection."""
