"""Courses and their batches (cohorts), and which sessions belong to a batch: what the
per-course and per-batch attendance report groups by."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .access import Action, require
from .context import Context
from .domain import rules
from .domain.errors import InvalidInput, NotFound
from .domain.model import Batch, Course
from .domain.serialize import record
from .storage import UnitOfWork


def _course(uow: UnitOfWork, name: str) -> Course:
    for course in uow.courses.all():
        if course.name == name:
            return course
    raise NotFound("course", name)


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

    def assign(self, course: str, batch: str | None, session_ids: Sequence[int]) -> int:
        """Put sessions in a batch of a course (``batch`` None takes them out of any batch);
        completed sessions too, since reports look back. Returns how many were changed."""
        if not session_ids:
            raise InvalidInput("name at least one session", field="session")
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_COURSES)
            target = None
            if batch is not None:
                found = [b for b in uow.courses.batches(_course(uow, course).id) if b.name == batch]
                if not found:
                    raise NotFound("batch", f"{course} / {batch}")
                target = found[0].id
            before = {}
            for session_id in dict.fromkeys(session_ids):
                session = uow.sessions.get(session_id)
                if session is None:
                    raise NotFound("session", session_id)
                before[session_id] = session.batch_id
            changed = uow.sessions.set_batch(list(before), target)
            for session_id, old in before.items():
                uow.audit.record("batch", "session", session_id, {"batch_id": old}, {"batch_id": target})
            return changed
