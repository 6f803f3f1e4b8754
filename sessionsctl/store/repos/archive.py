"""Moving sessions and their rows between the working tables and the archive tables
(implements core's ``ArchiveRepo``): one ``INSERT ... SELECT`` and one ``DELETE`` per table,
in the unit's transaction, whatever the number of sessions.

Which sessions move is one condition on ``sessions`` (or ``archive_sessions``), evaluated by
each statement. It cannot change between them: on PostgreSQL the move first takes an EXCLUSIVE
lock on ``sessions`` (others read on, and wait to write a session or a row naming one until it
commits), and a SQLite writer holds the database's write lock from its first statement.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Select,
    String,
    Table,
    UniqueConstraint,
    and_,
    cast,
    delete,
    exists,
    func,
    insert,
    not_,
    or_,
    select,
)
from sqlalchemy.engine import Connection

from ...core.archive.rule import Moved, Selection
from ..schema_archive import ARCHIVE, AUDIT, MOVED, SESSIONS
from ..schema_billing import invoice_line_table

_LINES: Table = invoice_line_table  # type: ignore[assignment]


def _held(reason: str, sessions: Table) -> Any:
    """Whether a session of ``sessions`` is held in the working tables by ``reason``
    (core/archive/rule.py ``HELD_BY``)."""
    if reason == "invoice":
        return exists().where(_LINES.c.session_id == sessions.c.id)
    raise ValueError(f"no such hold: {reason}")


class SqlArchive:
    def __init__(self, db: Connection) -> None:
        self.db = db

    # ------------------------------------------------------------------ which rows
    @staticmethod
    def _picked(sessions: Table, selection: Selection) -> list[Any]:
        where: list[Any] = []
        if selection.before is not None:
            # A session starts before it ends: the start bound lets the start index serve.
            where += [sessions.c.start_at < selection.before, sessions.c.end_at < selection.before]
        if selection.statuses:
            where.append(sessions.c.status.in_(selection.statuses))
        return where

    def _ids(self, sessions: Table, selection: Selection) -> Select[Any]:
        return select(sessions.c.id).where(
            *self._picked(sessions, selection),
            *(not_(_held(reason, sessions)) for reason in selection.held_by))

    @staticmethod
    def _belongs(table: Table, ids: Select[Any]) -> Any:
        """The condition on ``table`` (working or archive) for the rows of sessions ``ids``."""
        if table is SESSIONS or table is ARCHIVE[SESSIONS.name]:
            return table.c.id.in_(ids)
        if "session_id" in table.c:
            return table.c.session_id.in_(ids)
        keys = ids.subquery()
        return and_(table.c.entity == "session",
                    table.c.entity_id.in_(select(cast(keys.c.id, String(64)))))

    def _pairs(self, restoring: bool) -> list[tuple[str, Table, Table]]:
        """(kind, from, to) for each table, sessions first."""
        return [(t.name, ARCHIVE[t.name], t) if restoring else (t.name, t, ARCHIVE[t.name])
                for t in MOVED]

    def _kept(self, selection: Selection) -> dict[str, list[int]]:
        return {reason: list(self.db.execute(
            select(SESSIONS.c.id).where(*self._picked(SESSIONS, selection),
                                        _held(reason, SESSIONS)).order_by(SESSIONS.c.id)
        ).scalars()) for reason in selection.held_by}

    def _counts(self, restoring: bool, ids: Select[Any]) -> dict[str, int]:
        return {kind: self.db.execute(select(func.count()).select_from(source)
                                      .where(self._belongs(source, ids))).scalar_one()
                for kind, source, _ in self._pairs(restoring)}

    # ------------------------------------------------------------------ moving
    def _lock(self) -> None:
        if self.db.dialect.name == "postgresql":
            self.db.exec_driver_sql(f"LOCK TABLE {SESSIONS.name}, {ARCHIVE[SESSIONS.name].name} "
                                    "IN EXCLUSIVE MODE")

    def _move(self, restoring: bool, ids: Select[Any]) -> dict[str, int]:
        """Copy every table's rows of ``ids`` across, then delete them where they were
        (sessions last, as the rows naming them go first), each copy checked against its
        delete: a difference rolls it all back."""
        pairs = self._pairs(restoring)
        # Counted apart: a driver may not say how many rows an INSERT ... SELECT wrote.
        copied = self._counts(restoring, ids)
        for kind, source, target in pairs:
            names = [c.name for c in source.columns]
            wrote = self.db.execute(insert(target).from_select(
                names, select(*(source.c[n] for n in names))
                .where(self._belongs(source, ids)))).rowcount
            if wrote not in (-1, copied[kind]):
                raise RuntimeError(f"{kind}: {copied[kind]} rows to copy, {wrote} copied")
        for kind, source, _ in reversed(pairs):
            deleted = self.db.execute(delete(source).where(self._belongs(source, ids))).rowcount
            if deleted != copied[kind]:
                raise RuntimeError(f"{kind}: {copied[kind]} rows copied, {deleted} deleted")
        return copied

    def planned(self, selection: Selection) -> Moved:
        return Moved(self._counts(False, self._ids(SESSIONS, selection)), self._kept(selection))

    def archive(self, selection: Selection) -> Moved:
        self._lock()
        kept = self._kept(selection)
        return Moved(self._move(False, self._ids(SESSIONS, selection)), kept)

    def planned_restore(self, selection: Selection) -> Moved:
        ids = self._ids(ARCHIVE[SESSIONS.name], selection)
        return Moved(self._counts(True, ids), self._clashes(ids), self._gone(ids))

    def restore(self, selection: Selection) -> Moved:
        self._lock()
        return Moved(self._move(True, self._ids(ARCHIVE[SESSIONS.name], selection)))

    def _session_key(self, kind: str, archived: Table) -> Any:
        """The column of an archived row of ``kind`` naming its session."""
        return archived.c.id if kind == SESSIONS.name else archived.c.entity_id \
            if kind == AUDIT.name else archived.c.session_id

    def _gone(self, ids: Select[Any]) -> dict[str, dict[int, list[int]]]:
        """By the table it was in (people, rooms, courses...): each row deleted since that an
        archived row of ``ids`` names by a foreign key, with the sessions naming it. One query
        per foreign key leaving the moved tables; a restore would break them."""
        moved = {t.name for t in MOVED}
        found: dict[str, dict[int, set[int]]] = {}
        for kind, archived, working in self._pairs(True):
            key = self._session_key(kind, archived)
            for fk in sorted(working.foreign_keys, key=lambda f: f.parent.name):
                target = fk.column.table
                if target.name in moved:
                    continue
                column = archived.c[fk.parent.name]
                rows = self.db.execute(select(column, key).where(
                    self._belongs(archived, ids), column.is_not(None),
                    not_(exists().where(fk.column == column))).distinct())
                for missing, session in rows:
                    found.setdefault(target.name, {}).setdefault(missing, set()).add(
                        int(session))
        return {table: {row: sorted(sessions) for row, sessions in sorted(rows.items())}
                for table, rows in sorted(found.items())}

    def _clashes(self, ids: Select[Any]) -> dict[str, list[int]]:
        """By table: the sessions among ``ids`` with an archived row whose primary key, or
        other unique key, a working row holds now (SQLite may give a new row the id of a row
        moved away; a session imported again may have an archived one's UID)."""
        found: dict[str, list[int]] = {}
        for kind, archived, working in self._pairs(True):
            keys = [working.primary_key.columns, *(
                c.columns for c in working.constraints if isinstance(c, UniqueConstraint))]
            same = or_(*(exists().where(*(working.c[k.name] == archived.c[k.name]
                                          for k in columns)) for columns in keys))
            key = self._session_key(kind, archived)
            rows = self.db.execute(select(key).where(self._belongs(archived, ids), same)
                                   .distinct().order_by(key)).scalars()
            if taken := sorted({int(k) for k in rows}):
                found[kind] = taken
        return found
