"""Migrations: a new database reaches head on first use, and models and scripts agree."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from sessionsctl.store import open_store
from sessionsctl.store.migrate import HEAD, alembic_config, current_revision, upgrade
from sessionsctl.store.schema import Base


def test_head_constant_matches_the_newest_script() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_new_database_is_created_and_migrated_on_first_use(fresh_url: str) -> None:
    store = open_store(fresh_url)
    try:
        with store.engine.connect() as conn:
            assert current_revision(conn) == HEAD
            tables = set(inspect(conn).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        store.close()


def test_models_and_migrations_do_not_drift(fresh_url: str) -> None:
    engine = create_engine(fresh_url.replace("/new/", "/")) if fresh_url.startswith("sqlite") \
        else create_engine(fresh_url)
    upgrade(engine)
    with engine.begin() as conn:
        command.check(alembic_config(conn))  # raises if autogenerate would find a change
    engine.dispose()


def test_downgrade_to_empty_and_up_again(fresh_url: str) -> None:
    store = open_store(fresh_url)
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    with store.engine.connect() as conn:
        assert not (set(Base.metadata.tables) & set(inspect(conn).get_table_names()))
    upgrade(store.engine)
    with store.engine.connect() as conn:
        assert current_revision(conn) == HEAD
    store.close()
