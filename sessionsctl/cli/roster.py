"""`session enrol|unenrol`: a session's students one or several at a time (registered on the
`session` group of sessions.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..core.domain.serialize import conflict_json, session_detail_json
from ..core.domain.words import counted
from ..core.schedule.roster import RosterChange
from . import render
from .context import Cli, cli
from .options import Force, JsonOption, NoNotify, Reason
from .sessions import _force_reason, app

SessionId = Annotated[int, typer.Argument(help="Session id.")]
StudentArgs = Annotated[list[str], typer.Argument(
    help="The students' emails or names (one or several).", show_default=False)]


def _said(state: Cli, change: RosterChange, verb: str, people: tuple[str, ...]) -> None:
    s = change.session
    if state.json:
        render.emit_json({**session_detail_json(s, state.tz), "added": list(change.added),
                          "removed": list(change.removed),
                          "forced_over": [conflict_json(c, state.tz)
                                          for c in change.forced_over]})
        return
    names = state.centre.people.names(people)
    who = ", ".join(names[e].label if e in names else e for e in people)
    render.out.print(f"{verb} {who} (session #{s.id} {s.title!r}, "
                     f"{render.when(s.start, state.tz)}): seats {s.seats}")
    if change.forced_over:
        render.conflicts(list(change.forced_over), state.tz)
        render.err.print(f"[yellow]forced over "
                         f"{counted(len(change.forced_over), 'conflict')}[/]")


@app.command("enrol")
def enrol(ctx: typer.Context, session_id: SessionId, students: StudentArgs,
          force: Force = False, reason: Reason = None, no_notify: NoNotify = False,
          json_output: JsonOption = False) -> None:
    """Put students on a session, keeping those it has: each judged on their own clashes and
    the session's seats, all of them or none (exit 3 with every conflict); each is mailed.

    Examples:

    - `sessionsctl session enrol 42 sam@example.org "Kim Park"`
    - `sessionsctl session enrol 42 lee@example.org --force --reason "sits in for an hour"`
    """
    state = cli(ctx, json_output)
    change = state.centre.roster.enrol(session_id, students,
                                       force_reason=_force_reason(force, reason),
                                       notify=not no_notify)
    _said(state, change, "Enrolled", change.added)


@app.command("unenrol")
def unenrol(ctx: typer.Context, session_id: SessionId, students: StudentArgs,
            no_notify: NoNotify = False, json_output: JsonOption = False) -> None:
    """Take students off a session (all of them or none); each is mailed that they were
    taken off, the others keep their places.

    Examples:

    - `sessionsctl session unenrol 42 sam@example.org`
    - `sessionsctl session unenrol 42 "Kim Park" lee@example.org --no-notify`
    """
    state = cli(ctx, json_output)
    change = state.centre.roster.unenrol(session_id, students, notify=not no_notify)
    _said(state, change, "Unenrolled", change.removed)
