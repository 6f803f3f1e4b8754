"""Invitations to sessions (implements core's ``InvitationRepo``); a use of a token is one
``UPDATE ... WHERE status IN (...)``, so of two terminals using it at once one does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from ...core.invitations.model import Invitation, InviteRole, InviteStatus
from ..schema import outbox_table, person_table
from ..schema_requests import invitation_table

if TYPE_CHECKING:
    from ...core.domain.model import Person
    from .lookup import Lookup

_BY = person_table.alias()
_COLUMNS = (*invitation_table.c, _BY.c.email.label("created_by"))


def _invitation(r: Any) -> Invitation:
    return Invitation(id=r.id, session_id=r.session_id, email=r.email, role=InviteRole(r.role),
                      status=InviteStatus(r.status), expires_at=r.expires_at,
                      created_at=r.created_at, sends=r.sends, created_by=r.created_by,
                      responded_at=r.responded_at, token_hash=r.token_hash)


class SqlInvitations:
    def __init__(self, db: Connection, actor: Person | None, lookup: Lookup) -> None:
        self.db = db
        self.actor = actor
        self.lookup = lookup

    def _select(self) -> Any:
        return select(*_COLUMNS).outerjoin(_BY, _BY.c.id == invitation_table.c.created_by_id)

    def add(self, session_id: int, email: str, role: InviteRole, token_hash: str,
            expires_at: datetime, now: datetime) -> Invitation:
        new_id = self.db.execute(insert(invitation_table).returning(invitation_table.c.id), {
            "session_id": session_id, "email": email, "role": role.value, "status": "pending",
            "token_hash": token_hash, "expires_at": expires_at, "created_at": now,
            "sent_at": now, "sends": 1,
            "created_by_id": self.actor.id if self.actor else None}).scalar_one()
        found = self.get(new_id)
        assert found is not None
        return found

    def get(self, invitation_id: int) -> Invitation | None:
        row = self.db.execute(self._select().where(invitation_table.c.id == invitation_id)).first()
        return _invitation(row) if row else None

    def find(self, session_id: int | None = None,
             status: InviteStatus | None = None) -> list[Invitation]:
        stmt = self._select().order_by(invitation_table.c.session_id, invitation_table.c.id)
        if session_id is not None:
            stmt = stmt.where(invitation_table.c.session_id == session_id)
        if status is not None:
            stmt = stmt.where(invitation_table.c.status == status.value)
        return [_invitation(r) for r in self.db.execute(stmt)]

    def move(self, invitation_id: int, sources: Sequence[InviteStatus], target: InviteStatus,
             now: datetime, *, person: str | None = None) -> bool:
        values: dict[str, Any] = {"status": target.value, "responded_at": now}
        if person is not None:
            values["person_id"] = self.lookup.person_id(person)
        result = self.db.execute(
            update(invitation_table).where(invitation_table.c.id == invitation_id,
                                           invitation_table.c.status.in_([s.value for s in sources]))
            .values(**values))
        return result.rowcount == 1

    def renew(self, invitation_id: int, token_hash: str, expires_at: datetime,
              now: datetime) -> bool:
        result = self.db.execute(
            update(invitation_table).where(invitation_table.c.id == invitation_id,
                                           invitation_table.c.status.in_(("pending", "expired")))
            .values(status="pending", token_hash=token_hash, expires_at=expires_at,
                    sent_at=now, sends=invitation_table.c.sends + 1))
        return result.rowcount == 1

    def sent_since(self, session_id: int, since: datetime) -> int:
        # Each send and resend is one invitation mail queued in the outbox for the session.
        return int(self.db.execute(
            select(func.count()).select_from(outbox_table)
            .where(outbox_table.c.session_id == session_id, outbox_table.c.template == "invitation",
                   outbox_table.c.created_at >= since)).scalar_one())
