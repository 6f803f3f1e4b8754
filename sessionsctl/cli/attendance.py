"""`attendance` and `feedback` commands."""

from __future__ import annotations

from typing import Annotated

import typer

from ..core.errors import InvalidInput
from ..core.model import AttendanceStatus
from ..core.serialize import attendance_json, feedback_json
from ..core.timeutil import parse_instant
from . import render
from .context import cli

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
SessionId = Annotated[int, typer.Argument(help="Session id.")]

attendance_app = typer.Typer(help="Who came to a session.", no_args_is_help=True)
feedback_app = typer.Typer(help="Ratings and comments on sessions.", no_args_is_help=True)


@attendance_app.command("mark")
def mark(
    ctx: typer.Context, session_id: SessionId,
    email: Annotated[str, typer.Argument(help="The student's email.")],
    status: Annotated[AttendanceStatus, typer.Argument(help="present, absent, late or excused.")],
    note: Annotated[str | None, typer.Option("--note", help="A note on this mark.")] = None,
    check_in: Annotated[str | None, typer.Option("--check-in", help="Arrival time.")] = None,
    check_out: Annotated[str | None, typer.Option("--check-out", help="Departure time.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Mark a session that has not started.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Mark one student's attendance of a session."""
    state = cli(ctx, json_output)
    mark_ = state.centre.mark_attendance(
        session_id, email, status, note=note, force=force,
        check_in=parse_instant(check_in, state.tz, field="check_in") if check_in else None,
        check_out=parse_instant(check_out, state.tz, field="check_out") if check_out else None)
    if state.json:
        render.emit_json(attendance_json(mark_, state.tz))
    else:
        render.out.print(f"Marked {mark_.student} {mark_.status.value} in session #{session_id}")


@attendance_app.command("list")
def list_(ctx: typer.Context, session_id: SessionId, json_output: JsonOption = False) -> None:
    """The attendance recorded for a session."""
    state = cli(ctx, json_output)
    marks = state.centre.attendance(session_id)
    if state.json:
        render.emit_json([attendance_json(a, state.tz) for a in marks])
        return
    render.out.print(render.table(
        f"Attendance of session #{session_id}", ("Student", "Status", "In", "Out", "Note", "By"),
        ((a.student, a.status.value, render.hhmm(a.check_in, state.tz) if a.check_in else "",
          render.hhmm(a.check_out, state.tz) if a.check_out else "", a.note, a.recorded_by)
         for a in marks)))


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
    author: Annotated[str, typer.Option("--from", help="Email of who gives the feedback.")],
    rating: Annotated[int, typer.Option("--rating", help="Overall rating, 1 to 5.")],
    category: Annotated[list[str] | None, typer.Option(
        "--category", help="A rating per category, NAME=1..5; repeat for each.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="Comments.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Give feedback on a session (a second one from the same person replaces the first)."""
    state = cli(ctx, json_output)
    item = state.centre.add_feedback(session_id, author, rating,
                                     categories=_categories(category), text=text)
    if state.json:
        render.emit_json(feedback_json(item, state.tz))
    else:
        render.out.print(f"Feedback from {item.author} on session #{session_id}: {item.rating}/5")
