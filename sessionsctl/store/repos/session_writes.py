"""Writing sessions: the column values of a row to write, its student links, and the session
a written row became (built from what was written, never read back)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...core.domain.model import Person, Session, SessionStatus, SessionType
from ..schema import room_table, subject_table

if TYPE_CHECKING:
    from ...core.domain.drafts import Row, SessionDraft
    from .lookup import Lookup


def _type(draft: SessionDraft) -> SessionType:
    """A validated draft has its type; one written behind the rules (a test's fixture, a
    benchmark's bulk data) without one is stored as the column's default."""
    return draft.type if draft.type is not None else SessionType.INDIVIDUAL


def hundredths(cost: Decimal | None) -> int | None:
    """A cost as the exact integer ``cost_hundredths`` holds (the old column's two decimals)."""
    return None if cost is None else int(cost.scaleb(2).to_integral_value())


COLUMNS = (
    "uid", "series_id", "recurrence_id", "title", "description", "mentor_id", "subject_id",
    "room_id", "course_id", "batch_id", "type", "status", "start_at", "end_at", "tz",
    "location", "meeting_link", "meeting_id", "meeting_passcode", "max_participants", "notes",
    "cost", "cost_hundredths", "payment_status", "cancel_reason", "force_reason", "sequence",
    "created_by_id", "created_at", "modified_by_id", "modified_at")
"""The ``sessions`` columns a row gives, in the order of :func:`fields`."""

LINK_COLUMNS = ("session_id", "student_id", "start_at", "end_at", "cancelled", "forced")
"""The ``session_students`` columns, in the order of :func:`links`."""


def fields(lookup: Lookup, actor_id: int | None, row: Row, now: datetime) -> tuple[Any, ...]:
    """The ``sessions`` columns of ``row`` (:data:`COLUMNS`), written by ``actor_id`` at
    ``now``."""
    d = row.draft
    subject = d.subject
    room = d.room
    return (
        row.uid, row.series_id, row.recurrence_id, d.title, d.description,
        lookup.person_id(d.mentor),
        None if subject is None else lookup.named_id(subject_table, subject),
        None if room is None else lookup.named_id(room_table, room), d.course_id, d.batch_id,
        _type(d).value, row.status.value, d.start, d.end, d.tz, d.location, d.link,
        d.meeting_id, d.passcode, d.max_participants, d.notes, d.cost, hundredths(d.cost),
        d.payment_status.value, row.cancel_reason, row.force_reason, row.sequence,
        actor_id, now, actor_id, now)


def values(lookup: Lookup, actor: Person | None, row: Row, now: datetime) -> dict[str, Any]:
    """The ``sessions`` columns of ``row``, written by ``actor`` at ``now``, by name."""
    return dict(zip(COLUMNS, fields(lookup, actor.id if actor else None, row, now),
                    strict=True))


def links(lookup: Lookup, session_id: int, row: Row) -> list[tuple[Any, ...]]:
    """The ``session_students`` links of ``row`` (:data:`LINK_COLUMNS`), written as session
    ``session_id``."""
    d = row.draft
    if not d.students:
        return []
    cancelled = row.status is SessionStatus.CANCELLED
    forced = row.force_reason is not None
    return [(session_id, lookup.person_id(e), d.start, d.end, cancelled, forced)
            for e in d.students]


def student_rows(lookup: Lookup, session_id: int, row: Row) -> list[dict[str, Any]]:
    """The ``session_students`` links of ``row``, written as session ``session_id``, by name."""
    return [dict(zip(LINK_COLUMNS, link, strict=True)) for link in links(lookup, session_id, row)]


def written(session_id: int, row: Row, actor: str | None, now: datetime) -> Session:
    """The session a row became, as a read would return it."""
    d = row.draft
    return Session(
        id=session_id, uid=row.uid, title=d.title, mentor=d.mentor, start=d.start, end=d.end,
        tz=d.tz, status=row.status, type=_type(d), students=tuple(sorted(d.students)),
        room=d.room, subject=d.subject, description=d.description, location=d.location,
        link=d.link, meeting_id=d.meeting_id, passcode=d.passcode,
        max_participants=d.max_participants, notes=d.notes, cost=d.cost,
        payment_status=d.payment_status, series_id=row.series_id,
        recurrence_id=row.recurrence_id, course_id=d.course_id, batch_id=d.batch_id,
        cancel_reason=row.cancel_reason,
        force_reason=row.force_reason, sequence=row.sequence, created_by=actor,
        created_at=now, modified_by=actor, modified_at=now)
