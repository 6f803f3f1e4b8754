"""SQLite backups: the online backup API copies the database at one instant while others
write; the copy is then marked finished, so an interrupted one never reads as a backup."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from ...core.backup.values import BackupContents
from ...core.domain.errors import InvalidInput

MARK = "sessionsctl_backup"  # a table only a finished backup has: when, which schema, counts


def _counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != ? ORDER BY name", (MARK,))]
    return {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _revision(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def take(source: Path, into: Path, tell: Callable[[str], None]) -> None:
    src = sqlite3.connect(f"file:{source}?mode=rw", uri=True, timeout=30)
    dst = sqlite3.connect(into)
    try:
        tell("copying")
        # One step: one read transaction on the source, so the copy is the database as it
        # stood at that instant (writers in WAL mode go on meanwhile; they are not copied).
        src.backup(dst)
        tell("marking")
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside
        counts = _counts(dst)
        dst.execute(f"CREATE TABLE {MARK} (taken_at TEXT NOT NULL, revision TEXT, "
                    "counts TEXT NOT NULL)")
        dst.execute(f"INSERT INTO {MARK} VALUES (?, ?, ?)",
                    (datetime.now(UTC).isoformat(timespec="seconds"), _revision(dst),
                     json.dumps(counts, sort_keys=True)))
        dst.commit()
    finally:
        dst.close()
        src.close()


def read(file: Path) -> BackupContents:
    try:
        db = sqlite3.connect(f"file:{file}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise InvalidInput(f"{file}: cannot be opened: {exc}") from None
    try:
        try:
            problems = [r[0] for r in db.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise InvalidInput(f"{file}: damaged: {'; '.join(problems[:3])}")
            mark = db.execute(f"SELECT taken_at, revision, counts FROM {MARK}").fetchone()
        except sqlite3.DatabaseError as exc:
            if "no such table" in str(exc):
                raise InvalidInput(f"{file}: not a finished backup (it has no completion mark: "
                                   "the copy was interrupted, or this is a database, not a "
                                   "backup)") from None
            raise InvalidInput(f"{file}: damaged: {exc}") from None
        if mark is None:
            raise InvalidInput(f"{file}: not a finished backup (empty completion mark)")
        counts, recorded = _counts(db), json.loads(mark[2])
        for table, n in recorded.items():
            if counts.get(table) != n:
                raise InvalidInput(f"{file}: table {table} holds {counts.get(table, 0)} rows; "
                                   f"the backup recorded {n}")
        return BackupContents("sqlite", mark[1], counts, mark[0])
    finally:
        db.close()


def restore(file: Path, target: Path, engine_for: Callable[[str], Engine]) -> None:
    """Build the restored database beside ``target`` (copied, unmarked, migrated), then put it
    in place: renamed over a missing target, or copied into an existing one by the backup API
    in one write transaction (other connections see the old database or the new, never half)."""
    from ..migrate import ensure_current

    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.with_name(f".{target.name}.restoring-{os.getpid()}")
    try:
        src = sqlite3.connect(f"file:{file}?mode=ro&immutable=1", uri=True)
        dst = sqlite3.connect(work)
        try:
            src.backup(dst)
            dst.execute(f"DROP TABLE {MARK}")
            dst.commit()
        finally:
            dst.close()
            src.close()
        engine = engine_for(f"sqlite:///{work}")
        try:
            ensure_current(engine)
        finally:
            engine.dispose()
        if not target.exists():
            os.replace(work, target)
            return
        src = sqlite3.connect(work)
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    finally:
        for leftover in (work, work.with_name(work.name + "-wal"), work.with_name(work.name + "-shm")):
            leftover.unlink(missing_ok=True)
