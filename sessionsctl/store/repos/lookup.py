"""Ids by email or name and back, looked up once per unit of work and shared by its repositories."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from ...core.domain.errors import NotFound
from ...core.domain.model import Person, Role
from ..schema import person_table, room_table

CHUNK = 5000  # ids or names per IN (...) list
PERSON_COLUMNS = tuple(person_table.c[name] for name in (
    "id", "name", "email", "role", "tz", "active", "login"))


def person_of(row: Any) -> Person:
    return Person(id=row.id, name=row.name, email=row.email, role=Role(row.role), tz=row.tz,
                  active=row.active, login=row.login)


class Lookup:
    """The person, room and subject ids one unit of work has met, so a booking that names the
    same mentor, students and room as the check before it asks for them once."""

    def __init__(self, db: Connection) -> None:
        self.db = db
        self._ids: dict[str, int] = {}  # person ids by email, as looked up in this unit
        self._emails: dict[int, str] = {}  # and the other way round
        self._named: dict[tuple[str, str], int] = {}  # room and subject ids by name

    # ------------------------------------------------------------------------- people
    def people_by_email(self, emails: Iterable[str]) -> dict[str, Person]:
        """The people with these emails (any case), by lower-cased email; their ids are kept."""
        wanted = sorted({e.lower() for e in emails})
        found: dict[str, Person] = {}
        for i in range(0, len(wanted), CHUNK):
            rows = self.db.execute(select(*PERSON_COLUMNS)
                                   .where(person_table.c.email.in_(wanted[i:i + CHUNK])))
            found.update((r.email, person_of(r)) for r in rows)
        self._ids.update((email, p.id) for email, p in found.items())
        return found

    def unknown(self, emails: Iterable[str]) -> set[str]:
        """Those of ``emails`` whose id this unit has not looked up yet."""
        return set(emails) - set(self._ids)

    def person_id(self, email: str) -> int:
        email = email.lower()
        if email not in self._ids:
            found = self.people_by_email([email])
            if email not in found:
                raise NotFound("person", email)
        return self._ids[email]

    def person_id_or_none(self, email: str) -> int | None:
        try:
            return self.person_id(email)
        except NotFound:
            return None

    def emails_of(self, person_ids: set[int | None]) -> dict[int, str]:
        """Emails by person id, from this unit's cache or one query for the rest."""
        wanted = [i for i in person_ids if i is not None and i not in self._emails]
        for i in range(0, len(wanted), CHUNK):
            for person_id, email in self.db.execute(
                    select(person_table.c.id, person_table.c.email)
                    .where(person_table.c.id.in_(wanted[i:i + CHUNK]))).all():
                self._emails[person_id] = email
                self._ids[email] = person_id
        return self._emails

    # -------------------------------------------------------------- rooms and subjects
    def remember(self, table: Table, name: str, row_id: int) -> None:
        """Keep the id of a room or subject read by name."""
        self._named[table.name, name] = row_id

    def named_id(self, table: Table, name: str | None) -> int | None:
        if name is None:
            return None
        key = (table.name, name)
        if key not in self._named:
            found = self.db.execute(select(table.c.id).where(table.c.name == name)).scalar()
            if found is None:
                raise NotFound(table.name.rstrip("s"), name)
            self._named[key] = found
        return self._named[key]

    def forget(self, table: Table) -> None:
        """Drop what this unit has met of ``table``: a name or email changed under it."""
        if table is person_table:
            self._ids.clear()
            self._emails.clear()
        else:
            self._named = {k: v for k, v in self._named.items() if k[0] != table.name}

    def room_id_or_none(self, name: str) -> int | None:
        try:
            return self.named_id(room_table, name)
        except NotFound:
            return None

    def names_of(self, table: Table,
                 ids: set[int | None]) -> dict[int, str]:
        """Names by id (not cached: a listing names each of its rooms and subjects once)."""
        wanted = [i for i in ids if i is not None]
        if not wanted:
            return {}
        return dict(self.db.execute(select(table.c.id, table.c.name).where(table.c.id.in_(wanted))).all())
