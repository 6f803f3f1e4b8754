"""Keeping the directory true: a person, room or subject corrected, deactivated or retired.

A deactivated person, a retired room or subject stays on every session that names it (history
and reports keep their names) but cannot be booked again: :func:`check_bookable` is the rule
the booker applies. Taking one out of use is refused while sessions to come, or an open-ended
series, still need it: those are moved or cancelled first, so nothing is left booked with
someone who is gone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .access import Action, require
from .domain import rules
from .domain.drafts import SessionDraft, SessionQuery
from .domain.errors import InvalidInput
from .domain.model import Person, Role, Room, SessionStatus, Subject
from .domain.serialize import record
from .domain.timeutil import zone
from .domain.words import counted
from .names import Names, folded

if TYPE_CHECKING:
    from .context import Context
    from .storage import UnitOfWork

_TO_COME = (SessionStatus.SCHEDULED, SessionStatus.IN_PROGRESS)


def check_bookable(draft: SessionDraft, people: dict[str, Person], room: Room | None,
                   subject: Subject | None, now: datetime) -> None:
    """Refuse a session still to end that names a deactivated person or a retired room or
    subject (one recorded after the fact, ``--past``, may name them: it is history)."""
    if draft.end <= now:
        return
    for email, part in ((draft.mentor, "mentor"), *((e, "student") for e in draft.students)):
        person = people.get(email)
        if person is not None and not person.active:
            raise InvalidInput(f"{person.label} is deactivated and cannot be booked "
                               f"(person edit {person.email} --active)", field=part)
    for kind, thing in (("room", room), ("subject", subject)):
        if thing is not None and not thing.active:
            raise InvalidInput(f"{kind} {thing.name!r} is retired and cannot be booked "
                               f"({kind} edit {thing.name!r} --active)", field=kind)


class Upkeep:
    """Corrections to people, rooms and subjects, and taking them out of use (or back)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------------------- people
    def edit_person(self, ref: str, *, name: str | None = None, email: str | None = None,
                    tz: str | None = None, role: Role | None = None,
                    active: bool | None = None, login: str | None = None) -> Person:
        """Correct a person (a misspelt email too: their sessions and series follow),
        deactivate or reactivate them, or bind them to a login ('' unbinds)."""
        changes: dict[str, Any] = {}
        if login is not None:
            changes["login"] = rules.login(login) if login else None
        if name is not None:
            changes["name"] = rules.name(name)
        if email is not None:
            changes["email"] = rules.email(email)
        if tz is not None:
            if tz:
                zone(tz, field="tz")
            changes["tz"] = tz or None  # "" clears it: the centre's zone is theirs
        if role is not None:
            changes["role"] = role
        if active is not None:
            changes["active"] = active
        with self.ctx.write() as uow:
            before = Names(uow).person(ref)
            after = replace(before, **changes)
            for person in {before.role: before, after.role: after}.values():
                require(uow.actor, Action.EDIT_PERSON, role=person.role)
            if after.email != before.email and uow.people.get(after.email) is not None:
                raise InvalidInput(f"{after.email} is already registered", field="email")
            if after.login != before.login:
                require(uow.actor, Action.BIND_LOGIN)
                taken, _ = uow.people.by_login(after.login) if after.login else (None, False)
                if taken is not None:
                    raise InvalidInput(f"login {after.login!r} is {taken.label}'s already",
                                       field="login")
            if after.role is not before.role or not after.active:
                free_of_future(uow, before, self.ctx.clock(),
                                "deactivated" if not after.active else
                                f"made {after.role.a}")
            if after == before:
                return before
            uow.people.change(after)
            if after.email != before.email:
                rename_in_series(uow, {"mentor": before.email, "students": before.email},
                                  after.email)
            uow.audit.record("edit", "person", before.id, record(before), record(after))
            return after

    # -------------------------------------------------------------- rooms and subjects
    def edit_room(self, ref: str, *, name: str | None = None, capacity: int | None = None,
                  active: bool | None = None) -> Room:
        """Rename a room, set how many it seats, or retire it (or bring it back)."""
        rules.positive(capacity, "capacity")
        room = self._edit_place("room", ref, name, active, capacity=capacity)
        assert isinstance(room, Room)
        return room

    def edit_subject(self, ref: str, *, name: str | None = None,
                     active: bool | None = None) -> Subject:
        """Rename a subject, or retire it (or bring it back)."""
        subject = self._edit_place("subject", ref, name, active)
        assert isinstance(subject, Subject)
        return subject

    def _edit_place(self, kind: str, ref: str, name: str | None, active: bool | None,
                    **more: Any) -> Room | Subject:
        """A room or subject (``kind``) changed: renamed (not onto another's name, in any
        case; series templates follow), retired (unless still needed) or back in use."""
        with self.ctx.write() as uow:
            require(uow.actor, Action.EDIT_ROOM if kind == "room" else Action.EDIT_SUBJECT)
            names = Names(uow)
            before: Room | Subject = names.room(ref) if kind == "room" else names.subject(ref)
            after = replace(before, **_given(name=name and rules.name(name), active=active,
                                             **more))
            if after == before:
                return before
            if after.name != before.name:
                _unique(kind, after, uow.rooms.all() if kind == "room" else uow.subjects.all())
            if not after.active and before.active:
                _not_needed(uow, kind, before.name, self.ctx.clock())
            if isinstance(after, Room):
                uow.rooms.change(after)
            else:
                uow.subjects.change(after)
            if after.name != before.name:
                rename_in_series(uow, {kind: before.name}, after.name)
            uow.audit.record("edit", kind, before.id, record(before), record(after))
            return after

def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _unique(kind: str, thing: Room | Subject, existing: list[Room] | list[Subject]) -> None:
    for other in existing:
        if other.id != thing.id and folded(other.name) == folded(thing.name):
            raise InvalidInput(f"{kind} {other.name!r} exists already", field="name")


def free_of_future(uow: UnitOfWork, person: Person, now: datetime, becoming: str) -> None:
    """Refuse to deactivate, or change the role of, someone sessions to come still need."""
    parts = []
    if person.role is not Role.STUDENT:
        parts.append(("mentor", SessionQuery(start=now, mentor=person.email, statuses=_TO_COME)))
    parts.append(("student", SessionQuery(start=now, student=person.email, statuses=_TO_COME)))
    for part, query in parts:
        _refuse_if_booked(uow, query, f"{person.label} cannot be {becoming}", part,
                          f"--{part} {person.email}")
    open_series = [s for s in uow.series.all() if s.expanded_until is not None and (
        s.template.get("mentor") == person.email
        or person.email in (s.template.get("students") or ()))]
    _refuse_open_series(open_series, f"{person.label} cannot be {becoming}", "them")


def _not_needed(uow: UnitOfWork, kind: str, name: str, now: datetime) -> None:
    """Refuse to retire a room or subject sessions to come still use."""
    query = replace(SessionQuery(start=now, statuses=_TO_COME),
                    room=name if kind == "room" else None,
                    subject=name if kind == "subject" else None)
    _refuse_if_booked(uow, query, f"{kind} {name!r} cannot be retired", kind,
                      f"--{kind} {name!r}")
    _refuse_open_series([s for s in uow.series.all() if s.expanded_until is not None
                         and s.template.get(kind) == name],
                        f"{kind} {name!r} cannot be retired", "it")


def _refuse_if_booked(uow: UnitOfWork, query: SessionQuery, refusal: str, part: str,
                      flag: str) -> None:
    booked = uow.sessions.find(replace(query, limit=None))
    if booked:
        first = booked[0]
        raise InvalidInput(
            f"{refusal}: {counted(len(booked), 'session')} to come still "
            f"{'name them' if part in ('mentor', 'student') else 'use it'} (the first #{first.id} "
            f"{first.title!r}); move or cancel them first (session list {flag})", field=part)


def _refuse_open_series(series: list[Any], refusal: str, them: str) -> None:
    if series:
        ids = ", ".join(f"#{s.id}" for s in series[:5]) + (", …" if len(series) > 5 else "")
        one = len(series) == 1
        raise InvalidInput(
            f"{refusal}: {counted(len(series), 'open-ended series', 'open-ended series')} "
            f"({ids}) still {'books' if one else 'book'} {them}; end "
            f"{'it' if one else 'each'} first (session cancel ID --scope following)",
            field="series")


def rename_in_series(uow: UnitOfWork, fields: dict[str, str], new: str) -> None:
    """Series templates name people by email and rooms and subjects by name: follow a change."""
    for series in uow.series.all():
        template = dict(series.template)
        for key, old in fields.items():
            value = template.get(key)
            if value == old:
                template[key] = new
            elif isinstance(value, (list, tuple)) and old in value:
                template[key] = type(value)(new if v == old else v for v in value)
        if template != series.template:
            uow.series.update(replace(series, template=template))
