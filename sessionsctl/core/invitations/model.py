"""An invitation as a value, and its token: 192 random bits from :mod:`secrets`, of which
only a SHA-256 digest is stored and compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from ..domain.errors import InvalidInput

DEFAULT_EXPIRY = timedelta(hours=48)
LONGEST_EXPIRY = timedelta(days=30)
PER_HOUR = 20  # invitations mailed for one session in any hour (sends and resends)
TEMPLATE = "invitation"


class InviteRole(StrEnum):
    LEARNER = "learner"  # joins the session's students: judged for conflicts, counted
    INSTRUCTOR = "instructor"
    OBSERVER = "observer"


class InviteStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Invitation:
    id: int
    session_id: int
    email: str
    role: InviteRole
    status: InviteStatus
    expires_at: datetime
    created_at: datetime
    sends: int = 1
    created_by: str | None = None
    responded_at: datetime | None = None
    token_hash: str = field(default="", repr=False)  # never shown, never audited

    def shown(self, now: datetime) -> Invitation:
        """As people should see it: a pending one past its expiry is expired."""
        if self.status is InviteStatus.PENDING and self.expires_at <= now:
            return replace(self, status=InviteStatus.EXPIRED)
        return self

    def public(self) -> dict[str, object]:
        """What the audit log and JSON may hold (no digest)."""
        return {"id": self.id, "session_id": self.session_id, "email": self.email,
                "role": self.role.value, "status": self.status.value,
                "expires_at": self.expires_at.isoformat(), "sends": self.sends}


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """A fresh secret (192 bits, URL-safe) and the digest that is stored of it."""
    secret = secrets.token_urlsafe(24)
    return secret, digest(secret)


def token(invitation_id: int, secret: str) -> str:
    """What the invitee is sent: the invitation's number, then its secret."""
    return f"{invitation_id}.{secret}"


_BAD = "is not a valid invitation token (check it was copied whole)"


def read_token(text: str) -> tuple[int, str]:
    """The number and secret of a token as typed, or :class:`InvalidInput`."""
    number, _, secret = text.strip().partition(".")
    if not number.isdecimal() or len(number) > 12 or not 20 <= len(secret) <= 64:
        raise InvalidInput(_BAD, field="token")
    return int(number), secret


def matches(invitation: Invitation | None, secret: str) -> Invitation:
    """``invitation`` if ``secret`` is its own (compared in constant time), else the same
    refusal as for a token that names no invitation at all."""
    if invitation is None or not hmac.compare_digest(invitation.token_hash, digest(secret)):
        raise InvalidInput(_BAD, field="token")
    return invitation


def invite_url(base: str | None, value: str) -> str | None:
    """The link an invitation mail carries (the configured base URL with the token)."""
    if not base:
        return None
    return f"{base}{'&' if '?' in base else '?'}token={value}"
