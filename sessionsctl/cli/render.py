"""Output: rich tables for people, JSON for programs, errors on stderr; one place for each."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from itertools import groupby
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..core.conflicts import Conflict
from ..core.errors import ConflictError, SessionsctlError
from ..core.model import Session, SessionStatus
from ..core.serialize import conflict_json

# NO_COLOR (no-color.org) asks for plain text; rich alone would still print bold and dim.
_PLAIN: dict[str, Any] = {"color_system": None} if os.environ.get("NO_COLOR") else {}
T = TypeVar("T")

out = Console(highlight=False, soft_wrap=False, **_PLAIN)
err = Console(stderr=True, highlight=False, **_PLAIN)

STATUS_STYLE = {
    SessionStatus.SCHEDULED: "cyan",
    SessionStatus.IN_PROGRESS: "bold yellow",
    SessionStatus.COMPLETED: "green",
    SessionStatus.CANCELLED: "dim strike",
}


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# Columns whose cells are short and must stay whole; the others wrap.
_WHOLE = {"ID", "Time", "Status", "When", "Kind", "Rating", "In", "Out", "Seats", "Role"}


# Columns that share the width left over, by these weights; the others are as wide as
# their cells need.
_STRETCH = {"Title": 3, "Detail": 3, "Value": 3, "Note": 2, "Text": 3, "Reason": 2, "Rule": 2,
            "Mentor": 2, "Students": 2, "Room": 2, "With": 2}


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    stretch = any(c in _STRETCH for c in columns)
    t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold",
              expand=stretch)
    for column in columns:
        t.add_column(column, no_wrap=column in _WHOLE, min_width=len(column),
                     ratio=_STRETCH.get(column))
    for row in rows:
        t.add_row(*(cell if isinstance(cell, Text) else Text(str(cell if cell is not None else "")) for cell in row))
    return t


def listing(as_json: bool, items: Sequence[T], to_json: Callable[[T], Any],
            columns: Sequence[str], row: Callable[[T], Sequence[Any]],
            title: str | None = None) -> None:
    """A list command's output: JSON for programs, a table for people."""
    if as_json:
        emit_json([to_json(item) for item in items])
    else:
        out.print(table(title, columns, (row(item) for item in items)))


def hhmm(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%H:%M")


def span(s: Session, tz: ZoneInfo) -> str:
    start, end = s.start.astimezone(tz), s.end.astimezone(tz)
    tail = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%a %H:%M")
    return f"{start:%H:%M}–{tail}"


def when(instant: datetime | None, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%a %d %b %Y %H:%M %Z") if instant else ""


def status_text(status: SessionStatus) -> Text:
    return Text(status.value.replace("_", " "), style=STATUS_STYLE[status])


def sessions_by_day(sessions: Sequence[Session], tz: ZoneInfo,
                    names: dict[str, str] | None = None) -> None:
    """Sessions grouped under a heading per day, times in the viewer's zone; people by name
    where ``names`` (email -> name) knows them."""
    if not sessions:
        out.print("No sessions.")
        return
    names = names or {}
    for day, group in groupby(sessions, key=lambda s: s.start.astimezone(tz).date()):
        out.print(table(
            f"{day:%A %d %B %Y}",
            ("ID", "Time", "Title", "Mentor", "Students", "Room", "Status"),
            ((s.id, span(s, tz), s.title, names.get(s.mentor, s.mentor),
              _students(s.students, names), s.room, status_text(s.status)) for s in group)))
    out.print(f"{len(sessions)} session(s); times in {tz.key}.", style="dim")


def _students(emails: Sequence[str], names: dict[str, str]) -> str:
    if len(emails) == 1:
        return names.get(emails[0], emails[0])
    return f"{len(emails)} students" if emails else ""


def conflicts(found: Sequence[Conflict], tz: ZoneInfo, *, console: Console = err) -> None:
    console.print(table(
        "Conflicts", ("When", "Kind", "Detail", "With"),
        ((when(c.start, tz), c.kind, c.detail,
          f"#{c.with_.id} {span(c.with_, tz)}" if c.with_ and c.with_.id else
          ("another row of this request" if c.with_ else "")) for c in found)))


def error(exc: SessionsctlError, tz: ZoneInfo | None, as_json: bool) -> None:
    """Report a user-facing error: JSON on stdout for --json, text on stderr otherwise."""
    if isinstance(exc, ConflictError):
        if as_json:
            emit_json({"conflicts": [conflict_json(c, tz) for c in exc.conflicts]})
        else:
            conflicts(exc.conflicts, tz or ZoneInfo("UTC"))
            err.print(f"[red]error:[/] {exc.message}; nothing was written "
                      "(--force --reason TEXT books anyway)")
        return
    if as_json:
        emit_json(exc.to_json())
    err.print(Text.assemble(("error: ", "red"), exc.message))
