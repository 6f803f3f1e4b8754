"""Archiving: `archive --before DATE`, `archive restore (--before DATE | --all)`."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any

import typer

from ..core.archive.rule import HELD_BY, Moved
from ..core.archive.service import named, refused, summary
from ..core.domain.errors import InvalidInput
from ..core.domain.timeutil import parse_bound
from ..core.domain.words import counted
from . import render
from .bulk import can_ask
from .context import Cli, cli
from .grouping import DefaultCommand
from .options import JsonOption


class _MoveByDefault(DefaultCommand):
    """`archive --before DATE` moves sessions out (the `move` command); `archive restore`
    brings them back."""

    default = "move"


archive_app = typer.Typer(cls=_MoveByDefault, help="Move old sessions out of the working "
                          "tables into the archive; restore them.")

DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would move; write nothing.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Move without asking.")]


def _day(instant: datetime, state: Cli) -> str:
    local = instant.astimezone(state.tz)
    return local.strftime("%Y-%m-%d" if local.time() == time() else "%Y-%m-%d %H:%M")


def _json(moved: Moved, before: datetime | None, *, dry_run: bool) -> dict[str, Any]:
    return {"before": before.isoformat() if before else None, "dry_run": dry_run,
            "sessions": moved.sessions, "rows": moved.rows, "counts": moved.counts,
            "kept": moved.kept, "gone": {table: [{"id": row, "sessions": ids}
                                                 for row, ids in rows.items()]
                                         for table, rows in moved.gone.items()}}


def _show_kept(moved: Moved) -> None:
    for reason, ids in moved.kept.items():
        if ids:
            render.out.print(f"Kept {counted(len(ids), 'session')} {HELD_BY[reason]}: "
                             f"{named(ids)}.", highlight=False)


def _confirm(what: str, yes: bool) -> None:
    """Ask whether to ``what`` ("archive 3 sessions ..."), unless ``yes``."""
    if yes:
        return
    if not can_ask():
        raise InvalidInput(f"this would {what}: add --yes to confirm (or --dry-run to see "
                           "what would move)", field="--yes")
    typer.confirm(what[0].upper() + what[1:] + "?", abort=True, err=True)


def _bound(state: Cli, text: str) -> datetime:
    return parse_bound(text, state.tz, field="--before", now=state.centre.clock())


@archive_app.command("move")
def move(
    ctx: typer.Context,
    before: Annotated[str, typer.Option(
        "--before", help="Sessions that ended before this day (its start, in --tz) or time.",
        show_default=False)],
    dry_run: DryRun = False, yes: Yes = False, json_output: JsonOption = False,
) -> None:
    """Move completed and cancelled sessions that ended before a day into the archive.

    With everything that belongs to them (roster, marks, feedback, materials, registrations,
    recordings, invitations, requests, mail, audit entries), in one transaction. Listings and
    the TUI no longer show them; reports include them with --with-archive; `archive restore`
    brings them back. A session on an invoice stays, and is named. Asks first unless --yes.
    Admins only. `move` may be left out: `archive --before DAY` is the same.

    Examples:

    - `sessionsctl archive move --before 2025-09-01 --dry-run`
    - `sessionsctl archive move --before 2025-09-01 --yes`
    """
    state = cli(ctx, json_output)
    cutoff = _bound(state, before)
    service = state.centre.archive
    plan = service.planned(cutoff)
    if dry_run or not plan.sessions:
        if state.json:
            render.emit_json(_json(plan, cutoff, dry_run=dry_run))
            return
        if plan.sessions:
            render.out.print(f"Would archive {counted(plan.sessions, 'session')} that ended "
                             f"before {_day(cutoff, state)}: {summary(plan)}.", highlight=False)
        else:
            render.out.print(f"No completed or cancelled session that ended before "
                             f"{_day(cutoff, state)} is left to archive.", highlight=False)
        _show_kept(plan)
        if dry_run:
            render.out.print("Dry run: nothing was written.")
        return
    _confirm(f"archive {counted(plan.sessions, 'session')} that ended before "
             f"{_day(cutoff, state)} ({counted(plan.rows, 'row')} in all)", yes)
    moved = service.archive(cutoff)
    if state.json:
        render.emit_json(_json(moved, cutoff, dry_run=False))
        return
    render.out.print(f"Archived {counted(moved.sessions, 'session')} that ended before "
                     f"{_day(cutoff, state)}: {summary(moved)}.", highlight=False)
    _show_kept(moved)


@archive_app.command("restore")
def restore(
    ctx: typer.Context,
    before: Annotated[str | None, typer.Option(
        "--before", help="The archived sessions that ended before this day or time.")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Every archived session.")] = False,
    dry_run: DryRun = False, yes: Yes = False, json_output: JsonOption = False,
) -> None:
    """Move archived sessions back into the working tables, as they were.

    With everything archived with them, the same ids, in one transaction. Refused, with
    nothing moved, when a row added since holds the id of one of theirs, or when a person,
    room, subject, course, series or batch they name was deleted since (each named). Asks
    first unless --yes. Admins only.

    Examples:

    - `sessionsctl archive restore --all --dry-run`
    - `sessionsctl archive restore --before 2025-01-01 --yes`
    """
    state = cli(ctx, json_output)
    if everything == (before is not None):
        raise InvalidInput("name the archived sessions to restore: --before DATE, or --all",
                           field="--before")
    cutoff = _bound(state, before) if before is not None else None
    service = state.centre.archive
    plan = service.planned_restore(cutoff)
    which = f" that ended before {_day(cutoff, state)}" if cutoff else ""
    if dry_run or not plan.sessions:
        if state.json:
            render.emit_json(_json(plan, cutoff, dry_run=dry_run))
            return
        render.out.print(f"Would restore {counted(plan.sessions, 'archived session')}{which}: "
                         f"{summary(plan)}." if plan.sessions
                         else f"No archived session{which} to restore.", highlight=False)
        if refusal := refused(plan):
            render.out.print(f"It would be refused: {refusal}.", highlight=False)
        if dry_run:
            render.out.print("Dry run: nothing was written.")
        return
    _confirm(f"restore {counted(plan.sessions, 'archived session')}{which} "
             f"({counted(plan.rows, 'row')} in all)", yes)
    moved = service.restore(cutoff)
    if state.json:
        render.emit_json(_json(moved, cutoff, dry_run=False))
        return
    render.out.print(f"Restored {counted(moved.sessions, 'archived session')}{which}: "
                     f"{summary(moved)}.", highlight=False)
