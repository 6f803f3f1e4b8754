"""`course` commands: courses, their batches, which sessions belong to one, and who is
enrolled."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..core.domain.model import Enrolment, EnrolmentStatus
from ..core.domain.serialize import record
from ..core.domain.timeutil import parse_day
from ..core.domain.words import counted
from . import render
from .context import cli

course_app = typer.Typer(help="Courses, their batches and enrolments.",
                         no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@course_app.command("add")
def add(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The course's name.")],
    subject: Annotated[str | None, typer.Option("--subject", help="Its subject.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Add a course.

    Example:

    - `sessionsctl course add "GCSE Maths" --subject Mathematics`
    """
    state = cli(ctx, json_output)
    course = state.centre.courses.add_course(name, subject)
    if state.json:
        render.emit_json({"id": course.id, "name": course.name, "subject": course.subject})
    else:
        render.out.print(f"Added course #{course.id} {course.name}")


@course_app.command("list")
def list_(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Courses with their batches.

    Example:

    - `sessionsctl course list`
    """
    state = cli(ctx, json_output)
    found = state.centre.courses.list_courses()
    if state.json:
        render.emit_json([{"id": c.id, "name": c.name, "subject": c.subject,
                           "batches": [{"id": b.id, "name": b.name,
                                        "starts_on": str(b.starts_on) if b.starts_on else None,
                                        "ends_on": str(b.ends_on) if b.ends_on else None}
                                       for b in batches]}
                          for c, batches in found])
        return
    render.out.print(render.table("Courses", ("ID", "Course", "Subject", "Batches"),
                                  ((c.id, c.name, c.subject, ", ".join(b.name for b in batches))
                                   for c, batches in found), empty="No courses."))


@course_app.command("batch")
def batch(
    ctx: typer.Context, course: Annotated[str, typer.Argument(help="The course's name.")],
    name: Annotated[str, typer.Argument(help="The batch's name, e.g. 'Autumn 2026'.")],
    starts: Annotated[str | None, typer.Option("--starts", help="First day.")] = None,
    ends: Annotated[str | None, typer.Option("--ends", help="Last day.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Add a batch (a cohort) to a course.

    Example:

    - `sessionsctl course batch "GCSE Maths" "Autumn 2026" --starts 2026-09-01 --ends 2026-12-18`
    """
    state = cli(ctx, json_output)
    made = state.centre.courses.add_batch(
        course, name,
        parse_day(starts, state.tz, field="--starts") if starts else None,
        parse_day(ends, state.tz, field="--ends") if ends else None)
    if state.json:
        render.emit_json({"id": made.id, "course_id": made.course_id, "name": made.name})
    else:
        render.out.print(f"Added batch #{made.id} {course} / {made.name}")


@course_app.command("assign")
def assign(
    ctx: typer.Context,
    course: Annotated[str, typer.Argument(help="The course's name ('-': in no course).")],
    batch_name: Annotated[str, typer.Argument(
        help="The batch's name ('-': in the course but no batch of it).")],
    sessions: Annotated[list[int], typer.Argument(help="Session ids.")],
) -> None:
    """Put sessions in a course and one of its batches, or in the course and no batch (a
    student enrolled with no batch sees those), or (`- -`) in no course; completed ones too:
    reports look back.

    Example:

    - `sessionsctl course assign "GCSE Maths" "Autumn 2026" 42 43 44`
    - `sessionsctl course assign "GCSE Maths" - 45`
    """
    state = cli(ctx)
    in_course = None if course == "-" else course
    batch = None if batch_name == "-" else batch_name
    changed = state.centre.courses.assign(in_course, batch, sessions)
    where = (f"in {course} / {batch}" if batch else f"in {course}, in no batch" if in_course
             else "in no course")
    render.out.print(f"{counted(changed, 'session')} now {where}")


# ------------------------------------------------------------------------- enrolments
StatusOpt = Annotated[EnrolmentStatus | None, typer.Option(
    "--status", help="active, paused, completed or dropped.", case_sensitive=False)]
Students = Annotated[list[str], typer.Argument(help="Students, by email or name.")]


def _enrolment_json(e: Enrolment) -> dict[str, Any]:
    return {"id": e.id, "course": e.course, "student": e.student, "name": e.name,
            "status": e.status.value, "batch": e.batch,
            "enrolled_at": record(e.enrolled_at), "changed_at": record(e.changed_at)}


def _print_enrolments(state: Any, title: str, found: list[Enrolment], empty: str) -> None:
    if state.json:
        render.emit_json([_enrolment_json(e) for e in found])
        return
    render.out.print(render.table(title, ("Student", "Email", "Batch", "Status", "Since"),
                                  ((e.name, e.student, e.batch or "", e.status.value,
                                    e.changed_at.astimezone(state.tz).date().isoformat()
                                    if e.changed_at else "")
                                   for e in found), empty=empty))


@course_app.command("enrol")
def enrol(
    ctx: typer.Context, course: Annotated[str, typer.Argument(help="The course's name.")],
    students: Students,
    batch: Annotated[str | None, typer.Option(
        "--batch", help="A batch of the course ('-': none). Default: a new enrolment in "
        "none, one there was keeps its batch.")] = None,
    status: StatusOpt = None,
    json_output: JsonOption = False,
) -> None:
    """Enrol students in a course: one enrolment each, new (active, unless --status says) or
    changed (its batch or status). Only an active enrolment shows the student the course's
    sessions in their batch (or its unbatched ones, with no batch) and reaches them by `mail
    send --to course`.

    Example:

    - `sessionsctl course enrol "GCSE Maths" ada@example.org "Sam Lee" --batch "Autumn 2026"`
    - `sessionsctl course enrol "GCSE Maths" ada@example.org --status paused`
    """
    state = cli(ctx, json_output)
    done = state.centre.courses.enrol(course, students, None if batch == "-" else batch,
                                      unbatched=batch == "-", status=status)
    _print_enrolments(state, f"Enrolled in {course}", done, "No one enrolled.")


@course_app.command("unenrol")
def unenrol(
    ctx: typer.Context, course: Annotated[str, typer.Argument(help="The course's name.")],
    students: Students, json_output: JsonOption = False,
) -> None:
    """Drop students from a course: their enrolments become `dropped`, kept (with their
    batch) as history; `course enrol` makes them active again.

    Example:

    - `sessionsctl course unenrol "GCSE Maths" ada@example.org`
    """
    state = cli(ctx, json_output)
    done = state.centre.courses.unenrol(course, students)
    _print_enrolments(state, f"Dropped from {course}", done, "No one dropped.")


@course_app.command("enrolments")
def enrolments(
    ctx: typer.Context, course: Annotated[str, typer.Argument(help="The course's name.")],
    status: StatusOpt = None, json_output: JsonOption = False,
) -> None:
    """The students enrolled in a course, with their batch and status (every status unless
    --status names one).

    Example:

    - `sessionsctl course enrolments "GCSE Maths" --status active --json`
    """
    state = cli(ctx, json_output)
    found = state.centre.courses.enrolments(course, status)
    _print_enrolments(state, f"Enrolments in {course}", found,
                      f"No {status.value} enrolments." if status else "No enrolments.")
