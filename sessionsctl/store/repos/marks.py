"""Which attendance marks count: the one rule every query that reads marks goes through.

A mark counts only while its student takes part in the session: it is read through the
student's ``session_students`` row. Taking a student off a session keeps their mark (recorded
attendance is never lost by an edit), but it lies dormant, left out of the reports, the TUI
header's rates, ``attendance list`` and ``attendance export``; putting the student back brings
it back. Only :func:`has_any_mark` looks past the rule, to keep a session holding such a mark.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, exists

from ..schema import attendance_table, session_student_table


def with_marks(stmt: Select[Any], *, outer: bool = False) -> Select[Any]:
    """``stmt``, which reads ``session_students``, joined to the marks that count: those of
    the participants it reads (``outer``: participants without a mark too, with NULL mark
    columns)."""
    mark, link = attendance_table.c, session_student_table.c
    return stmt.join(attendance_table, and_(mark.session_id == link.session_id,
                                            mark.student_id == link.student_id),
                     isouter=outer)


def has_any_mark(session_id: int) -> Any:
    """Whether any mark is recorded for the session, counted or dormant."""
    return exists().where(attendance_table.c.session_id == session_id)
