"""What `archive` moves: which sessions may leave the working tables, which stay, and the
kinds of row that go with a session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..domain.model import SessionStatus

# A session is archivable once it is over for good: completed or cancelled, and ended before
# the cutoff. Nothing else is ever archived (a scheduled session in the past is left for
# `session close-ended` or a person to settle).
ARCHIVABLE = (SessionStatus.COMPLETED, SessionStatus.CANCELLED)

# What keeps an otherwise archivable session in the working tables, and why, in words that
# follow "Kept N sessions". An invoice's lines name their session by a foreign key (the
# database itself holds every invoiced place to a session it has, and the invoice lock reads
# the session): an invoiced session stays with its invoice, void or not, and is named.
# Mail about a session moves with it whatever its state: mail still unsent about a session
# that ended before the cutoff is stuck (no SMTP, or refused), and holding its session back
# would keep every session of a centre without mail from ever being archived.
HELD_BY = {
    "invoice": "on an invoice",
}

# The kinds of row that move, by the table they are kept in, as a report names them.
KINDS = {
    "sessions": ("session", "sessions"),
    "session_students": ("roster row", "roster rows"),
    "attendance": ("attendance mark", "attendance marks"),
    "feedback": ("feedback", "feedback"),
    "materials": ("material", "materials"),
    "registrations": ("registration", "registrations"),
    "waitlist": ("waitlist place", "waitlist places"),
    "recordings": ("recording", "recordings"),
    "checkin_codes": ("check-in code", "check-in codes"),
    "invitations": ("invitation", "invitations"),
    "requests": ("request", "requests"),
    "outbox": ("mail message", "mail messages"),
    "audit_log": ("audit entry", "audit entries"),
}


# What an archived row may name that is not archived with it, by the table it is kept in, as
# a refused restore names a row deleted since (any other table is named as it is).
NAMED = {
    "people": "person", "rooms": "room", "subjects": "subject", "courses": "course",
    "series": "series", "batches": "batch",
}


@dataclass(frozen=True, slots=True)
class Selection:
    """Which sessions to move: those ending before ``before`` (None: all of them, for a
    restore), of the ``statuses`` given, unless ``held_by`` one of its reasons (archive)."""

    before: datetime | None
    statuses: tuple[str, ...] = tuple(s.value for s in ARCHIVABLE)
    held_by: tuple[str, ...] = tuple(HELD_BY)


@dataclass(frozen=True, slots=True)
class Moved:
    """What was (or would be) moved: rows by table (``KINDS``' keys, sessions first), and the
    ids of the sessions the selection kept back, by the reason (``HELD_BY``' keys). A restore's
    plan also has ``gone``: by table (``NAMED``' keys), each row deleted since that archived
    rows name, with the ids of their sessions (a restore is refused while there is one)."""

    counts: dict[str, int]
    kept: dict[str, list[int]] = field(default_factory=dict)
    gone: dict[str, dict[int, list[int]]] = field(default_factory=dict)

    @property
    def sessions(self) -> int:
        return self.counts.get("sessions", 0)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())
