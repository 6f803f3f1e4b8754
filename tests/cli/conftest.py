"""Fixtures for the command-line tests.

``run`` invokes the Typer app in-process with ``--db <the test database> --tz Europe/London``
put before the subcommand, in an environment where no developer setting can leak in: the
config file is a path that does not exist, SESSIONSCTL_DB/USER/TZ are unset, NO_COLOR=1.
This Click's CliRunner keeps stdout and stderr apart (``result.stdout``, ``result.stderr``;
``result.output`` is both, interleaved).

``seeded`` is a small centre built through the CLI itself: a staff member, two mentors, three
students, two rooms with capacities and a subject.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from sessionsctl.cli.main import app
from sessionsctl.store.schema import metadata

VIEWER_TZ = "Europe/London"

# A developer's own settings must never reach a test: None unsets the variable.
CLEAN_ENV: dict[str, str | None] = {
    "SESSIONSCTL_DB": None,
    "SESSIONSCTL_USER": None,
    "SESSIONSCTL_TZ": None,
    "SESSIONSCTL_DEBUG": None,
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
}

_DEFAULT = object()


def describe(result: Result) -> str:
    """Everything about a result, for assertion messages."""
    return (f"exit {result.exit_code}, exception {result.exception!r}\n"
            f"--- stdout\n{result.stdout}--- stderr\n{result.stderr}")


def parse_json(result: Result) -> Any:
    """The JSON document a command printed on stdout."""
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"stdout is not JSON ({exc})\n{describe(result)}") from None


def assert_clean_exit(result: Result, code: int) -> None:
    """Exit ``code`` through the app's own error handling: no unhandled exception, no traceback."""
    assert result.exit_code == code, describe(result)
    assert result.exception is None or isinstance(result.exception, SystemExit), describe(result)
    assert "Traceback" not in result.output, describe(result)


@dataclass
class Run:
    """Invoke ``sessionsctl --db URL --tz ZONE [--as EMAIL] ARGS...`` in-process."""

    db_url: str
    config_path: Path
    runner: CliRunner

    def __call__(self, *args: str, as_: str | None = None, tz: str | None = VIEWER_TZ,
                 db: Any = _DEFAULT, env: dict[str, str | None] | None = None,
                 input: str | None = None) -> Result:
        head: list[str] = []
        url = self.db_url if db is _DEFAULT else db
        if url is not None:
            head += ["--db", url]
        if tz is not None:
            head += ["--tz", tz]
        if as_ is not None:
            head += ["--as", as_]
        full_env = {**CLEAN_ENV, "SESSIONSCTL_CONFIG": str(self.config_path), **(env or {})}
        return self.runner.invoke(app, [*head, *args], env=full_env, prog_name="sessionsctl",
                                  input=input)

    def ok(self, *args: str, **kwargs: Any) -> Result:
        """Run and insist on exit 0."""
        result = self(*args, **kwargs)
        assert_clean_exit(result, 0)
        return result

    def json(self, *args: str, **kwargs: Any) -> Any:
        """Run with --json appended, insist on exit 0, and return the parsed output."""
        return parse_json(self.ok(*args, "--json", **kwargs))

    def fails(self, code: int, *args: str, **kwargs: Any) -> Result:
        """Run and insist on exit ``code`` without a traceback."""
        result = self(*args, **kwargs)
        assert_clean_exit(result, code)
        return result


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    """A config file that does not exist, so a developer's own config cannot leak in."""
    return tmp_path / "no-such-config" / "config.toml"


@pytest.fixture
def run(db_url: str, config_path: Path) -> Run:
    # The runner's stdout is not a terminal, so tables print whole at the width they need,
    # as they do through a pipe: no width is forced here (tests/cli/test_cli_width.py).
    return Run(db_url, config_path, CliRunner())


# --------------------------------------------------------------------------- the seeded centre
@dataclass
class Seeded:
    """A small centre created through the CLI, with a helper to book sessions."""

    run: Run
    desk: str = "desk@example.org"  # staff
    ada: str = "ada@example.org"  # mentor
    bob: str = "bob@example.org"  # mentor
    sam: str = "sam@example.org"  # student
    kim: str = "kim@example.org"  # student
    lee: str = "lee@example.org"  # student
    room: str = "Room 2"  # 2 seats
    hall: str = "Hall"  # 30 seats
    subject: str = "Mathematics"

    def book(self, start: str, *, title: str = "Algebra", mentor: str | None = None,
             students: Sequence[str] = (), duration: int | None = 60,
             extra: Sequence[str] = (), as_: str | None = None) -> dict[str, Any]:
        """``session add`` with the given options; returns its --json output."""
        return self.run.json(*book_args(start, title=title, mentor=mentor or self.ada,
                                        students=students, duration=duration, extra=extra),
                             as_=as_)


def book_args(start: str, *, title: str = "Algebra", mentor: str = "ada@example.org",
              students: Sequence[str] = (), duration: int | None = 60,
              extra: Sequence[str] = ()) -> list[str]:
    """The arguments of a ``session add`` (``--past``: fixtures record history too)."""
    args = ["session", "add", "--title", title, "--mentor", mentor, "--start", start, "--past"]
    for email in students:
        args += ["--student", email]
    if duration is not None:
        args += ["--duration", str(duration)]
    return [*args, *extra]


PEOPLE = (
    ("Dee Desk", "desk@example.org", "staff"),
    ("Ada Byron", "ada@example.org", "mentor"),
    ("Bob Stone", "bob@example.org", "mentor"),
    ("Sam Lee", "sam@example.org", "student"),
    ("Kim Park", "kim@example.org", "student"),
    ("Lee Chen", "lee@example.org", "student"),
)


@pytest.fixture
def seeded(run: Run) -> Seeded:
    for name, email, role in PEOPLE:
        run.ok("person", "add", "--name", name, "--email", email, "--role", role)
    run.ok("room", "add", "Room 2", "--capacity", "2")
    run.ok("room", "add", "Hall", "--capacity", "30")
    run.ok("subject", "add", "Mathematics")
    return Seeded(run)


# ------------------------------------------------------------------------- database snapshots
def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the schema, read straight through SQLAlchemy."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {table.name: sorted(map(tuple, conn.execute(select(table))), key=repr)
                    for table in metadata.sorted_tables}
    finally:
        engine.dispose()


@pytest.fixture
def db_snapshot(db_url: str) -> Callable[[], dict[str, list[tuple[Any, ...]]]]:
    return lambda: snapshot(db_url)

