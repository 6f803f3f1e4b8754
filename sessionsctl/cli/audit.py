"""The audit trail and the calendar lock: `audit list|show|revert`, `lock [--before DAY]`,
`lock show`, `lock clear`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from ..core.audit import Reverted, changes, headline
from ..core.domain.drafts import AuditQuery
from ..core.domain.errors import InvalidInput
from ..core.domain.model import AuditEntry
from ..core.domain.serialize import session_json
from ..core.domain.timeutil import day_start, iso, parse_day
from . import render
from .context import cli
from .options import JsonOption

audit_app = typer.Typer(help="Who changed what, when and as whom; undo one change.",
                        no_args_is_help=True)
lock_app = typer.Typer(help="The calendar lock: sessions and marks before a day are frozen "
                            "to everyone but admins.")


def entry_json(e: AuditEntry, tz: ZoneInfo) -> dict[str, Any]:
    return {"id": e.id, "at": iso(e.at, tz), "actor": e.actor, "login": e.login,
            "action": e.action, "entity": e.entity, "entity_id": e.entity_id,
            "before": e.before, "after": e.after,
            "changes": [{"field": c.field, "before": c.before, "after": c.after}
                        for c in changes(e, tz)]}


def _who(e: AuditEntry) -> str:
    return f"{e.login} as {e.actor}" if e.login and e.login != e.actor else e.actor


@audit_app.command("list")
def audit_list(
    ctx: typer.Context,
    session: Annotated[int | None, typer.Option("--session", help="Changes to this session.")
                       ] = None,
    person: Annotated[str | None, typer.Option(
        "--person", help="Changes made by this person (email or name).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this day on.")] = None,
    action: Annotated[str | None, typer.Option(
        "--action", help="Only this kind of change (edit, cancelled, attendance, revert …).")
                      ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 100,
    json_output: JsonOption = False,
) -> None:
    """List changes, newest first: staff and admins see all of them, a mentor those to their
    own sessions.

    Example:

    - `sessionsctl audit list --session 12 --since 2026-12-01`
    """
    state = cli(ctx, json_output)
    actor = state.centre.people.person(person).email if person else None
    start = day_start(parse_day(since, state.tz, field="since"), state.tz) if since else None
    found = state.centre.audit.entries(AuditQuery(session_id=session, actor=actor, since=start,
                                                  action=action, limit=limit))
    render.listing(state.json, found, lambda e: entry_json(e, state.tz),
                   ("#", "When", "Who", "What", "Changed"),
                   lambda e: (e.id, render.when(e.at, state.tz), _who(e), headline(e),
                              ", ".join(c.field for c in changes(e)) or "-"),
                   empty="No changes.")


@audit_app.command("show")
def audit_show(
    ctx: typer.Context,
    change: Annotated[int, typer.Argument(help="The change's number (audit list).")],
    json_output: JsonOption = False,
) -> None:
    """Show one change: who made it, when, as whom, and each field before and after (times in
    your zone).

    Example:

    - `sessionsctl audit show 42`
    """
    state = cli(ctx, json_output)
    e = state.centre.audit.entry(change)
    if state.json:
        render.emit_json(entry_json(e, state.tz))
        return
    render.out.print(f"Change {e.id}: {headline(e)}", highlight=False)
    render.out.print(f"  when:  {render.when(e.at, state.tz)}", highlight=False)
    render.out.print(f"  who:   {e.actor}", highlight=False)
    if e.login and e.login != e.actor:
        render.out.print(f"  as:    {e.login} acting as {e.actor}", highlight=False)
    render.out.print(render.table(None, ("Field", "Before", "After"),
                                  ((c.field, c.before, c.after) for c in changes(e, state.tz)),
                                  empty="  nothing changed"))


@audit_app.command("revert")
def audit_revert(
    ctx: typer.Context,
    change: Annotated[int, typer.Argument(help="The change's number (audit list).")],
    force: Annotated[bool, typer.Option(
        "--force", help="Undo it although later changes touched the same record.")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (needed with --force).")
                      ] = None,
    no_notify: Annotated[bool, typer.Option("--no-notify", help="Queue no email.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Undo one change: reopen a completed session, reinstate a cancelled one, put a moved or
    edited one back, restore a replaced attendance mark (or take a new one away), cancel a
    booking. Checked like any change; refused when a later change touched the same record,
    unless `--force --reason`.

    Example:

    - `sessionsctl audit revert 42 --force --reason "completed by mistake"`
    """
    state = cli(ctx, json_output)
    if force and not reason:
        raise InvalidInput("--force needs --reason (why the later changes are overridden)",
                           field="reason")
    done: Reverted = state.centre.audit.revert(change, force_reason=reason if force else None,
                                               notify=not no_notify)
    if state.json:
        render.emit_json({"reverted": done.entry.id, "summary": done.summary,
                          "session": session_json(done.session, state.tz)
                          if done.session else None})
        return
    render.out.print(f"Undone change {done.entry.id}: {done.summary}", highlight=False)


# ------------------------------------------------------------------------- the lock
def _lock_json(before: date | None) -> dict[str, Any]:
    return {"locked_before": before.isoformat() if before else None}


def _said(before: date | None) -> str:
    return (f"The calendar is locked before {before:%a %d %b %Y}: sessions and marks before it "
            "are frozen to everyone but admins." if before else "The calendar is not locked.")


@lock_app.callback(invoke_without_command=True)
def lock(
    ctx: typer.Context,
    before: Annotated[str | None, typer.Option(
        "--before", help="Freeze sessions and marks before this day (an earlier day reopens "
                         "those after it).")] = None,
    future: Annotated[bool, typer.Option(
        "--future", help="Allow a day after tomorrow (freezing sessions still to come).")] = False,
    json_output: JsonOption = False,
) -> None:
    """Lock the calendar before a day (admins); `lock show` says where it stands, `lock clear`
    lifts it.

    Example:

    - `sessionsctl lock --before 2026-12-01`
    """
    if ctx.invoked_subcommand is not None:
        return
    state = cli(ctx, json_output)
    if before is None:
        _show(state.json, state.centre.lock.show())
        return
    day = parse_day(before, state.tz, field="before")
    state.centre.lock.set(day, future=future)
    _show(state.json, day)


def _show(as_json: bool, before: date | None) -> None:
    if as_json:
        render.emit_json(_lock_json(before))
    else:
        render.out.print(_said(before), highlight=False)


@lock_app.command("show")
def lock_show(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Say before which day the calendar is locked, if it is.

    Example:

    - `sessionsctl lock show --json`
    """
    state = cli(ctx, json_output)
    _show(state.json, state.centre.lock.show())


@lock_app.command("clear")
def lock_clear(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Lift the calendar lock (admins).

    Example:

    - `sessionsctl lock clear`
    """
    state = cli(ctx, json_output)
    state.centre.lock.set(None)
    _show(state.json, None)
