"""Bookkeeping: the audit log of every change, and how many rows each table holds
(implements core's ``AuditRepo``)."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, cast, func, insert, or_, select
from sqlalchemy.engine import Connection

from ...core.domain.model import AuditEntry, Person
from ...core.domain.serialize import redacted
from .. import clock
from ..schema import (
    attendance_table,
    audit_table,
    availability_table,
    closure_table,
    feedback_table,
    material_table,
    person_table,
    room_table,
    series_table,
    session_student_table,
    session_table,
    subject_table,
    term_table,
    time_off_table,
)

if TYPE_CHECKING:
    from ...core.domain.drafts import AuditQuery

_COUNTED = (person_table, room_table, subject_table, series_table, session_table, session_student_table,
            attendance_table, feedback_table, material_table, term_table, closure_table, availability_table,
            time_off_table, audit_table)


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(row.id, row.at, row.actor, row.login, row.action, row.entity,
                      row.entity_id, row.before, row.after)


class SqlAudit:
    def __init__(self, db: Connection, actor: Person | None, login: str | None = None) -> None:
        """``login``: who acts when it is not ``actor`` (an admin acting as another person);
        recorded with every change. The unit of work passes it once it knows it."""
        self.db = db
        self.actor = actor
        self.login = login
        self._pending: list[dict[str, Any]] = []
        self.written: list[int] = []  # the ids of the records this unit wrote

    def record(self, action: str, entity: str, key: object,
               before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        """Record a change, passcodes redacted; the records are written together when the
        unit commits."""
        self._pending.append({
            "at": clock.now(), "actor_id": self.actor.id if self.actor and self.actor.id else None,
            "actor": self.actor.email if self.actor else f"local:{getpass.getuser()}",
            "login": self.login, "action": action, "entity": entity, "entity_id": str(key),
            "before": redacted(before), "after": redacted(after),
        })

    def flush(self) -> None:
        """Write what is pending (the audit records) before the transaction commits."""
        if self._pending:
            self.written += self.db.execute(insert(audit_table).returning(audit_table.c.id),
                                            self._pending).scalars().all()
            self._pending = []

    def entries(self, query: AuditQuery) -> list[AuditEntry]:
        q = select(audit_table)
        if query.session_id is not None:
            q = q.where(audit_table.c.entity == "session",
                        audit_table.c.entity_id == str(query.session_id))
        if query.actor is not None:
            q = q.where(func.lower(audit_table.c.actor) == query.actor.lower())
        if query.since is not None:
            q = q.where(audit_table.c.at >= query.since)
        if query.action is not None:
            q = q.where(or_(audit_table.c.action == query.action,
                            audit_table.c.action.like(f"{query.action}:%")))
        if query.mentored_by is not None:
            mentored = (select(cast(session_table.c.id, String))
                        .join(person_table, person_table.c.id == session_table.c.mentor_id)
                        .where(person_table.c.email == query.mentored_by.lower()))
            q = q.where(audit_table.c.entity == "session", audit_table.c.entity_id.in_(mentored))
        q = q.order_by(audit_table.c.id.desc())
        if query.limit is not None:
            q = q.limit(query.limit)
        return [_entry(r) for r in self.db.execute(q)]

    def entry(self, entry_id: int) -> AuditEntry | None:
        row = self.db.execute(select(audit_table).where(audit_table.c.id == entry_id)).first()
        return _entry(row) if row is not None else None

    def later(self, entry: AuditEntry) -> list[AuditEntry]:
        return [_entry(r) for r in self.db.execute(
            select(audit_table).where(audit_table.c.entity == entry.entity,
                                      audit_table.c.entity_id == entry.entity_id,
                                      audit_table.c.id > entry.id).order_by(audit_table.c.id))]

    def table_counts(self) -> dict[str, int]:
        """How many rows each table holds, by table name."""
        return {t.name: self.db.execute(select(func.count()).select_from(t)).scalar_one()
                for t in _COUNTED}
