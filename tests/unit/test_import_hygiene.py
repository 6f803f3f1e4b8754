"""The layering rules of ARCHITECTURE.md: core loads no framework, and the import-linter
contracts in pyproject.toml hold."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import sessionsctl.core

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_CORE = ("sqlalchemy", "alembic", "textual", "typer", "rich", "smtplib",
                     "sessionsctl.store", "sessionsctl.cli", "sessionsctl.tui")
# Used by core, but imported only when needed: rapidfuzz ranks "did you mean" after a miss.
LAZY_IN_CORE = ("rapidfuzz",)
# The modules the architecture promises; every other module found in core is imported too.
NAMED_CORE_MODULES = {"domain.errors", "domain.model", "storage", "domain.timeutil",
                      "domain.rules", "schedule.conflicts", "access", "domain.serialize",
                      "centre"}


def core_modules() -> list[str]:
    found = {m.name.removeprefix("sessionsctl.core.") for m in pkgutil.walk_packages(
        sessionsctl.core.__path__, "sessionsctl.core.")}
    assert NAMED_CORE_MODULES <= found
    return [f"sessionsctl.core.{name}" for name in sorted(found)]


def test_importing_core_loads_no_framework() -> None:
    modules = core_modules()
    script = (
        "import json, sys\n"
        f"import {', '.join(modules)}\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert set(modules) <= loaded  # the imports really happened
    leaked = sorted(m for m in loaded if any(m == bad or m.startswith(f"{bad}.")
                                             for bad in FORBIDDEN_IN_CORE + LAZY_IN_CORE))
    assert leaked == []


def test_import_linter_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    assert lint_imports.is_file(), f"{lint_imports} is missing (pip install import-linter)"
    result = subprocess.run([str(lint_imports), "--no-cache"], capture_output=True, text=True,
                            cwd=ROOT, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# What a process that lists sessions, or says its version, must not load: the TUI, the
# iCalendar library, mail templating, pendulum (with --tz given), help's markdown, pydantic
# (which Typer 0.29 reads options with), SQLAlchemy's ORM (the store's tables are Core tables)
# and, on SQLite, the PostgreSQL dialect.
NOT_FOR_A_LISTING = ("textual", "icalendar", "jinja2", "pendulum", "markdown_it", "pydantic",
                     "sqlalchemy.orm", "sqlalchemy.dialects.postgresql", "psycopg",
                     "sessionsctl.tui", "sessionsctl.core.exchange.ics",
                     "sessionsctl.core.mail.templating", "sessionsctl.core.reports.service")
# ... nor what a command that only reads sessions never uses: the session group's other
# modules, the calendar and invoice locks (its writes), the booker, series and their scopes,
# bulk changes, reports, and the storage protocols (types alone).
NOT_FOR_READING = ("sessionsctl.cli.roster", "sessionsctl.cli.closing",
                   "sessionsctl.core.lock", "sessionsctl.core.billing.guard",
                   "sessionsctl.core.schedule.booker", "sessionsctl.core.schedule.series",
                   "sessionsctl.core.schedule.scopes", "sessionsctl.core.schedule.bulk",
                   "sessionsctl.core.schedule.registration", "sessionsctl.core.reports.report",
                   "sessionsctl.core.storage")
_LOADED = (
    "import atexit, json, sys\n"
    "atexit.register(lambda: sys.stderr.write('\\nLOADED ' + json.dumps(sorted(sys.modules))))\n"
    "sys.argv = ['sessionsctl', *json.loads(sys.argv[1])]\n"
    "from sessionsctl.cli.entry import main\n"
    "main()\n"
)


def _loaded(*argv: str) -> set[str]:
    """The modules a ``sessionsctl`` process loaded by the time it exited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESSIONSCTL_")}
    result = subprocess.run([sys.executable, "-c", _LOADED, json.dumps(argv)],
                            capture_output=True, text=True, cwd=ROOT, check=False, env=env)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stderr.rpartition("\nLOADED ")[2]))


def _among(loaded: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in loaded if any(m == n or m.startswith(f"{n}.") for n in names))


def test_a_listing_loads_only_what_it_uses(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'centre.db'}", "--tz", "Europe/London"]
    _loaded(*db, "room", "add", "Hall")  # creates the centre (migrations load Alembic)
    for listing in (["session", "list", "--all"], ["session", "list", "--all", "--json"]):
        loaded = _loaded(*db, *listing)
        assert "sessionsctl.cli.sessions" in loaded  # the command really ran
        assert _among(loaded, NOT_FOR_A_LISTING) == []
        # Only the command named is loaded, not every command group, nor the session group's
        # other modules, nor what only writing or a bulk change needs.
        assert _among(loaded, ("sessionsctl.cli.exchange", "sessionsctl.cli.mail",
                               "sessionsctl.cli.reports", "alembic")) == []
        assert _among(loaded, (*NOT_FOR_READING, "sessionsctl.cli.session_show",
                               "sessionsctl.cli.recordings")) == []
    _loaded(*db, "person", "add", "--name", "Ada Byron", "--email", "ada@example.org",
            "--role", "mentor")
    _loaded(*db, "session", "add", "--title", "Algebra", "--mentor", "ada@example.org",
            "--start", "2030-01-07 16:00", "--duration", "60", "--no-notify")
    for show in (["session", "show", "1"], ["session", "show", "1", "--json"]):
        loaded = _loaded(*db, *show)
        assert "sessionsctl.cli.session_show" in loaded
        # A session with no recordings loads neither their commands nor attendance's.
        assert _among(loaded, (*NOT_FOR_READING, "sessionsctl.cli.recordings",
                               "sessionsctl.cli.attendance")) == []


def test_the_version_loads_no_command_line() -> None:
    loaded = _loaded("--version")
    assert _among(loaded, ("typer", "rich", "sqlalchemy", "sessionsctl.core",
                           "sessionsctl.cli.main")) == []



def test_the_help_page_loads_no_command_and_lists_every_one() -> None:
    """``sessionsctl --help`` draws its page from the command table alone: no command module,
    no core service, no database library; and the page is the one the whole command would draw."""
    loaded = _loaded("--help")
    assert "typer" in loaded  # the page really was drawn
    assert _among(loaded, ("sqlalchemy", "sessionsctl.core.centre", "sessionsctl.core.domain.model",
                           "sessionsctl.cli.sessions", "sessionsctl.cli.context",
                           "sessionsctl.cli.render")) == []
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SESSIONSCTL_")},
           "COLUMNS": "160", "NO_COLOR": "1"}
    head = "import sys; sys.argv = ['sessionsctl', '--help']\n"
    listed, whole = (subprocess.run([sys.executable, "-c", head + script], capture_output=True,
                                    text=True, cwd=ROOT, check=True, env=env).stdout
                     for script in ("from sessionsctl.cli.entry import main; main()",
                                    "from sessionsctl.cli.main import app; app()"))
    assert "Book, list, change and close sessions." in whole  # the whole command's own line
    assert listed == whole
