"""Running the Alembic migrations from code, so a new database is migrated on first use.

Several terminals may use a brand-new database at the same moment (eight cron jobs, say). Each
looks at the schema's revision without a lock, which costs nothing once it is current; one that
finds it behind takes the database's migration lock and looks again, so only the first creates
and migrates the tables and the others, having waited for it, find them at head and go on. On
PostgreSQL the lock is an advisory lock on :data:`PG_LOCK_KEY`, held until the migration's
transaction ends; on SQLite it is the database's write lock, taken by ``BEGIN IMMEDIATE``
before the revision is read (waiting up to the engine's busy timeout).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

# The newest revision in migrations/versions; tests/unit/test_migrations.py keeps it true.
# Comparing against it lets a command skip loading Alembic when the schema is current.
HEAD = "20261209_0016"

# The key of the PostgreSQL advisory lock migrations take: any fixed number, the same for every
# sessionsctl. One database's migrations, in whatever schema, run one at a time.
PG_LOCK_KEY = 0x5E5510C7


def migrations_dir() -> Path:
    """The Alembic scripts: shipped inside the wheel, or at the top of a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "migrations"
    if (packaged / "env.py").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "migrations"
    if (checkout / "env.py").is_file():
        return checkout
    raise FileNotFoundError("the migrations folder is missing from this installation")


def alembic_config(connection: Connection | None = None):  # -> alembic.config.Config
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    # Revision ids are YYYYMMDD_NNNN, so file names sort by date.
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.attributes["connection"] = connection
    return cfg


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """One transaction holding the database's migration lock (see the module's docstring)."""
    if engine.dialect.name == "sqlite":
        engine = engine.execution_options(sqlite_immediate=True)  # engine.py issues BEGIN
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        yield connection


def _upgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` in one transaction, holding the migration lock."""
    with _migrating(engine) as connection:
        _upgrade(connection, revision)


def ensure_current(engine: Engine) -> bool:
    """Migrate to head unless already there; True if this call did it (False also when another
    process did it while this one waited for the lock)."""
    with engine.connect() as connection:
        if current_revision(connection) == HEAD:
            return False
    with _migrating(engine) as connection:
        if current_revision(connection) == HEAD:
            return False
        _upgrade(connection, "head")
    return True


def known_revisions() -> set[str]:
    """Every revision this program's migrations know (an older schema is one of them)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return {script.revision for script in scripts.walk_revisions()}
