"""Report aggregates, computed in SQL: GROUP BY with conditional sums, never a loop over rows.

Periods (weeks, months in the viewer's zone) are handed in as their UTC boundaries. The
database groups by the start instant (read in start-index order, and a centre has few distinct
start times), and each start is then put in its period: exact in any zone and across
daylight-saving changes, where grouping by a UTC day or hour would not be.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, case, false, func, insert, literal, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from ..core.domain.model import (
    Attendance,
    AttendanceStatus,
    Batch,
    Course,
    Session,
    SessionStatus,
)
from ..core.reports.data import Group, MentorFigures, ReportFilter, StudentSession
from ..core.reports.rates import Completion, Tally
from .marks import with_marks
from .schema import (
    AttendanceRow,
    BatchRow,
    CourseRow,
    FeedbackRow,
    PersonRow,
    SessionRow,
    SessionStudentRow,
    SubjectRow,
)

_NO_ID = -1  # a person or subject that does not exist matches nothing
# In the order of Tally's fields.
_ATTENDANCE = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT,
               AttendanceStatus.EXCUSED)


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _period_of(bounds: Sequence[datetime], instant: datetime) -> int:
    """The index ``i`` of the period ``[bounds[i], bounds[i+1])`` holding ``instant``."""
    return max(0, bisect_right(bounds, instant) - 1)


class ReportQueries:
    """Mixed into :class:`sessionsctl.store.unit.SqlUnit`; ``self.db`` is its connection."""

    db: Connection

    # ------------------------------------------------------------------ the common filter
    def _id_of(self, table: Any, column: Any, value: str) -> int:
        found = self.db.execute(select(table.id).where(column == value)).scalar_one_or_none()
        return _NO_ID if found is None else found

    def _session_filter(self, f: ReportFilter, start_col: Any = SessionRow.start_at) -> list[Any]:
        """Conditions on ``sessions`` (joined or not: ``start_col`` may be the copy in
        session_students) for everything in ``f`` but the student."""
        where: list[Any] = [start_col >= f.start, start_col < f.end]
        if f.mentor is not None:
            where.append(SessionRow.mentor_id == self._id_of(PersonRow, PersonRow.email, f.mentor))
        if f.subject is not None:
            where.append(SessionRow.subject_id == self._id_of(SubjectRow, SubjectRow.name,
                                                              f.subject))
        if f.course is not None:
            course = self._id_of(CourseRow, CourseRow.name, f.course)
            where.append(SessionRow.batch_id.in_(
                select(BatchRow.id).where(BatchRow.course_id == course)))
        return where

    def _student_id(self, f: ReportFilter) -> int | None:
        if f.student is None:
            return None
        return self._id_of(PersonRow, PersonRow.email, f.student)

    # --------------------------------------------------------------------- attendance
    def _marks_select(self, f: ReportFilter, *keys: Any) -> Select[Any]:
        """Per combination of ``keys``: the student-sessions (not cancelled) starting in the
        range, and the marks that count for them by status (the last five columns; see
        store/marks.py). Driven from
        the sessions' start index, then each session's students and marks by their keys: a
        month reads a month, not the table."""
        link = SessionStudentRow
        counts = [_count_if(AttendanceRow.status == s.value) for s in _ATTENDANCE]
        stmt = with_marks(select(*keys, func.count(), *counts)
                          .select_from(SessionRow)
                          .join(link, link.session_id == SessionRow.id), outer=True)
        stmt = stmt.where(*self._session_filter(f), link.cancelled == false())
        student = self._student_id(f)
        if student is not None:
            stmt = stmt.where(link.student_id == student)
        return stmt.group_by(*keys)

    @staticmethod
    def _tally(row: Any) -> Tally:
        sessions, present, late, absent, excused = (int(v) for v in row[-5:])
        return Tally(present, late, absent, excused, sessions)

    def attendance_groups(self, f: ReportFilter, by: Sequence[str]) -> dict[str, list[Group[Tally]]]:
        """Attendance counts per student, batch, subject or mentor, for each grouping in
        ``by``: one GROUP BY over all of them together (a student meets few batches, subjects
        and mentors, so the combinations stay few), each grouping summed from it."""
        columns = {"student": SessionStudentRow.student_id, "batch": SessionRow.batch_id,
                   "subject": SessionRow.subject_id, "mentor": SessionRow.mentor_id}
        rows = self.db.execute(self._marks_select(f, *(columns[k] for k in by))).all()
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
        for row in self.db.execute(self._marks_select(f, SessionRow.start_at)):
            i = _period_of(bounds, row[0])
            found[i] = found.get(i, Tally()) + self._tally(row)
        return found

    # ---------------------------------------------------------------------- completion
    def _completion_select(self, f: ReportFilter, key: Any, now: datetime) -> Select[Any]:
        s = SessionRow
        due = s.end_at <= now
        stmt = (select(key.label("key"), func.count().label("total"),
                       _count_if(s.status == SessionStatus.COMPLETED.value),
                       _count_if(s.status == SessionStatus.CANCELLED.value),
                       _count_if(due),
                       _count_if(and_(due, s.status == SessionStatus.COMPLETED.value)))
                .where(*self._session_filter(f)).group_by(key))
        student = self._student_id(f)
        if student is not None:
            stmt = stmt.where(s.id.in_(select(SessionStudentRow.session_id)
                                       .where(SessionStudentRow.student_id == student)))
        return stmt

    @staticmethod
    def _completion(row: Any) -> Completion:
        return Completion(*(int(v) for v in row[1:6]))

    def completion_groups(self, f: ReportFilter, by: str, now: datetime) -> list[Group[Completion]]:
        """Sessions per subject, mentor or batch: how many, completed, cancelled, due by now."""
        column = {"batch": SessionRow.batch_id, "subject": SessionRow.subject_id,
                  "mentor": SessionRow.mentor_id}[by]
        rows = self.db.execute(self._completion_select(f, column, now)).all()
        labels = self._labels(by, {r.key for r in rows if r.key is not None})
        groups = [Group(labels[r.key][0] if r.key is not None else None,
                        labels[r.key][1] if r.key is not None else f"(no {by})",
                        self._completion(r)) for r in rows]
        return sorted(groups, key=lambda g: (g.key is None, g.label.lower()))

    def completion_by_period(self, f: ReportFilter, bounds: Sequence[datetime],
                             now: datetime) -> dict[int, Completion]:
        found: dict[int, Completion] = {}
        for row in self.db.execute(self._completion_select(f, SessionRow.start_at, now)):
            i = _period_of(bounds, row[0])
            found[i] = found.get(i, Completion()) + self._completion(row)
        return found

    # ------------------------------------------------------------------------- mentors
    def _hours(self) -> Any:
        s = SessionRow
        if self.db.dialect.name == "sqlite":
            return (func.julianday(s.end_at) - func.julianday(s.start_at)) * 24
        return func.extract("epoch", s.end_at - s.start_at) / 3600

    def mentor_figures(self, f: ReportFilter, now: datetime) -> list[MentorFigures]:
        """Per mentor with sessions in the range: what became of them, hours taught, how
        their students attended and how their sessions were rated (by anyone but them)."""
        s = SessionRow
        completed = s.status == SessionStatus.COMPLETED.value
        sessions = self._completion_select(f, s.mentor_id, now).add_columns(
            func.coalesce(func.sum(case((completed, self._hours()), else_=literal(0))), 0))
        by_mentor = {r.key: (self._completion(r), float(r[6])) for r in self.db.execute(sessions)}
        if not by_mentor:
            return []
        # Their students' marks are counted as the attendance report counts them, by mentor.
        marks = {r[0]: self._tally(r) for r in self.db.execute(self._marks_select(f, s.mentor_id))}
        student = self._student_id(f)
        ratings = (select(s.mentor_id, func.count(), func.coalesce(func.sum(FeedbackRow.rating), 0))
                   .select_from(FeedbackRow).join(s, s.id == FeedbackRow.session_id)
                   .where(*self._session_filter(f), FeedbackRow.author_id != s.mentor_id)
                   .group_by(s.mentor_id))
        if student is not None:
            ratings = ratings.where(FeedbackRow.author_id == student)
        rated = {m: (int(n), int(total)) for m, n, total in self.db.execute(ratings)}
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
        link, s = SessionStudentRow, SessionRow
        stmt = (with_marks(select(s.id, s.start_at, s.end_at, s.title, PersonRow.email,
                                  SubjectRow.name, s.status, AttendanceRow.status.label("mark"),
                                  FeedbackRow.rating).select_from(link), outer=True)
                .join(s, s.id == link.session_id)
                .join(PersonRow, PersonRow.id == s.mentor_id)
                .outerjoin(SubjectRow, SubjectRow.id == s.subject_id)
                .outerjoin(FeedbackRow, and_(FeedbackRow.session_id == link.session_id,
                                             FeedbackRow.author_id == link.student_id))
                .where(link.student_id == student, *self._session_filter(f, link.start_at))
                .order_by(link.start_at, s.id))
        return [StudentSession(r.id, r.start_at, r.end_at, r.title, r.email, r.name,
                               SessionStatus(r.status),
                               AttendanceStatus(r.mark) if r.mark else None, r.rating)
                for r in self.db.execute(stmt)]

    # --------------------------------------------------------------- attendance files
    def session_at(self, uid: str, start: datetime) -> Session | None:
        """The occurrence of the series or one-off ``uid`` that starts at ``start``."""
        found = self.db.execute(select(SessionRow.id).where(
            SessionRow.uid == uid, SessionRow.start_at == start)).scalar_one_or_none()
        return None if found is None else self.session(found)  # type: ignore[attr-defined]

    def attendance_rows(self, f: ReportFilter) -> list[tuple[int, str, datetime, Attendance]]:
        """Every mark that counts of the sessions starting in the range, in session then
        student order."""
        s, a, link = SessionRow, AttendanceRow, SessionStudentRow
        student = aliased(PersonRow)
        stmt = (with_marks(select(s.id, s.uid, s.start_at, student.email, a.status, a.check_in,
                                  a.check_out, a.note)
                           .select_from(s).join(link, link.session_id == s.id))
                .join(student, student.id == link.student_id)
                .where(*self._session_filter(f)).order_by(s.start_at, s.id, student.email))
        student_id = self._student_id(f)
        if student_id is not None:
            stmt = stmt.where(link.student_id == student_id)
        return [(r.id, r.uid, r.start_at,
                 Attendance(r.id, r.email, AttendanceStatus(r.status), r.check_in,
                            r.check_out, r.note))
                for r in self.db.execute(stmt)]

    # ------------------------------------------------------------- courses and batches
    def add_course(self, name: str, subject: str | None) -> Course:
        subject_id = None
        if subject is not None:
            subject_id = self._id_of(SubjectRow, SubjectRow.name, subject)
        new_id = self.db.execute(insert(CourseRow).returning(CourseRow.id),
                                 {"name": name, "subject_id": subject_id}).scalar_one()
        return Course(new_id, name, subject)

    def courses(self) -> list[Course]:
        rows = self.db.execute(
            select(CourseRow.id, CourseRow.name, SubjectRow.name.label("subject"),
                   CourseRow.description)
            .outerjoin(SubjectRow, SubjectRow.id == CourseRow.subject_id).order_by(CourseRow.name))
        return [Course(r.id, r.name, r.subject, r.description) for r in rows]

    def add_batch(self, course_id: int, name: str, starts_on: date | None,
                  ends_on: date | None) -> Batch:
        new_id = self.db.execute(insert(BatchRow).returning(BatchRow.id), {
            "course_id": course_id, "name": name, "starts_on": starts_on,
            "ends_on": ends_on}).scalar_one()
        return Batch(new_id, course_id, name, starts_on, ends_on)

    def batches(self, course_id: int | None = None) -> list[Batch]:
        stmt = select(BatchRow).order_by(BatchRow.course_id, BatchRow.name)
        if course_id is not None:
            stmt = stmt.where(BatchRow.course_id == course_id)
        return [Batch(r.id, r.course_id, r.name, r.starts_on, r.ends_on)
                for r in self.db.execute(stmt)]

    def set_sessions_batch(self, session_ids: Sequence[int], batch_id: int | None) -> int:
        changed = 0
        for chunk in range(0, len(session_ids), 500):
            changed += self.db.execute(
                update(SessionRow).where(SessionRow.id.in_(session_ids[chunk:chunk + 500]))
                .values(batch_id=batch_id)).rowcount
        return changed

    # ------------------------------------------------------------------------- naming
    def _people_names(self, ids: set[Any]) -> dict[int, tuple[str, str]]:
        if not ids:
            return {}
        rows = self.db.execute(select(PersonRow.id, PersonRow.email, PersonRow.name)
                               .where(PersonRow.id.in_(ids)))
        return {r.id: (r.email, r.name) for r in rows}

    def _labels(self, by: str, ids: set[Any]) -> dict[int, tuple[str, str]]:
        """(key, label) of each id: a person's email and name, a subject's name, a batch as
        "Course / Batch"."""
        if by in ("student", "mentor"):
            return self._people_names(ids)
        if not ids:
            return {}
        if by == "subject":
            rows = self.db.execute(select(SubjectRow.id, SubjectRow.name)
                                   .where(SubjectRow.id.in_(ids)))
            return {r.id: (r.name, r.name) for r in rows}
        rows = self.db.execute(select(BatchRow.id, CourseRow.name, BatchRow.name)
                               .join(CourseRow, CourseRow.id == BatchRow.course_id)
                               .where(BatchRow.id.in_(ids)))
        return {r[0]: (f"{r[1]} / {r[2]}", f"{r[1]} / {r[2]}") for r in rows}
