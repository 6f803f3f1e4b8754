"""`request` commands: students ask for short sessions, mentors claim and schedule them."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from ..core.domain.errors import InvalidInput
from ..core.domain.model import SessionType
from ..core.domain.serialize import iso, session_json
from ..core.domain.timeutil import parse_day, parse_instant
from ..core.domain.words import counted
from ..core.mail.notices import format_duration, parse_duration
from ..core.requests.model import (
    EXPIRE_AFTER,
    RELEASE_AFTER,
    MentorRequest,
    RequestDraft,
    Urgency,
    preference,
)
from . import render
from .context import cli

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
IdArgument = Annotated[int, typer.Argument(help="The request's number.")]

request_app = typer.Typer(help="Mentorship requests: students ask, mentors claim and schedule.",
                          no_args_is_help=True)


def request_json(r: MentorRequest, tz: ZoneInfo) -> dict[str, Any]:
    return {"id": r.id, "title": r.title, "status": r.status.value, "student": r.student,
            "mentor": r.mentor, "minutes": r.minutes, "urgency": r.urgency.value,
            "type": r.type.value, "description": r.description, "tags": list(r.tags),
            "prefer": [str(p) for p in r.preferences], "tz": r.tz,
            "session_id": r.session_id, "created": iso(r.created_at, tz),
            "claimed": iso(r.claimed_at, tz), "created_by": r.created_by}


def _said(r: MentorRequest) -> str:
    who = f" by {r.mentor}" if r.mentor and r.status.value == "claimed" else ""
    session = f" as session {r.session_id}" if r.session_id else ""
    return f"Request {r.id} ({r.title}) is {r.status.value}{who}{session}"


def _show(state: Any, r: MentorRequest) -> None:
    if state.json:
        render.emit_json(request_json(r, state.tz))
    else:
        render.out.print(_said(r), highlight=False)


@request_app.command("add")
def request_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", help="What the session is about.")],
    duration: Annotated[int, typer.Option("--duration", help="Minutes, 30 to 60.")] = 30,
    urgency: Annotated[Urgency, typer.Option("--urgency", help="How soon it is needed.")]
    = Urgency.NORMAL,
    type_: Annotated[SessionType, typer.Option("--type", help="The kind of session.")]
    = SessionType.INDIVIDUAL,
    prefer: Annotated[list[str] | None, typer.Option(
        "--prefer", help="A day that suits, with hours if only some do: '2027-03-02' or "
                         "'2027-03-02 15:00-17:00'; repeat for several.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A topic; repeat.")] = None,
    description: Annotated[str | None, typer.Option("--description", help="More detail.")]
    = None,
    for_: Annotated[str | None, typer.Option(
        "--for", help="The student it is for (staff asking on their behalf); default: you.")]
    = None,
    json_output: JsonOption = False,
) -> None:
    """Ask for a short one-off session; mentors see it in the open queue.

    Examples:

    - `sessionsctl request add --title Quadratics --duration 45 --urgency high --tag algebra`
    - `sessionsctl request add --title Vectors --prefer "2027-03-02 15:00-18:00" --prefer fri`
    - `sessionsctl request add --title "Essay plan" --for sam@example.org --prefer tomorrow`
    """
    state = cli(ctx, json_output)
    tz = state.tz
    prefs = tuple(preference(p, lambda d: parse_day(d, tz, field="prefer")) for p in prefer or ())
    made = state.centre.requests.add(RequestDraft(
        title, for_ or "", duration, state.tz_name, urgency, type_, description, prefs,
        tuple(tag or ())))
    if state.json:
        render.emit_json(request_json(made, state.tz))
    else:
        render.out.print(f"Request {made.id} is open: {made.title} ({made.minutes} min, "
                         f"{made.urgency.value}) for {made.student}", highlight=False)


@request_app.command("list")
def request_list(
    ctx: typer.Context,
    open_: Annotated[bool, typer.Option("--open", help="The open queue only.")] = False,
    mine: Annotated[bool, typer.Option("--mine", help="Yours only (asked or claimed).")]
    = False,
    claimed: Annotated[bool, typer.Option("--claimed", help="Claimed ones only.")] = False,
    tag: Annotated[str | None, typer.Option("--tag", help="With this tag.")] = None,
    urgency: Annotated[Urgency | None, typer.Option("--urgency", help="Of this urgency.")]
    = None,
    json_output: JsonOption = False,
) -> None:
    """List the requests you may see: open ones first, the most urgent and oldest first.

    Examples:

    - `sessionsctl request list --open`
    - `sessionsctl request list --mine --json`
    """
    state = cli(ctx, json_output)
    chosen = [w for w, on in (("open", open_), ("mine", mine), ("claimed", claimed)) if on]
    if len(chosen) > 1:
        raise InvalidInput("choose one of --open, --mine and --claimed", field="open")
    found = state.centre.requests.find(which=chosen[0] if chosen else None, tag=tag,
                                       urgency=urgency)
    tz = state.tz
    render.listing(state.json, found, lambda r: request_json(r, tz),
                   ("#", "Status", "Urgency", "Title", "Min", "Student", "Mentor", "Asked"),
                   lambda r: (r.id, r.status.value, r.urgency.value, r.title, r.minutes,
                              r.student, r.mentor or "", render.when(r.created_at, tz)),
                   empty="No requests.")


@request_app.command("show")
def request_show(ctx: typer.Context, request_id: IdArgument,
                 json_output: JsonOption = False) -> None:
    """Show one request.

    Example:

    - `sessionsctl request show 4`
    """
    state = cli(ctx, json_output)
    r = state.centre.requests.show(request_id)
    if state.json:
        render.emit_json(request_json(r, state.tz))
        return
    render.out.print(_said(r), highlight=False)
    for label, value in (("Student", r.student), ("Length", f"{r.minutes} min"),
                         ("Urgency", r.urgency.value), ("Type", r.type.value),
                         ("Asked", render.when(r.created_at, state.tz)),
                         ("Prefers", ", ".join(map(str, r.preferences)) or "any time"),
                         ("Tags", ", ".join(r.tags) or "-"),
                         ("Details", r.description or "-")):
        render.out.print(f"  {label + ':':9} {value}", highlight=False)


@request_app.command("cancel")
def request_cancel(ctx: typer.Context, request_id: IdArgument,
                   json_output: JsonOption = False) -> None:
    """Withdraw a request (its student, or staff) before it is scheduled.

    Example:

    - `sessionsctl request cancel 4`
    """
    state = cli(ctx, json_output)
    _show(state, state.centre.requests.cancel(request_id))


@request_app.command("claim")
def request_claim(
    ctx: typer.Context, request_id: IdArgument,
    mentor: Annotated[str | None, typer.Option(
        "--mentor", help="The mentor it is for (staff); default: you.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Take an open request: it leaves the queue and is yours to schedule (exit 3 when
    another mentor took it first).

    Examples:

    - `sessionsctl request claim 4`
    - `sessionsctl request claim 4 --mentor ada@example.org`
    """
    state = cli(ctx, json_output)
    _show(state, state.centre.requests.claim(request_id, mentor))


@request_app.command("release")
def request_release(ctx: typer.Context, request_id: IdArgument,
                    json_output: JsonOption = False) -> None:
    """Give a claimed request back to the open queue.

    Example:

    - `sessionsctl request release 4`
    """
    state = cli(ctx, json_output)
    _show(state, state.centre.requests.release(request_id))


@request_app.command("schedule")
def request_schedule(
    ctx: typer.Context, request_id: IdArgument,
    start: Annotated[str | None, typer.Option(
        "--start", help="Book it then; without it, the first free slots are offered.")] = None,
    room: Annotated[str | None, typer.Option("--room", help="A room to hold it in.")] = None,
    count: Annotated[int, typer.Option("--count", min=1, max=20, help="Slots to offer.")] = 5,
    json_output: JsonOption = False,
) -> None:
    """Book a claimed request as a session (conflict-checked; mentor and student are told),
    or, without --start, offer the first free slots on the student's preferred days.

    Examples:

    - `sessionsctl request schedule 4`
    - `sessionsctl request schedule 4 --start "2027-03-02 15:30" --room "Room 2"`
    """
    state = cli(ctx, json_output)
    requests = state.centre.requests
    if start is None:
        slots = requests.suggest(request_id, count)
        tz = state.tz
        render.listing(state.json, slots,
                       lambda s: {"start": iso(s.start, tz), "end": iso(s.end, tz)},
                       ("Start", "End"),
                       lambda s: (render.when(s.start, tz), render.hhmm(s.end, tz)),
                       title=f"Free for request {request_id}", empty="No free slot fits.")
        if slots and not state.json:
            first = slots[0].start.astimezone(tz).strftime("%Y-%m-%d %H:%M")
            render.out.print(f"Book one: sessionsctl request schedule {request_id} --start "
                             f"\"{first}\"", style="dim", highlight=False)
        return
    at = parse_instant(start, state.tz, field="start")
    session = requests.schedule(request_id, at, room=room)
    if state.json:
        render.emit_json(session_json(session, state.tz))
    else:
        render.out.print(f"Request {request_id} is scheduled as session {session.id}: "
                         f"{render.when(session.start, state.tz)}", highlight=False)


@request_app.command("expire")
def request_expire(
    ctx: typer.Context,
    after: Annotated[str, typer.Option(
        "--after", envvar="SESSIONSCTL_REQUEST_EXPIRY", show_envvar=True,
        help="Open requests older than this expire (90m, 24h, 7d).")]
    = format_duration(EXPIRE_AFTER),
    release_after: Annotated[str, typer.Option(
        "--release-after", envvar="SESSIONSCTL_CLAIM_EXPIRY", show_envvar=True,
        help="Claims not scheduled within this go back to the queue.")]
    = format_duration(RELEASE_AFTER),
    json_output: JsonOption = False,
) -> None:
    """The cron job (safe to run often): expire old open requests (their students are told),
    reopen lapsed claims, and complete the requests whose session was held (the student is
    asked for feedback, once).

    Example:

    - `sessionsctl request expire --after 7d --release-after 48h`
    """
    state = cli(ctx, json_output)
    swept = state.centre.requests.sweep(
        expire_after=parse_duration(after, field="after"),
        release_after=parse_duration(release_after, field="release-after"))
    counts = {"expired": [r.id for r in swept.expired], "reopened": [r.id for r in swept.reopened],
              "completed": [r.id for r in swept.completed],
              "cancelled": [r.id for r in swept.cancelled]}
    if state.json:
        render.emit_json(counts)
    else:
        render.out.print(", ".join(f"{counted(len(ids), 'request')} {what}"
                                   for what, ids in counts.items()), highlight=False)
