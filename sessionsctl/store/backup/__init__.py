"""Whole-database backups (core's ``BackupStore``): SQLite's online backup API, ``pg_dump``'s
custom format when it is on the PATH, else a logical dump this program writes and restores."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from ...core.domain.errors import InvalidInput, StoreUnavailable
from . import logical, pgdump, sqlite

if TYPE_CHECKING:
    from ...core.backup.values import BackupContents

__all__ = ["SqlBackups", "kind_of"]

_MAGIC = ((b"SQLite format 3\x00", "sqlite"), (b"PGDMP", "pg_dump"), (b"\x1f\x8b", "logical"))


def kind_of(file: Path) -> str:
    """Which kind of backup ``file`` is, by its first bytes."""
    try:
        with file.open("rb") as handle:
            head = handle.read(16)
    except FileNotFoundError:
        raise InvalidInput(f"{file}: no such file") from None
    except OSError as exc:
        raise InvalidInput(f"{file}: cannot be read: {exc.strerror}") from None
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    raise InvalidInput(f"{file}: not a backup (neither a SQLite database, a pg_dump archive "
                       "nor a sessionsctl dump)")


class SqlBackups:
    """Backups of the database at ``url``; ``engine_for`` opens an engine on a URL (the
    store's, with its SQLite pragmas) and ``pg_dump`` whether to use pg_dump when it is there."""

    def __init__(self, url: str, engine_for: Callable[[str], Engine], *,
                 pg_dump: bool = True) -> None:
        self.url = url
        self._engine_for = engine_for
        self.backend = make_url(url).get_backend_name()
        self._pg_dump = pg_dump

    def method(self) -> str:
        if self.backend == "sqlite":
            return "sqlite"
        if self._pg_dump and shutil.which("pg_dump") and shutil.which("pg_restore"):
            return "pg_dump"
        return "logical"

    def take(self, into: Path, progress: Callable[[str], None] | None = None) -> None:
        tell = progress or (lambda _stage: None)
        method = self.method()
        if method == "sqlite":
            sqlite.take(self._sqlite_path(must_exist=True), into, tell)
        elif method == "pg_dump":
            pgdump.take(self.url, self._schema(), into, tell)
        else:
            engine = self._engine_for(self.url)
            try:
                logical.take(engine, into, tell)
            finally:
                engine.dispose()

    def read(self, file: Path) -> BackupContents:
        kind = kind_of(file)
        if kind == "sqlite":
            return sqlite.read(file)
        if kind == "pg_dump":
            if not shutil.which("pg_restore"):
                raise InvalidInput(f"{file}: a pg_dump archive, and pg_restore is not on the "
                                   "PATH to read it")
            return pgdump.read(file)
        return logical.read(file)

    def schema_age(self, revision: str | None) -> str:
        from ..migrate import HEAD, known_revisions

        if revision == HEAD:
            return "current"
        return "older" if revision is None or revision in known_revisions() else "newer"

    def holds_data(self) -> bool:
        if self.backend == "sqlite":
            path = self._sqlite_path(must_exist=False)
            if not path.exists() or path.stat().st_size == 0:
                return False
        engine = self._engine_for(self.url)
        try:
            with engine.connect() as connection:
                return bool(inspect(connection).get_table_names())
        except OperationalError as exc:
            raise StoreUnavailable(f"cannot open the database to restore into: {exc.orig}") \
                from None
        finally:
            engine.dispose()

    def restore(self, file: Path, contents: BackupContents) -> None:
        if contents.method == "sqlite":
            self._same("sqlite", contents)
            sqlite.restore(file, self._sqlite_path(must_exist=False), self._engine_for)
        elif contents.method == "pg_dump":
            self._same("postgresql", contents)
            pgdump.restore(file, contents, self.url, self._engine_for)
        else:
            engine = self._engine_for(self.url)
            try:
                logical.restore(file, engine)
            finally:
                engine.dispose()

    # ------------------------------------------------------------------------------------
    def _same(self, backend: str, contents: BackupContents) -> None:
        if self.backend != backend:
            raise InvalidInput(f"a {contents.method} backup restores into a {backend} database, "
                               f"not {self.backend}", field="--db")

    def _sqlite_path(self, *, must_exist: bool) -> Path:
        database = make_url(self.url).database
        if not database or database == ":memory:":
            raise InvalidInput("an in-memory SQLite database has nothing to back up or restore "
                               "into", field="--db")
        path = Path(database).expanduser()
        if must_exist and not path.is_file():
            raise StoreUnavailable(f"no database at {path}")
        return path

    def _schema(self) -> str:
        engine = self._engine_for(self.url)
        try:
            with engine.connect() as connection:
                from sqlalchemy import text

                return str(connection.execute(text("SELECT current_schema()")).scalar())
        finally:
            engine.dispose()
