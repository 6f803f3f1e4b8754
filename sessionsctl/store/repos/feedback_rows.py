"""Feedback across sessions: what ``feedback list`` and the mentors report's categories read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from ...core.domain.model import Feedback
from ...core.reports.data import ReportFilter
from ..schema import FeedbackRow, PersonRow, SessionRow, SessionStudentRow
from . import report_filter
from .archived import including_archive


def feedback_in(db: Connection, f: ReportFilter, session_id: int | None = None,
                author: str | None = None) -> list[tuple[int, datetime, str, Feedback]]:
    """(session id, start, mentor, feedback) of the sessions ``f`` selects (``f.student``:
    sessions that student took part in), of one session and one author if given; by start."""
    mentor, writer, recorder = aliased(PersonRow), aliased(PersonRow), aliased(PersonRow)
    stmt: Any = (select(SessionRow.id, SessionRow.start_at, mentor.email.label("mentor"),
                        writer.email.label("author"), FeedbackRow.rating,
                        FeedbackRow.categories, FeedbackRow.text, FeedbackRow.created_at,
                        recorder.email.label("recorder"))
                 .select_from(FeedbackRow).join(SessionRow, SessionRow.id == FeedbackRow.session_id)
                 .join(mentor, mentor.id == SessionRow.mentor_id)
                 .join(writer, writer.id == FeedbackRow.author_id)
                 .outerjoin(recorder, recorder.id == FeedbackRow.recorded_by_id)
                 .where(*report_filter.session_filter(db, f))
                 .order_by(SessionRow.start_at, SessionRow.id, writer.email))
    student = report_filter.student_id(db, f)
    if student is not None:
        stmt = stmt.where(SessionRow.id.in_(select(SessionStudentRow.session_id).where(
            SessionStudentRow.student_id == student)))
    if session_id is not None:
        stmt = stmt.where(SessionRow.id == session_id)
    if author is not None:
        stmt = stmt.where(writer.email == author)
    return [(r.id, r.start_at, r.mentor,
             Feedback(r.id, r.author, r.rating, dict(r.categories or {}), r.text, r.created_at,
                      r.recorder)) for r in db.execute(including_archive(stmt, f.with_archive))]
