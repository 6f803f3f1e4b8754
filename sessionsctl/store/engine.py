"""Opening a database: engine set-up per backend, first-use migration, units of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    OperationalError,
    ProgrammingError,
)

from ..core.domain.errors import Contended, DatabaseDenied, InvalidInput, StoreUnavailable
from ..core.identity import is_unbound
from . import migrate
from .unit import SqlUnit

if TYPE_CHECKING:  # backups and PostgreSQL's access rules are imported when used
    from .backup import SqlBackups

SQLITE_BUSY_TIMEOUT_S = 30
EXCLUSION_VIOLATION = "23P01"  # PostgreSQL: a row broke an exclusion constraint
UNIQUE_VIOLATION = "23505"
RACE_LOST = {"40P01", "40001"}  # PostgreSQL: deadlock detected, serialization failure
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL: permission denied (a GRANT is missing)
_PRIVILEGES = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "CREATE"}


def default_url() -> str:
    """A SQLite file in the user's data directory."""
    from platformdirs import user_data_path

    return f"sqlite:///{user_data_path('sessionsctl') / 'sessionsctl.db'}"


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # The pool hands a connection to one thread at a time; the TUI reads from worker threads.
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S,
                                              "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event (below) issue BEGIN itself, so writers can take
        # the write lock up front (ARCHITECTURE.md, decision 3).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # 16 MiB of page cache (SQLite's default is 2 MiB), filled only as pages are read: an
        # import of a school's year goes back to the same index pages of sessions and their
        # students again and again, and read them from the operating system each time.
        cursor.execute("PRAGMA cache_size = -16384")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_engine(url: str) -> Engine:
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise InvalidInput(f"cannot read database URL {url!r}", field="db") from None
    if backend == "sqlite":
        return _sqlite_engine(url)
    if backend == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    raise InvalidInput(f"unsupported database {backend!r}: use sqlite:/// or postgresql+psycopg://",
                       field="db")


def _role(engine: Engine) -> str | None:
    """The database role the engine connects as (``current_user``, which the URL may not
    say: PGUSER, the operating-system user...)."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT current_user")).scalar()
    except DBAPIError:
        return engine.url.username


def denied(engine: Engine, exc: DBAPIError) -> DatabaseDenied | None:
    """``exc`` as the role's missing privilege, if that is what it is (else None)."""
    if getattr(exc.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
        return None
    diag = getattr(exc.orig, "diag", None)
    reason = getattr(diag, "message_primary", None) or str(exc.orig).strip().splitlines()[0]
    verb = (exc.statement or "").split(None, 1)[:1]
    privilege = verb[0].upper() if verb and verb[0].upper() in _PRIVILEGES else None
    return DatabaseDenied(_role(engine), reason, privilege)


class SqlStore:
    """The core Store protocol over SQLAlchemy."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.backend = engine.dialect.name
        self._writer = engine.execution_options(sqlite_immediate=True)
        self._login: str | None = None
        self._private = False  # whether the connection may not read sessions' private columns
        self.unbound: str | None = None

    @contextmanager
    def unit(self, actor: str | None = None, *, write: bool = False) -> Iterator[SqlUnit]:
        try:
            with (self._writer if write else self.engine).begin() as connection:
                login = self.login(connection)
                unit = SqlUnit(connection, actor, login, private=self._private)
                self.unbound = login if is_unbound(unit.actor) else None
                yield unit
                unit.flush()
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) in RACE_LOST:
                # Two bookings waited for each other at the guard; PostgreSQL aborted this one.
                raise Contended("another booking took this slot at the same moment") from None
            raise
        except ProgrammingError as exc:
            refused = denied(self.engine, exc)
            if refused is None:
                raise
            raise refused from None
        except IntegrityError as exc:
            state = getattr(exc.orig, "sqlstate", None)
            if state == EXCLUSION_VIOLATION:
                raise Contended("another booking took this slot at the same moment") from None
            if state == UNIQUE_VIOLATION or "UNIQUE constraint failed" in str(exc.orig):
                # Checked before writing; this is another terminal adding the same at once.
                raise InvalidInput("the same was just added from another terminal: "
                                   f"{exc.orig}") from None
            raise

    def login(self, connection: Connection) -> str:
        """Who runs the program, as a person's ``login`` names them: the role the connection
        authenticated as on PostgreSQL, the operating-system user on SQLite (read once)."""
        if self._login is None:
            if self.backend == "postgresql":
                self._login = str(connection.execute(text("SELECT current_user")).scalar())
                from .repos.access import reads_privately

                self._private = reads_privately(connection)
            else:
                import getpass

                self._login = getpass.getuser()
        return self._login

    def close(self) -> None:
        self.engine.dispose()

    def backups(self) -> SqlBackups:
        from .backup import SqlBackups

        return SqlBackups(self.url, make_engine)


def backups_of(url: str | None, *, pg_dump: bool = True) -> SqlBackups:
    """Backups of the database at ``url`` (the default one for None), which need not exist
    yet (a restore's target): nothing is opened, created or migrated here."""
    from .backup import SqlBackups

    return SqlBackups(url or default_url(), make_engine, pg_dump=pg_dump)


def open_store(url: str | None = None, *, migrate_schema: bool = True) -> SqlStore:
    """Open (creating and migrating on first use) the database at ``url``."""
    url = url or default_url()
    engine = make_engine(url)
    try:
        if migrate_schema:
            migrate.ensure_current(engine)
    except ProgrammingError as exc:
        refused = denied(engine, exc)
        engine.dispose()
        if refused is None:
            raise
        raise refused from None
    except OperationalError as exc:
        engine.dispose()
        raise StoreUnavailable(f"cannot open database {make_url(url).render_as_string()}: "
                               f"{exc.orig}") from None
    return SqlStore(url, engine)
