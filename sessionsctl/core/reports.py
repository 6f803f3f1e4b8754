"""Use cases of reports: attendance, completion, mentors, one student."""

from __future__ import annotations


class Reporting:
    """Mixed into :class:`sessionsctl.core.usecases.Centre` (``self._read()``, ``self._write()``)."""
