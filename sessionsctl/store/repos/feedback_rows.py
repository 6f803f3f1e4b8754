"""Feedback across sessions: what ``feedback list`` and the mentors report's categories read."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...core.domain.model import Feedback
from ..schema import feedback_table, person_table, session_student_table, session_table
from . import report_filter
from .archived import including_archive

if TYPE_CHECKING:
    from ...core.reports.data import ReportFilter


def feedback_in(db: Connection, f: ReportFilter, session_id: int | None = None,
                author: str | None = None) -> list[tuple[int, datetime, str, Feedback]]:
    """(session id, start, mentor, feedback) of the sessions ``f`` selects (``f.student``:
    sessions that student took part in), of one session and one author if given; by start."""
    mentor, writer, recorder = person_table.alias(), person_table.alias(), person_table.alias()
    stmt: Any = (select(session_table.c.id, session_table.c.start_at, mentor.c.email.label("mentor"),
                        writer.c.email.label("author"), feedback_table.c.rating,
                        feedback_table.c.categories, feedback_table.c.text, feedback_table.c.created_at,
                        recorder.c.email.label("recorder"))
                 .select_from(feedback_table)
                 .join(session_table, session_table.c.id == feedback_table.c.session_id)
                 .join(mentor, mentor.c.id == session_table.c.mentor_id)
                 .join(writer, writer.c.id == feedback_table.c.author_id)
                 .outerjoin(recorder, recorder.c.id == feedback_table.c.recorded_by_id)
                 .where(*report_filter.session_filter(db, f))
                 .order_by(session_table.c.start_at, session_table.c.id, writer.c.email))
    student = report_filter.student_id(db, f)
    if student is not None:
        stmt = stmt.where(session_table.c.id.in_(select(session_student_table.c.session_id).where(
            session_student_table.c.student_id == student)))
    if session_id is not None:
        stmt = stmt.where(session_table.c.id == session_id)
    if author is not None:
        stmt = stmt.where(writer.c.email == author)
    return [(r.id, r.start_at, r.mentor,
             Feedback(r.id, r.author, r.rating, dict(r.categories or {}), r.text, r.created_at,
                      r.recorder)) for r in db.execute(including_archive(stmt, f.with_archive))]
