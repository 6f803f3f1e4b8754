"""Every command's --help shows an example, and every example is a command line that parses:
its subcommands exist, its options are the command's own and its values are of their types."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from typing import Any

import pytest
import typer
import typer.main

from sessionsctl.cli.main import app

UsageError = typer.BadParameter.__mro__[1]  # Typer's own click: BadParameter is a UsageError

ROOT = typer.main.get_command(app)


def _leaves(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    subs = getattr(command, "commands", None)
    if subs:
        for name, sub in subs.items():
            yield from _leaves(sub, (*path, name))
    else:
        yield " ".join(path), command


LEAVES = dict(_leaves(ROOT))


def _examples(command: Any) -> list[str]:
    return [" ".join(found.split())  # a long one is wrapped in the docstring
            for found in re.findall(r"`(sessionsctl [^`]+)`", command.help or "")]


def _parse(line: str) -> Any:
    """Parse ``line`` as the shell and click would, down to its command; nothing is run."""
    args = shlex.split(line)[1:]
    ctx = ROOT.make_context("sessionsctl", args)
    command: Any = ROOT
    while getattr(command, "commands", None):
        name, sub, rest = command.resolve_command(
            ctx, [*ctx._protected_args, *ctx.args])
        ctx = sub.make_context(name, rest, parent=ctx)
        command = sub
    assert not ctx.args, f"{line}: left over {ctx.args}"
    return command


def test_the_tree_is_walked() -> None:
    assert {"session add", "import ics", "report student", "tui"} <= set(LEAVES)


@pytest.mark.parametrize("path", sorted(LEAVES))
def test_every_command_shows_an_example_that_parses(path: str) -> None:
    examples = _examples(LEAVES[path])
    assert examples, f"`sessionsctl {path} --help` shows no example"
    for line in examples:
        assert line.startswith("sessionsctl ") and f" {path.split()[-1]}" in line
        assert _parse(line) is LEAVES[path], line


def test_a_misspelt_option_in_an_example_would_be_caught() -> None:
    with pytest.raises(UsageError):
        _parse("sessionsctl session list --mentr ada@example.org")
    with pytest.raises(typer.BadParameter):
        _parse("sessionsctl session free --mentor a@example.org --duration sixty")


def test_help_is_read_the_same_in_a_real_process(run: Any) -> None:
    text = run.ok("session", "list", "--help").stdout
    assert "Examples" in text and "sessionsctl session list --from 2026-12-01" in text


@pytest.mark.parametrize(("args", "said"), [
    (["session", "free", "--mentor", "a@example.org", "--duration", "sixty"],
     "Invalid value for '--duration': 'sixty' is not a whole number"),
    (["session", "show", "1.5"], "'1.5' is not a whole number"),
    (["session", "list", "--limit", "-3"], "'--limit': must be at least 0, not -3"),
    (["session", "list", "--type", "bogus"],
     "'bogus' is not one of 'individual', 'group', 'workshop'"),
])
def test_a_value_typer_cannot_read_is_said_in_plain_words(run: Any, args: list[str],
                                                          said: str) -> None:
    result = run.fails(2, *args)
    text = " ".join(result.stderr.replace("│", " ").split())
    assert said in text, text
    assert "Input should be" not in text and "Value error" not in text
