"""`sync` commands: keep calendars elsewhere in step with the sessions."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..core.domain.errors import InvalidInput
from ..core.domain.words import counted
from ..core.exchange.caldav_sync import SyncReport
from . import render
from .context import cli

sync_app = typer.Typer(help="Keep calendars elsewhere in step with the sessions.",
                       no_args_is_help=True)


def _json(report: SyncReport) -> dict[str, Any]:
    return {"server": report.server, "dry_run": report.dry_run, "ok": report.ok,
            "mentors": [{"mentor": m.mentor, "calendar": m.calendar, "sent": m.sent,
                         "deleted": m.deleted, "unchanged": m.unchanged, "error": m.error}
                        for m in report.mentors]}


@sync_app.command("caldav")
def sync_caldav(
    ctx: typer.Context,
    url: Annotated[str, typer.Option("--url", help="The CalDAV server (its address, e.g. "
                                     "https://dav.example.org/ ; Radicale, Nextcloud, "
                                     "iCloud, Fastmail).")],
    mentor: Annotated[str | None, typer.Option(
        "--mentor", help="The mentor (email or name) whose calendar to sync.")] = None,
    all_mentors: Annotated[bool, typer.Option(
        "--all-mentors", help="Sync every active mentor's calendar (staff).")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Say what would be sent; contact no server.")] = False,
    user: Annotated[str | None, typer.Option(
        "--user", help="The CalDAV user (or SESSIONSCTL_CALDAV_USER).")] = None,
    password_file: Annotated[str | None, typer.Option(
        "--password-file", help="A file holding the password, readable by its owner only "
        "(or set SESSIONSCTL_CALDAV_PASSWORD).")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Send each mentor's sessions to their calendar on a CalDAV server, so they show on
    their phone: one event per series (with its exceptions) and per one-off, the same UIDs
    and SEQUENCE as `export ics`; cancelled sessions are cancelled there. Only what changed
    since the last run is sent, and a mentor's calendar is created when missing. Safe to run
    from cron: a run the server cuts short exits 1 and the next one sends the rest.

    Examples:

    - `sessionsctl sync caldav --url https://dav.example.org/ --mentor ada@example.org`
    - `SESSIONSCTL_CALDAV_PASSWORD=… sessionsctl sync caldav --url URL --all-mentors --user centre`
    - `sessionsctl sync caldav --url URL --all-mentors --dry-run --json`
    """
    from ..wiring import caldav_server, caldav_url

    state = cli(ctx, json_output)
    if (mentor is None) == (not all_mentors):
        raise InvalidInput("give --mentor E or --all-mentors (one of them)", field="--mentor")
    sync = state.centre.caldav
    mentors = sync.mentors(mentor)
    server = None if dry_run else caldav_server(url, user, password_file)
    try:
        report = sync.sync(server, caldav_url(url), mentors, dry_run=dry_run)
    finally:
        if server is not None:
            server.close()
    if state.json:
        render.emit_json(_json(report))
    else:
        verb = "would send" if dry_run else "sent"
        for m in report.mentors:
            if m.error is not None and not m.sent and not m.deleted:
                continue  # said below
            line = (f"{m.mentor}: {verb} {counted(len(m.sent), 'event')}"
                    + (f", deleted {len(m.deleted)}" if m.deleted else "")
                    + f", {m.unchanged} unchanged")
            render.out.print(line, markup=False, highlight=False)
        for m in report.mentors:
            if m.error:
                render.err.print(f"not synced: {m.mentor}: {m.error}", markup=False)
    if not report.ok:
        raise typer.Exit(1)
