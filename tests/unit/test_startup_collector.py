"""The console script pauses the garbage collector while a command's modules load; opening
the centre resumes it with what was loaded frozen out of its walks (sessionsctl/cli/entry.py,
cli/context.py). Where it was not paused (a test, a program calling the command line),
opening the centre leaves the collector alone."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sessionsctl.cli.context import _loaded


@pytest.fixture
def collector() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_a_paused_collector_is_resumed_with_what_was_loaded_frozen(collector: None) -> None:
    gc.unfreeze()
    gc.disable()
    _loaded()
    assert gc.isenabled() and gc.get_freeze_count() > 0


def test_a_running_collector_is_left_alone(collector: None) -> None:
    gc.unfreeze()
    gc.enable()
    _loaded()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_command_runs_with_the_collector_resumed(tmp_path: Path) -> None:
    """The whole path, in a process of its own: the console script's entry point, then a
    command that opens the centre."""
    probe = (
        "import gc, sys\n"
        "from sessionsctl.cli import context, entry\n"
        "seen = []\n"
        "real = context._loaded\n"
        "def loaded():\n"
        "    seen.append(gc.isenabled())\n"
        "    real()\n"
        "    seen.append(gc.isenabled())\n"
        "context._loaded = loaded\n"
        f"sys.argv = ['sessionsctl', '--db', 'sqlite:///{tmp_path / 'c.db'}', 'room', 'list']\n"
        "try:\n"
        "    entry.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(seen, gc.get_freeze_count() > 0, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120)
    assert done.stderr.strip().splitlines()[-1] == "[False, True] True", done.stderr
