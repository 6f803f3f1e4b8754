"""Exporting sessions as CSV (one row per occurrence) and as one iCalendar file (a VEVENT per
one-off, a master with its rule and exceptions per series), streamed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

from ..access import seen, sees_everything, sees_series, visible
from . import csvformat, ics

if TYPE_CHECKING:
    from ..context import Context
    from ..domain.drafts import SessionQuery
    from ..domain.model import Session
    from .results import Progress


class Exporter:
    """CSV and iCalendar export of the sessions the acting person may see."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # --------------------------------------------------------------------- CSV export
    def export_csv(self, query: SessionQuery, sink: IO[str], *,
                   progress: Progress | None = None) -> int:
        """Write the sessions of ``query`` as CSV to ``sink``, streamed in start order (one row
        per occurrence; the file imports again as it is). Returns how many were written."""
        count = 0
        with self.ctx.read() as uow:
            actor = uow.actor
            sessions = uow.sessions.stream(visible(actor, query))
            for _ in csvformat.write((seen(actor, s) for s in sessions), sink):
                count += 1
                if progress and count % 500 == 0:
                    progress(500)
        if progress:
            progress(count % 500)
        return count

    def count_sessions(self, query: SessionQuery) -> int | None:
        """A cheap upper bound of what an export will write, for a progress bar's total."""
        with self.ctx.read() as uow:
            return uow.audit.table_counts().get("sessions")

    # --------------------------------------------------------------------- ICS export
    def export_ics(self, query: SessionQuery, sink: IO[bytes], *, passcodes: bool = False,
                   progress: Progress | None = None) -> int:
        """Write one VCALENDAR of the sessions of ``query`` to ``sink``: a VEVENT per one-off
        session, and per series a master with its rule plus its exceptions. A series is
        written whole when any of its occurrences matches the filters (its rule cannot be cut
        to them), for those who may see it whole (staff, its mentor); others get the occurrences
        they take part in, each an event of its own. Events are serialised as they are read
        (constant memory); returns how many VEVENTs were written."""
        stamp = datetime.now(UTC).replace(microsecond=0)
        with self.ctx.read() as uow:
            actor = uow.actor
            query = visible(actor, query)
            names = {p.email: p.name for p in uow.people.all()}
            zones, span = uow.sessions.zones(), uow.sessions.span()
            first, last = (span[0].date(), span[1].date()) if span else (stamp.date(),) * 2
            values = ics.Values(names, stamp)
            written = 0

            def events() -> Iterator[Any]:
                nonlocal written
                series_ids: list[int] = []
                taking_part: dict[int, list[Session]] = {}
                # Staff see every series whole: nothing is held for them (a mentor's or a
                # student's own sessions are few), so memory stays flat.
                partial = not sees_everything(actor)
                for session in uow.sessions.stream(query):
                    if session.series_id is None:
                        written += 1
                        yield ics.session_event(seen(actor, session), passcodes=passcodes,
                                                values=values)
                        if progress:
                            progress(1)
                        continue
                    if session.series_id not in taking_part:
                        taking_part[session.series_id] = []
                        series_ids.append(session.series_id)
                    if partial:  # kept for a series the actor may not see whole
                        taking_part[session.series_id].append(session)
                for i in range(0, len(series_ids), 200):
                    chunk = series_ids[i:i + 200]
                    all_series = uow.series.by_id(chunk)
                    members: dict[int, list[Session]] = {}
                    for m in uow.sessions.of_series(chunk):
                        members.setdefault(m.series_id or 0, []).append(m)
                    for series_id in chunk:
                        series = all_series[series_id]
                        if not sees_series(actor, series):
                            parts = [ics.session_event(_on_its_own(seen(actor, s)),
                                                       passcodes=passcodes, values=values)
                                     for s in taking_part[series_id]]
                            written += len(parts)
                            yield from parts
                            continue
                        held = members.get(series_id, [])
                        made = ics.series_events(series, held, passcodes=passcodes,
                                                 values=values)
                        written += len(made)
                        yield from made
                        if progress:
                            progress(len(held))

            for chunk in ics.stream(events(), zones, first=first, last=last, values=values):
                sink.write(chunk)
            return written


def _on_its_own(session: Session) -> Session:
    """An occurrence written without its series (for one who does not see the series whole):
    an event with a UID of its own, the same in every export."""
    return replace(session, series_id=None, recurrence_id=None,
                   uid=f"{session.recurrence_id or session.start:%Y%m%dT%H%M%SZ}-{session.uid}")
