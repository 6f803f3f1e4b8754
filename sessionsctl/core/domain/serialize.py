"""Plain-data forms of domain values: the JSON shapes of docs/CLI.md and audit records."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .rules import is_live
from .timeutil import iso

if TYPE_CHECKING:
    from ..schedule.conflicts import Conflict
    from .model import Attendance, Feedback, Material, Person, Room, Session, Subject


def session_json(s: Session, tz: ZoneInfo | None = None,
                 now: datetime | None = None) -> dict[str, Any]:
    """One occurrence as ``session list --json`` prints it; times in ``tz`` with their offset;
    ``live`` whether it is on at ``now`` (default: this instant)."""
    return _session_json(s, lambda instant: iso(instant, tz), now or datetime.now(UTC))


def sessions_json(sessions: Iterable[Session], tz: ZoneInfo | None = None,
                  now: datetime | None = None) -> list[dict[str, Any]]:
    """:func:`session_json` of each session, all ``live`` at the one instant ``now`` (default:
    this one). Each distinct time is written once: a busy month's thousands of sessions start
    and end at a few hundred."""
    written: dict[datetime | None, str | None] = {}

    def stamp(instant: datetime | None) -> str | None:
        try:
            return written[instant]
        except KeyError:
            text = written[instant] = iso(instant, tz)
            return text

    at = now or datetime.now(UTC)
    return [_session_json(s, stamp, at) for s in sessions]


def _session_json(s: Session, stamp: Callable[[datetime | None], str | None],
                  now: datetime) -> dict[str, Any]:
    return {
        "id": s.id, "uid": s.uid, "series_id": s.series_id,
        "recurrence_id": stamp(s.recurrence_id), "title": s.title, "status": s.status.value,
        "start": stamp(s.start), "end": stamp(s.end), "tz": s.tz, "mentor": s.mentor,
        "students": list(s.students), "room": s.room, "subject": s.subject,
        "type": s.type.value, "location": s.location, "link": s.link, "seats": s.seats,
        "live": is_live(s, now),
    }


def session_detail_json(s: Session, tz: ZoneInfo | None = None) -> dict[str, Any]:
    """Every field of a session (``session show --json``); the passcode is left to the caller."""
    return {
        **session_json(s, tz),
        "description": s.description, "meeting_id": s.meeting_id, "passcode": s.passcode,
        "max_participants": s.max_participants, "notes": s.notes,
        "cost": str(s.cost) if s.cost is not None else None,
        "payment_status": s.payment_status.value, "course_id": s.course_id,
        "batch_id": s.batch_id,
        "cancel_reason": s.cancel_reason, "force_reason": s.force_reason,
        "sequence": s.sequence, "created_by": s.created_by,
        "created_at": iso(s.created_at, tz), "modified_by": s.modified_by,
        "modified_at": iso(s.modified_at, tz),
    }


def record(value: Any) -> Any:
    """Any domain value as JSON-able data with UTC times (audit log, generic output)."""
    if isinstance(value, datetime):
        return iso(value) if value.tzinfo else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [record(v) for v in value]
    if isinstance(value, dict):
        return {k: record(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: record(getattr(value, f.name)) for f in fields(value)}
    return value


REDACTED = "[redacted]"
SECRET_FIELDS = frozenset({"passcode"})  # never kept in the audit log


def redacted(value: Any) -> Any:
    """``value`` (an audit record) with every secret field that holds something replaced by
    :data:`REDACTED`, at any depth: what the audit log keeps."""
    if isinstance(value, dict):
        return {k: REDACTED if k in SECRET_FIELDS and v else redacted(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [redacted(v) for v in value]
    return value


def person_json(p: Person) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "email": p.email, "role": p.role.value, "tz": p.tz,
            "active": p.active, "login": p.login}


def room_json(r: Room) -> dict[str, Any]:
    return {"id": r.id, "name": r.name, "capacity": r.capacity, "active": r.active}


def subject_json(s: Subject) -> dict[str, Any]:
    return {"id": s.id, "name": s.name, "active": s.active}


def attendance_json(a: Attendance, tz: ZoneInfo | None = None) -> dict[str, Any]:
    return {"session_id": a.session_id, "student": a.student, "status": a.status.value,
            "check_in": iso(a.check_in, tz), "check_out": iso(a.check_out, tz), "note": a.note,
            "recorded_by": a.recorded_by, "recorded_at": iso(a.recorded_at, tz)}


def feedback_json(f: Feedback, tz: ZoneInfo | None = None) -> dict[str, Any]:
    return {"session_id": f.session_id, "author": f.author, "rating": f.rating,
            "categories": dict(f.categories), "text": f.text,
            "created_at": iso(f.created_at, tz), "recorded_by": f.recorded_by}


def material_json(m: Material) -> dict[str, Any]:
    return {"id": m.id, "name": m.name, "location": m.location, "type": m.type.value,
            "size": m.size, "uploaded_by": m.uploaded_by, "description": m.description,
            "media_type": m.media_type, "session_id": m.session_id}


def conflict_json(c: Conflict, tz: ZoneInfo | None = None) -> dict[str, Any]:
    """One element of the ``{"conflicts": [...]}`` refusal of docs/CLI.md."""
    return {"kind": c.kind, "start": iso(c.start, tz), "detail": c.detail,
            "with": session_json(c.with_, tz) if c.with_ is not None else None}
