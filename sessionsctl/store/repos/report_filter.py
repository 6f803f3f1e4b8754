"""A ``ReportFilter`` as SQL conditions on ``sessions``: shared by the reports and the
attendance files, which select sessions the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..schema import batch_table, course_table, person_table, session_table, subject_table

if TYPE_CHECKING:
    from ...core.reports.data import ReportFilter

_NO_ID = -1  # a person or subject that does not exist matches nothing


def id_of(db: Connection, table: Any, column: Any, value: str) -> int:
    """The id of the row of ``table`` whose ``column`` is ``value`` (-1, matching nothing, if
    there is none)."""
    found = db.execute(select(table.c.id).where(column == value)).scalar_one_or_none()
    return _NO_ID if found is None else found


def session_filter(db: Connection, f: ReportFilter,
                   start_col: Any = session_table.c.start_at) -> list[Any]:
    """Conditions on ``sessions`` (joined or not: ``start_col`` may be the copy in
    session_students) for everything in ``f`` but the student."""
    where: list[Any] = [start_col >= f.start, start_col < f.end]
    if f.mentor is not None:
        where.append(session_table.c.mentor_id == id_of(db, person_table, person_table.c.email, f.mentor))
    if f.subject is not None:
        where.append(session_table.c.subject_id == id_of(db, subject_table, subject_table.c.name, f.subject))
    if f.course is not None:
        course = id_of(db, course_table, course_table.c.name, f.course)
        where.append(session_table.c.course_id == course)
        if f.batch is not None:
            where.append(session_table.c.batch_id == db.execute(select(batch_table.c.id).where(
                batch_table.c.course_id == course, batch_table.c.name == f.batch)).scalar_one_or_none())
    return where


def student_id(db: Connection, f: ReportFilter) -> int | None:
    """The id of ``f.student`` (None for no student in the filter)."""
    if f.student is None:
        return None
    return id_of(db, person_table, person_table.c.email, f.student)
