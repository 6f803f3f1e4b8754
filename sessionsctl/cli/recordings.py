"""`session recording`: links to a session's recordings; `session code`: an in-person
session's check-in code; `attendance checkin`: a student checks in with it (registered on the
`session` and `attendance` groups)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..core.domain.errors import InvalidInput
from ..core.domain.timeutil import iso
from ..core.schedule.ports import Recording
from . import render
from .attendance import attendance_app
from .context import Cli, cli
from .options import JsonOption
from .sessions import app

SessionId = Annotated[int, typer.Argument(help="Session id.")]


def recording_json(r: Recording, state: Cli) -> dict[str, Any]:
    return {"id": r.id, "session_id": r.session_id, "url": r.url, "title": r.title,
            "public": r.public, "added_by": r.added_by,
            "added_at": iso(r.added_at, state.tz) if r.added_at else None}


def recordings_table(recordings: list[Recording], state: Cli) -> Any:
    return render.table("Recordings", ("Id", "Title", "Link", "Public", "Added"), (
        (r.id, r.title or "", r.url, "yes" if r.public else "",
         render.when(r.added_at, state.tz) if r.added_at else "") for r in recordings))


@app.command("recording")
def recording(ctx: typer.Context, session_id: SessionId,
              url: Annotated[str | None, typer.Argument(
                  help="The recording's link (http:// or https://).", show_default=False)] = None,
              title: Annotated[str | None, typer.Option(
                  "--title", help="What the recording is called.")] = None,
              public: Annotated[bool, typer.Option(
                  "--public", help="For anyone who may see the session, not only its "
                                   "participants.")] = False,
              list_: Annotated[bool, typer.Option(
                  "--list", help="List the session's recordings you may see.")] = False,
              json_output: JsonOption = False) -> None:
    """Keep a link to a recording of a session (its mentor or staff; several allowed, each
    audited), or list them: participants see them all, others who may see the session only
    the --public ones.

    Examples:

    - `sessionsctl session recording 42 https://video.example.org/v/8812 --title "Part 1"`
    - `sessionsctl session recording 42 https://video.example.org/v/8813 --public`
    - `sessionsctl session recording 42 --list`
    """
    state = cli(ctx, json_output)
    if list_ or url is None:
        if url is not None:
            raise InvalidInput("give a link, or --list, not both", field="url")
        session, found = state.centre.recordings.of(session_id)
        if state.json:
            render.emit_json([recording_json(r, state) for r in found])
        elif not found:
            render.out.print(f"Session #{session.id} {session.title!r} has no recordings.")
        else:
            render.out.print(recordings_table(found, state))
        return
    session, made = state.centre.recordings.add(session_id, url, title=title, public=public)
    if state.json:
        render.emit_json(recording_json(made, state))
        return
    who = "anyone who may see the session" if made.public else "its participants"
    render.out.print(f"Recording #{made.id} kept on session #{session.id} {session.title!r} "
                     f"(for {who}): {made.url}", highlight=False, soft_wrap=True)


@app.command("code")
def code(ctx: typer.Context, session_id: SessionId, json_output: JsonOption = False) -> None:
    """Show the check-in code of an in-person session as it runs (its mentor or staff), from
    10 minutes before its start to its end; students check in with `attendance checkin`.

    Example:

    - `sessionsctl session code 42`
    """
    state = cli(ctx, json_output)
    made = state.centre.checkins.code(session_id)
    if state.json:
        render.emit_json({"session_id": made.session.id, "code": made.code,
                          "valid_until": iso(made.until, state.tz)})
        return
    render.out.print(f"Check-in code for session #{made.session.id} {made.session.title!r}: "
                     f"{made.code} (valid until {render.hhmm(made.until, state.tz)})",
                     highlight=False)


@attendance_app.command("checkin")
def checkin(ctx: typer.Context,
            code_: Annotated[str, typer.Argument(
                metavar="CODE", help="The code the mentor shows.", show_default=False)],
            json_output: JsonOption = False) -> None:
    """Check yourself in to the session running now whose code you were given: present, or
    late after the grace (config late_grace minutes); 5 wrong codes in 10 minutes and you
    must wait.

    Example:

    - `sessionsctl --as sam@example.org attendance checkin K7M2QX`
    """
    state = cli(ctx, json_output)
    done = state.centre.checkins.check_in(code_)
    mark, s = done.mark, done.session
    if state.json:
        render.emit_json({"session_id": s.id, "student": mark.student,
                          "status": mark.status.value, "checked_in": done.written,
                          "check_in": iso(mark.check_in, state.tz) if mark.check_in else None})
        return
    said = "Checked in" if done.written else "Already marked"
    at = f" at {render.hhmm(mark.check_in, state.tz)}" if mark.check_in else ""
    render.out.print(f"{said} to session #{s.id} {s.title!r}: {mark.status.value}{at}")
