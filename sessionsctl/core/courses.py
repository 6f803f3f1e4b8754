"""Courses and their batches (cohorts); which sessions belong to a course and a batch (what
the per-course and per-batch reports select and group by); and who is enrolled.

A student is enrolled in a course once: one enrolment per course and student, in one of its
batches or none, with a status (active, paused, completed, dropped). Enrolling again changes
that enrolment. Unenrolling sets it to dropped and keeps it as history. Only an active
enrolment shows the student the course's sessions (``access.visible``) and reaches them by
``mail send --to course``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from .access import Action, require
from .domain import rules
from .domain.errors import InvalidInput, NotFound
from .domain.model import Batch, Course, Enrolment, EnrolmentStatus
from .domain.serialize import record
from .names import Names, fits

if TYPE_CHECKING:
    from .context import Context
    from .storage import UnitOfWork


def _course(uow: UnitOfWork, name: str) -> Course:
    for course in uow.courses.all():
        if course.name == name:
            return course
    raise NotFound("course", name)


def _batch(uow: UnitOfWork, course: Course, name: str) -> Batch:
    """The batch ``name`` of ``course`` (a batch of another course is not it)."""
    for batch in uow.courses.batches(course.id):
        if batch.name == name:
            return batch
    raise NotFound("batch", f"{course.name} / {name}")


def _students(uow: UnitOfWork, refs: Sequence[str]) -> list[str]:
    """The emails of the students ``refs`` name (by email or name), each once."""
    if not refs:
        raise InvalidInput("name at least one student", field="student")
    names = Names(uow)
    found: dict[str, None] = {}
    for ref in refs:
        person = names.person(ref, "student", field="student")
        if not fits(person, "student"):
            raise InvalidInput(f"{person.label} is {person.role.a}, not a student",
                               field="student")
        found[person.email] = None
    return list(found)


class Courses:
    """Courses, their batches, and which sessions belong to a batch."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def add_course(self, name: str, subject: str | None = None) -> Course:
        name = rules.name(name)
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_COURSES)
            if any(c.name == name for c in uow.courses.all()):
                raise InvalidInput(f"course {name!r} exists already", field="name")
            if subject is not None and uow.subjects.get(subject) is None:
                raise NotFound("subject", subject)
            course = uow.courses.add(name, subject)
            uow.audit.record("add", "course", course.id, None, record(course))
            return course

    def list_courses(self) -> list[tuple[Course, list[Batch]]]:
        with self.ctx.read() as uow:
            batches = uow.courses.batches()
            return [(c, [b for b in batches if b.course_id == c.id]) for c in uow.courses.all()]

    def add_batch(self, course: str, name: str, starts_on: date | None = None,
                  ends_on: date | None = None) -> Batch:
        name = rules.name(name)
        if starts_on and ends_on and ends_on < starts_on:
            raise InvalidInput("must not be before --starts", field="--ends")
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_COURSES)
            found = _course(uow, course)
            if any(b.name == name for b in uow.courses.batches(found.id)):
                raise InvalidInput(f"course {course!r} has a batch {name!r} already", field="name")
            batch = uow.courses.add_batch(found.id, name, starts_on, ends_on)
            uow.audit.record("add", "batch", batch.id, None, record(batch))
            return batch

    def assign(self, course: str | None, batch: str | None, session_ids: Sequence[int]) -> int:
        """Put sessions in ``course`` and its ``batch``, or in the course and no batch
        (``batch`` None: the course's unbatched sessions), or (``course`` None too) in no
        course; completed sessions too, since reports look back. Returns how many changed."""
        if not session_ids:
            raise InvalidInput("name at least one session", field="session")
        if course is None and batch is not None:
            raise InvalidInput("a batch belongs to a course: name the course", field="course")
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_COURSES)
            found = _course(uow, course) if course is not None else None
            target = _batch(uow, found, batch).id if found and batch is not None else None
            course_id = found.id if found else None
            before = {}
            for session_id in dict.fromkeys(session_ids):
                session = uow.sessions.get(session_id)
                if session is None:
                    raise NotFound("session", session_id)
                before[session_id] = {"course_id": session.course_id, "batch_id": session.batch_id}
            changed = uow.sessions.set_course(list(before), course_id, target)
            after = {"course_id": course_id, "batch_id": target}
            for session_id, old in before.items():
                uow.audit.record("course", "session", session_id, old, after)
            return changed

    # -------------------------------------------------------------------- enrolments
    def enrol(self, course: str, students: Sequence[str], batch: str | None = None, *,
              unbatched: bool = False, status: EnrolmentStatus | None = None) -> list[Enrolment]:
        """Enrol students (by email or name) in ``course``: one enrolment each, made or
        changed. A new one is active and in ``batch`` (a batch of this course) or none; one
        there was keeps its batch unless ``batch`` is given (or ``unbatched``) and its status
        unless ``status`` is. Returns the enrolments as they now are."""
        if batch is not None and unbatched:
            raise InvalidInput("name a batch or none, not both", field="--batch")
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_ENROLMENTS)
            found = _course(uow, course)
            batch_id = _batch(uow, found, batch).id if batch is not None else None
            emails = _students(uow, students)
            before = {e.student: e for e in uow.courses.enrolments(found.id, students=emails)}
            batches = {b.name: b.id for b in uow.courses.batches(found.id)}
            for email in emails:
                was = before.get(email)
                keep = batches.get(was.batch) if was is not None and was.batch else None
                uow.courses.enrol(found.id, email,
                                  None if unbatched else batch_id if batch is not None else keep,
                                  status or (was.status if was else EnrolmentStatus.ACTIVE))
            return self._recorded(uow, found, emails, before, "enrol")

    def unenrol(self, course: str, students: Sequence[str]) -> list[Enrolment]:
        """Drop students from ``course``: their enrolments become ``dropped`` (kept, with
        their batch, as history). A student not enrolled is named as such."""
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_ENROLMENTS)
            found = _course(uow, course)
            emails = _students(uow, students)
            before = {e.student: e for e in uow.courses.enrolments(found.id, students=emails)}
            for email in emails:
                if email not in before:
                    raise InvalidInput(f"{email} is not enrolled in {found.name}",
                                       field="student")
            batches = {b.name: b.id for b in uow.courses.batches(found.id)}
            for email in emails:
                was = before[email]
                uow.courses.enrol(found.id, email, batches.get(was.batch) if was.batch else None,
                                  EnrolmentStatus.DROPPED)
            return self._recorded(uow, found, emails, before, "unenrol")

    @staticmethod
    def _recorded(uow: UnitOfWork, course: Course, emails: Sequence[str],
                  before: dict[str, Enrolment], action: str) -> list[Enrolment]:
        """The enrolments of ``emails`` as written, each change in the audit log."""
        after = uow.courses.enrolments(course.id, students=emails)
        for enrolment in after:
            was = before.get(enrolment.student)
            if was != enrolment:
                uow.audit.record(action, "enrolment", enrolment.id,
                                 record(was) if was else None, record(enrolment))
        return after

    def enrolments(self, course: str, status: EnrolmentStatus | None = None) -> list[Enrolment]:
        """The enrolments in ``course`` (only those of ``status``), by the students' names."""
        with self.ctx.read() as uow:
            require(uow.actor, Action.MANAGE_ENROLMENTS)
            return uow.courses.enrolments(_course(uow, course).id, status)
