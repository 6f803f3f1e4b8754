"""Subjects (implements core's ``SubjectRepo``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ...core.domain.model import Subject
from ..schema import subject_table

if TYPE_CHECKING:
    from .lookup import Lookup

COLUMNS = (subject_table.c.id, subject_table.c.name, subject_table.c.active)


class SqlSubjects:
    def __init__(self, db: Connection, lookup: Lookup) -> None:
        self.db = db
        self.lookup = lookup

    def get(self, name: str) -> Subject | None:
        row = self.db.execute(select(*COLUMNS)
                              .where(subject_table.c.name == name)).first()
        if row is None:
            return None
        self.lookup.remember(subject_table, name, row.id)
        return Subject(row.id, row.name, row.active)

    def add(self, name: str) -> Subject:
        new_id = self.db.execute(insert(subject_table).returning(subject_table.c.id),
                                 {"name": name}).scalar_one()
        return Subject(new_id, name)

    def all(self) -> list[Subject]:
        rows = self.db.execute(select(*COLUMNS).order_by(subject_table.c.name))
        return [Subject(r.id, r.name, r.active) for r in rows]

    def change(self, subject: Subject) -> None:
        self.db.execute(update(subject_table).where(subject_table.c.id == subject.id).values(
            name=subject.name, active=subject.active))
        self.lookup.forget(subject_table)
