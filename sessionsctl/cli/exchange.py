"""`import`, `export` commands."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from pathlib import Path
from typing import IO, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from ..core.domain import policy
from ..core.domain.errors import InvalidInput
from ..core.domain.model import SessionStatus, SessionType
from ..core.domain.words import counted, noun_for
from ..core.exchange.results import ImportConflicts, ImportResult, RowClashes, RowConflict
from . import render
from .context import Cli, cli
from .filters import session_query

import_app = typer.Typer(help="Bring sessions in from CSV or iCalendar files.", no_args_is_help=True)
export_app = typer.Typer(help="Write sessions out as CSV or iCalendar.", no_args_is_help=True)

FileArg = Annotated[str, typer.Argument(help="The file to read ('-' for standard input).")]
DryRun = Annotated[bool, typer.Option(
    "--dry-run", help="Check everything and show what would be created; write nothing.")]
OnConflict = Annotated[str, typer.Option(
    "--on-conflict", help="What to do with rows that clash: fail (write nothing), skip them, "
                          "or force them in (needs --reason).")]
Reason = Annotated[str | None, typer.Option(
    "--reason", help="Why clashes are forced in (with --on-conflict force); recorded.")]
CreateMissing = Annotated[bool, typer.Option(
    "--create-missing", help="Create people, rooms and subjects the file names that do not "
                             "exist yet (otherwise each is reported); not an email so like a "
                             "registered one that it looks a typo of it (see --allow-similar).")]
AllowSimilar = Annotated[bool, typer.Option(
    "--allow-similar", help="With --create-missing: create people even when their email is "
                            "nearly one already registered (ada@exmaple.org beside "
                            "ada@example.org), which is otherwise refused as a likely typo.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Output = Annotated[str | None, typer.Option(
    "-o", "--output", help="Write to this file ('-' or none: standard output).")]
From = Annotated[str | None, typer.Option("--from", help="From this day or time.")]
To = Annotated[str | None, typer.Option("--to", help="Up to this day (inclusive) or time.")]
Mentor = Annotated[str | None, typer.Option(
    "--mentor", help="Only this mentor's sessions (email or name).")]
Student = Annotated[str | None, typer.Option(
    "--student", help="Only this student's sessions (email or name).")]
Room = Annotated[str | None, typer.Option("--room", help="Only sessions in this room.")]
Subject = Annotated[str | None, typer.Option("--subject", help="Only sessions of this subject.")]
Status = Annotated[list[SessionStatus] | None, typer.Option(
    "--status", help="Only these statuses.")]
Type = Annotated[list[SessionType] | None, typer.Option("--type", help="Only these types.")]
Search = Annotated[str | None, typer.Option(
    "--search", help="Text in title, notes, people, room.")]

_SHOWN = 50  # a dry run lists this many planned sessions, then counts the rest
_ROWS_SHOWN = 20  # clashing rows listed on the terminal; --json has every one
_ENDLESS_MINUTES = policy.ENDLESS_EVENT_LENGTH // timedelta(minutes=1)
_PER_ROW = 3  # conflicts listed per clashing row on the terminal; the rest are counted


def _read(path: str) -> tuple[IO[bytes], str]:
    if path == "-":
        return sys.stdin.buffer, "<stdin>"
    try:
        return open(path, "rb"), path
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}", field="FILE") from None


def _conflicts(state: Cli, exc: ImportConflicts) -> None:
    tz = state.tz
    if state.json:
        render.emit_json({"error": "ImportConflicts", "message": exc.message, "file": exc.source,
                          "count": exc.count, "conflicts": _conflicts_json(exc.rows, tz),
                          "rows": _rows_json(exc.rows, tz)})
        return
    _conflict_table("Conflicts", exc.rows, tz, exc.unit)
    render.err.print(f"[red]error:[/] {exc.message}", markup=True, highlight=False)


def _conflicts_json(found: list[RowClashes], tz: ZoneInfo) -> list[dict[str, Any]]:
    """The conflicts listed in full: the first few of each row."""
    from ..core.domain.serialize import conflict_json

    return [{"row": f.row, **conflict_json(f.conflict, tz), "with_row": f.with_row}
            for r in found for f in r.shown]


def _rows_json(found: list[RowClashes], tz: ZoneInfo) -> list[dict[str, Any]]:
    """Every clashing row (each occurrence of a row's series) with how many conflicts it
    meets, of each kind."""
    return [{"row": r.row, "start": r.start.astimezone(tz).isoformat(), "count": r.total,
             "kinds": r.kinds} for r in found]


def _conflict_table(title: str, found: list[RowClashes], tz: ZoneInfo, unit: str = "row") -> None:
    """The clashing rows, each named once with its first few conflicts and how many more
    of each kind it has; the first _ROWS_SHOWN rows, then how many more."""
    lines: list[tuple[Any, ...]] = []
    for r in found[:_ROWS_SHOWN]:
        listed = r.shown[:_PER_ROW]
        for n, f in enumerate(listed):
            c = f.conflict
            lines.append(("" if n else r.row or "", "" if n else render.when(r.start, tz),
                          c.kind, c.detail, _with(f, tz, unit)))
        if r.total > len(listed):
            kinds = ", ".join(f"{kind} {n:,}" for kind, n in r.kinds.items())
            lines.append(("", "", "", f"… and {r.total - len(listed):,} more "
                                      f"({r.total:,} in all: {kinds})", ""))
    render.err.print(render.table(title, (unit.title(), "When", "Kind", "Detail", "With"), lines))
    if len(found) > _ROWS_SHOWN:
        rest = found[_ROWS_SHOWN:]
        render.err.print(f"… and {counted(len(rest), 'more clashing ' + unit)} with "
                         f"{counted(sum(r.total for r in rest), 'conflict')} (--json lists each).",
                         style="dim")


def _with(f: RowConflict, tz: ZoneInfo, unit: str) -> str:
    other = f.conflict.with_
    if other is None:
        return ""
    if other.id:
        return f"#{other.id} {other.title} {render.span(other, tz)}"
    return f"{unit} {f.with_row}" if f.with_row is not None else f"another {unit} of this file"


def _report(state: Cli, result: ImportResult) -> None:
    tz = state.tz
    if state.json:
        render.emit_json({
            "file": result.source, "dry_run": result.dry_run, "created": result.created,
            "updated": result.updated, "unchanged": result.unchanged,
            "cancelled": result.removed, "series": result.series,
            "skipped": _conflicts_json(result.skipped, tz),
            "skipped_rows": _rows_json(result.skipped, tz),
            "forced": _conflicts_json(result.forced, tz),
            "forced_rows": _rows_json(result.forced, tz),
            "created_references": result.references,
            "endless_lines": result.endless, "endless_minutes": _ENDLESS_MINUTES,
            "closures": [{"from": c.starts_on.isoformat(), "to": c.ends_on.isoformat(),
                          "reason": c.reason} for c in result.closures],
            "sessions": [{"row": p.row, "action": p.action, "id": p.session_id,
                          "changed": list(p.changed), "status": p.status.value,
                          "title": p.draft.title, "start": p.draft.start.astimezone(tz)
                          .isoformat(), "end": p.draft.end.astimezone(tz).isoformat(),
                          "tz": p.draft.tz, "mentor": p.draft.mentor,
                          "students": list(p.draft.students), "room": p.draft.room,
                          "subject": p.draft.subject} for p in result.planned]})
        return
    _planned_table(result, tz)
    if result.skipped:
        _conflict_table("Skipped (clashing)", result.skipped, tz, result.unit)
    if result.forced:
        _conflict_table("Forced in despite conflicts", result.forced, tz, result.unit)
    verb = "would be" if result.dry_run else "were"
    parts = [f"{counted(result.created, 'session')} {verb} created"]
    if result.updated or result.unchanged:
        parts.append(f"{result.updated} updated, {result.unchanged} unchanged")
    if result.removed:
        parts.append(f"{result.removed} cancelled")
    if result.series:
        parts.append(f"{result.series} series")
    if result.skipped:
        parts.append(f"{counted(len({s.row for s in result.skipped}), result.unit)} skipped")
    if result.references:
        parts.append(("would create " if result.dry_run else "created ")
                     + ", ".join(result.references))
    if result.closures:
        parts.append(f"{counted(len(result.closures), 'closure')} "
                     + ("would be added" if result.dry_run else "added"))
    if result.endless:
        lines = ", ".join(map(str, result.endless[:10])) + (", …" if len(result.endless) > 10
                                                            else "")
        parts.append(f"{counted(len(result.endless), 'event')} without DTEND or DURATION "
                     f"given {_ENDLESS_MINUTES} minutes ({noun_for(len(result.endless), 'line')} "
                     f"{lines})")
    render.out.print("; ".join(parts) + ("; nothing was written (dry run)."
                                          if result.dry_run else "."))


def _students(emails: tuple[str, ...]) -> str:
    return ", ".join(emails) if len(emails) <= 2 else f"{len(emails)} students"


def _planned_table(result: ImportResult, tz: ZoneInfo) -> None:
    """Every session the import creates, changes or cancels, named (the first _SHOWN; --json
    lists each): its row or line, the session's id, when, title, people and what changes."""
    if not result.planned:
        return
    verb = "Would import" if result.dry_run else "Imported"
    render.out.print(render.table(
        f"{verb} from {result.source}",
        (result.unit.title(), "Action", "Id", "When", "Title", "Mentor", "Students", "Room",
         "Changes"),
        ((p.row or "", p.action, f"#{p.session_id}" if p.session_id else "",
          render.when(p.draft.start, tz), p.draft.title, p.draft.mentor,
          _students(p.draft.students), p.draft.room or "",
          ", ".join(p.changed) if p.action == "update" else "")
         for p in result.planned[:_SHOWN])))
    if len(result.planned) > _SHOWN:
        render.out.print(f"... and {len(result.planned) - _SHOWN} more (--json lists each).",
                         style="dim")


def _run_import(state: Cli, call: Callable[[], ImportResult]) -> None:
    try:
        result = call()
    except ImportConflicts as exc:
        _conflicts(state, exc)
        raise typer.Exit(exc.exit_code) from None
    _report(state, result)


@import_app.command("csv")
def import_csv(
    ctx: typer.Context, file: FileArg, dry_run: DryRun = False,
    on_conflict: OnConflict = "fail", reason: Reason = None,
    create_missing: CreateMissing = False, allow_similar: AllowSimilar = False,
    as_new: Annotated[bool, typer.Option(
        "--as-new", help="Book every row as a new session, ignoring the id column (a file "
        "exported from another centre).")] = False,
    delete_missing: Annotated[bool, typer.Option(
        "--delete-missing", help="Cancel (never delete) the scheduled sessions of the range "
        "the file was exported from that it no longer has: give the export's --from and --to "
        "(and its other filters).")] = False,
    from_: From = None, to: To = None, mentor: Mentor = None, student: Student = None,
    room: Room = None, subject: Subject = None, status: Status = None, type_: Type = None,
    search: Search = None,
    json_output: JsonOption = False,
) -> None:
    """Import sessions from a CSV file with a header row, all or nothing.

    Columns: title, start, end or duration (minutes, 1 to 20160), mentor_email; optional tz,
    student_emails (separated by ;), room, subject, type, location, link, max_participants,
    repeat (an RRULE: the row becomes a series), notes, status, description, cost,
    payment_status, and id: a row with the id of a session (as `export csv` writes it)
    changes that session, checked for conflicts, audited and told to its people as `session
    edit` is; rows without one are new (series_uid and recurrence_id are not read). Times
    without an offset are read in the row's tz, else in --tz. Every row is checked first and
    every problem reported with its row and column; nothing is written unless all rows are
    good.

    Examples:

    - `sessionsctl import csv term.csv --dry-run`
    - `sessionsctl import csv term.csv --create-missing --on-conflict skip`
    - `sessionsctl import csv other-centre.csv --as-new --create-missing`
    - `sessionsctl import csv autumn.csv --delete-missing --from 2026-09-01 --to 2026-12-31`
    """
    state = cli(ctx, json_output)
    missing = None
    if delete_missing:
        if not (from_ and to):
            raise InvalidInput("say which range the file was exported from: --from and --to "
                               "(and the export's other filters)", field="--delete-missing")
        missing = session_query(state, start=from_, end=to, mentor=mentor, student=student,
                                room=room, subject=subject, statuses=status, types=type_,
                                search=search)
    elif any((from_, to, mentor, student, room, subject, status, type_, search)):
        raise InvalidInput("the filters say the range --delete-missing cancels in; without it "
                           "they mean nothing", field="--from")
    stream, source = _read(file)
    with (stream if stream is not sys.stdin.buffer else nullcontext(stream),
          render.progress(render.shows_progress(state.json), f"importing {source}", None) as progress):
        _run_import(state, lambda: state.centre.exchange.import_csv(
            stream, source, default_tz=state.tz_name, dry_run=dry_run,
            on_conflict=on_conflict, reason=reason,  # type: ignore[arg-type]
            create_missing=create_missing, allow_similar=allow_similar, as_new=as_new,
            delete_missing=missing, progress=progress))


@import_app.command("ics")
def import_ics(
    ctx: typer.Context, file: FileArg, dry_run: DryRun = False,
    mentor: Annotated[str | None, typer.Option(
        "--mentor", help="The mentor (email or name) of events that have no ORGANIZER.")
    ] = None,
    on_conflict: OnConflict = "fail", reason: Reason = None,
    create_missing: CreateMissing = False, allow_similar: AllowSimilar = False,
    json_output: JsonOption = False,
) -> None:
    """Import an iCalendar (.ics) file from Google, Outlook, Apple, Thunderbird or khal.

    Timed events become sessions (ORGANIZER: the mentor; ATTENDEEs: the students), recurring
    events become series with their exceptions, all-day events become closures of the
    centre. Floating times are read in the calendar's X-WR-TIMEZONE, else in --tz. An event
    with no end lasts 60 minutes (the summary names it). Importing the same file again
    updates what it created (keyed by UID and RECURRENCE-ID) and never duplicates it.

    Example:

    - `sessionsctl import ics calendar.ics --mentor ada@example.org --dry-run`
    """
    state = cli(ctx, json_output)
    stream, source = _read(file)
    with (stream if stream is not sys.stdin.buffer else nullcontext(stream),
          render.progress(render.shows_progress(state.json), f"importing {source}", None) as progress):
        _run_import(state, lambda: state.centre.exchange.import_ics(
            stream, source, default_tz=state.tz_name, mentor=mentor, dry_run=dry_run,
            on_conflict=on_conflict, reason=reason,  # type: ignore[arg-type]
            create_missing=create_missing, allow_similar=allow_similar, progress=progress))


@contextmanager
def _sink(output: str | None, binary: bool) -> Iterator[IO[Any]]:
    if output in (None, "-"):
        yield sys.stdout.buffer if binary else sys.stdout
        return
    path = Path(output)
    if path.is_dir():  # checked first: the file is written beside it, then moved onto it
        raise InvalidInput(f"cannot write {output}: it is a directory", field="-o")
    tmp = path.with_name(path.name + ".part")
    try:
        handle = open(tmp, "wb" if binary else "w", encoding=None if binary else "utf-8",  # noqa: SIM115
                      newline=None if binary else "")
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror or exc}", field="-o") from None
    try:
        with handle:
            yield handle
        try:
            tmp.replace(path)  # a failed export leaves no half-written file behind
        except OSError as exc:
            raise InvalidInput(f"cannot write {output}: {exc.strerror or exc}",
                               field="-o") from None
    finally:
        tmp.unlink(missing_ok=True)


@export_app.command("csv")
def export_csv(
    ctx: typer.Context, output: Output = None, from_: From = None, to: To = None,
    mentor: Mentor = None, student: Student = None, room: Room = None,
    subject: Subject = None, status: Status = None, type_: Type = None, search: Search = None,
) -> None:
    """Write sessions as CSV, one row per occurrence, in the columns `import csv` reads.

    Without filters every session is written. Rows stream as they are read, so any size
    of database exports in constant memory.

    Example:

    - `sessionsctl export csv --from 2026-09-01 --to 2026-12-31 -o autumn.csv`
    """
    state = cli(ctx)
    query = session_query(state, start=from_, end=to, mentor=mentor, student=student,
                          room=room, subject=subject, statuses=status, types=type_,
                          search=search)
    show = output not in (None, "-") and render.shows_progress(state.json)
    total = state.centre.exchange.count_sessions(query) if show else None
    with _sink(output, False) as sink, render.progress(show, "exporting", total) as progress:
        count = state.centre.exchange.export_csv(query, sink, progress=progress)
    if output not in (None, "-"):
        render.err.print(f"{counted(count, 'session')} written to {output}.", style="dim")


@export_app.command("ics")
def export_ics(
    ctx: typer.Context, output: Output = None, from_: From = None, to: To = None,
    mentor: Annotated[str | None, typer.Option(
        "--mentor", help="Only this mentor's sessions: their own calendar.")] = None,
    student: Student = None, room: Room = None, subject: Subject = None,
    status: Status = None, type_: Type = None, search: Search = None,
    passcodes: Annotated[bool, typer.Option(
        "--passcodes", help="Include meeting passcodes (left out by default).")] = False,
) -> None:
    """Write sessions as one iCalendar file for Google, Outlook, Apple, Thunderbird, khal.

    Each series is one event with its rule (RRULE, EXDATE, RDATE) and its moved, edited or
    cancelled occurrences as exceptions (RECURRENCE-ID); each one-off session is one event.
    A series is written whole when any of its occurrences matches the filters.

    Example:

    - `sessionsctl export ics --mentor ada@example.org -o ada.ics`
    """
    state = cli(ctx)
    query = session_query(state, start=from_, end=to, mentor=mentor, student=student,
                          room=room, subject=subject, statuses=status, types=type_,
                          search=search)
    show = output not in (None, "-") and render.shows_progress(state.json)
    total = state.centre.exchange.count_sessions(query) if show else None
    with _sink(output, True) as sink, render.progress(show, "exporting", total) as progress:
        state.centre.exchange.export_ics(query, sink, passcodes=passcodes, progress=progress)
    if output not in (None, "-"):
        render.err.print(f"Calendar written to {output}.", style="dim")
