"""Mentorship requests (implements core's ``RequestRepo``).

A change of status is one ``UPDATE ... WHERE status IN (...)``: on SQLite the writing unit
holds the database's write lock from its start (``BEGIN IMMEDIATE``); on PostgreSQL the second
of two racing updates waits for the first's row lock and then finds the status changed, so
it matches no row. Either way exactly one claim of an open request wins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ...core.domain.model import Person, SessionStatus, SessionType
from ...core.requests.model import (
    MentorRequest,
    Preference,
    RequestDraft,
    RequestQuery,
    RequestStatus,
    Urgency,
)
from ..schema import person_table, session_table
from ..schema_requests import request_table

if TYPE_CHECKING:
    from .lookup import Lookup

_STUDENT, _MENTOR, _BY = person_table.alias(), person_table.alias(), person_table.alias()
_COLUMNS = (*request_table.c, _STUDENT.c.email.label("student"), _MENTOR.c.email.label("mentor"),
            _BY.c.email.label("created_by"))


def _preference(data: dict[str, Any]) -> Preference:
    start, end = data.get("from"), data.get("to")
    return Preference(date.fromisoformat(data["day"]),
                      time.fromisoformat(start) if start else None,
                      time.fromisoformat(end) if end else None)


def _stored(p: Preference) -> dict[str, Any]:
    return {"day": p.day.isoformat(), "from": p.start.isoformat("minutes") if p.start else None,
            "to": p.end.isoformat("minutes") if p.end else None}


def _request(r: Any) -> MentorRequest:
    return MentorRequest(
        id=r.id, title=r.title, student=r.student, minutes=r.minutes, tz=r.tz,
        urgency=Urgency(r.urgency), type=SessionType(r.type), status=RequestStatus(r.status),
        created_at=r.created_at, description=r.description,
        preferences=tuple(_preference(p) for p in r.preferences or ()),
        tags=tuple(r.tags or ()), mentor=r.mentor, session_id=r.session_id,
        claimed_at=r.claimed_at, changed_at=r.changed_at, created_by=r.created_by,
        feedback_asked_at=r.feedback_asked_at)


class SqlRequests:
    def __init__(self, db: Connection, actor: Person | None, lookup: Lookup) -> None:
        self.db = db
        self.actor = actor
        self.lookup = lookup

    def _select(self) -> Any:
        return (select(*_COLUMNS)
                .join(_STUDENT, _STUDENT.c.id == request_table.c.student_id)
                .outerjoin(_MENTOR, _MENTOR.c.id == request_table.c.mentor_id)
                .outerjoin(_BY, _BY.c.id == request_table.c.created_by_id))

    def add(self, draft: RequestDraft, now: datetime) -> MentorRequest:
        by = self.actor.id if self.actor is not None and self.actor.email != draft.student \
            else None
        new_id = self.db.execute(insert(request_table).returning(request_table.c.id), {
            "title": draft.title, "description": draft.description, "type": draft.type.value,
            "minutes": draft.minutes, "urgency": draft.urgency.value, "tz": draft.tz,
            "preferences": [_stored(p) for p in draft.preferences], "tags": list(draft.tags),
            "student_id": self.lookup.person_id(draft.student), "status": "open",
            "created_by_id": by, "created_at": now, "changed_at": now}).scalar_one()
        found = self.get(new_id)
        assert found is not None
        return found

    def get(self, request_id: int) -> MentorRequest | None:
        row = self.db.execute(self._select().where(request_table.c.id == request_id)).first()
        return _request(row) if row else None

    def find(self, query: RequestQuery) -> list[MentorRequest]:
        stmt = self._select().order_by(request_table.c.created_at, request_table.c.id)
        if query.statuses:
            stmt = stmt.where(request_table.c.status.in_([s.value for s in query.statuses]))
        if query.student is not None:
            stmt = stmt.where(_STUDENT.c.email == query.student)
        if query.mentor is not None:
            stmt = stmt.where(_MENTOR.c.email == query.mentor)
        if query.urgency is not None:
            stmt = stmt.where(request_table.c.urgency == query.urgency.value)
        if query.ids:
            stmt = stmt.where(request_table.c.id.in_(query.ids))
        found = [_request(r) for r in self.db.execute(stmt)]
        if query.tag is not None:  # tags are a JSON list: matched here, on both backends alike
            found = [r for r in found if query.tag.lower() in r.tags]
        return found

    def move(self, request_id: int, sources: Sequence[RequestStatus], target: RequestStatus,
             now: datetime, *, mentor: str | None = None, clear_mentor: bool = False,
             session_id: int | None = None) -> bool:
        values: dict[str, Any] = {"status": target.value, "changed_at": now}
        if mentor is not None:
            values.update(mentor_id=self.lookup.person_id(mentor), claimed_at=now)
        if clear_mentor:
            values.update(mentor_id=None, claimed_at=None)
        if session_id is not None:
            values["session_id"] = session_id
        result = self.db.execute(
            update(request_table).where(request_table.c.id == request_id,
                                        request_table.c.status.in_([s.value for s in sources]))
            .values(**values))
        return result.rowcount == 1

    def expire(self, created_before: datetime, now: datetime) -> list[int]:
        return list(self.db.execute(
            update(request_table).where(request_table.c.status == RequestStatus.OPEN.value,
                                        request_table.c.created_at < created_before)
            .values(status=RequestStatus.EXPIRED.value, changed_at=now)
            .returning(request_table.c.id)).scalars())

    def lapse(self, claimed_before: datetime, now: datetime) -> list[int]:
        return list(self.db.execute(
            update(request_table).where(request_table.c.status == RequestStatus.CLAIMED.value,
                                        request_table.c.session_id.is_(None),
                                        request_table.c.claimed_at < claimed_before)
            .values(status=RequestStatus.OPEN.value, mentor_id=None, claimed_at=None,
                    changed_at=now)
            .returning(request_table.c.id)).scalars())

    def of_session(self, session_id: int) -> MentorRequest | None:
        row = self.db.execute(self._select().where(request_table.c.session_id == session_id)).first()
        return _request(row) if row else None

    def ended(self) -> list[tuple[MentorRequest, SessionStatus]]:
        rows = self.db.execute(
            self._select().add_columns(session_table.c.status.label("session_status"))
            .join(session_table, session_table.c.id == request_table.c.session_id)
            .where(request_table.c.status == RequestStatus.SCHEDULED.value,
                   session_table.c.status.in_([SessionStatus.COMPLETED.value,
                                               SessionStatus.CANCELLED.value]))
            .order_by(request_table.c.id))
        return [(_request(r), SessionStatus(r.session_status)) for r in rows]

    def mark_feedback_asked(self, request_id: int, now: datetime) -> bool:
        result = self.db.execute(
            update(request_table).where(request_table.c.id == request_id,
                                        request_table.c.feedback_asked_at.is_(None))
            .values(feedback_asked_at=now))
        return result.rowcount == 1
