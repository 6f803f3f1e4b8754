"""Who and what the centre has: people and their roles, rooms, subjects, and who is acting."""

from __future__ import annotations

from .access import Action, require
from .context import Context
from .domain import rules
from .domain.errors import InvalidInput
from .domain.model import Person, Role, Room, Subject
from .domain.serialize import record
from .domain.timeutil import zone


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

    def list_people(self, role: Role | None = None) -> list[Person]:
        with self.ctx.read() as uow:
            return uow.people.all(role)

    def add_room(self, name: str, capacity: int | None = None) -> Room:
        name = rules.name(name)
        rules.positive(capacity, "capacity")
        with self.ctx.write() as uow:
            require(uow.actor, Action.ADD_ROOM)
            if uow.rooms.get(name) is not None:
                raise InvalidInput(f"room {name!r} exists already", field="name")
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
            if uow.subjects.get(name) is not None:
                raise InvalidInput(f"subject {name!r} exists already", field="name")
            subject = uow.subjects.add(name)
            uow.audit.record("add", "subject", subject.id, None, record(subject))
            return subject

    def list_subjects(self) -> list[Subject]:
        with self.ctx.read() as uow:
            return uow.subjects.all()
