"""Output: rich tables for people, JSON for programs, errors on stderr; one place for each."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any, TextIO, TypeVar
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.text import Text

from ..core.domain.errors import ConflictError, InvalidInput, SessionsctlError
from ..core.domain.model import Session, SessionStatus
from ..core.domain.rules import is_live
from ..core.domain.serialize import conflict_json
from ..core.domain.words import counted
from ..core.exchange.problems import BadFile
from ..core.schedule.conflicts import Conflict
from .tables import Listing, table, together

# NO_COLOR (no-color.org) asks for plain text; rich alone would still print bold and dim.
_PLAIN: dict[str, Any] = {"color_system": None} if os.environ.get("NO_COLOR") else {}
T = TypeVar("T")


class _Console(Console):
    """A console that never wraps or cuts a line when it writes to a pipe or a file: `| less`,
    `| grep` and `> file` get every row whole, on one line, however wide the table."""

    def print(self, *objects: Any, soft_wrap: bool | None = None, **options: Any) -> None:
        if not self.is_terminal:
            if (len(objects) == 1 and isinstance(objects[0], Listing) and not options
                    and self.color_system is None):
                # No styles shown (a pipe, a file): plain lines, written as they are spelt;
                # rich lays out nothing per row.
                write = self.file.write
                for line in objects[0].plain(self):
                    write(line)
                return
            if soft_wrap is None:
                soft_wrap = True  # no word wrapping and no cropping at the console's width
        super().print(*objects, soft_wrap=soft_wrap, **options)

    def on_broken_pipe(self) -> None:
        """The reader went away: raised on, for the command's one handler (main.py), which
        stops quietly with the exit status of a program stopped by SIGPIPE."""
        self.quiet = True
        raise BrokenPipeError


# No emoji codes: a title or note that says ":fire:" is printed as written (and rich does not
# load its table of 4,000 codes, a twentieth of a command's start, to look for them).
out = _Console(highlight=False, soft_wrap=False, emoji=False, **_PLAIN)
err = _Console(stderr=True, highlight=False, emoji=False, **_PLAIN)


def file_console(handle: TextIO) -> Console:
    """A console writing plain text to an open file (``--output FILE``)."""
    return _Console(file=handle, highlight=False, color_system=None, emoji=False)



def by(email: str | None) -> str:
    """Who did something, as a listing says it: no acting person is the local operator."""
    return email or "local operator"


STATUS_STYLE = {
    SessionStatus.SCHEDULED: "cyan",
    SessionStatus.IN_PROGRESS: "bold yellow",
    SessionStatus.COMPLETED: "green",
    SessionStatus.CANCELLED: "dim strike",
}


def write_text(text: str, output: str | None) -> None:
    """Write a command's file output to ``output``, or to standard output for None or ``-``."""
    if output in (None, "-"):
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror}", field="--output") from None


def shows_progress(as_json: bool) -> bool:
    """Progress bars go to a terminal only: never when piped, never with --json."""
    return not as_json and err.is_terminal


@contextmanager
def progress(show: bool, label: str, total: int | None) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on standard error (its advance function), or None when not shown."""
    if not show:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


# One item of a JSON list on one line: the C encoder (json's Python one, which indentation
# needs, took a third of a long listing's time).
_ITEM = json.JSONEncoder(ensure_ascii=False)


def emit_json(data: Any) -> None:
    """``data`` as JSON on standard output: a list one item a line, anything else indented."""
    if isinstance(data, list) and data:
        encode = _ITEM.encode
        sys.stdout.write("[\n  " + ",\n  ".join(map(encode, data)) + "\n]\n")
    else:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def listing(as_json: bool, items: Sequence[T], to_json: Callable[[T], Any],
            columns: Sequence[str], row: Callable[[T], Sequence[Any]],
            title: str | None = None, empty: str | None = None) -> None:
    """A list command's output: JSON for programs, a table for people."""
    if as_json:
        emit_json([to_json(item) for item in items])
    else:
        out.print(table(title, columns, (row(item) for item in items), empty))


def hhmm(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%H:%M")


def span(s: Session, tz: ZoneInfo) -> str:
    return _span(s.start, s.end, tz)


# A busy month's sessions start and end at a few hundred distinct times: each pair is
# written once (a listing's sessions share the store's datetime objects, hashed once each).
@lru_cache(maxsize=4096)
def _span(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    start, end = start.astimezone(tz), end.astimezone(tz)
    days = (end.date() - start.date()).days
    # A session of several days (a trip) ends on a weekday of its week, or on a date.
    tail = end.strftime("%H:%M" if not days else "%a %H:%M" if days < 7 else "%a %d %b %H:%M")
    return f"{start:%H:%M}–{tail}"


@lru_cache(maxsize=4096)
def _day(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def when(instant: datetime | None, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%a %d %b %Y %H:%M %Z") if instant else ""


def status_text(status: SessionStatus, session: Session | None = None,
                now: datetime | None = None) -> Text:
    """The status in words; a session on ``now`` (default: this instant; core's ``is_live``)
    says "live"."""
    if session is not None and is_live(session, now or datetime.now(UTC)):
        return Text("live", style="bold green")
    return Text(status.label, style=STATUS_STYLE[status])


def sessions_by_day(sessions: Sequence[Session], tz: ZoneInfo,
                    names: dict[str, str] | None = None,
                    flags: Mapping[int, list[str]] | None = None) -> None:
    """Sessions grouped under a heading per day, times in the viewer's zone; people by name
    where ``names`` (email -> name) knows them; a flagged one (``flags``: id -> its flags) says so
    beside its status."""
    if not sessions:
        out.print("No sessions.")
        return
    names = names or {}
    flags = flags or {}
    now = datetime.now(UTC)  # one instant for the whole listing
    said: dict[tuple[SessionStatus, bool], Text] = {}  # each status, as rows share it

    def status(s: Session) -> Text:
        if s.id in flags:
            return _flagged(status_text(s.status, s, now), True)
        key = (s.status, is_live(s, now))
        if key not in said:
            said[key] = status_text(s.status, s, now)
        return said[key]

    days = [table(
        f"{day:%A %d %B %Y}",
        ("ID", "Time", "Title", "Mentor", "Students", "Room", "Status"),
        [(s.id, _span(s.start, s.end, tz), s.title, names.get(s.mentor, s.mentor),
          _students(s, names), s.room, status(s)) for s in group])
        for day, group in groupby(sessions, key=lambda s: _day(s.start, tz))]
    together(days)  # one set of columns down the page
    for day in days:
        out.print(day)
    out.print(f"{counted(len(sessions), 'session')}; times in {tz.key}.", style="dim")


def _flagged(status: Text, flagged: bool) -> Text:
    if flagged:
        status.append(" ⚠ mentor unavailable", style="bold red")
    return status


def _students(s: Session, names: dict[str, str]) -> str:
    """Who attends: the one student by name, or how many; a session with a limit says its
    seats taken of total too ("3 students, 3/8")."""
    emails = s.students
    who = names.get(emails[0], emails[0]) if len(emails) == 1 and s.taken is None \
        else counted(s.seats_taken, "student") if s.seats_taken else ""
    if s.max_participants is None:
        return who
    return f"{who}, {s.seats}" if who else s.seats


def conflicts(found: Sequence[Conflict], tz: ZoneInfo, *, console: Console = err,
              more: int = 0) -> None:
    """The conflicts listed in full, and how many ``more`` were met (the first few of each
    occurrence of a long series are listed)."""
    console.print(table(
        "Conflicts", ("When", "Kind", "Detail", "With"),
        ((when(c.start, tz), c.kind, c.detail,
          f"#{c.with_.id} {span(c.with_, tz)}" if c.with_ and c.with_.id else
          ("another row of this request" if c.with_ else "")) for c in found)))
    if more:
        console.print(f"… and {counted(more, 'more conflict')} (--json counts them).", style="dim")


def problems(exc: BadFile) -> None:
    """Every problem of a file, one line each."""
    err.print(table(
        f"Problems in {exc.source}",
        ("Line" if exc.problems and exc.problems[0].unit == "line" else "Row", "Column",
         "Problem"),
        ((p.row or "", p.column or "", p.message) for p in exc.problems)))


def error(exc: SessionsctlError, tz: ZoneInfo | None, as_json: bool) -> None:
    """Report a user-facing error: JSON on stdout for --json (and the error line on stderr),
    text on stderr otherwise. A file's problems are listed once, in a table, and the error
    line then counts them rather than repeating them."""
    if isinstance(exc, ConflictError):
        if as_json:
            emit_json({"conflicts": [conflict_json(c, tz) for c in exc.conflicts],
                       "count": exc.count})
        else:
            conflicts(exc.conflicts, tz or ZoneInfo("UTC"), more=exc.more)
            err.print(f"[red]error:[/] {exc.message}; nothing was written "
                      "(--force --reason TEXT books anyway)")
        return
    if as_json:
        emit_json(exc.to_json())
    elif isinstance(exc, BadFile) and len(exc.problems) > 1:
        problems(exc)
        err.print(Text.assemble(("error: ", "red"), f"{exc.source}: {len(exc.problems):,} "
                                "problems (above); nothing was written"))
        return
    err.print(Text.assemble(("error: ", "red"), exc.message))
