"""`attendance warnings`: the students whose attendance falls below a threshold."""

from __future__ import annotations

from typing import Annotated

import typer

from ..core.domain.errors import InvalidInput
from ..core.domain.words import counted
from ..core.mail.notices import parse_duration
from . import render
from .attendance import attendance_app
from .context import cli
from .options import JsonOption


def _share(text: str) -> float:
    """``80%``, ``80`` or ``0.8`` as a share (0 to 1)."""
    try:
        value = float(text.strip().removesuffix("%"))
    except ValueError:
        raise InvalidInput(f"{text!r} is not a percentage like 80%", field="--threshold") from None
    return value / 100 if text.strip().endswith("%") or value > 1 else value


@attendance_app.command("warnings")
def warnings(
    ctx: typer.Context,
    threshold: Annotated[str, typer.Option(
        "--threshold", help="Students attending less than this share: 80%.")] = "80%",
    window: Annotated[str, typer.Option(
        "--window", help="Over the sessions of this long up to now: 30d, 8w.")] = "30d",
    mail: Annotated[bool, typer.Option(
        "--mail", help="Queue a mail to each student who fell below since the last run "
        "(once per crossing; staff).")] = False,
    json_output: JsonOption = False,
) -> None:
    """List the students whose attendance rate over the last --window falls below --threshold
    (as `report attendance` counts it: present and late of those marked present, late or
    absent; excused and unmarked left out), lowest first. Staff see every student, a mentor
    those of their own sessions.

    With --mail (staff, for cron) each student who fell below is mailed once, queued in the
    outbox (`reminders send` sends it): not again while they stay below, again if they recover and
    fall below once more.

    Examples:

    - `sessionsctl attendance warnings`
    - `sessionsctl attendance warnings --threshold 75% --window 8w --json`
    - `sessionsctl attendance warnings --threshold 80% --window 30d --mail`
    """
    state = cli(ctx, json_output)
    share = _share(threshold)
    span = parse_duration(window, field="--window")
    found = state.centre.absences.below(share, span, state.tz)
    told = {b.student for b in state.centre.absences.warn(share, span, state.tz)} if mail \
        else set()
    render.listing(state.json, found,
                   lambda b: {"student": b.student, "name": b.name, "rate": b.rate,
                              "sessions": b.sessions, "present": b.present, "late": b.late,
                              "absent": b.absent, **({"mailed": b.student in told}
                                                     if mail else {})},
                   ("Student", "Name", "Rate", "Present", "Late", "Absent"),
                   lambda b: (b.student, b.name, f"{b.rate:.0%}", b.present, b.late, b.absent),
                   empty=f"No student below {share:.0%} over the last {window}.")
    if found and not state.json:
        render.err.print(f"{counted(len(found), 'student')} below {share:.0%} over the last "
                         f"{window}."
                         + (f" {counted(len(told), 'mail')} queued." if mail else ""),
                         style="dim")
