"""`session enrol|unenrol`: a session's students one or several at a time; `session open|
register|withdraw|waitlist`: registration for group sessions (registered on the `session`
group of sessions.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..core.domain.serialize import conflict_json, session_detail_json, session_json
from ..core.domain.timeutil import iso, parse_instant
from ..core.domain.words import counted
from ..core.schedule.registration import Registered, Waitlist
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


def _registered(state: Cli, done: Registered, verb: str) -> None:
    s = done.session
    if state.json:
        render.emit_json({**session_detail_json(s, state.tz), "student": done.student,
                          "waitlist_place": done.place, "promoted": list(done.promoted)})
        return
    if done.place is not None:
        render.out.print(f"Session #{s.id} {s.title!r} is full ({s.seats}): {done.student} "
                         f"is on its waitlist, place {done.place}")
        return
    render.out.print(f"{verb} {done.student} (session #{s.id} {s.title!r}, "
                     f"{render.when(s.start, state.tz)}): seats {s.seats}")
    for email in done.promoted:
        render.out.print(f"{email} had been waiting and has the seat now")


def _waitlist(state: Cli, waitlist: Waitlist) -> None:
    s, tz = waitlist.session, state.tz
    if state.json:
        render.emit_json({"session": session_json(s, tz), "until": iso(waitlist.until, tz),
                          "waiting": [{"place": i, "student": e, "since": iso(at, tz)}
                                      for i, (e, at) in enumerate(waitlist.waiting, 1)]})
        return
    until = f"open until {render.when(waitlist.until, tz)}" if waitlist.until else "not open"
    render.out.print(f"Session #{s.id} {s.title!r}: seats {s.seats}, registration {until}")
    if not waitlist.waiting:
        render.out.print("Nobody is waiting.")
        return
    render.out.print(render.table("Waitlist", ("Place", "Student", "Since"), (
        (i, e, render.when(at, tz)) for i, (e, at) in enumerate(waitlist.waiting, 1))))


@app.command("open")
def open_(ctx: typer.Context, session_id: SessionId,
          seats: Annotated[int | None, typer.Option(
              "--seats", min=1, help="How many may register, at most its room's seats "
                                     "(default: its --max, else by type: individual 1, group "
                                     "10, workshop 50).")] = None,
          until: Annotated[str | None, typer.Option(
              "--until", help="When registration closes (default: the start).")] = None,
          json_output: JsonOption = False) -> None:
    """Open a session for registration: students who may see it register themselves
    (`session register`), a full one puts them on a waitlist.

    Examples:

    - `sessionsctl session open 42 --seats 12`
    - `sessionsctl session open 42 --until "2027-01-11 18:00"`
    """
    state = cli(ctx, json_output)
    closes = parse_instant(until, state.tz, field="until", need_time=True) if until else None
    _waitlist(state, state.centre.registration.open(session_id, seats=seats, until=closes))


@app.command("register")
def register(ctx: typer.Context, session_id: SessionId,
             for_: Annotated[str | None, typer.Option(
                 "--for", help="The student (staff, or the mentor, on their behalf); "
                               "default: you.")] = None,
             no_notify: NoNotify = False, json_output: JsonOption = False) -> None:
    """Register for a session open for registration: a seat if one is free, else the next
    place on its waitlist; refused (exit 3) if you are busy then.

    Examples:

    - `sessionsctl --as sam@example.org session register 42`
    - `sessionsctl session register 42 --for "Kim Park"`
    """
    state = cli(ctx, json_output)
    _registered(state, state.centre.registration.register(session_id, for_,
                                                          notify=not no_notify), "Registered")


@app.command("withdraw")
def withdraw(ctx: typer.Context, session_id: SessionId,
             for_: Annotated[str | None, typer.Option(
                 "--for", help="The student (staff, or the mentor); default: you.")] = None,
             no_notify: NoNotify = False, json_output: JsonOption = False) -> None:
    """Withdraw from a session or its waitlist; a seat freed goes to the first one waiting
    who is free then (told by mail).

    Examples:

    - `sessionsctl --as sam@example.org session withdraw 42`
    - `sessionsctl session withdraw 42 --for kim@example.org`
    """
    state = cli(ctx, json_output)
    _registered(state, state.centre.registration.withdraw(session_id, for_,
                                                          notify=not no_notify), "Withdrew")


@app.command("waitlist")
def waitlist(ctx: typer.Context, session_id: SessionId, json_output: JsonOption = False) -> None:
    """Who waits for a seat of a session, in order, and until when registration is open.

    Example:

    - `sessionsctl session waitlist 42`
    """
    state = cli(ctx, json_output)
    _waitlist(state, state.centre.registration.waitlist(session_id))


@app.command("join")
def join(ctx: typer.Context, session_id: SessionId,
         print_: Annotated[bool, typer.Option(
             "--print", help="Print the meeting link instead of opening it.")] = False,
         json_output: JsonOption = False) -> None:
    """Join a session you take part in while it runs (from 10 minutes before its start):
    opens its meeting link in your browser, and checks you in (a student: present, or late
    after the grace, config late_grace minutes).

    Examples:

    - `sessionsctl --as sam@example.org session join 42`
    - `sessionsctl session join 42 --print`
    """
    state = cli(ctx, json_output)
    joined = state.centre.joining.join(session_id)
    mark = joined.mark
    if state.json:
        render.emit_json({"session": session_json(joined.session, state.tz),
                          "link": joined.link, "checked_in": joined.written,
                          "status": mark.status.value if mark else None,
                          "check_in": iso(mark.check_in, state.tz) if mark else None})
        return
    if mark is not None:
        said = "checked in" if joined.written else "already marked"
        at = f" at {render.hhmm(mark.check_in, state.tz)}" if mark.check_in else ""
        render.out.print(f"{said}: {mark.status.value}{at}")
    if joined.link is None:
        render.out.print(f"Session #{joined.session.id} has no meeting link.")
    elif print_:
        render.out.print(joined.link, highlight=False, soft_wrap=True)
    else:
        import webbrowser

        if not webbrowser.open(joined.link):
            render.out.print(joined.link, highlight=False, soft_wrap=True)
