"""Use cases of CSV and iCalendar import and export."""

from __future__ import annotations


class Exchange:
    """Mixed into :class:`sessionsctl.core.usecases.Centre` (``self._read()``, ``self._write()``)."""
