"""Conflict detection: which booked sessions a new or moved session clashes with, and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ..domain.drafts import SessionDraft
from ..domain.model import Room, Session, SessionStatus


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


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: a 15:00 end and a 15:00 start do not overlap."""
    return a_start < b_end and b_start < a_end


def clashes(draft: SessionDraft, others: Iterable[Session]) -> list[Conflict]:
    """The clashes of ``draft`` with ``others``: one per shared mentor, student or room.

    A person is booked once at a time whatever their part: a mentor who is a student in
    another session at that time clashes too.
    """
    found: list[Conflict] = []
    people = {draft.mentor, *draft.students}
    for other in others:
        if other.status is SessionStatus.CANCELLED:
            continue
        if not overlaps(draft.start, draft.end, other.start, other.end):
            continue
        shared = people & {other.mentor, *other.students}
        if draft.mentor in shared:
            found.append(Conflict("mentor", draft.start,
                                  f"{draft.mentor} is booked in {other.title!r}", other))
        for student in sorted(shared - {draft.mentor}):
            found.append(Conflict("student", draft.start,
                                  f"{student} is booked in {other.title!r}", other))
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
