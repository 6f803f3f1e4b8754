"""What a report may cover: the acting person's part of the centre, a period that makes
sense, and filters that name people and things that exist in the parts they play."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..access import sees_everything
from ..domain.errors import InvalidInput, NotFound, NotPermitted
from ..domain.model import Role
from ..names import Names, fits

if TYPE_CHECKING:
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
                              ("subject", f.subject), ("course", f.course),
                              ("batch", f.batch)) if v}

def known(uow: UnitOfWork, f: ReportFilter, *, student_field: str = "--student") -> ReportFilter:
    """``f`` with the people (by email or name) and the subject (in any case) it names as
    stored. A filter naming someone or something that does not exist, or a person in a part
    they do not play (a student as the mentor, anyone but a student as the student: the
    parts booking allows), is a mistake, not an empty report. The error names the option
    (``student_field``: what gave the student, when not ``--student``)."""
    names = Names(uow)
    for part, ref, field in (("mentor", f.mentor, "--mentor"),
                             ("student", f.student, student_field)):
        if ref is None:
            continue
        person = names.person(ref, part, field=field)
        if not fits(person, part):
            raise InvalidInput(f"{person.label} is {person.role.a}, not a {part}",
                               field=field)
        f = replace(f, mentor=person.email) if part == "mentor" else replace(
            f, student=person.email)
    if f.subject is not None:
        f = replace(f, subject=names.subject(f.subject, field="--subject").name)
    if f.batch is not None and f.course is None:
        raise InvalidInput("name its course too (--course)", field="--batch")
    if f.course is not None:
        course = next((c for c in uow.courses.all() if c.name == f.course), None)
        if course is None:
            raise NotFound("course", f.course)
        if f.batch is not None and all(b.name != f.batch for b in uow.courses.batches(course.id)):
            raise NotFound("batch", f"{f.course} / {f.batch}")
    return f
