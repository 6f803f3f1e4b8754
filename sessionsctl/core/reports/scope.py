"""What a report may cover: the acting person's part of the centre, a period that makes
sense, and filters that name people and things that exist in the parts they play."""

from __future__ import annotations

from dataclasses import replace

from ..access import sees_everything
from ..domain.errors import InvalidInput, NotFound, NotPermitted
from ..domain.model import Role
from ..storage import UnitOfWork
from .data import ReportFilter


def scoped(uow: UnitOfWork, f: ReportFilter) -> ReportFilter:
    """Staff see the whole centre; a mentor their own sessions; a student their own."""
    actor = uow.actor
    if sees_everything(actor):
        return f
    assert actor is not None
    own = "mentor" if actor.role is Role.MENTOR else "student"
    if getattr(f, own) not in (None, actor.email):
        raise NotPermitted(f"{actor.email} ({actor.role.value}) may only see reports of "
                           "their own sessions")
    if own == "mentor":
        return replace(f, mentor=actor.email)
    return replace(f, student=actor.email)

def checked(f: ReportFilter) -> ReportFilter:
    if f.end <= f.start:
        raise InvalidInput("must be after --from", field="--to")
    return f

def filters(f: ReportFilter) -> dict[str, str]:
    return {k: v for k, v in (("mentor", f.mentor), ("student", f.student),
                              ("subject", f.subject), ("course", f.course)) if v}

def known(uow: UnitOfWork, f: ReportFilter, *, student_field: str = "--student") -> None:
    """A filter naming someone or something that does not exist, or a person in a part
    they do not play (a student as the mentor, anyone but a student as the student: the
    parts booking allows), is a mistake, not an empty report. The error names the option
    (``student_field``: what gave the student, when not ``--student``)."""
    for part, email, field in (("mentor", f.mentor, "--mentor"),
                               ("student", f.student, student_field)):
        if email is None:
            continue
        person = uow.people.get(email)
        if person is None:
            raise NotFound(part, email)
        if (person.role is Role.STUDENT) != (part == "student"):
            raise InvalidInput(f"{email} is a {person.role.value}, not a {part}",
                               field=field)
    if f.subject is not None and uow.subjects.get(f.subject) is None:
        raise NotFound("subject", f.subject)
    if f.course is not None and all(c.name != f.course for c in uow.courses.all()):
        raise NotFound("course", f.course)
