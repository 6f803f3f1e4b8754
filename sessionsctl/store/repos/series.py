"""Recurring series: their rules and how far each is expanded (implements core's ``SeriesRepo``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from ...core.domain.model import Person, Series
from .. import clock
from ..schema import series_table
from . import bulk

_CHUNK = 1000
_COLUMNS = ("id", "uid", "rrule", "dtstart", "tz", "duration_minutes", "template",
            "expanded_until", "sequence", "origin_id", "created_at", "modified_at",
            "created_by_id")


def _series(r: Any) -> Series:
    return Series(id=r.id, uid=r.uid, rule=r.rrule, dtstart=datetime.fromisoformat(r.dtstart),
                  tz=r.tz, duration=timedelta(minutes=r.duration_minutes),
                  template=dict(r.template), expanded_until=r.expanded_until,
                  sequence=r.sequence, origin_id=r.origin_id)


def _values(series: Series, now: datetime) -> dict[str, Any]:
    return {"uid": series.uid, "rrule": series.rule, "dtstart": series.dtstart.isoformat(),
            "tz": series.tz, "duration_minutes": int(series.duration.total_seconds() // 60),
            "template": series.template, "expanded_until": series.expanded_until,
            "sequence": series.sequence, "origin_id": series.origin_id,
            "modified_at": now}


class SqlSeries:
    def __init__(self, db: Connection, actor: Person | None) -> None:
        self.db = db
        self.actor = actor

    def insert(self, series: Series) -> int:
        return self.insert_many([series])[0]

    def insert_many(self, series: Sequence[Series]) -> list[int]:
        """Write new series, their ids taken first (:func:`.bulk.new_ids`): one statement."""
        ids = bulk.new_ids(self.db, series_table, len(series))
        now = clock.now()
        actor_id = self.actor.id if self.actor else None
        rows = ({**_values(s, now), "id": i, "created_at": now, "created_by_id": actor_id}
                for i, s in zip(ids, series, strict=True))
        bulk.insert_rows(self.db, series_table, _COLUMNS,
                         [tuple(row[c] for c in _COLUMNS) for row in rows])
        return ids

    def get(self, series_id: int, *, lock: bool = False) -> Series | None:
        query = select(series_table).where(series_table.c.id == series_id)
        if lock:
            query = query.with_for_update()  # serialises `series extend` runs on PostgreSQL
        row = self.db.execute(query).first()
        return _series(row) if row else None

    def update(self, series: Series) -> None:
        self.db.execute(update(series_table).where(series_table.c.id == series.id)
                        .values(_values(series, clock.now())))

    def all(self, *, expanded_before: datetime | None = None) -> list[Series]:
        query = select(series_table).order_by(series_table.c.id)
        if expanded_before is not None:
            query = query.where(series_table.c.expanded_until < expanded_before)
        return [_series(r) for r in self.db.execute(query)]

    def by_uid(self, uids: Iterable[str]) -> dict[str, Series]:
        """The stored series with these UIDs, by UID."""
        return {s.uid: s for s in self._where_in(series_table.c.uid, uids)}

    def by_id(self, series_ids: Iterable[int]) -> dict[int, Series]:
        """The stored series with these ids, by id."""
        return {s.id: s for s in self._where_in(series_table.c.id, series_ids)}

    def parts(self, series: Series) -> list[Series]:
        """Every part of the original series ``series`` belongs to (split off by
        ``--scope following``), the original first, in order of their first start."""
        root = series.origin_id or series.id
        rows = self.db.execute(select(series_table).where(
            (series_table.c.id == root) | (series_table.c.origin_id == root)))
        return sorted((_series(r) for r in rows), key=lambda s: (s.dtstart, s.id))

    def _where_in(self, column: Any, keys: Iterable[Any]) -> Iterator[Series]:
        """The series whose ``column`` is one of ``keys``, read a chunk of keys at a time."""
        wanted = sorted(set(keys))
        for i in range(0, len(wanted), _CHUNK):
            for row in self.db.execute(select(series_table)
                                       .where(column.in_(wanted[i:i + _CHUNK]))):
                yield _series(row)
