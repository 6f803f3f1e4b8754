"""The outbox of mail notices and reminders."""

from __future__ import annotations


class OutboxQueries:
    """Mixed into :class:`sessionsctl.store.unit.SqlUnit`; ``self.db`` is its connection."""
