"""Subjects (implements core's ``SubjectRepo``)."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ...core.domain.model import Subject
from ..schema import SubjectRow
from .lookup import Lookup


class SqlSubjects:
    def __init__(self, db: Connection, lookup: Lookup) -> None:
        self.db = db
        self.lookup = lookup

    def get(self, name: str) -> Subject | None:
        row = self.db.execute(select(SubjectRow.id, SubjectRow.name)
                              .where(SubjectRow.name == name)).first()
        if row is None:
            return None
        self.lookup.remember(SubjectRow, name, row.id)
        return Subject(row.id, row.name)

    def add(self, name: str) -> Subject:
        new_id = self.db.execute(insert(SubjectRow).returning(SubjectRow.id),
                                 {"name": name}).scalar_one()
        return Subject(new_id, name)

    def all(self) -> list[Subject]:
        rows = self.db.execute(select(SubjectRow.id, SubjectRow.name).order_by(SubjectRow.name))
        return [Subject(r.id, r.name) for r in rows]
