"""Who and what the centre has: people and their roles, rooms, subjects, and who is acting;
and what the words a user typed name among them (:mod:`.names`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .access import Action, require, seen_people
from .domain import rules
from .domain.errors import InvalidInput
from .domain.serialize import record
from .domain.timeutil import zone
from .names import Names, folded

if TYPE_CHECKING:
    from .context import Context
    from .domain.drafts import SessionDraft, SessionQuery
    from .domain.model import Person, Role, Room, Subject


class Directory:
    """People, rooms and subjects."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def whoami(self) -> Person | None:
        with self.ctx.read() as uow:
            return uow.actor

    def add_person(self, name: str, email: str, role: Role, tz: str | None = None) -> Person:
        name = rules.name(name)
        email = rules.email(email)
        if tz is not None:
            zone(tz, field="tz")
        with self.ctx.write() as uow:
            require(uow.actor, Action.ADD_PERSON, role=role)
            if uow.people.get(email) is not None:
                raise InvalidInput(f"{email} is already registered", field="email")
            person = uow.people.add(name, email, role, tz)
            uow.audit.record("add", "person", person.id, None, record(person))
            return person

    def list_people(self, role: Role | None = None, *, inactive: bool = True) -> list[Person]:
        with self.ctx.read() as uow:
            return seen_people(uow.actor, uow.people.all(role, inactive=inactive))

    def add_room(self, name: str, capacity: int | None = None) -> Room:
        name = rules.name(name)
        rules.positive(capacity, "capacity")
        with self.ctx.write() as uow:
            require(uow.actor, Action.ADD_ROOM)
            _new_name("room", name, uow.rooms.all())
            room = uow.rooms.add(name, capacity)
            uow.audit.record("add", "room", room.id, None, record(room))
            return room

    def list_rooms(self) -> list[Room]:
        with self.ctx.read() as uow:
            return uow.rooms.all()

    def add_subject(self, name: str) -> Subject:
        name = rules.name(name)
        with self.ctx.write() as uow:
            require(uow.actor, Action.ADD_SUBJECT)
            _new_name("subject", name, uow.subjects.all())
            subject = uow.subjects.add(name)
            uow.audit.record("add", "subject", subject.id, None, record(subject))
            return subject

    def list_subjects(self) -> list[Subject]:
        with self.ctx.read() as uow:
            return uow.subjects.all()

    # ------------------------------------------------------- what a user's words name
    def person(self, ref: str, part: str = "person") -> Person:
        """The person an email or a name stands for (:mod:`.names`)."""
        with self.ctx.read() as uow:
            return Names(uow).person(ref, part)

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        """Fields of a draft or a change as typed, with the people, room and subject they
        name as a draft holds them (emails, stored spellings): what a face does before it
        books or edits with what a user typed."""
        with self.ctx.read() as uow:
            return Names(uow).fields(values)

    def resolve_draft(self, draft: SessionDraft) -> SessionDraft:
        with self.ctx.read() as uow:
            return Names(uow).draft(draft)

    def resolve_query(self, query: SessionQuery) -> SessionQuery:
        with self.ctx.read() as uow:
            return Names(uow).query(query)

    def names(self, emails: Iterable[str]) -> dict[str, Person]:
        """The people with these emails, by email (to show them by name)."""
        wanted = set(emails)
        if not wanted:
            return {}
        with self.ctx.read() as uow:
            return uow.people.by_email(wanted)


def _new_name(kind: str, name: str, existing: Iterable[Room] | Iterable[Subject]) -> None:
    """Refuse a room or subject named as one there is, in any case: names are matched
    without regard to case, so two that differ only in it could not be told apart."""
    for other in existing:
        if folded(other.name) == folded(name):
            raise InvalidInput(f"{kind} {other.name!r} exists already", field="name")
