"""People: look-ups by email and by name, adding and listing (implements core's ``PeopleRepo``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from ...core.domain.model import Person, Role
from .. import clock
from ..schema import person_table
from .lookup import PERSON_COLUMNS, Lookup, person_of


class SqlPeople:
    def __init__(self, db: Connection, lookup: Lookup) -> None:
        self.db = db
        self.lookup = lookup

    def get(self, email: str) -> Person | None:
        row = self.db.execute(select(*PERSON_COLUMNS)
                              .where(person_table.c.email == email.lower())).first()
        return person_of(row) if row else None

    def named(self, name: str) -> list[Person]:
        # SQLite's lower() folds ASCII letters only: there a name differing in the case of
        # another letter is not found, but suggested (core.names).
        wanted = " ".join(name.split()).lower()
        rows = self.db.execute(select(*PERSON_COLUMNS)
                               .where(func.lower(person_table.c.name) == wanted)
                               .order_by(person_table.c.email))
        return [person_of(r) for r in rows]

    def by_login(self, login: str) -> tuple[Person | None, bool]:
        """The person bound to ``login``, and whether any active admin has a login at all
        (one query)."""
        rows = self.db.execute(
            select(*PERSON_COLUMNS).where(or_(
                person_table.c.login == login,
                and_(person_table.c.role == "admin", person_table.c.login.is_not(None),
                     person_table.c.active)))
            .order_by((person_table.c.login == login).desc()).limit(2)).all()
        bound = next((person_of(r) for r in rows if r.login == login), None)
        return bound, any(r.role == "admin" and r.active for r in rows)

    def by_email(self, emails: Iterable[str]) -> dict[str, Person]:
        return self.lookup.people_by_email(emails)

    def add(self, name: str, email: str, role: Role, tz: str | None) -> Person:
        new_id = self.db.execute(insert(person_table).returning(person_table.c.id), {
            "name": name, "email": email, "role": role.value, "tz": tz, "created_at": clock.now(),
        }).scalar_one()
        return Person(id=new_id, name=name, email=email, role=role, tz=tz)

    def all(self, role: Role | None = None, *, inactive: bool = True) -> list[Person]:
        query = select(*PERSON_COLUMNS).order_by(person_table.c.name, person_table.c.email)
        if role is not None:
            query = query.where(person_table.c.role == role.value)
        if not inactive:
            query = query.where(person_table.c.active)
        return [person_of(r) for r in self.db.execute(query)]

    def change(self, person: Person) -> None:
        self.db.execute(update(person_table).where(person_table.c.id == person.id).values(
            name=person.name, email=person.email, role=person.role.value, tz=person.tz,
            active=person.active, login=person.login))
        self.lookup.forget(person_table)
