"""What `session add` and `session edit` print: a session or a series booked or changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.centre import Booked
from ..core.domain.serialize import conflict_json, session_detail_json, session_json
from ..core.domain.timeutil import iso
from ..core.domain.words import counted
from . import render
from .context import Cli

if TYPE_CHECKING:  # loaded by the series it reports, never for a single session
    from ..core.schedule.series import SeriesResult


def session_changed(state: Cli, booked: Booked, verb: str) -> None:
    """One session booked or changed: its line (JSON: the session), and any conflicts it was
    forced over."""
    s = booked.session
    if state.json:
        render.emit_json(session_detail_json(s, state.tz))
        return
    mentor = state.centre.people.names([s.mentor]).get(s.mentor)
    render.out.print(f"{verb} #{s.id} {s.title!r}: {render.when(s.start, state.tz)}–"
                     f"{render.hhmm(s.end, state.tz)} with {mentor.label if mentor else s.mentor}")
    if booked.forced_over:
        render.conflicts(booked.forced_over, state.tz, more=booked.more)
        render.err.print(f"[yellow]forced over "
                         f"{counted(len(booked.forced_over) + booked.more, 'conflict')}:[/] "
                         f"{s.force_reason}")


def series_changed(state: Cli, result: SeriesResult, verb: str) -> None:
    """A series booked or changed: what was booked, changed, kept, skipped and why."""
    tz = state.tz
    if state.json:
        render.emit_json({
            "series": {"id": result.series.id, "uid": result.series.uid,
                       "rule": result.series.rule, "tz": result.series.tz},
            "booked": [session_json(s, tz) for s in result.booked],
            "changed": [session_json(s, tz) for s in result.changed],
            "kept": [session_json(s, tz) for s in result.kept],
            "removed": result.removed,
            "skipped": [iso(s, tz) for s in result.skipped],
            "closed": [{"start": iso(s, tz), "reason": r} for s, r in result.closed],
            "conflicts": [conflict_json(c, tz) for c in result.conflicts],
            "conflict_count": len(result.conflicts) + result.more,
        })
        return
    series = result.series
    sessions = result.booked or result.changed
    render.out.print(f"{verb} series #{series.id} ({result.description}): "
                     f"{len(result.booked)} booked, {len(result.changed)} changed"
                     + (f", {result.removed} removed" if result.removed else ""))
    if sessions:
        render.out.print(f"  from {render.when(sessions[0].start, tz)} "
                         f"to {render.when(sessions[-1].start, tz)}")
    for start, why in result.closed:
        render.out.print(f"  skipped {render.when(start, tz)}: closed ({why})", style="yellow")
    if result.skipped:
        render.out.print(f"  skipped {counted(len(result.skipped), 'clashing occurrence')}:",
                         style="yellow")
        render.conflicts(result.conflicts, tz, console=render.out, more=result.more)
    elif result.conflicts:
        render.conflicts(result.conflicts, tz, more=result.more)
        render.err.print("[yellow]forced over "
                         f"{counted(len(result.conflicts) + result.more, 'conflict')}[/]")
    if result.kept:
        render.out.print(f"  left as they were: {counted(len(result.kept), 'occurrence')} already "
                         "completed, cancelled or with attendance", style="dim")
