"""Registration for group sessions: which sessions are open, until when, and their waitlists
(implements core's ``RegistrationRepo``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from .. import clock
from ..schema import person_table, session_table
from ..schema_groups import registration_table, waitlist_table
from ..types import read_instant

if TYPE_CHECKING:
    from ...core.domain.model import Person
    from .lookup import Lookup


class SqlRegistrations:
    def __init__(self, db: Connection, actor: Person | None, lookup: Lookup, *,
                 private: bool = False) -> None:
        self.db = db
        self.actor = actor
        self.lookup = lookup
        # A student's login under row-level security sees its own place on a waitlist only:
        # the order and the promotions go through :mod:`.access_self`'s functions.
        self.private = private

    def until(self, session_id: int) -> datetime | None:
        found: datetime | None = self.db.execute(select(registration_table.c.until_at).where(
            registration_table.c.session_id == session_id)).scalar_one_or_none()
        return found

    def open(self, session_id: int, until: datetime) -> None:
        values = {"until_at": until, "opened_at": clock.now(),
                  "opened_by_id": self.actor.id if self.actor else None}
        changed = self.db.execute(update(registration_table).where(
            registration_table.c.session_id == session_id).values(values)).rowcount
        if not changed:
            self.db.execute(insert(registration_table).values(session_id=session_id, **values))

    def close(self, session_id: int) -> None:
        self.db.execute(delete(registration_table).where(registration_table.c.session_id == session_id))

    def open_ids(self, now: datetime) -> list[int]:
        return list(self.db.execute(
            select(registration_table.c.session_id)
            .join(session_table, session_table.c.id == registration_table.c.session_id)
            .where(registration_table.c.until_at > now, session_table.c.status == "scheduled")
            .order_by(registration_table.c.session_id)).scalars())

    def waiting(self, session_id: int) -> list[tuple[str, datetime]]:
        if self.private:
            listed = func.sessionsctl_waitlist(session_id).table_valued("email", "joined_at")
            return [(email or "", read_instant(at)) for email, at in
                    self.db.execute(select(listed.c.email, listed.c.joined_at))]
        rows = self.db.execute(
            select(person_table.c.email, waitlist_table.c.joined_at)
            .join(person_table, person_table.c.id == waitlist_table.c.student_id)
            .where(waitlist_table.c.session_id == session_id).order_by(waitlist_table.c.id))
        return [(email, at) for email, at in rows]

    def missed(self, since: datetime, now: datetime) -> list[tuple[int, str]]:
        rows = self.db.execute(
            select(waitlist_table.c.session_id, person_table.c.email)
            .join(session_table, session_table.c.id == waitlist_table.c.session_id)
            .join(person_table, person_table.c.id == waitlist_table.c.student_id)
            .where(session_table.c.start_at >= since, session_table.c.start_at <= now,
                   session_table.c.status != "cancelled")
            .order_by(waitlist_table.c.session_id, waitlist_table.c.id))
        return [(sid, email) for sid, email in rows]

    def wait(self, session_id: int, student: str) -> None:
        self.db.execute(insert(waitlist_table).values(
            session_id=session_id, student_id=self.lookup.person_id(student),
            joined_at=clock.now()))

    def unwait(self, session_id: int, student: str) -> None:
        self.db.execute(delete(waitlist_table).where(
            waitlist_table.c.session_id == session_id,
            waitlist_table.c.student_id == self.lookup.person_id(student)))

    def promote_unseen(self, session_id: int, notify: bool) -> int | None:
        if not self.private:
            return None
        return int(self.db.execute(select(func.sessionsctl_promote(session_id, notify)))
                   .scalar_one())
