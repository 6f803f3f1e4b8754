"""Mail values: what is queued in the outbox, how a message is built, and the transport port.

Core builds :class:`email.message.Message` values (the standard library's data type, no
network; :mod:`.message` builds them) and hands them to a :class:`MailTransport`; the SMTP
adapter lives outside core (``sessionsctl.smtp``). This module imports no ``email`` package:
every command that books or changes a session reads these values, and only one that sends
mail builds messages.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from ..domain.errors import InvalidInput

if TYPE_CHECKING:
    from email.message import Message


class NoticeKind(StrEnum):
    BOOKED = "booked"
    CHANGED = "changed"
    CANCELLED = "cancelled"
    REMINDER = "reminder"
    CUSTOM = "custom"
    TEST = "test"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender, under a lease
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # a reminder no longer due when its turn came: not sent, not a failure


# The iCalendar METHOD a notice's invitation carries; reminders and custom messages have none.
ICS_METHOD = {NoticeKind.BOOKED: "REQUEST", NoticeKind.CHANGED: "REQUEST",
              NoticeKind.CANCELLED: "CANCEL"}

# What a payload keeps only until its message is sent: an invitation's token, and a report's
# rendered body and files (large; the row keeps which report of which period it was).
UNTIL_SENT = ("secret", "html", "attachments")

MAX_ATTEMPTS = 5  # a message failing this many times (temporary errors) is marked failed
BACKOFF_BASE = timedelta(minutes=1)  # then 2, 4, 8 minutes... capped at BACKOFF_MAX
BACKOFF_MAX = timedelta(hours=6)
LEASE = timedelta(minutes=10)  # a claimed message whose sender vanished is sent again after this

_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")


_DURATION = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)?\s*$", re.IGNORECASE)
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str, *, field: str = "duration",
                   maximum: timedelta | None = None) -> timedelta:
    """``90m``, ``24h``, ``2d``, ``1w`` (a bare number is hours) as a positive timedelta, no
    longer than ``maximum`` (when given) and never one too large to compute with."""
    match = _DURATION.match(text)
    if not match or int(match.group(1)) == 0:
        raise InvalidInput(f"must be a positive duration like 90m, 24h or 2d, not {text!r}",
                           field=field)
    seconds = int(match.group(1)) * _UNITS[(match.group(2) or "h").lower()]
    limit = maximum if maximum is not None else _LONGEST
    if seconds > limit.total_seconds():
        raise InvalidInput(f"{text.strip()!r} is too long: at most {format_duration(limit)}",
                           field=field)
    return timedelta(seconds=seconds)


# A duration beyond this overflows date arithmetic (year 9999), so is never meaningful here.
_LONGEST = timedelta(days=36_500)


def format_duration(value: timedelta) -> str:
    """The shortest of ``2w``, ``3d``, ``5h``, ``90m`` that says ``value`` exactly."""
    seconds = int(value.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m"


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try after ``attempts`` failed ones."""
    return min(BACKOFF_BASE * (1 << max(attempts - 1, 0)), BACKOFF_MAX)


def valid_address(address: str) -> bool:
    """A plain ``local@domain.tld`` address, with no display name, spaces or header tricks."""
    return bool(_ADDRESS.match(address)) and "\n" not in address and len(address) <= 320


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to put in the outbox: written in the transaction of the change it reports."""

    kind: NoticeKind
    template: str
    recipient: str  # email
    session_id: int | None = None
    start: datetime | None = None  # the session's start when enqueued (reminders are keyed on it)
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A row of the outbox as the store hands it back."""

    id: int
    kind: NoticeKind
    template: str
    recipient: str
    session_id: int | None
    start: datetime | None
    payload: dict[str, Any]
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None = None


class DeliveryError(Exception):
    """A transport could not deliver a message.

    ``permanent``: the message itself is refused (a 5xx reply, a bad recipient); trying again
    will not help. ``unreachable``: the server could not be reached or dropped us; the message
    is not at fault and waits, unchanged, for the next run. Otherwise the error is temporary
    (a 4xx reply) and the message is tried again after a backoff.
    """

    def __init__(self, message: str, *, permanent: bool = False,
                 unreachable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.unreachable = unreachable


class MailTransport(Protocol):
    """Sends built messages; keeps one connection open across calls until closed."""

    sender: str

    def send(self, message: Message, *, recipient: str) -> None:
        """Deliver ``message`` to ``recipient`` (the envelope: headers are not parsed again)
        from ``sender``; raises :class:`DeliveryError`."""
        ...
    def close(self) -> None: ...


def claimer_id() -> str:
    """Who holds a claim: this host and process, plus a nonce for this run."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(4).hex()}"


def claimer_gone(claimer: str) -> bool:
    """Whether the process behind a claim has certainly died (same host, no such pid).

    A claim of another host is never judged here: its lease runs out instead.
    """
    host, _, rest = claimer.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _zombie(pid)


def _zombie(pid: int) -> bool:
    """A killed child not yet reaped by its parent still answers kill(0); Linux shows it as Z."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False
