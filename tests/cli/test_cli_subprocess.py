"""Every command through a real process of the installed console script, as cron and shell
scripts run it: exit codes, key output, help and version, and NO_COLOR."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import typer.main
from click import Group

from sessionsctl import __version__
from sessionsctl.cli.main import app

DAY = "2030-12-03"
ANSI = "\x1b["


def _script() -> str:
    """The console script of the environment running the tests, else the one on PATH."""
    beside = Path(sys.executable).parent / "sessionsctl"
    if beside.is_file():
        return str(beside)
    found = shutil.which("sessionsctl")
    if found is None:
        pytest.skip("the sessionsctl console script is not installed")
    return found


def _env(config_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SESSIONSCTL_") and k not in ("FORCE_COLOR", "NO_COLOR")}
    return {**env, "SESSIONSCTL_CONFIG": str(config_path), "NO_COLOR": "1", "COLUMNS": "200",
            **extra}


class Sessionsctl:
    """``sessionsctl --db URL --tz Europe/London ARGS...`` in a subprocess."""

    def __init__(self, db_url: str, config_path: Path) -> None:
        self.db_url = db_url
        self.config_path = config_path
        self.script = _script()

    def __call__(self, *args: str, db: str | None = None,
                 as_: str | None = None) -> subprocess.CompletedProcess[str]:
        head = ["--db", db or self.db_url, "--tz", "Europe/London"]
        if as_:
            head += ["--as", as_]
        return subprocess.run([self.script, *head, *args], capture_output=True, text=True,
                              env=_env(self.config_path), timeout=120)

    def expect(self, code: int, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        done = self(*args, **kwargs)
        assert done.returncode == code, (f"{args}: exit {done.returncode}\n--- stdout\n"
                                         f"{done.stdout}--- stderr\n{done.stderr}")
        assert "Traceback" not in done.stdout + done.stderr
        return done

    def ok(self, *args: str, **kwargs: Any) -> str:
        return self.expect(0, *args, **kwargs).stdout

    def json(self, *args: str, **kwargs: Any) -> Any:
        return json.loads(self.ok(*args, "--json", **kwargs))


@pytest.fixture
def sessionsctl(db_url: str, config_path: Path) -> Sessionsctl:
    return Sessionsctl(db_url, config_path)


# ------------------------------------------------------------------------------ a whole day
def test_every_command_in_a_real_process(sessionsctl: Sessionsctl, fresh_url: str) -> None:
    cli = sessionsctl
    cli.db_url = fresh_url  # init creates it
    yesterday = datetime.now(ZoneInfo("Europe/London")).date() - timedelta(days=1)
    assert "Database ready" in cli.ok("init")
    assert "Europe/London" in cli.ok("where")

    assert "Added mentor Ada Byron <ada@example.org> (#1)" in cli.ok(
        "person", "add", "--name", "Ada Byron", "--email", "ada@example.org", "--role", "mentor")
    for name, email in (("Sam Lee", "sam@example.org"), ("Kim Park", "kim@example.org")):
        cli.ok("person", "add", "--name", name, "--email", email, "--role", "student")
    people = cli.ok("person", "list")
    assert "Ada Byron" in people and "3 people" in people
    assert [p["email"] for p in cli.json("person", "list", "--role", "student")] == [
        "kim@example.org", "sam@example.org"]

    assert "Added room Room 2 (#1, 2 seats)" in cli.ok("room", "add", "Room 2", "--capacity", "2")
    assert "Room 2" in cli.ok("room", "list")
    assert "Added subject Mathematics (#1)" in cli.ok("subject", "add", "Mathematics")
    assert "Mathematics" in cli.ok("subject", "list")

    # Yesterday's lesson can take attendance and feedback; next year's is cancelled.
    booked = cli.ok("session", "add", "--title", "Algebra", "--mentor", "ada@example.org",
                    "--student", "sam@example.org", "--student", "kim@example.org",
                    "--room", "Room 2", "--subject", "Mathematics",
                    "--start", f"{yesterday} 16:00", "--duration", "60", "--past")
    assert f"Booked #1 'Algebra': {yesterday:%a %d %b %Y} 16:00" in booked
    second = cli.json("session", "add", "--title", "Geometry", "--mentor", "ada@example.org",
                      "--start", f"{DAY} 18:00", "--end", f"{DAY} 19:00")
    assert second["id"] == 2

    listing = cli.ok("session", "list", "--from", DAY, "--to", DAY)
    assert "Tuesday 03 December 2030" in listing and "1 session;" in listing
    assert [s["id"] for s in cli.json("session", "list", "--all")] == [1, 2]
    assert "Session #1" in cli.ok("session", "show", "1")

    assert "Changed #1 'Algebra'" in cli.ok("session", "edit", "1", "--start",
                                            f"{yesterday} 15:00", "--past")
    assert cli.json("session", "show", "1")["end"].startswith(f"{yesterday}T16:00:00")
    assert "Started #1" in cli.ok("session", "start", "1")
    assert "Marked sam@example.org present" in cli.ok(
        "attendance", "mark", "1", "sam@example.org", "present")
    assert "present" in cli.ok("attendance", "list", "1")
    assert "5/5" in cli.ok("feedback", "add", "1", "--from", "sam@example.org", "--rating", "5",
                           "--category", "clarity=4")
    assert "Completed #1" in cli.ok("session", "complete", "1")
    assert "Cancelled #2 'Geometry'" in cli.ok("session", "cancel", "2", "--reason", "ill")
    statuses = [s["status"] for s in cli.json("session", "list", "--all")]
    assert statuses == ["completed", "cancelled"]


# ---------------------------------------------------------------------------- exit codes
@pytest.fixture
def booked(sessionsctl: Sessionsctl) -> Sessionsctl:
    for name, email, role in (("Ada Byron", "ada@example.org", "mentor"),
                              ("Sam Lee", "sam@example.org", "student")):
        sessionsctl.ok("person", "add", "--name", name, "--email", email, "--role", role)
    sessionsctl.ok(*_add(f"{DAY} 16:00"))
    return sessionsctl


def _add(start: str) -> list[str]:
    return ["session", "add", "--title", "Algebra", "--mentor", "ada@example.org",
            "--student", "sam@example.org", "--start", start, "--duration", "60"]


@pytest.mark.parametrize("code, args, kwargs, mentions", [
    (2, ["session", "add", "--colour", "red"], {}, "--colour"),
    (2, _add("next tuesday"), {}, "next tuesday"),
    (2, ["person", "list"], {"db": "mysql://root@127.0.0.1/centre"}, "mysql"),
    (3, _add(f"{DAY} 16:30"), {}, "nothing was written"),
    (4, ["session", "show", "999"], {}, "999"),
    (5, _add(f"{DAY} 18:00"), {"as_": "sam@example.org"}, "sam@example.org"),
    (1, ["person", "list"], {"db": "postgresql+psycopg://postgres@127.0.0.1:1/test"},
     "cannot open database"),
    (2, ["tui"], {}, "the front desk needs a terminal"),  # output piped: no screen to draw
], ids=["usage", "invalid", "unsupported-db", "conflict", "not-found", "not-permitted",
        "unreachable-db", "tui-without-a-terminal"])
def test_exit_codes(booked: Sessionsctl, code: int, args: list[str], kwargs: dict,
                    mentions: str) -> None:
    assert mentions in booked.expect(code, *args, **kwargs).stderr


def test_conflict_json_in_a_real_process(booked: Sessionsctl) -> None:
    done = booked.expect(3, *_add(f"{DAY} 16:30"), "--json")
    kinds = sorted(c["kind"] for c in json.loads(done.stdout)["conflicts"])
    assert kinds == ["mentor", "student"]


# -------------------------------------------------------------------------- help, version
def _command_paths() -> list[list[str]]:
    """Every group and command of the app, as the words that reach it."""
    paths: list[list[str]] = [[]]

    def walk(group: Group, prefix: list[str]) -> None:
        for name, command in sorted(group.commands.items()):
            paths.append([*prefix, name])
            if isinstance(command, Group):
                walk(command, [*prefix, name])

    walk(typer.main.get_command(app), [])  # type: ignore[arg-type]
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "sessionsctl")
def test_help_of_every_command_and_group(config_path: Path, path: list[str]) -> None:
    done = subprocess.run([_script(), *path, "--help"], capture_output=True, text=True,
                          env=_env(config_path), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout and " ".join(["sessionsctl", *path]) in done.stdout
    assert "<bool>" not in done.stdout  # a flag takes no value
    command = typer.main.get_command(app)
    for word in path:
        command = command.commands[word]  # type: ignore[attr-defined]
    for sub in getattr(command, "commands", {}).values():
        # a listed command's help reads as a sentence, not broken where the docstring wraps
        first = " ".join((sub.help or "").split("\n\n")[0].split()).replace("`", "")[:120]
        assert first in done.stdout, (sub.name, first)


def test_version(config_path: Path) -> None:
    done = subprocess.run([_script(), "--version"], capture_output=True, text=True,
                          env=_env(config_path), timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, f"sessionsctl {__version__}")


# ------------------------------------------------------------------------------ NO_COLOR
def _in_terminal(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal 200 columns wide; return all output."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                            env=env, close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


COLOURED_COMMANDS = [
    ["person", "list"],  # table headers are bold
    ["session", "list", "--all"],  # day titles, status styles, dim footer
    ["session", "show", "1"],
    _add(f"{DAY} 16:30"),  # a conflict: a table and a red "error:" on stderr
]


@pytest.mark.parametrize("no_color", [True, False], ids=["NO_COLOR=1", "colours-on"])
def test_no_color_in_a_terminal(booked: Sessionsctl, no_color: bool) -> None:
    env = _env(booked.config_path, TERM="xterm-256color")
    env.pop("COLUMNS")
    if not no_color:
        env.pop("NO_COLOR")
    outputs = []
    for args in COLOURED_COMMANDS:
        code, output = _in_terminal(
            [booked.script, "--db", booked.db_url, "--tz", "Europe/London", *args], env)
        assert code in (0, 3), output
        outputs.append(output)
    everything = "".join(outputs)
    assert "Algebra" in everything
    if no_color:
        assert ANSI not in everything, repr(everything[:2000])
    else:  # the harness does give the program a terminal it would colour
        assert ANSI in everything


def test_no_color_when_piped(booked: Sessionsctl) -> None:
    for args in COLOURED_COMMANDS:
        done = booked(*args)
        assert ANSI not in done.stdout + done.stderr


def test_a_reader_that_goes_away_stops_it_quietly(booked: Sessionsctl) -> None:
    """`export csv | head -1`: no "unexpected error", exit 141 as for SIGPIPE."""
    booked.ok(*_add(f"{DAY} 09:00"), "--repeat", "FREQ=DAILY;COUNT=600")  # more than a pipe holds
    for args in (["export", "csv"], ["session", "list", "--all"]):
        head = [booked.script, "--db", booked.db_url, "--tz", "Europe/London", *args]
        writer = subprocess.Popen(head, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=_env(booked.config_path))
        assert writer.stdout is not None and writer.stderr is not None
        first = writer.stdout.readline()
        writer.stdout.close()  # the reader has what it wanted
        code = writer.wait(timeout=120)
        err = writer.stderr.read().decode()
        assert first, err
        assert code in (0, 141), (args, code, err)
        assert "Error" not in err and "Traceback" not in err, err
