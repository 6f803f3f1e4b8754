"""How this centre sends mail: its templates, its sender address, and how to reach the SMTP
server (set by the composition root, ``sessionsctl.wiring``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .notices import MailTransport
from .templating import Templates


@dataclass
class MailSetup:
    """How this centre sends mail: set by the composition root (``sessionsctl.wiring``)."""

    templates: Templates = field(default_factory=Templates)
    sender: str | None = None
    transport: Callable[[], MailTransport] | None = None
