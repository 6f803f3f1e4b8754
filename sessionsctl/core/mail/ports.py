"""What mail needs from storage: the outbox (a protocol the store implements, held by the unit
of work as ``uow.outbox``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .notices import Notice, OutboxMessage, OutboxStatus


class OutboxRepo(Protocol):
    """The transactional outbox of mail notices and reminders (ARCHITECTURE.md, decision 5)."""

    def enqueue(self, notices: Sequence[Notice], *, once: bool = False,
                now: datetime | None = None) -> int:
        """Queue messages in this transaction, due from ``now``, in one multi-row insert;
        with ``once``, reminders already queued for the same (session, recipient, start)
        are skipped. Returns how many were queued."""
        ...
    def reminder_targets(self, start: datetime, end: datetime
                         ) -> list[tuple[int, datetime, str]]:
        """(session id, start, participant email) of every participant (mentor and students)
        of each scheduled session starting in ``[start, end)`` that has no reminder in the
        outbox yet for that (session, recipient, start): what :meth:`enqueue_reminders`
        would queue now."""
        ...
    def enqueue_reminders(self, start: datetime, end: datetime, template: str,
                          now: datetime) -> int:
        """Queue a reminder (``template``, due ``now``) to each participant of each scheduled
        session starting in ``[start, end)``, skipping those already queued for the same
        (session, recipient, kind, start); returns how many were queued."""
        ...
    def claim(self, claimer: str, now: datetime, lease_until: datetime,
              limit: int) -> list[OutboxMessage]:
        """Take up to ``limit`` messages due by ``now`` (or whose lease ran out), oldest first,
        for ``claimer``; two senders never take the same message."""
        ...
    def claimers(self) -> list[str]: ...
    def release(self, claimers: Sequence[str], error: str) -> int: ...
    def settle(self, message_id: int, claimer: str, status: OutboxStatus, *,
               now: datetime, error: str | None = None, attempts: int | None = None,
               next_attempt_at: datetime | None = None) -> None: ...
    def unclaim(self, message_ids: Sequence[int], claimer: str, error: str) -> None: ...
    def scrub(self, message_id: int, payload: dict[str, Any]) -> None:
        """Replace a message's payload (a secret it carried dropped once it is sent)."""
        ...
    def messages(self, status: OutboxStatus | None = None,
                 limit: int | None = None) -> list[OutboxMessage]: ...
    def counts(self) -> dict[str, int]: ...
    def retry(self, now: datetime) -> int: ...
    def queued(self, template: str, session_id: int, recipient: str | None = None) -> bool:
        """Whether a message of ``template`` about the session was ever queued (to
        ``recipient``, when given)."""
        ...
    def flag(self, key: str, value: str | None) -> bool:
        """Set (``value``, only if unset) or clear (None) a flag kept for the mail sent once
        per state: whether this call changed it (a second caller's waits, then does not)."""
        ...
