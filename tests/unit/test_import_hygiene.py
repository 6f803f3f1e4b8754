"""The layering rules of ARCHITECTURE.md: core loads no framework, and the import-linter
contracts in pyproject.toml hold."""

from __future__ import annotations

import json
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
