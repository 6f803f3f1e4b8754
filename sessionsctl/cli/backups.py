"""Backups: `backup [FILE] [--keep N]`, `backup verify FILE`, `restore FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..core.backup.values import BackupContents, Verdict
from ..core.domain.errors import InvalidInput
from ..core.domain.words import counted
from . import render
from .bulk import can_ask
from .context import cli
from .grouping import DefaultCommand
from .options import JsonOption


class _TakeByDefault(DefaultCommand):
    """`backup` and `backup FILE` take a backup (the `take` command); `backup verify FILE`
    checks one."""

    default = "take"


backup_app = typer.Typer(cls=_TakeByDefault, help="Back up the whole database; check a backup.")


def _contents_json(c: BackupContents) -> dict[str, Any]:
    return {"method": c.method, "revision": c.revision, "taken_at": c.taken_at,
            "counts": c.counts, "rows": sum(c.counts.values())}


def _verdict_json(v: Verdict) -> dict[str, Any]:
    return {"file": str(v.file), "ok": v.ok, "problem": v.problem, "schema": v.schema,
            **(_contents_json(v.contents) if v.contents else {})}


@backup_app.command("take")
def take(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(
        help="Write the backup here (replacing a file of that name once the new one is whole). "
             "Default: a new file named by the time (UTC) in the data directory's backups "
             "folder.", show_default=False)] = None,
    keep: Annotated[int | None, typer.Option(
        "--keep", min=1, help="Then keep only the newest N dated backups "
        "(sessionsctl-YYYYMMDD-HHMMSS.*) in that folder, for cron.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Back up the whole database while others go on working: SQLite's online backup, or
    PostgreSQL's pg_dump (custom format; a logical dump of our own when pg_dump is not on the
    PATH). The file appears only once it is whole, so an interrupted backup leaves none that
    verifies. Admins only. `take` may be left out: `backup --keep 14` is the same.

    Examples:

    - `sessionsctl backup take`
    - `sessionsctl backup take --keep 14`
    - `sessionsctl backup take /srv/backups/centre.db`
    """
    from ..wiring import backup_folder

    state = cli(ctx, json_output)
    folder = file.parent if file is not None else backup_folder()
    taken = state.centre.backups.take(file, folder, keep=keep)
    if state.json:
        render.emit_json({"file": str(taken.file), "method": taken.method, "bytes": taken.size,
                          "seconds": round(taken.seconds, 3),
                          "removed": [str(p) for p in taken.removed]})
        return
    render.out.print(f"Backed up to {taken.file} ({taken.method}, {taken.size:,} bytes, "
                     f"{taken.seconds:.1f} s).", highlight=False)
    if taken.removed:
        render.out.print(f"Removed {counted(len(taken.removed), 'older backup')}: "
                         + ", ".join(p.name for p in taken.removed), highlight=False)


@backup_app.command("verify")
def verify(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The backup file.")],
    json_output: JsonOption = False,
) -> None:
    """Check a backup: open it, read every row, check its integrity, compare its schema with
    this program's, count each table's rows. Exits 0 if it is a whole backup this program can
    restore, 1 if not, with one line saying why.

    Examples:

    - `sessionsctl backup verify ~/.local/share/sessionsctl/backups/sessionsctl-20261205-020000.db`
    - `sessionsctl backup verify centre.dump --json`
    """
    from ..wiring import backups

    state = cli(ctx, json_output)
    verdict = backups(state.settings, lambda: state.centre).verify(file)
    if state.json:
        render.emit_json(_verdict_json(verdict))
    else:
        (render.out if verdict.ok else render.err).print(verdict.line, highlight=False)
        if verdict.ok and verdict.contents is not None:
            for table, n in verdict.contents.counts.items():
                render.out.print(f"  {table:<24} {n:>10,}", highlight=False)
    if not verdict.ok:
        raise typer.Exit(1)


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The backup file (backup verify checks it).")],
    replace: Annotated[bool, typer.Option(
        "--replace", help="The database holds data: replace it (a backup of it is taken "
        "first, into the backups folder).")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Restore without asking.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Restore a backup into the database --db names (the default one without it).

    Into a new or empty database, or, with --replace, one holding data (after a backup of it
    is taken). A backup of an older schema is migrated; one of a newer schema is refused.
    Asks first unless --yes.

    Examples:

    - `sessionsctl --db sqlite:///restored.db restore sessionsctl-20261205-020000.db --yes`
    - `sessionsctl restore centre.db --replace`
    - `sessionsctl --db postgresql+psycopg://admin@db.example.org/scratch restore centre.dump --yes`
    """
    from ..wiring import backup_folder, backups, database_in_use

    state = cli(ctx, json_output)
    service = backups(state.settings, lambda: state.centre)
    target = database_in_use(state.settings)
    contents, holds = service.check_restore(file, replace=replace)
    if not yes:
        if not can_ask():
            raise InvalidInput(f"this restores {file} into {target}: add --yes to confirm",
                               field="--yes")
        what = "REPLACE everything in" if holds else "restore into"
        typer.confirm(f"{what} {target} from {file} ({sum(contents.counts.values()):,} rows, "
                      f"taken {contents.taken_at or 'at an unknown time'})?", abort=True, err=True)
    done = service.restore(file, backup_folder(), replace=replace)
    if state.json:
        render.emit_json({"file": str(done.file), "into": target, "migrated": done.migrated,
                          "safety_backup": str(done.safety) if done.safety else None,
                          **_contents_json(done.contents)})
        return
    if done.safety is not None:
        render.out.print(f"What {target} held before is backed up in {done.safety}.",
                         highlight=False)
    render.out.print(f"Restored {file} into {target}: "
                     f"{sum(done.contents.counts.values()):,} rows"
                     + (", migrated to this program's schema." if done.migrated else "."),
                     highlight=False)
