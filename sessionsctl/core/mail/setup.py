"""How this centre sends mail: its templates, its sender address, and how to reach the SMTP
server (set by the composition root, ``sessionsctl.wiring``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .templating import Templates

if TYPE_CHECKING:
    from .notices import MailTransport


@dataclass
class MailSetup:
    """How this centre sends mail: set by the composition root (``sessionsctl.wiring``)."""

    templates: Templates = field(default_factory=Templates)
    sender: str | None = None
    transport: Callable[[], MailTransport] | None = None
