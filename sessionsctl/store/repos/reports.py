"""Report aggregates, computed in SQL: GROUP BY with conditional sums, never a loop over rows.

Periods (weeks, months in the viewer's zone) are handed in as their UTC boundaries. The
database groups by the start instant (read in start-index order, and a centre has few distinct
start times), and each start is then put in its period: exact in any zone and across
daylight-saving changes, where grouping by a UTC day or hour would not be.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, false, func, literal, select
from sqlalchemy.engine import Connection

from ...core.domain.model import AttendanceStatus, SessionStatus
from ...core.reports.data import Group, MentorFigures, ReportFilter, StudentSession
from ...core.reports.rates import Completion, Tally
from ..schema import (
    attendance_table,
    batch_table,
    course_table,
    feedback_table,
    person_table,
    session_student_table,
    session_table,
    subject_table,
)
from . import report_filter
from .archived import including_archive
from .marks import with_marks

# In the order of Tally's fields.
_ATTENDANCE = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT,
               AttendanceStatus.EXCUSED)


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _period_of(bounds: Sequence[datetime], instant: datetime) -> int:
    """The index ``i`` of the period ``[bounds[i], bounds[i+1])`` holding ``instant``."""
    return max(0, bisect_right(bounds, instant) - 1)


class SqlReports:
    """Implements core's ``ReportRepo``."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    # ------------------------------------------------------------------ the common filter
    def _session_filter(self, f: ReportFilter, start_col: Any = session_table.c.start_at) -> list[Any]:
        return report_filter.session_filter(self.db, f, start_col)

    def _student_id(self, f: ReportFilter) -> int | None:
        return report_filter.student_id(self.db, f)

    def _execute(self, f: ReportFilter, stmt: Any) -> Any:
        return self.db.execute(including_archive(stmt, f.with_archive))

    # --------------------------------------------------------------------- attendance
    def _marks_select(self, f: ReportFilter, *keys: Any) -> Select[Any]:
        """Per combination of ``keys``: the student-sessions (not cancelled) starting in the
        range, and the marks that count for them by status (the last five columns; see
        marks.py). Driven from
        the sessions' start index, then each session's students and marks by their keys: a
        month reads a month, not the table."""
        link = session_student_table
        counts = [_count_if(attendance_table.c.status == s.value) for s in _ATTENDANCE]
        stmt = with_marks(select(*keys, func.count(), *counts)
                          .select_from(session_table)
                          .join(link, link.c.session_id == session_table.c.id), outer=True)
        stmt = stmt.where(*self._session_filter(f), link.c.cancelled == false())
        student = self._student_id(f)
        if student is not None:
            stmt = stmt.where(link.c.student_id == student)
        return stmt.group_by(*keys)

    @staticmethod
    def _tally(row: Any) -> Tally:
        sessions, present, late, absent, excused = (int(v) for v in row[-5:])
        return Tally(present, late, absent, excused, sessions)

    def attendance_groups(self, f: ReportFilter, by: Sequence[str]) -> dict[str, list[Group[Tally]]]:
        """Attendance counts per student, batch, subject or mentor, for each grouping in
        ``by``: one GROUP BY over all of them together (a student meets few batches, subjects
        and mentors, so the combinations stay few), each grouping summed from it."""
        columns = {"student": session_student_table.c.student_id, "batch": session_table.c.batch_id,
                   "subject": session_table.c.subject_id, "mentor": session_table.c.mentor_id}
        rows = self._execute(f, self._marks_select(f, *(columns[k] for k in by))).all()
        found: dict[str, list[Group[Tally]]] = {}
        for i, key in enumerate(by):
            sums: dict[Any, Tally] = {}
            for row in rows:
                sums[row[i]] = sums.get(row[i], Tally()) + self._tally(row)
            labels = self._labels(key, {k for k in sums if k is not None})
            groups = [Group(labels[k][0] if k is not None else None,
                            labels[k][1] if k is not None else f"(no {key})", tally)
                      for k, tally in sums.items()]
            found[key] = sorted(groups, key=lambda g: (g.key is None, g.label.lower(),
                                                       g.key or ""))
        return found

    def attendance_by_period(self, f: ReportFilter,
                             bounds: Sequence[datetime]) -> dict[int, Tally]:
        """Attendance counts per period ``[bounds[i], bounds[i+1])``: grouped by start in
        SQL (in index order, few distinct starts), then each start put in its period."""
        found: dict[int, Tally] = {}
        for row in self._execute(f, self._marks_select(f, session_table.c.start_at)):
            i = _period_of(bounds, row[0])
            found[i] = found.get(i, Tally()) + self._tally(row)
        return found

    # ---------------------------------------------------------------------- completion
    def _completion_select(self, f: ReportFilter, key: Any, now: datetime) -> Select[Any]:
        s = session_table
        due = s.c.end_at <= now
        stmt = (select(key.label("key"), func.count().label("total"),
                       _count_if(s.c.status == SessionStatus.COMPLETED.value),
                       _count_if(s.c.status == SessionStatus.CANCELLED.value),
                       _count_if(due),
                       _count_if(and_(due, s.c.status == SessionStatus.COMPLETED.value)))
                .where(*self._session_filter(f)).group_by(key))
        student = self._student_id(f)
        if student is not None:
            stmt = stmt.where(s.c.id.in_(select(session_student_table.c.session_id)
                                         .where(session_student_table.c.student_id == student)))
        return stmt

    @staticmethod
    def _completion(row: Any) -> Completion:
        return Completion(*(int(v) for v in row[1:6]))

    def completion_groups(self, f: ReportFilter, by: str, now: datetime) -> list[Group[Completion]]:
        """Sessions per subject, mentor or batch: how many, completed, cancelled, due by now."""
        column = {"batch": session_table.c.batch_id, "subject": session_table.c.subject_id,
                  "mentor": session_table.c.mentor_id}[by]
        rows = self._execute(f, self._completion_select(f, column, now)).all()
        labels = self._labels(by, {r.key for r in rows if r.key is not None})
        groups = [Group(labels[r.key][0] if r.key is not None else None,
                        labels[r.key][1] if r.key is not None else f"(no {by})",
                        self._completion(r)) for r in rows]
        return sorted(groups, key=lambda g: (g.key is None, g.label.lower()))

    def completion_by_period(self, f: ReportFilter, bounds: Sequence[datetime],
                             now: datetime) -> dict[int, Completion]:
        found: dict[int, Completion] = {}
        for row in self._execute(f, self._completion_select(f, session_table.c.start_at, now)):
            i = _period_of(bounds, row[0])
            found[i] = found.get(i, Completion()) + self._completion(row)
        return found

    # ------------------------------------------------------------------------- mentors
    def _hours(self) -> Any:
        s = session_table
        if self.db.dialect.name == "sqlite":
            return (func.julianday(s.c.end_at) - func.julianday(s.c.start_at)) * 24
        return func.extract("epoch", s.c.end_at - s.c.start_at) / 3600

    def mentor_figures(self, f: ReportFilter, now: datetime) -> list[MentorFigures]:
        """Per mentor with sessions in the range: what became of them, hours taught, how
        their students attended and how their sessions were rated (by anyone but them)."""
        s = session_table
        completed = s.c.status == SessionStatus.COMPLETED.value
        sessions = self._completion_select(f, s.c.mentor_id, now).add_columns(
            func.coalesce(func.sum(case((completed, self._hours()), else_=literal(0))), 0))
        by_mentor = {r.key: (self._completion(r), float(r[6])) for r in self._execute(f, sessions)}
        if not by_mentor:
            return []
        # Their students' marks are counted as the attendance report counts them, by mentor.
        marks = {r[0]: self._tally(r) for r in self._execute(f, self._marks_select(f, s.c.mentor_id))}
        student = self._student_id(f)
        ratings = (select(s.c.mentor_id, func.count(), func.coalesce(func.sum(feedback_table.c.rating), 0))
                   .select_from(feedback_table).join(s, s.c.id == feedback_table.c.session_id)
                   .where(*self._session_filter(f), feedback_table.c.author_id != s.c.mentor_id)
                   .group_by(s.c.mentor_id))
        if student is not None:
            ratings = ratings.where(feedback_table.c.author_id == student)
        rated = {m: (int(n), int(total)) for m, n, total in self._execute(f, ratings)}
        names = self._people_names(set(by_mentor))
        figures = []
        for mentor, (counts, hours) in by_mentor.items():
            n, total = rated.get(mentor, (0, 0))
            email, name = names[mentor]
            figures.append(MentorFigures(email, name, counts, round(hours, 2),
                                         marks.get(mentor, Tally()), n, total))
        return sorted(figures, key=lambda m: (m.name.lower(), m.email))

    # ------------------------------------------------------------------------- a student
    def student_sessions(self, f: ReportFilter) -> list[StudentSession]:
        """The sessions of ``f.student`` starting in the range, cancelled ones too, with the
        mark they got and the rating they gave."""
        student = self._student_id(f)
        link, s = session_student_table, session_table
        stmt = (with_marks(select(s.c.id, s.c.start_at, s.c.end_at, s.c.title, person_table.c.email,
                                  subject_table.c.name, s.c.status, attendance_table.c.status.label("mark"),
                                  feedback_table.c.rating, person_table.c.name.label("mentor_name"))
                           .select_from(link), outer=True)
                .join(s, s.c.id == link.c.session_id)
                .join(person_table, person_table.c.id == s.c.mentor_id)
                .outerjoin(subject_table, subject_table.c.id == s.c.subject_id)
                .outerjoin(feedback_table, and_(feedback_table.c.session_id == link.c.session_id,
                                                feedback_table.c.author_id == link.c.student_id))
                .where(link.c.student_id == student, *self._session_filter(f, link.c.start_at))
                .order_by(link.c.start_at, s.c.id))
        return [StudentSession(r.id, r.start_at, r.end_at, r.title, r.email, r.name,
                               SessionStatus(r.status),
                               AttendanceStatus(r.mark) if r.mark else None, r.rating,
                               r.mentor_name)
                for r in self._execute(f, stmt)]

    # ------------------------------------------------------------------------- naming
    def _people_names(self, ids: set[Any]) -> dict[int, tuple[str, str]]:
        if not ids:
            return {}
        rows = self.db.execute(select(person_table.c.id, person_table.c.email, person_table.c.name)
                               .where(person_table.c.id.in_(ids)))
        return {r.id: (r.email, r.name) for r in rows}

    def _labels(self, by: str, ids: set[Any]) -> dict[int, tuple[str, str]]:
        """(key, label) of each id: a person's email and name, a subject's name, a batch as
        "Course / Batch"."""
        if by in ("student", "mentor"):
            return self._people_names(ids)
        if not ids:
            return {}
        if by == "subject":
            rows = self.db.execute(select(subject_table.c.id, subject_table.c.name)
                                   .where(subject_table.c.id.in_(ids)))
            return {r.id: (r.name, r.name) for r in rows}
        rows = self.db.execute(select(batch_table.c.id, course_table.c.name, batch_table.c.name)
                               .join(course_table, course_table.c.id == batch_table.c.course_id)
                               .where(batch_table.c.id.in_(ids)))
        return {r[0]: (f"{r[1]} / {r[2]}", f"{r[1]} / {r[2]}") for r in rows}
