"""`attendance` and `feedback` commands."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from ..core import attendance
from ..core.domain.errors import InvalidInput, NotStarted
from ..core.domain.model import AttendanceStatus
from ..core.domain.serialize import attendance_json, feedback_json
from ..core.domain.words import counted
from . import render
from .context import cli
from .filters import BatchOpt, Course, From, Mentor, Student, SubjectOpt, To, session_filter

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
SessionId = Annotated[int, typer.Argument(help="Session id.")]

@contextmanager
def _force_hint() -> Iterator[None]:
    """Core refuses a session that has not started without naming a flag; here it is --force."""
    try:
        yield
    except NotStarted as exc:
        raise InvalidInput(f"{exc.detail} (use --force to "
                           "mark it anyway)", field=exc.field) from None


attendance_app = typer.Typer(help="Who came to a session.", no_args_is_help=True)
feedback_app = typer.Typer(help="Ratings and comments on sessions.", no_args_is_help=True)


@attendance_app.command("mark")
def mark(
    ctx: typer.Context, session_id: SessionId,
    email: Annotated[str, typer.Argument(help="The student's email or name.")],
    status: Annotated[str, typer.Argument(
        help="present, absent, late or excused (any case).", show_default=False)],
    note: Annotated[str | None, typer.Option("--note", help="A note on this mark.")] = None,
    check_in: Annotated[str | None, typer.Option(
        "--check-in", help="Arrival time on the session's day (17:12 alone is on that day).")] = None,
    check_out: Annotated[str | None, typer.Option(
        "--check-out", help="Departure time on the session's day.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Mark a session that has not started.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Mark one student's attendance of a session.

    Example:

    - `sessionsctl attendance mark 42 "Sam Lee" late --note bus --check-in 16:12`
    """
    state = cli(ctx, json_output)
    # Core reads the times once it knows the session: a time alone is on its day.
    with _force_hint():
        mark_ = state.centre.attendance.mark(
            session_id, email, attendance.parse_status(status), note=note, force=force,
            check_in=attendance.Typed(check_in, state.tz) if check_in else None,
            check_out=attendance.Typed(check_out, state.tz) if check_out else None)
    if state.json:
        render.emit_json(attendance_json(mark_, state.tz))
    else:
        render.out.print(f"Marked {mark_.student} {mark_.status.value} in session #{session_id}")


@attendance_app.command("list")
def list_(ctx: typer.Context, session_id: SessionId, json_output: JsonOption = False) -> None:
    """The attendance recorded for a session.

    Example:

    - `sessionsctl attendance list 42`
    """
    state = cli(ctx, json_output)
    marks = state.centre.attendance.marks(session_id)
    if state.json:
        render.emit_json([attendance_json(a, state.tz) for a in marks])
        return
    render.out.print(render.table(
        f"Attendance of session #{session_id}", ("Student", "Status", "In", "Out", "Note", "By"),
        ((a.student, a.status.value, render.hhmm(a.check_in, state.tz) if a.check_in else "",
          render.hhmm(a.check_out, state.tz) if a.check_out else "", a.note,
          render.by(a.recorded_by))
         for a in marks)))


EVERYONE = (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT)  # what mark-all may give


@attendance_app.command("mark-all")
def mark_all(
    ctx: typer.Context, session_id: SessionId,
    status: Annotated[str, typer.Argument(help="present or absent (any case).",
                                          show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Mark a session that has not started.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Mark every student of a session not marked yet; marks already given are kept.

    Example:

    - `sessionsctl attendance mark-all 42 present`
    """
    state = cli(ctx, json_output)
    given = attendance.parse_status(status, allowed=EVERYONE)
    with _force_hint():
        written = state.centre.attendance.mark_rest(session_id, given, force=force)
    if state.json:
        render.emit_json([attendance_json(a, state.tz) for a in written])
    elif written:
        render.out.print(f"Marked {counted(len(written), 'student')} {given.value} in session "
                         f"#{session_id}")
    else:
        render.out.print(f"Every student of session #{session_id} is marked already.")


@attendance_app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(
        help="CSV with a header row: session_id (or uid and start), email, status, and "
             "optionally check_in, check_out, note. '-' reads standard input.",
        allow_dash=True)],
    force: Annotated[bool, typer.Option(
        "--force", help="Also mark sessions that have not started.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check every row and report, but write nothing.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Mark attendance from a CSV file: every row or none (each bad row is named).

    Example:

    - `sessionsctl attendance import marks.csv --dry-run`
    """
    state = cli(ctx, json_output)
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {file}: {exc}", field="file") from None
    try:
        rows = attendance.read_marks(text, state.tz)
        result = state.centre.attendance.import_marks(rows, force=force, dry_run=dry_run)
    except InvalidInput as exc:
        hint = (" (use --force to also mark sessions that have not started)"
                if isinstance(exc, NotStarted) else "")
        raise InvalidInput(exc.message.removeprefix("file: ") + hint, field=str(file)) from None
    if state.json:
        render.emit_json({"dry_run": result.dry_run, "marked": len(result.marks),
                          "replaced": result.replaced,
                          "marks": [attendance_json(a, state.tz) for a in result.marks]})
        return
    verb = "Would mark" if dry_run else "Marked"
    render.out.print(f"{verb} {counted(len(result.marks), 'attendance record')} from {file}"
                     + (f" ({result.replaced} replacing an earlier mark)" if result.replaced
                        else "") + (" — dry run, nothing written" if dry_run else ""))


@attendance_app.command("export")
def export(
    ctx: typer.Context, start: From = None, end: To = None, mentor: Mentor = None,
    student: Student = None, subject: SubjectOpt = None, course: Course = None, batch: BatchOpt = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="Write to this file ('-' or none: standard output).")] = None,
) -> None:
    """Write the attendance marks of the chosen sessions as CSV (it imports again); the
    same filters as the reports.

    Example:

    - `sessionsctl attendance export --from 2026-09-01 --course "GCSE Maths" --output marks.csv`
    """
    state = cli(ctx)
    f = session_filter(state, start, end, mentor, student, subject, course, batch)
    text = state.centre.attendance.export_marks(f, state.tz)
    render.write_text(text, output)
    if output not in (None, "-"):
        render.err.print(f"Wrote {counted(text.count(chr(10)) - 1, 'mark')} to {output}", style="dim")


def _categories(items: list[str] | None) -> dict[str, int]:
    found: dict[str, int] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"{item!r} is not NAME=RATING", field="category")
        try:
            found[name.strip()] = int(value)
        except ValueError:
            raise InvalidInput(f"{value!r} is not a rating from 1 to 5",
                               field=f"category {name.strip()}") from None
    return found


@feedback_app.command("add")
def feedback_add(
    ctx: typer.Context, session_id: SessionId,
    author: Annotated[str, typer.Option(
        "--from", help="Who gives the feedback: their email or name.")],
    rating: Annotated[int, typer.Option("--rating", help="Overall rating, 1 to 5.")],
    category: Annotated[list[str] | None, typer.Option(
        "--category", help="A rating per category, NAME=1..5; repeat for each.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="Comments.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Give feedback on a session (a second one from the same person replaces the first).

    Example:

    - `sessionsctl feedback add 42 --from sam@example.org --rating 5 --category clarity=4`
    """
    state = cli(ctx, json_output)
    item = state.centre.feedback.add(session_id, author, rating,
                                     categories=_categories(category), text=text)
    if state.json:
        render.emit_json(feedback_json(item, state.tz))
    else:
        on_behalf = f", recorded by {item.recorded_by}" if item.recorded_by else ""
        render.out.print(f"Feedback from {item.author} on session #{session_id}: "
                         f"{item.rating}/5{on_behalf}")
