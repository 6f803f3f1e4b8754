"""`course` and `batch` commands: courses, their batches, and which sessions belong to one."""

from __future__ import annotations

from typing import Annotated

import typer

from ..core.domain.timeutil import parse_day
from ..core.domain.words import counted
from . import render
from .context import cli

course_app = typer.Typer(help="Courses and their batches (for per-batch reports).",
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
    ctx: typer.Context, course: Annotated[str, typer.Argument(help="The course's name.")],
    batch_name: Annotated[str, typer.Argument(help="The batch's name ('-' for none).")],
    sessions: Annotated[list[int], typer.Argument(help="Session ids.")],
) -> None:
    """Put sessions in a batch of a course (completed ones too: reports look back).

    Example:

    - `sessionsctl course assign "GCSE Maths" "Autumn 2026" 42 43 44`
    """
    state = cli(ctx)
    changed = state.centre.courses.assign(course, None if batch_name == "-" else batch_name,
                             sessions)
    render.out.print(f"{counted(changed, 'session')} now in {course} / {batch_name}"
                     if batch_name != "-" else f"{counted(changed, 'session')} taken out of their batch")
