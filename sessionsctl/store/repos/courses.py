"""Courses, their batches and the students enrolled in them (implements core's ``CourseRepo``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ...core.domain.model import Batch, Course, Person
from ..schema import BatchRow, CourseRow, EnrollmentRow, PersonRow, SubjectRow
from . import report_filter
from .lookup import PERSON_COLUMNS, person_of


class SqlCourses:
    def __init__(self, db: Connection) -> None:
        self.db = db

    def add(self, name: str, subject: str | None) -> Course:
        subject_id = None
        if subject is not None:
            subject_id = report_filter.id_of(self.db, SubjectRow, SubjectRow.name, subject)
        new_id = self.db.execute(insert(CourseRow).returning(CourseRow.id),
                                 {"name": name, "subject_id": subject_id}).scalar_one()
        return Course(new_id, name, subject)

    def all(self) -> list[Course]:
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

    def students(self, course: str) -> list[Person] | None:
        """The students actively enrolled in any batch of ``course`` (None: no such course)."""
        found = self.db.execute(select(CourseRow.id).where(CourseRow.name == course)).scalar()
        if found is None:
            return None
        rows = self.db.execute(
            select(*PERSON_COLUMNS)
            .distinct()
            .join(EnrollmentRow, EnrollmentRow.student_id == PersonRow.id)
            .join(BatchRow, BatchRow.id == EnrollmentRow.batch_id)
            .where(BatchRow.course_id == found, EnrollmentRow.status == "active")
            .order_by(PersonRow.email)).all()
        return [person_of(r) for r in rows]
