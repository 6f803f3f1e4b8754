"""`series` commands: list and show recurring series, and extend open-ended ones (cron)."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from ..core.domain import policy
from ..core.domain.serialize import session_json
from ..core.domain.timeutil import iso
from ..core.schedule.recurrence import parse_recurrence
from ..core.schedule.wording import describe
from . import render
from .context import cli

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]

app = typer.Typer(help="Recurring series of sessions.", no_args_is_help=True)


@app.command("list")
def list_(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List series with their rules.

    Example:

    - `sessionsctl series list`
    """
    state = cli(ctx, json_output)
    series = state.centre.series.all()
    if state.json:
        render.emit_json([{"id": s.id, "uid": s.uid, "rule": s.rule, "tz": s.tz,
                           "dtstart": s.dtstart.isoformat(), "title": s.template.get("title"),
                           "mentor": s.template.get("mentor"),
                           "expanded_until": iso(s.expanded_until, state.tz)} for s in series])
        return
    render.out.print(render.table(None, ("ID", "Title", "Mentor", "Rule", "First", "Zone"), (
        (s.id, s.template.get("title"), s.template.get("mentor"),
         describe(parse_recurrence(s.rule, ZoneInfo(s.tz))), f"{s.dtstart:%a %d %b %Y %H:%M}",
         s.tz) for s in series), empty="No series."))


@app.command("show")
def show(ctx: typer.Context, series_id: Annotated[int, typer.Argument(help="Series id.")],
         json_output: JsonOption = False) -> None:
    """A series' rule and its occurrences.

    Example:

    - `sessionsctl series show 7 --json`
    """
    state = cli(ctx, json_output)
    series, sessions, parts = state.centre.series.show(series_id)
    if state.json:
        render.emit_json({"id": series.id, "uid": series.uid, "rule": series.rule,
                          "tz": series.tz, "dtstart": series.dtstart.isoformat(),
                          "template": series.template, "origin_id": series.origin_id,
                          "parts": [p.id for p in parts],
                          "occurrences": [session_json(s, state.tz) for s in sessions]})
        return
    rule = describe(parse_recurrence(series.rule, ZoneInfo(series.tz)))
    render.out.print(f"Series #{series.id}: {series.template.get('title')!r}, {rule}, "
                     f"at {series.dtstart:%H:%M} {series.tz}")
    if len(parts) > 1:
        render.out.print(
            f"Split (--scope following) into series {', '.join(f'#{p.id}' for p in parts)} "
            f"(from {', '.join(f'{p.dtstart:%d %b %Y}' for p in parts)}): --scope all "
            "changes or cancels every part.")
    render.sessions_by_day(sessions, state.tz, state.names())


@app.command("extend")
def extend(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(
        "--days", min=1, max=policy.SERIES_SPAN.days,
        help="How far ahead to book open-ended series.")] = policy.SERIES_HORIZON.days,
    json_output: JsonOption = False,
) -> None:
    """Book open-ended series up to the rolling horizon. Safe to run from cron at any rate.

    Examples:

    - `sessionsctl series extend`
    - `sessionsctl series extend --days 120`
    """
    from datetime import timedelta

    state = cli(ctx, json_output)
    results = state.centre.series.extend(horizon=timedelta(days=days))
    if state.json:
        render.emit_json([{"series": r.series.id, "booked": len(r.booked),
                           "skipped": [iso(s, state.tz) for s in r.skipped],
                           "closed": [iso(s, state.tz) for s, _ in r.closed]} for r in results])
        return
    if not results:
        render.out.print("Every series is booked up to the horizon already.")
    for r in results:
        render.out.print(f"Series #{r.series.id}: {len(r.booked)} booked, "
                         f"{len(r.skipped)} skipped for conflicts, {len(r.closed)} for closures")
