"""Courses, their batches and the students enrolled in them (implements core's ``CourseRepo``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ...core.domain.model import Batch, Course, Enrolment, EnrolmentStatus, Person
from .. import clock
from ..schema import batch_table, course_table, enrolment_table, person_table, subject_table
from . import report_filter, upsert
from .lookup import CHUNK, PERSON_COLUMNS, person_of

_STATUSES = {s.value: s for s in EnrolmentStatus}


class SqlCourses:
    def __init__(self, db: Connection) -> None:
        self.db = db

    def add(self, name: str, subject: str | None) -> Course:
        subject_id = None
        if subject is not None:
            subject_id = report_filter.id_of(self.db, subject_table, subject_table.c.name, subject)
        new_id = self.db.execute(insert(course_table).returning(course_table.c.id),
                                 {"name": name, "subject_id": subject_id}).scalar_one()
        return Course(new_id, name, subject)

    def all(self) -> list[Course]:
        rows = self.db.execute(
            select(course_table.c.id, course_table.c.name, subject_table.c.name.label("subject"),
                   course_table.c.description)
            .outerjoin(subject_table, subject_table.c.id == course_table.c.subject_id)
            .order_by(course_table.c.name))
        return [Course(r.id, r.name, r.subject, r.description) for r in rows]

    def add_batch(self, course_id: int, name: str, starts_on: date | None,
                  ends_on: date | None) -> Batch:
        new_id = self.db.execute(insert(batch_table).returning(batch_table.c.id), {
            "course_id": course_id, "name": name, "starts_on": starts_on,
            "ends_on": ends_on}).scalar_one()
        return Batch(new_id, course_id, name, starts_on, ends_on)

    def batches(self, course_id: int | None = None) -> list[Batch]:
        stmt = select(batch_table).order_by(batch_table.c.course_id, batch_table.c.name)
        if course_id is not None:
            stmt = stmt.where(batch_table.c.course_id == course_id)
        return [Batch(r.id, r.course_id, r.name, r.starts_on, r.ends_on)
                for r in self.db.execute(stmt)]

    def students(self, course: str) -> list[Person] | None:
        """The students actively enrolled in ``course`` (None: no such course)."""
        found = self.db.execute(select(course_table.c.id).where(course_table.c.name == course)).scalar()
        if found is None:
            return None
        rows = self.db.execute(
            select(*PERSON_COLUMNS)
            .join(enrolment_table, enrolment_table.c.student_id == person_table.c.id)
            .where(enrolment_table.c.course_id == found,
                   enrolment_table.c.status == EnrolmentStatus.ACTIVE.value)
            .order_by(person_table.c.email)).all()
        return [person_of(r) for r in rows]

    def enrolments(self, course_id: int, status: EnrolmentStatus | None = None,
                   students: Sequence[str] | None = None) -> list[Enrolment]:
        """The enrolments in ``course_id`` (of ``status``, of these ``students`` only), by
        the students' names."""
        stmt = (select(enrolment_table.c.id, course_table.c.name.label("course"), person_table.c.email,
                       person_table.c.name, enrolment_table.c.status, batch_table.c.name.label("batch"),
                       enrolment_table.c.enrolled_at, enrolment_table.c.changed_at)
                .join(course_table, course_table.c.id == enrolment_table.c.course_id)
                .join(person_table, person_table.c.id == enrolment_table.c.student_id)
                .outerjoin(batch_table, batch_table.c.id == enrolment_table.c.batch_id)
                .where(enrolment_table.c.course_id == course_id)
                .order_by(person_table.c.name, person_table.c.email))
        if status is not None:
            stmt = stmt.where(enrolment_table.c.status == status.value)
        found: list[Enrolment] = []
        wanted = sorted(set(students)) if students is not None else None
        parts = [None] if wanted is None else [wanted[i:i + CHUNK]
                                                for i in range(0, len(wanted), CHUNK)]
        for part in parts:
            query = stmt if part is None else stmt.where(person_table.c.email.in_(part))
            found.extend(Enrolment(r.id, r.course, r.email, r.name, _STATUSES[r.status], r.batch,
                                   r.enrolled_at, r.changed_at)
                         for r in self.db.execute(query))
        return found

    def enrol(self, course_id: int, student: str, batch_id: int | None,
              status: EnrolmentStatus) -> None:
        """Put ``student`` in ``course_id`` with this batch and status: their one row in the
        course, written or (if they were enrolled before) changed, the last writer winning."""
        student_id = self.db.execute(
            select(person_table.c.id).where(person_table.c.email == student)).scalar_one()
        now = clock.now()
        key = {"course_id": course_id, "student_id": student_id}
        values = {"batch_id": batch_id, "status": status.value, "changed_at": now}
        table = enrolment_table
        if not upsert.insert_new(self.db, table, key, {**values, "enrolled_at": now}):
            self.db.execute(update(table).where(
                *(table.c[k] == v for k, v in key.items())).values(values))
