"""Conflict detection: which booked sessions a new or moved session clashes with, and why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.errors import ConflictError
from ..domain.model import Person, Room, Session, SessionStatus

if TYPE_CHECKING:
    from ..domain.drafts import SessionDraft

KEPT = 10  # conflicts of one draft kept in full; the others are counted


@dataclass(frozen=True, slots=True)
class Conflict:
    """One reason a slot cannot be booked.

    ``kind`` is mentor, student, room, capacity or availability (docs/CLI.md);
    ``with_`` is the clashing session where there is one; ``start`` the occurrence checked.
    """

    kind: str
    start: datetime
    detail: str
    with_: Session | None = None


@dataclass(slots=True)
class Clashes:
    """The conflicts of one draft: the first :data:`KEPT` in full, and how many of each kind
    there are in all. A row of a request that clashes with hundreds of others is reported
    without holding (or printing) every pair."""

    shown: list[Conflict] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.kinds)

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    @property
    def more(self) -> int:
        """The conflicts counted but not shown."""
        return self.total - len(self.shown)

    def met(self, found: Iterable[Conflict]) -> None:
        """Conflicts found one by one: each is counted, the first few kept."""
        for conflict in found:
            self.kinds[conflict.kind] = self.kinds.get(conflict.kind, 0) + 1
            if len(self.shown) < KEPT:
                self.shown.append(conflict)

    def counted(self, kinds: dict[str, int], examples: Iterable[Conflict]) -> None:
        """Conflicts counted without being built, and some of them (``examples``) in full."""
        for kind, n in kinds.items():
            if n:
                self.kinds[kind] = self.kinds.get(kind, 0) + n
        for conflict in examples:
            if len(self.shown) >= KEPT:
                break
            self.shown.append(conflict)


def shown(found: Iterable[Clashes]) -> list[Conflict]:
    """The conflicts shown in full, draft after draft."""
    return [c for each in found for c in each.shown]


def refused(found: Sequence[Clashes], message: str | None = None) -> ConflictError:
    """The refusal of a request whose drafts met these conflicts."""
    return ConflictError(shown(found), message, more=sum(c.more for c in found))


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: a 15:00 end and a 15:00 start do not overlap."""
    return a_start < b_end and b_start < a_end


def named(email: str, people: Mapping[str, Person] | None) -> str:
    """``Ada Byron <ada@example.org>`` where ``people`` (by email) knows the person."""
    person = (people or {}).get(email)
    return person.label if person is not None else email


def clashes(draft: SessionDraft, others: Iterable[Session],
            people: Mapping[str, Person] | None = None) -> list[Conflict]:
    """The clashes of ``draft`` with ``others``: one per shared mentor, student or room;
    each person named as ``people`` (by email) knows them, with what they do then.

    A person is booked once at a time whatever their part: a mentor who is a student in
    another session at that time clashes too.
    """
    found: list[Conflict] = []
    mine = {draft.mentor, *draft.students}
    for other in others:
        if other.status is SessionStatus.CANCELLED:
            continue
        if not overlaps(draft.start, draft.end, other.start, other.end):
            continue
        shared = mine & {other.mentor, *other.students}
        for email in [draft.mentor, *sorted(shared - {draft.mentor})]:
            if email not in shared:
                continue
            doing = "teaching" if email == other.mentor else "a student in"
            found.append(Conflict("mentor" if email == draft.mentor else "student", draft.start,
                                  f"{named(email, people)} is {doing} {other.title!r} then",
                                  other))
        if draft.room is not None and draft.room == other.room:
            found.append(Conflict("room", draft.start,
                                  f"room {draft.room} is taken by {other.title!r}", other))
    return found


def capacity(draft: SessionDraft, room: Room | None) -> list[Conflict]:
    """Too many students for the session's own limit or for its room's seats."""
    found: list[Conflict] = []
    count = len(draft.students)
    if draft.max_participants is not None and count > draft.max_participants:
        found.append(Conflict("capacity", draft.start,
                              f"{count} students but at most {draft.max_participants} allowed"))
    if room is not None and room.capacity is not None and count > room.capacity:
        found.append(Conflict("capacity", draft.start,
                              f"{count} students but room {room.name} seats {room.capacity}"))
    return found
