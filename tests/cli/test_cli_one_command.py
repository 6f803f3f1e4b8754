"""A command line naming one command of a group builds that command alone (Typer reads the
signature of every command it builds); anything else gets the whole group, so help pages and
a misspelt command name read as they always did."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer.main

from sessionsctl.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _commands(group: str, argv: list[str]) -> set[str]:
    command, then = main._words(argv)
    assert command == group
    built: Any = typer.main.get_command(main.build([command], then=then))
    return set(built.commands[group].commands)


def test_a_named_command_of_a_group_is_built_alone() -> None:
    assert _commands("session", ["--tz", "UTC", "session", "list", "--all"]) == {"list"}
    assert _commands("session", ["session", "show", "1"]) == {"show"}
    assert _commands("session", ["session", "close-ended"]) == {"close-ended"}


def test_help_a_misspelt_name_or_an_option_first_get_the_whole_group() -> None:
    whole = _commands("session", ["session"])
    assert {"add", "list", "show", "cancel", "move"} <= whole
    for argv in (["session", "--help"], ["session", "--help", "list"], ["session", "lst"]):
        assert _commands("session", argv) == whole


def test_no_group_names_a_command_twice() -> None:
    """A line naming a group's command loads the group's modules only up to the first that
    adds a command of that name: so no later one may add another of the same name."""
    _ = main.app  # every module of every group loaded
    for name, modules, attribute, _panel, _line in main._COMMANDS:
        if not modules:
            continue
        group = getattr(sys.modules[f"sessionsctl.cli.{modules.split()[0]}"], attribute)
        if not isinstance(group, typer.Typer):
            continue
        names = [c.name or typer.main.get_command_name(c.callback.__name__)
                 for c in group.registered_commands if c.callback is not None]
        names += [g.name for g in group.registered_groups if g.name]
        assert len(names) == len(set(names)), name


def _help(*argv: str) -> str:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SESSIONSCTL_")},
           "COLUMNS": "160", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-c", "from sessionsctl.cli.entry import main; main()",
                           *argv], capture_output=True, text=True, cwd=ROOT, env=env,
                          check=False).stdout


def test_a_command_s_help_is_the_whole_command_s() -> None:
    head = "import sys; sys.argv = ['sessionsctl', 'session', 'list', '--help']\n"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SESSIONSCTL_")},
           "COLUMNS": "160", "NO_COLOR": "1"}
    whole = subprocess.run([sys.executable, "-c", head + "from sessionsctl.cli.main import app; "
                            "app()"], capture_output=True, text=True, cwd=ROOT, env=env,
                           check=True).stdout
    assert "sessionsctl session list --from 2026-12-01" in whole
    assert _help("session", "list", "--help") == whole
