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


def values(lookup: Lookup, actor: Person | None, row: Row, now: datetime) -> dict[str, Any]:
    """The ``sessions`` columns of ``row``, written by ``actor`` at ``now``."""
    d = row.draft
    actor_id = actor.id if actor else None
    return {
        "uid": row.uid, "series_id": row.series_id, "recurrence_id": row.recurrence_id,
        "title": d.title, "description": d.description,
        "mentor_id": lookup.person_id(d.mentor),
        "subject_id": lookup.named_id(subject_table, d.subject),
        "room_id": lookup.named_id(room_table, d.room), "course_id": d.course_id,
        "batch_id": d.batch_id,
        "type": _type(d).value, "status": row.status.value, "start_at": d.start,
        "end_at": d.end, "tz": d.tz, "location": d.location, "meeting_link": d.link,
        "meeting_id": d.meeting_id, "meeting_passcode": d.passcode,
        "max_participants": d.max_participants, "notes": d.notes, "cost": d.cost,
        "cost_hundredths": hundredths(d.cost),
        "payment_status": d.payment_status.value, "cancel_reason": row.cancel_reason,
        "force_reason": row.force_reason, "sequence": row.sequence,
        "created_by_id": actor_id, "created_at": now,
        "modified_by_id": actor_id, "modified_at": now,
    }


def student_rows(lookup: Lookup, session_id: int, row: Row) -> list[dict[str, Any]]:
    """The ``session_students`` links of ``row``, written as session ``session_id``."""
    cancelled = row.status is SessionStatus.CANCELLED
    forced = row.force_reason is not None
    return [{"session_id": session_id, "student_id": lookup.person_id(e),
             "start_at": row.draft.start, "end_at": row.draft.end, "cancelled": cancelled,
             "forced": forced}
            for e in row.draft.students]


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
