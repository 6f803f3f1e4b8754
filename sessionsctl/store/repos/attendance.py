"""What happens in a session: attendance marks, feedback and materials (implements core's
``AttendanceRepo``).

A mark counts only while its student is in the session: :meth:`SqlAttendance.marks` and
:meth:`SqlAttendance.rows` read those (marks.py); one of a student taken off it is kept
(:meth:`SqlAttendance.has_marks` sees it) and is back with them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from ...core.domain.model import Attendance, AttendanceStatus, Feedback, Material, MaterialType, Person
from ...core.reports.data import ReportFilter
from .. import clock
from ..schema import AttendanceRow, FeedbackRow, MaterialRow, PersonRow, SessionRow, SessionStudentRow
from . import report_filter
from .lookup import Lookup
from .marks import has_any_mark, with_marks


class SqlAttendance:
    def __init__(self, db: Connection, actor: Person | None, lookup: Lookup) -> None:
        self.db = db
        self.actor = actor
        self.lookup = lookup

    # ------------------------------------------------------------------------ marks
    def marks(self, session_id: int) -> list[Attendance]:
        """The marks that count (marks.py): those of the session's students."""
        Recorder = aliased(PersonRow)
        link = SessionStudentRow
        rows = self.db.execute(
            with_marks(select(AttendanceRow.__table__, PersonRow.email.label("student"),
                              Recorder.email.label("recorder")).select_from(link))
            .join(PersonRow, PersonRow.id == link.student_id)
            .outerjoin(Recorder, Recorder.id == AttendanceRow.recorded_by_id)
            .where(link.session_id == session_id).order_by(PersonRow.email))
        return [Attendance(session_id=a.session_id, student=a.student,
                           status=AttendanceStatus(a.status), check_in=a.check_in,
                           check_out=a.check_out, note=a.note, recorded_by=a.recorder,
                           recorded_at=a.recorded_at)
                for a in rows]

    def has_marks(self, session_id: int) -> bool:
        return bool(self.db.execute(select(has_any_mark(session_id))).scalar())

    def set_mark(self, record: Attendance) -> None:
        student_id = self.lookup.person_id(record.student)
        values = {"status": record.status.value, "check_in": record.check_in,
                  "check_out": record.check_out, "note": record.note,
                  "recorded_by_id": self.actor.id if self.actor else None,
                  "recorded_at": record.recorded_at or clock.now()}
        changed = self.db.execute(
            update(AttendanceRow).where(AttendanceRow.session_id == record.session_id,
                                        AttendanceRow.student_id == student_id)
            .values(values)).rowcount
        if not changed:
            self.db.execute(insert(AttendanceRow), {
                "session_id": record.session_id, "student_id": student_id, **values})

    def rows(self, f: ReportFilter) -> list[tuple[int, str, datetime, Attendance]]:
        """Every mark that counts of the sessions starting in the range, in session then
        student order."""
        s, a, link = SessionRow, AttendanceRow, SessionStudentRow
        student = aliased(PersonRow)
        stmt = (with_marks(select(s.id, s.uid, s.start_at, student.email, a.status, a.check_in,
                                  a.check_out, a.note)
                           .select_from(s).join(link, link.session_id == s.id))
                .join(student, student.id == link.student_id)
                .where(*report_filter.session_filter(self.db, f))
                .order_by(s.start_at, s.id, student.email))
        student_id = report_filter.student_id(self.db, f)
        if student_id is not None:
            stmt = stmt.where(link.student_id == student_id)
        return [(r.id, r.uid, r.start_at,
                 Attendance(r.id, r.email, AttendanceStatus(r.status), r.check_in,
                            r.check_out, r.note))
                for r in self.db.execute(stmt)]

    # --------------------------------------------------------------------- feedback
    def feedback(self, session_id: int) -> list[Feedback]:
        recorder = aliased(PersonRow)
        rows = self.db.execute(
            select(FeedbackRow.__table__, PersonRow.email.label("author"),
                   recorder.email.label("recorded_by"))
            .join(PersonRow, PersonRow.id == FeedbackRow.author_id)
            .outerjoin(recorder, recorder.id == FeedbackRow.recorded_by_id)
            .where(FeedbackRow.session_id == session_id).order_by(PersonRow.email))
        return [Feedback(session_id=f.session_id, author=f.author, rating=f.rating,
                         categories=dict(f.categories or {}), text=f.text,
                         created_at=f.created_at, recorded_by=f.recorded_by)
                for f in rows]

    def set_feedback(self, record: Feedback) -> None:
        author_id = self.lookup.person_id(record.author)
        values = {"rating": record.rating, "categories": dict(record.categories),
                  "text": record.text, "created_at": record.created_at or clock.now(),
                  "recorded_by_id": self.lookup.person_id(record.recorded_by)
                  if record.recorded_by else None}
        changed = self.db.execute(
            update(FeedbackRow).where(FeedbackRow.session_id == record.session_id,
                                      FeedbackRow.author_id == author_id)
            .values(values)).rowcount
        if not changed:
            self.db.execute(insert(FeedbackRow), {
                "session_id": record.session_id, "author_id": author_id, **values})

    # -------------------------------------------------------------------- materials
    def add_material(self, material: Material) -> Material:
        uploaded_at = material.uploaded_at or clock.now()
        uploader = material.uploaded_by
        new_id = self.db.execute(insert(MaterialRow).returning(MaterialRow.id), {
            "name": material.name, "location": material.location, "type": material.type.value,
            "size": material.size, "session_id": material.session_id,
            "course_id": material.course_id, "description": material.description,
            "uploaded_by_id": self.lookup.person_id(uploader) if uploader else None,
            "uploaded_at": uploaded_at,
        }).scalar_one()
        return replace(material, id=new_id, uploaded_at=uploaded_at)

    def materials(self, session_id: int) -> list[Material]:
        rows = self.db.execute(
            select(MaterialRow.__table__, PersonRow.email.label("uploader"))
            .outerjoin(PersonRow, PersonRow.id == MaterialRow.uploaded_by_id)
            .where(MaterialRow.session_id == session_id).order_by(MaterialRow.id))
        return [Material(id=m.id, name=m.name, location=m.location, type=MaterialType(m.type),
                         size=m.size, session_id=m.session_id, course_id=m.course_id,
                         uploaded_by=m.uploader, description=m.description,
                         uploaded_at=m.uploaded_at)
                for m in rows]
