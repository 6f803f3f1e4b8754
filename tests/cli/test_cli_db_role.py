"""Connecting as a PostgreSQL role that does not own the tables: exit 5, naming the role and
what it lacks (it was exit 1, "unexpected error: ProgrammingError ... permission denied")."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .conftest import Run, assert_clean_exit

Grant = Callable[[str], None]


@pytest.fixture
def role(backend: str, db_url: str) -> Iterator[tuple[str, str, Grant]]:
    """(name, URL) of a new login role that may use the test schema but was granted nothing
    in it, and ``grant(sql)`` to run a GRANT (``{role}`` and ``{schema}`` filled in)."""
    if backend != "postgresql":
        pytest.skip("roles and grants are PostgreSQL's; a SQLite file has no owner to ask")
    name = f"clerk_{uuid.uuid4().hex[:10]}"
    url = make_url(db_url)
    schema = url.query["options"].split("=", 1)[1]
    admin = create_engine(url.set(query={}))

    def grant(sql: str) -> None:
        with admin.begin() as conn:
            conn.execute(text(sql.format(role=f'"{name}"', schema=f'"{schema}"')))

    grant("CREATE ROLE {role} LOGIN")
    grant("GRANT USAGE ON SCHEMA {schema} TO {role}")
    try:
        yield name, url.set(username=name).render_as_string(hide_password=False), grant
    finally:
        grant("DROP OWNED BY {role}")
        grant("DROP ROLE {role}")
        admin.dispose()


def test_a_role_granted_nothing_is_told_who_it_is_and_what_it_lacks(
        run: Run, role: tuple[str, str, Grant]) -> None:
    name, url, _ = role
    result = run("person", "list", db=url)
    assert_clean_exit(result, 5)
    assert f'database role "{name}"' in result.stderr
    assert "lacks the SELECT privilege on table alembic_version" in result.stderr
    assert "unexpected error" not in result.stderr
    as_json = run("person", "list", "--json", db=url)
    assert_clean_exit(as_json, 5)
    assert '"role": "' + name + '"' in as_json.stdout and '"name": "alembic_version"' in as_json.stdout


def test_a_role_that_may_read_but_not_write_is_told_which_table(
        run: Run, role: tuple[str, str, Grant]) -> None:
    name, url, grant = role
    grant("GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}")
    run.ok("person", "list", db=url)
    result = run("person", "add", "--name", "Ada", "--email", "ada@example.org",
                 "--role", "mentor", db=url)
    assert_clean_exit(result, 5)
    assert f'database role "{name}" lacks the INSERT privilege on table people' in result.stderr


def test_a_role_that_may_not_create_tables_in_a_new_schema_is_told_so(
        run: Run, role: tuple[str, str, Grant], fresh_url: str) -> None:
    """A brand-new (empty) schema the role may use but not create tables in: the migration's
    first CREATE is refused, and said so."""
    name, _, grant = role
    schema = make_url(fresh_url).query["options"].split("=", 1)[1]
    grant(f'GRANT USAGE ON SCHEMA "{schema}" TO {{role}}')
    result = run("person", "list", db=make_url(fresh_url).set(username=name)
                 .render_as_string(hide_password=False))
    assert_clean_exit(result, 5)
    assert (f'database role "{name}" lacks the CREATE privilege on schema {schema}'
            in result.stderr), result.stderr
