"""Use cases of CSV and iCalendar import and export.

Imports are all or nothing: the whole file is read and every problem collected before the
database is touched; then every session is checked by the booking rules (the same conflict
judge and batch index as every booking, through the
:class:`~sessionsctl.core.schedule.booker.Booker`) and everything is written in one
transaction, or nothing is. ``on_conflict`` is ``fail`` (refuse, naming every clash and its
row), ``skip`` (book the rows that are free) or ``force`` (book all, recording the reason).
A session the file changes is judged as ``session edit`` judges it.

An import is audited as one entry (the file, what it created and skipped), not one per row:
a term's timetable is one act of one person.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from ..collector import paused
from .exporting import Exporter
from .ics_import import IcsImporter

if TYPE_CHECKING:
    from ..context import Context
    from ..domain.drafts import SessionQuery
    from ..schedule.booker import Booker
    from .results import ImportResult, OnConflict, Progress


class Exchange:
    """Import and export, as the acting person may."""

    def __init__(self, ctx: Context, booker: Booker) -> None:
        self.importer = IcsImporter(ctx, booker)
        self.exporter = Exporter(ctx)

    def import_csv(self, stream: IO[bytes], source: str, *, default_tz: str,
                   dry_run: bool = False, on_conflict: OnConflict = "fail",
                   reason: str | None = None, create_missing: bool = False,
                   allow_similar: bool = False, as_new: bool = False,
                   delete_missing: SessionQuery | None = None,
                   progress: Progress | None = None) -> ImportResult:
        """Sessions from a CSV file (docs/CLI.md's columns), all or nothing: a row with an
        ``id`` updates that session (unless ``as_new``: every row is booked as new)."""
        with paused():  # a whole file's drafts, rows and sessions live to the end
            return self.importer.import_csv(
                stream, source, default_tz=default_tz, dry_run=dry_run,
                on_conflict=on_conflict, reason=reason, create_missing=create_missing,
                allow_similar=allow_similar, as_new=as_new, delete_missing=delete_missing,
                progress=progress)

    def import_ics(self, stream: IO[bytes], source: str, *, default_tz: str,
                   mentor: str | None = None, dry_run: bool = False,
                   on_conflict: OnConflict = "fail", reason: str | None = None,
                   create_missing: bool = False, allow_similar: bool = False,
                   progress: Progress | None = None) -> ImportResult:
        """Sessions and closures from an iCalendar file, all or nothing; again, it updates."""
        with paused():
            return self.importer.import_ics(
                stream, source, default_tz=default_tz, mentor=mentor, dry_run=dry_run,
                on_conflict=on_conflict, reason=reason, create_missing=create_missing,
                allow_similar=allow_similar, progress=progress)

    def export_csv(self, query: SessionQuery, sink: IO[str], *,
                   progress: Progress | None = None) -> int:
        """The sessions of ``query`` as CSV; returns how many rows were written."""
        return self.exporter.export_csv(query, sink, progress=progress)

    def export_ics(self, query: SessionQuery, sink: IO[bytes], *, passcodes: bool = False,
                   progress: Progress | None = None) -> int:
        """The sessions of ``query`` as one iCalendar file; returns how many VEVENTs."""
        return self.exporter.export_ics(query, sink, passcodes=passcodes, progress=progress)

    def count_sessions(self, query: SessionQuery) -> int | None:
        """A cheap upper bound of what an export writes, for a progress bar's total."""
        return self.exporter.count_sessions(query)
