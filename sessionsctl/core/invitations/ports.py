"""What invitations need from storage (a protocol the store implements, held by the unit of
work as ``uow.invitations``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .model import Invitation, InviteRole, InviteStatus


class InvitationRepo(Protocol):
    """Invitations to sessions. A change of status is conditional on the status stored, so a
    token used from two terminals at once is used once."""

    def add(self, session_id: int, email: str, role: InviteRole, token_hash: str,
            expires_at: datetime, now: datetime) -> Invitation: ...
    def get(self, invitation_id: int) -> Invitation | None: ...
    def find(self, session_id: int | None = None,
             status: InviteStatus | None = None) -> list[Invitation]: ...
    def move(self, invitation_id: int, sources: Sequence[InviteStatus], target: InviteStatus,
             now: datetime, *, person: str | None = None) -> bool: ...
    def renew(self, invitation_id: int, token_hash: str, expires_at: datetime,
              now: datetime) -> bool:
        """A new token and expiry for a pending or expired invitation (the old token dies)."""
        ...
    def sent_since(self, session_id: int, since: datetime) -> int:
        """How many invitation mails were sent (or resent) for the session since ``since``."""
        ...
