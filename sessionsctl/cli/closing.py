"""`session close-ended`: complete the sessions that ended a while ago (for cron)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..core.domain.serialize import session_json
from ..core.domain.words import counted
from ..core.mail.notices import parse_duration
from . import render
from .context import cli
from .options import JsonOption
from .sessions import app


@app.command("close-ended")
def close_ended(
    ctx: typer.Context,
    after: Annotated[str, typer.Option(
        "--after", help="Sessions that ended more than this long ago: 90m, 2h, 1d.")] = "2h",
    unmarked: Annotated[str | None, typer.Option(
        "--unmarked", help="What becomes of students nobody marked: absent, or leave them "
        "unmarked (default: the config's unmarked, else absent).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be closed; "
                                          "write nothing.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Complete the sessions still scheduled or in progress that ended more than --after ago
    (each step audited, as `session complete`), marking their unmarked students absent unless
    --unmarked leave (or config `unmarked = "leave"`), and queueing each mentor one attendance
    summary. Nothing runs it unless you do: put it in cron; a second run finds nothing
    to do.

    Examples:

    - `sessionsctl session close-ended --after 2h`
    - `sessionsctl session close-ended --after 1d --unmarked leave --dry-run`
    """
    state = cli(ctx, json_output)
    window = parse_duration(after, field="--after")
    closed = state.centre.closing.close_ended(window, unmarked, dry_run=dry_run)
    if state.json:
        render.emit_json([{"session": session_json(c.session, state.tz), "absent": list(c.absent)}
                          for c in closed])
        return
    for c in closed:
        absent = f"; absent: {', '.join(c.absent)}" if c.absent else ""
        render.out.print(f"#{c.session.id} {c.session.title} "
                         f"({render.when(c.session.start, state.tz)}){absent}", highlight=False)
    marked = sum(len(c.absent) for c in closed)
    verb = "Would complete" if dry_run else "Completed"
    render.out.print(f"{verb} {counted(len(closed), 'session')}"
                     + (f", {counted(marked, 'student')} marked absent." if marked else "."),
                     style="dim")
