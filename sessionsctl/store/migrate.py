"""Running the Alembic migrations from code, so a new database is migrated on first use."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

# The newest revision in migrations/versions; tests/unit/test_migrations.py keeps it true.
# Comparing against it lets a command skip loading Alembic when the schema is current.
HEAD = "20261205_0005"


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


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` in one transaction."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def ensure_current(engine: Engine) -> bool:
    """Migrate to head unless already there; True if anything was done."""
    with engine.connect() as connection:
        if current_revision(connection) == HEAD:
            return False
    upgrade(engine)
    return True
