"""Bookkeeping: the audit log of every change, and how many rows each table holds
(implements core's ``AuditRepo``)."""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from ...core.domain.model import Person
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


class SqlAudit:
    def __init__(self, db: Connection, actor: Person | None, name: str | None = None) -> None:
        self.db = db
        self.actor = actor
        self.name = name  # "admin@x as sam@y" when an admin acts as someone
        self._pending: list[dict[str, Any]] = []

    def record(self, action: str, entity: str, key: object,
               before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        """Record a change; the records are written together when the unit commits."""
        self._pending.append({
            "at": clock.now(), "actor_id": self.actor.id if self.actor else None,
            "actor": self.name or f"local:{getpass.getuser()}",
            "action": action, "entity": entity, "entity_id": str(key),
            "before": before, "after": after,
        })

    def flush(self) -> None:
        """Write what is pending (the audit records) before the transaction commits."""
        if self._pending:
            self.db.execute(insert(AuditRow), self._pending)
            self._pending = []

    def table_counts(self) -> dict[str, int]:
        """How many rows each table holds, by table name."""
        return {t.__tablename__: self.db.execute(select(func.count()).select_from(t)).scalar_one()
                for t in _COUNTED}
