"""The CSV columns of docs/CLI.md, and writing sessions as rows of them.

Written rows carry the start and end as ISO 8601 wall times of the session's zone with their
offset, so a file read back gives the same instants and zones: export -> import -> export is
the same file. A text cell that a spreadsheet would run as a formula is written with a quote
before it, which reading takes away again (:mod:`.cells`). ``id`` (with the series' UID and
the occurrence's original start, for reading only) lets a file edited in a spreadsheet update
the sessions it came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, TYPE_CHECKING
from zoneinfo import ZoneInfo

from .cells import Writer

if TYPE_CHECKING:
    from ..domain.model import Session

COLUMNS = ("title", "start", "end", "tz", "mentor_email", "student_emails", "room", "subject",
           "type", "location", "link", "max_participants", "repeat", "notes", "status",
           "id", "series_uid", "recurrence_id", "description", "cost", "payment_status")
# Written for people and reading only: an import takes a session's series from its id.
READ_ONLY = frozenset(("series_uid", "recurrence_id"))


def _wall_iso(instant: datetime, tz: str) -> str:
    return instant.astimezone(ZoneInfo(tz)).isoformat()


def row_of(session: Session) -> list[str]:
    """One session as a CSV row in the order of :data:`COLUMNS`."""
    return [session.title, _wall_iso(session.start, session.tz), _wall_iso(session.end, session.tz),
            session.tz, session.mentor, ";".join(session.students), session.room or "",
            session.subject or "", session.type.value, session.location or "",
            session.link or "",
            str(session.max_participants) if session.max_participants is not None else "",
            "", session.notes or "", session.status.value, str(session.id),
            session.uid if session.series_id is not None else "",
            _wall_iso(session.recurrence_id, session.tz) if session.recurrence_id else "",
            session.description or "", f"{session.cost:.2f}" if session.cost is not None else "",
            session.payment_status.value]


def write(sessions: Iterable[Session], sink: IO[str]) -> Iterator[Session]:
    """Write a header and one row per session to ``sink``; yields each session once written
    (so a caller can show progress while the rows stream)."""
    out = Writer(sink)
    out.writerow(COLUMNS)
    for session in sessions:
        out.writerow(row_of(session))
        yield session

