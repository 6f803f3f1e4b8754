"""What happens in a session: attendance marks, feedback and materials (implements core's
``AttendanceRepo``).

A mark counts only while its student is in the session: :meth:`SqlAttendance.marks` and
:meth:`SqlAttendance.rows` read those (marks.py); one of a student taken off it is kept
(:meth:`SqlAttendance.has_marks` sees it) and is back with them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from ...core.domain.model import Attendance, AttendanceStatus, Feedback, Material, MaterialType, Person
from .. import clock
from ..schema import (
    attendance_table,
    feedback_table,
    material_table,
    person_table,
    session_student_table,
    session_table,
)
from . import feedback_rows, report_filter
from .marks import has_any_mark, with_marks
from .upsert import insert_new, put

if TYPE_CHECKING:
    from ...core.reports.data import ReportFilter
    from .lookup import Lookup


class SqlAttendance:
    def __init__(self, db: Connection, actor: Person | None, lookup: Lookup) -> None:
        self.db = db
        self.actor = actor
        self.lookup = lookup

    # ------------------------------------------------------------------------ marks
    def marks(self, session_id: int) -> list[Attendance]:
        """The marks that count (marks.py): those of the session's students."""
        Recorder = person_table.alias()
        link = session_student_table
        rows = self.db.execute(
            with_marks(select(attendance_table, person_table.c.email.label("student"),
                              Recorder.c.email.label("recorder")).select_from(link))
            .join(person_table, person_table.c.id == link.c.student_id)
            .outerjoin(Recorder, Recorder.c.id == attendance_table.c.recorded_by_id)
            .where(link.c.session_id == session_id).order_by(person_table.c.email))
        return [Attendance(session_id=a.session_id, student=a.student,
                           status=AttendanceStatus(a.status), check_in=a.check_in,
                           check_out=a.check_out, note=a.note, recorded_by=a.recorder,
                           recorded_at=a.recorded_at)
                for a in rows]

    def has_marks(self, session_id: int) -> bool:
        return bool(self.db.execute(select(has_any_mark(session_id))).scalar())

    def set_mark(self, record: Attendance) -> Attendance | None:
        """Write the student's mark, the last writer winning (upsert.py); the mark it
        replaced, or None for the first."""
        key, values = self._mark_row(record)
        Recorder = person_table.alias()
        before = put(self.db, attendance_table, key, values, read=(
            select(attendance_table, Recorder.c.email.label("recorder"))
            .outerjoin(Recorder, Recorder.c.id == attendance_table.c.recorded_by_id)))
        if before is None:
            return None
        return Attendance(record.session_id, record.student, AttendanceStatus(before.status),
                          before.check_in, before.check_out, before.note, before.recorder,
                          before.recorded_at)

    def remove_mark(self, session_id: int, student: str) -> Attendance | None:
        """Take the student's mark away; the mark removed (read locked, for the audit), or
        None when there was none."""
        a = attendance_table
        Recorder = person_table.alias()
        row = self.db.execute(
            select(a, Recorder.c.email.label("recorder"))
            .outerjoin(Recorder, Recorder.c.id == a.c.recorded_by_id)
            .where(a.c.session_id == session_id,
                   a.c.student_id == self.lookup.person_id(student))
            .with_for_update(of=a)).first()
        if row is None:
            return None
        self.db.execute(delete(a).where(a.c.id == row.id))
        return Attendance(session_id, student, AttendanceStatus(row.status), row.check_in,
                          row.check_out, row.note, row.recorder, row.recorded_at)

    def add_mark(self, record: Attendance) -> bool:
        """Write the mark unless the student has one (perhaps given by another terminal a
        moment ago); whether it was written."""
        key, values = self._mark_row(record)
        return insert_new(self.db, attendance_table, key, values)

    def _mark_row(self, record: Attendance) -> tuple[dict[str, Any], dict[str, Any]]:
        key = {"session_id": record.session_id,
               "student_id": self.lookup.person_id(record.student)}
        # Who recorded it: the acting person, unless the mark says another (a mark put back
        # as it was keeps its recorder).
        if record.recorded_by is None or (self.actor and record.recorded_by == self.actor.email):
            recorder = self.actor.id if self.actor else None
        else:
            recorder = self.lookup.person_id_or_none(record.recorded_by)
        return key, {"status": record.status.value, "check_in": record.check_in,
                     "check_out": record.check_out, "note": record.note,
                     "recorded_by_id": recorder,
                     "recorded_at": record.recorded_at or clock.now()}

    def rows(self, f: ReportFilter) -> list[tuple[int, str, datetime, Attendance]]:
        """Every mark that counts of the sessions starting in the range, in session then
        student order."""
        s, a, link = session_table, attendance_table, session_student_table
        student = person_table.alias()
        stmt = (with_marks(select(s.c.id, s.c.uid, s.c.start_at, student.c.email, a.c.status, a.c.check_in,
                                  a.c.check_out, a.c.note)
                           .select_from(s).join(link, link.c.session_id == s.c.id))
                .join(student, student.c.id == link.c.student_id)
                .where(*report_filter.session_filter(self.db, f))
                .order_by(s.c.start_at, s.c.id, student.c.email))
        student_id = report_filter.student_id(self.db, f)
        if student_id is not None:
            stmt = stmt.where(link.c.student_id == student_id)
        return [(r.id, r.uid, r.start_at,
                 Attendance(r.id, r.email, AttendanceStatus(r.status), r.check_in,
                            r.check_out, r.note))
                for r in self.db.execute(stmt)]

    # --------------------------------------------------------------------- feedback
    def feedback_in(self, f: ReportFilter, session_id: int | None = None,
                    author: str | None = None) -> list[tuple[int, datetime, str, Feedback]]:
        return feedback_rows.feedback_in(self.db, f, session_id, author)

    def feedback(self, session_id: int) -> list[Feedback]:
        recorder = person_table.alias()
        rows = self.db.execute(
            select(feedback_table, person_table.c.email.label("author"),
                   recorder.c.email.label("recorded_by"))
            .join(person_table, person_table.c.id == feedback_table.c.author_id)
            .outerjoin(recorder, recorder.c.id == feedback_table.c.recorded_by_id)
            .where(feedback_table.c.session_id == session_id).order_by(person_table.c.email))
        return [Feedback(session_id=f.session_id, author=f.author, rating=f.rating,
                         categories=dict(f.categories or {}), text=f.text,
                         created_at=f.created_at, recorded_by=f.recorded_by)
                for f in rows]

    def set_feedback(self, record: Feedback) -> Feedback | None:
        """Write the author's feedback, the last writer winning (upsert.py); the feedback it
        replaced, or None for the first."""
        key = {"session_id": record.session_id,
               "author_id": self.lookup.person_id(record.author)}
        values = {"rating": record.rating, "categories": dict(record.categories),
                  "text": record.text, "created_at": record.created_at or clock.now(),
                  "recorded_by_id": self.lookup.person_id(record.recorded_by)
                  if record.recorded_by else None}
        before = put(self.db, feedback_table, key, values)
        if before is None:
            return None
        recorder = self.lookup.emails_of({before.recorded_by_id}).get(before.recorded_by_id) \
            if before.recorded_by_id else None
        return Feedback(record.session_id, record.author, before.rating,
                        dict(before.categories or {}), before.text, before.created_at, recorder)

    # -------------------------------------------------------------------- materials
    def add_material(self, material: Material) -> Material:
        uploaded_at = material.uploaded_at or clock.now()
        uploader = material.uploaded_by
        new_id = self.db.execute(insert(material_table).returning(material_table.c.id), {
            "name": material.name, "location": material.location, "type": material.type.value,
            "size": material.size, "session_id": material.session_id,
            "course_id": material.course_id, "description": material.description,
            "uploaded_by_id": self.lookup.person_id(uploader) if uploader else None,
            "uploaded_at": uploaded_at,
        }).scalar_one()
        return replace(material, id=new_id, uploaded_at=uploaded_at)

    def materials(self, session_id: int) -> list[Material]:
        rows = self.db.execute(
            select(*(c for c in material_table.c if c.key != "content"),
                   person_table.c.email.label("uploader"))
            .outerjoin(person_table, person_table.c.id == material_table.c.uploaded_by_id)
            .where(material_table.c.session_id == session_id).order_by(material_table.c.id))
        return [Material(id=m.id, name=m.name, location=m.location, type=MaterialType(m.type),
                         size=m.size, session_id=m.session_id, course_id=m.course_id,
                         uploaded_by=m.uploader, description=m.description,
                         uploaded_at=m.uploaded_at, media_type=m.media_type)
                for m in rows]
