"""A session's recordings, and the check-in codes of in-person sessions with the wrong codes
students gave (implements core's ``RecordingRepo`` and ``CheckinRepo``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from ...core.schedule.ports import Recording
from ..schema import person_table
from ..schema_groups import checkin_attempt_table, checkin_code_table, recording_table

if TYPE_CHECKING:
    from .lookup import Lookup


class SqlRecordings:
    def __init__(self, db: Connection, lookup: Lookup) -> None:
        self.db = db
        self.lookup = lookup

    def add(self, recording: Recording) -> Recording:
        by = self.lookup.person_id_or_none(recording.added_by) if recording.added_by else None
        new_id = self.db.execute(insert(recording_table).values(
            session_id=recording.session_id, url=recording.url, title=recording.title,
            public=recording.public, added_by_id=by, added_at=recording.added_at,
        ).returning(recording_table.c.id)).scalar_one()
        return replace(recording, id=new_id)

    def of(self, session_id: int) -> list[Recording]:
        rows = self.db.execute(
            select(recording_table.c.id, recording_table.c.url, recording_table.c.title,
                   recording_table.c.public,
                   person_table.c.email, recording_table.c.added_at)
            .outerjoin(person_table, person_table.c.id == recording_table.c.added_by_id)
            .where(recording_table.c.session_id == session_id).order_by(recording_table.c.id))
        return [Recording(i, session_id, url, title, public, email, at)
                for i, url, title, public, email, at in rows]


class SqlCheckins:
    def __init__(self, db: Connection, lookup: Lookup, *, private: bool = False) -> None:
        self.db = db
        self.lookup = lookup
        self.private = private  # a student's login, which may not read the codes

    def code(self, session_id: int) -> str | None:
        found: str | None = self.db.execute(select(checkin_code_table.c.code).where(
            checkin_code_table.c.session_id == session_id)).scalar_one_or_none()
        return found

    def set_code(self, session_id: int, code: str, at: datetime) -> None:
        changed = self.db.execute(update(checkin_code_table).where(
            checkin_code_table.c.session_id == session_id).values(code=code, made_at=at)).rowcount
        if not changed:
            self.db.execute(insert(checkin_code_table).values(session_id=session_id, code=code,
                                                              made_at=at))

    def sessions_with(self, code: str) -> list[int]:
        if self.private:  # those of its own sessions (:mod:`.access_self`)
            return list(self.db.execute(select(func.sessionsctl_code_sessions(code))).scalars())
        return list(self.db.execute(select(checkin_code_table.c.session_id).where(
            checkin_code_table.c.code == code).order_by(checkin_code_table.c.session_id)).scalars())

    def failures(self, student: str, since: datetime) -> int:
        count: int = self.db.execute(
            select(func.count()).select_from(checkin_attempt_table).where(
                checkin_attempt_table.c.student_id == self.lookup.person_id(student),
                checkin_attempt_table.c.at >= since)).scalar_one()
        return count

    def fail(self, student: str, at: datetime) -> None:
        person = self.lookup.person_id(student)
        self.db.execute(delete(checkin_attempt_table).where(
            checkin_attempt_table.c.student_id == person,
            checkin_attempt_table.c.at < at - timedelta(days=1)))
        self.db.execute(insert(checkin_attempt_table).values(student_id=person, at=at))
