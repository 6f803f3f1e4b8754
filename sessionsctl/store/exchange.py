"""Queries for CSV and iCalendar import and export: streamed reads, look-ups by UID, bulk writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ..core.domain.drafts import SessionQuery
from ..core.domain.model import Series, Session
from .schema import SeriesRow, SessionRow

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# Sessions are read a fortnight at a time: a few thousand rows at the busiest, whatever the
# size of the database, so an export's memory does not grow with it.
_WINDOW = timedelta(days=14)
_CHUNK = 1000


class ExchangeQueries:
    """Mixed into :class:`sessionsctl.store.unit.SqlUnit`; ``self.db`` is its connection."""

    db: Connection

    def session_span(self) -> tuple[datetime, datetime] | None:
        """The first and the last start of any session, or None for an empty database."""
        first, last = self.db.execute(
            select(func.min(SessionRow.start_at), func.max(SessionRow.start_at))).one()
        if first is None:
            return None
        return _aware(first), _aware(last)

    def session_zones(self) -> list[str]:
        """Every zone any session was booked in."""
        return sorted(self.db.execute(select(SessionRow.tz).distinct()).scalars())

    def stream_sessions(self, query: SessionQuery) -> Iterator[Session]:
        """The sessions of ``query`` in start order, read window by window (constant memory).

        Each window is an ordinary :meth:`sessions` query over a fortnight (so every filter
        means what it means there); a session is given by the window its start falls in.
        """
        span = self.session_span()
        if span is None:
            return
        lo = query.start if query.start is not None else span[0]
        stop = min(query.end, span[1] + timedelta(seconds=1)) if query.end is not None \
            else span[1] + timedelta(seconds=1)
        first = True
        while lo < stop:
            hi = min(lo + _WINDOW, stop)
            for session in self.sessions(replace(query, start=lo, end=hi)):  # type: ignore[attr-defined]
                if first or session.start >= lo:
                    yield session
            first = False
            lo = hi

    def sessions_by_uid(self, uids: Iterable[str]) -> list[Session]:
        """Every stored session with one of these iCalendar UIDs (one-offs and occurrences)."""
        wanted = sorted(set(uids))
        found: list[Session] = []
        for i in range(0, len(wanted), _CHUNK):
            stmt = self._session_stmt().where(  # type: ignore[attr-defined]
                SessionRow.uid.in_(wanted[i:i + _CHUNK])).order_by(SessionRow.start_at,
                                                                   SessionRow.id)
            found.extend(self._load(stmt))  # type: ignore[attr-defined]
        return found

    def series_by_uid(self, uids: Iterable[str]) -> dict[str, Series]:
        """The stored series with these UIDs, by UID."""
        wanted = sorted(set(uids))
        found: dict[str, Series] = {}
        for i in range(0, len(wanted), _CHUNK):
            for row in self.db.execute(select(SeriesRow.__table__)
                                       .where(SeriesRow.uid.in_(wanted[i:i + _CHUNK]))):
                series = self._series(row)  # type: ignore[attr-defined]
                found[series.uid] = series
        return found

    def series_many(self, series_ids: Iterable[int]) -> dict[int, Series]:
        """The stored series with these ids, by id."""
        wanted = sorted(set(series_ids))
        found: dict[int, Series] = {}
        for i in range(0, len(wanted), _CHUNK):
            for row in self.db.execute(select(SeriesRow.__table__)
                                       .where(SeriesRow.id.in_(wanted[i:i + _CHUNK]))):
                found[row.id] = self._series(row)  # type: ignore[attr-defined]
        return found

    def series_members(self, series_ids: Sequence[int]) -> list[Session]:
        """Every stored occurrence of these series, in start order."""
        found: list[Session] = []
        wanted = sorted(set(series_ids))
        for i in range(0, len(wanted), _CHUNK):
            stmt = self._session_stmt().where(  # type: ignore[attr-defined]
                SessionRow.series_id.in_(wanted[i:i + _CHUNK]))
            found.extend(self._load(stmt.order_by(SessionRow.start_at, SessionRow.id)))  # type: ignore[attr-defined]
        return found

    @staticmethod
    def _session_stmt() -> Any:
        from .unit import _session_select

        return _session_select()


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)
