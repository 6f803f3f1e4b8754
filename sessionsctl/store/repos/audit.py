"""Bookkeeping: the audit log of every change, and how many rows each table holds
(implements core's ``AuditRepo``)."""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy import String, cast, func, insert, or_, select
from sqlalchemy.engine import Connection

from ...core.domain.drafts import AuditQuery
from ...core.domain.model import AuditEntry, Person
from ...core.domain.serialize import redacted
from .. import clock
from ..schema import (
    AttendanceRow,
    AuditRow,
    AvailabilityRow,
    ClosureRow,
    FeedbackRow,
    MaterialRow,
    PersonRow,
    RoomRow,
    SeriesRow,
    SessionRow,
    SessionStudentRow,
    SubjectRow,
    TermRow,
    TimeOffRow,
)

_COUNTED = (PersonRow, RoomRow, SubjectRow, SeriesRow, SessionRow, SessionStudentRow,
            AttendanceRow, FeedbackRow, MaterialRow, TermRow, ClosureRow, AvailabilityRow,
            TimeOffRow, AuditRow)


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
            self.written += self.db.execute(insert(AuditRow).returning(AuditRow.id),
                                            self._pending).scalars().all()
            self._pending = []

    def entries(self, query: AuditQuery) -> list[AuditEntry]:
        q = select(AuditRow)
        if query.session_id is not None:
            q = q.where(AuditRow.entity == "session",
                        AuditRow.entity_id == str(query.session_id))
        if query.actor is not None:
            q = q.where(func.lower(AuditRow.actor) == query.actor.lower())
        if query.since is not None:
            q = q.where(AuditRow.at >= query.since)
        if query.action is not None:
            q = q.where(or_(AuditRow.action == query.action,
                            AuditRow.action.like(f"{query.action}:%")))
        if query.mentored_by is not None:
            mentored = (select(cast(SessionRow.id, String))
                        .join(PersonRow, PersonRow.id == SessionRow.mentor_id)
                        .where(PersonRow.email == query.mentored_by.lower()))
            q = q.where(AuditRow.entity == "session", AuditRow.entity_id.in_(mentored))
        q = q.order_by(AuditRow.id.desc())
        if query.limit is not None:
            q = q.limit(query.limit)
        return [_entry(r) for r in self.db.execute(q)]

    def entry(self, entry_id: int) -> AuditEntry | None:
        row = self.db.execute(select(AuditRow).where(AuditRow.id == entry_id)).first()
        return _entry(row) if row is not None else None

    def later(self, entry: AuditEntry) -> list[AuditEntry]:
        return [_entry(r) for r in self.db.execute(
            select(AuditRow).where(AuditRow.entity == entry.entity,
                                   AuditRow.entity_id == entry.entity_id,
                                   AuditRow.id > entry.id).order_by(AuditRow.id))]

    def table_counts(self) -> dict[str, int]:
        """How many rows each table holds, by table name."""
        return {t.__tablename__: self.db.execute(select(func.count()).select_from(t)).scalar_one()
                for t in _COUNTED}
