"""`feedback list`: what was said of sessions, for the people who may read it."""

from __future__ import annotations

from typing import Annotated

import typer

from ..core.domain.serialize import feedback_json
from ..core.domain.timeutil import iso
from . import render
from .attendance import feedback_app
from .context import cli
from .filters import From, Mentor, Student, To, session_filter
from .options import JsonOption


@feedback_app.command("list")
def feedback_list(
    ctx: typer.Context,
    session: Annotated[int | None, typer.Option("--session", help="Only this session's.")]
    = None,
    mentor: Mentor = None, student: Student = None, start: From = None, end: To = None,
    json_output: JsonOption = False,
) -> None:
    """Feedback on the sessions chosen (by default those of the last 30 days): staff read
    all, a mentor what was said of their sessions, a student what they said.

    Examples:

    - `sessionsctl feedback list --mentor ada@example.org --from 2026-11-01`
    - `sessionsctl feedback list --session 42 --json`
    """
    state = cli(ctx, json_output)
    f = session_filter(state, start, end, mentor, student, None, None)
    rows = state.centre.feedback.listed(f, session)
    tz = state.tz
    render.listing(
        state.json, rows,
        lambda r: {**feedback_json(r[3], tz), "start": iso(r[1], tz), "mentor": r[2]},
        ("Session", "When", "Mentor", "From", "Rating", "Categories", "Comment"),
        lambda r: (r[0], render.when(r[1], tz), r[2], r[3].author, f"{r[3].rating}/5",
                   ", ".join(f"{k} {v}" for k, v in sorted(r[3].categories.items())),
                   r[3].text or ""),
        title="Feedback", empty="No feedback.")
