"""`session free` and `session explain`: the next free slots for a booking, and why a slot
cannot be booked."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Annotated

import typer

from ..core.domain import policy, rules
from ..core.domain.drafts import SessionDraft
from ..core.domain.errors import InvalidInput
from ..core.domain.serialize import conflict_json
from ..core.domain.timeutil import iso, parse_bound, parse_instant
from . import render
from .context import Cli, cli
from .options import DURATION, JsonOption, Max, Room, Students


def _probe(state: Cli, mentor: str, students: list[str] | None, room: str | None,
           begin: datetime, duration: int) -> SessionDraft:
    """A draft standing for "this mentor, these students, this room, then", to check (the
    people by email or name, as stored)."""
    return state.centre.people.resolve_draft(SessionDraft(
        title="(slot)", mentor=mentor, start=begin, end=begin + rules.length(duration),
        tz=state.tz_name, students=tuple(students or ()), room=room or None))


def free(
    ctx: typer.Context,
    mentor: Annotated[str, typer.Option("--mentor", help="The mentor's email or name.")],
    duration: Annotated[int, typer.Option("--duration", help=DURATION)],
    student: Students = None, room: Room = None,
    from_: Annotated[str, typer.Option("--from", help="Search from this day or time.")] = "now",
    to: Annotated[str | None,
                  typer.Option("--to", help="Search up to this day (default: 14 days on).")] = None,
    count: Annotated[int, typer.Option("--count", help="How many slots to suggest.")] = 5,
    step: Annotated[int, typer.Option("--step", help="Minutes between candidate starts.")] = 15,
    json_output: JsonOption = False,
) -> None:
    """Suggest the next free slots that fit the mentor, students, room and availability.

    Example:

    - `sessionsctl session free --mentor ada@example.org --student sam@example.org --duration 60`
    """
    state = cli(ctx, json_output)
    if step <= 0 or count <= 0:
        raise InvalidInput("--step and --count must be positive", field="step")
    draft = _probe(state, mentor, student, room,
                   parse_bound(from_, state.tz, field="from"), duration)
    until = (parse_bound(to, state.tz, field="to", end=True) if to
             else draft.start + policy.SLOT_HORIZON)
    slots = state.centre.slots.find(draft, until=until, count=count,
                                    step=timedelta(minutes=step))
    if state.json:
        render.emit_json([{"start": iso(s.start, state.tz), "end": iso(s.end, state.tz),
                           "room": s.room or room} for s in slots])
        return
    if not slots:
        render.out.print("No free slot found in that range.")
        return
    other_rooms = any(s.room for s in slots)  # only the room was taken then: another one
    who = state.centre.people.names([draft.mentor]).get(draft.mentor)
    render.out.print(render.table(
        f"Free slots for {who.label if who else draft.mentor}",
        ("When", "To", "Room") if other_rooms else ("When", "To"),
        ((render.when(s.start, state.tz), render.hhmm(s.end, state.tz),
          *((s.room or room or "",) if other_rooms else ())) for s in slots)))


def explain(
    ctx: typer.Context,
    mentor: Annotated[str, typer.Option("--mentor", help="The mentor's email or name.")],
    start: Annotated[str, typer.Option("--start", help="The slot's start.")],
    duration: Annotated[int, typer.Option("--duration", help=DURATION)],
    student: Students = None, room: Room = None,
    max_: Max = None, json_output: JsonOption = False,
) -> None:
    """Say why a slot cannot be booked (clashes, closure, availability, room full).

    Example:

    - `sessionsctl session explain --mentor ada@example.org --start "2027-01-05 16:30" --duration 60`
    """
    state = cli(ctx, json_output)
    draft = _probe(state, mentor, student, room,
                   parse_instant(start, state.tz, field="start", need_time=True), duration)
    found = state.centre.sessions.check(replace(draft, max_participants=max_))
    if state.json:
        render.emit_json({"free": not found,
                          "conflicts": [conflict_json(c, state.tz) for c in found]})
    elif not found:
        render.out.print(f"Free: {render.when(draft.start, state.tz)}–"
                         f"{render.hhmm(draft.end, state.tz)} can be booked.")
    else:
        render.conflicts(found, state.tz, console=render.out)
    if found:
        raise typer.Exit(3)
