"""Use cases of mail: notices, reminders, bulk messages, the outbox."""

from __future__ import annotations


class Mailing:
    """Mixed into :class:`sessionsctl.core.usecases.Centre` (``self._read()``, ``self._write()``)."""
