"""Shared fixtures: a migrated database per test on SQLite, or on PostgreSQL when
SESSIONSCTL_TEST_DB names one (CI runs the suite once each way)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sessionsctl.core.centre import Centre
from sessionsctl.store import open_store
from sessionsctl.store.engine import SqlStore
from sessionsctl.store.migrate import upgrade
from sessionsctl.store.schema import metadata

PG_URL = os.environ.get("SESSIONSCTL_TEST_DB", "")
BACKEND = "postgresql" if PG_URL.startswith("postgresql") else "sqlite"


def pytest_report_header() -> str:
    return f"sessionsctl test backend: {BACKEND}" + (f" ({PG_URL})" if PG_URL else "")


def pg_schema_url(schema: str) -> str:
    """The test PostgreSQL URL with ``schema`` alone on the search path (public may hold leftovers)."""
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def backend() -> str:
    return BACKEND


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head once per worker; each test starts from a copy of it."""
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = create_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        yield str(path)
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(pg_schema_url(schema))
    upgrade(engine)
    engine.dispose()
    yield schema
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _emptied(template: str, path: Path) -> str:
    """A URL to an empty, migrated database: a copy of the template at ``path`` (SQLite), or
    the template schema with every table emptied (PostgreSQL)."""
    if BACKEND == "sqlite":
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    url = pg_schema_url(template)
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def db_url(_template: str, tmp_path: Path) -> str:
    """A URL to an empty, migrated database of the backend under test."""
    return _emptied(_template, tmp_path / "sessionsctl.db")


@pytest.fixture
def empty_db(_template: str, tmp_path: Path) -> Callable[[], str]:
    """Call for a URL to an empty, migrated database, as often as a test needs one (a
    hypothesis test, one per example); each call empties the one before on PostgreSQL."""
    made = iter(range(1_000_000))
    return lambda: _emptied(_template, tmp_path / f"example-{next(made)}.db")


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    """A URL to a database that does not exist yet (SQLite) or an empty schema (PostgreSQL)."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path / 'new' / 'sessionsctl.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield pg_schema_url(schema)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def new_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL to a database that does not exist yet (SQLite), or to a brand-new, empty database
    of its own (PostgreSQL: ``CREATE DATABASE``, as a centre would set one up)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'centre' / 'sessionsctl.db'}"
        return
    name = f"t_new_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def store(db_url: str) -> Iterator[SqlStore]:
    s = open_store(db_url)
    yield s
    s.close()


@pytest.fixture
def centre(store: SqlStore) -> Centre:
    return Centre(store)
