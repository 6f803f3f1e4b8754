"""The command line on big outputs: ``python -m benchmarks.cli [--scale 50k] [--quick]``.

``python -m benchmarks.cli [--scale 50k] [--rows 2000] [--quick] [--json out.json]``

Every figure is one run of the ``sessionsctl`` console script in a process of its own, on a
copy of the shared generated centre (benchmarks/generate.py), with standard output and error
going to files as through a pipe (or to a pseudo-terminal, where said). Its wall time, CPU
time and peak memory are that process's own (``os.wait4``):

* **session list, piped**: ``session list --all``, every session of the centre printed as
  the day-by-day table. Floor: the same listing with ``--json`` (the same read, no table).
  Goal: within 3x. (Each day's table once measured the columns over every row of the
  listing: 50k sessions took 285 s, against 2.2 s as JSON.)
* **session list, terminal**: the same in a 120-column pseudo-terminal, where text wraps
  to fit and statuses are coloured. Goal: within 6x of the JSON floor.
* **import csv, clashing copies**: a file repeating one lesson ``--rows`` times (2,000),
  refused with exit 3, every row clashing with each copy before it (three conflicts a pair:
  6 million at 2,000 rows), each row reported once with its first conflicts and counts.
  Floor: the same number of rows one minute apart, which clash with nothing and are booked.
  Goal: within 2x, and under 64 KB of standard error. (Every pair was once listed: 500
  rows took 104 s, 2 GB and 40 MB of text; 2,000 rows ran out of memory.)
* **peak memory** of each process, goal under 300 MB.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from . import generate as gen
from .exchange import _empty_centre

MB = 1024  # ru_maxrss is in KiB on Linux
MEMORY_GOAL_MB = 300
STDERR_GOAL = 64 * 1024
GOALS = {"list piped": 3.0, "list terminal": 6.0, "clash": 2.0}
# A Tuesday in term, away from the generated centre's Christmas closures, within every
# mentor's availability (weekdays 15:00-21:00): 2,000 one-minute rows fill six such days.
LESSON_DAY = gen.ANCHOR + timedelta(weeks=3, days=1)


@dataclass
class Run:
    seconds: float
    cpu: float
    rss_mb: float
    exit: int
    out_bytes: int
    err_bytes: int


@dataclass
class Figure:
    name: str
    what: str
    ours: Run
    floor: Run
    floor_what: str
    goal: float  # ours / floor at most

    @property
    def ratio(self) -> float:
        return self.ours.seconds / self.floor.seconds if self.floor.seconds else float("inf")

    @property
    def passed(self) -> bool:
        return (self.ratio <= self.goal and self.ours.rss_mb < MEMORY_GOAL_MB
                and (self.name != "clash" or self.ours.err_bytes < STDERR_GOAL))


def _script() -> str:
    """The console script, with the package's bytecode written first: pip compiles every
    module of an installed wheel, but an editable install under PYTHONDONTWRITEBYTECODE
    would compile the package's sources again in every process it times."""
    import compileall

    import sessionsctl

    compileall.compile_dir(Path(sessionsctl.__file__).parent, quiet=1)
    beside = Path(sys.executable).parent / "sessionsctl"
    found = str(beside) if beside.is_file() else shutil.which("sessionsctl")
    if found is None:
        raise SystemExit("the sessionsctl console script is not installed (pip install -e .)")
    return found


def _env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SESSIONSCTL_") and k not in ("FORCE_COLOR", "NO_COLOR",
                                                            "COLUMNS", "LINES")}
    return {**env, "SESSIONSCTL_CONFIG": str(work / "no-config.toml")}


def _run(argv: list[str], env: dict[str, str], work: Path, *,
         terminal: int | None = None) -> Run:
    """One run of ``argv``; with ``terminal`` its output goes to a pseudo-terminal that many
    columns wide (read as it comes), else to files."""
    out, err = work / "stdout", work / "stderr"
    started = time.perf_counter()
    if terminal is None:
        with open(out, "wb") as o, open(err, "wb") as e:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=o, stderr=e, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
        sizes = out.stat().st_size, err.stat().st_size
    else:
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, terminal, 0, 0))
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=follower,
                                stderr=follower, env=env, close_fds=True)
        os.close(follower)
        read = _drain(leader)
        _, status, usage = os.wait4(proc.pid, 0)
        sizes = read, 0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(time.perf_counter() - started, usage.ru_utime + usage.ru_stime,
               usage.ru_maxrss / MB, proc.returncode, *sizes)


def _drain(fd: int) -> int:
    total = 0
    while True:
        try:
            data = os.read(fd, 1 << 16)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        total += len(data)
    os.close(fd)
    return total


def _people(db: Path) -> tuple[str, str, str]:
    """A mentor, a student and a study room of the generated centre."""
    with sqlite3.connect(db) as conn:
        mentor, student = (conn.execute(
            "SELECT email FROM people WHERE role = ? ORDER BY id LIMIT 1", (role,)).fetchone()[0]
            for role in ("mentor", "student"))
        room = conn.execute("SELECT name FROM rooms ORDER BY id LIMIT 1").fetchone()[0]
    return mentor, student, room


def _csv(path: Path, rows: int, mentor: str, student: str, room: str, *, apart: bool) -> None:
    """``rows`` lessons of one mentor, student and room: all at one hour, or one minute
    apart (six weekdays of 15:00-21:00 minutes hold 2,000 rows)."""
    def start(i: int) -> datetime:
        if not apart:
            return datetime.combine(LESSON_DAY, datetime.min.time()) + timedelta(hours=16)
        day, minute = divmod(i, 360)
        return (datetime.combine(LESSON_DAY + timedelta(weeks=day), datetime.min.time())
                + timedelta(hours=15, minutes=minute))

    with open(path, "w", encoding="utf-8") as f:
        f.write("title,start,duration,mentor_email,student_emails,room\n")
        length = 1 if apart else 60
        for i in range(rows):
            f.write(f"Lesson,{start(i):%Y-%m-%d %H:%M},{length},{mentor},{student},{room}\n")


def run(scale: int, rows: int, seed: int, data_dir: Path,
        only: frozenset[str] = frozenset(("list", "clash"))) -> list[Figure]:
    source, _summary, _cached = gen.dataset(scale, seed, data_dir)
    script = _script()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        work = Path(tmp)
        env = _env(work)
        full = work / "full.db"
        shutil.copyfile(source, full)
        head = [script, "--db", f"sqlite:///{full}", "--tz", gen.TZ_NAME]
        if "list" in only:
            listing = [*head, "session", "list", "--all"]
            as_json = _run([*listing, "--json"], env, work)
            piped = _run(listing, env, work)
            shown = _run(listing, env, work, terminal=120)
            what = f"{scale:,} sessions"
            figures += [
                Figure("list piped", f"session list --all, piped ({what})", piped, as_json,
                       "--json", GOALS["list piped"]),
                Figure("list terminal", f"session list --all, 120-column terminal ({what})",
                       shown, as_json, "--json", GOALS["list terminal"])]
        if "clash" in only:
            empty = work / "empty.db"
            _empty_centre(full, empty)
            mentor, student, room = _people(empty)
            clashing, free = work / "clashing.csv", work / "free.csv"
            _csv(clashing, rows, mentor, student, room, apart=False)
            _csv(free, rows, mentor, student, room, apart=True)
            target = work / "import.db"
            shutil.copyfile(empty, target)
            importing = [script, "--db", f"sqlite:///{target}", "--tz", gen.TZ_NAME,
                         "import", "csv"]
            refused = _run([*importing, str(clashing)], env, work)
            booked = _run([*importing, str(free)], env, work)
            if (refused.exit, booked.exit) != (3, 0):
                raise RuntimeError(f"import exits {refused.exit} (clashing, wanted 3) and "
                                   f"{booked.exit} (free, wanted 0): "
                                   f"{(work / 'stderr').read_text()[-2000:]}")
            figures.append(Figure("clash", f"import csv, {rows:,} copies of one row (refused)",
                                  refused, booked, f"{rows:,} rows apart (booked)",
                                  GOALS["clash"]))
    return figures


def _table(figures: list[Figure], scale: int, console: Console) -> None:
    table = Table(title=f"sessionsctl command line at {gen.scale_name(scale)} sessions "
                        "(SQLite)", title_justify="left")
    for column in ("figure", "ours s", "CPU s", "floor s", "ratio", "goal", "peak MB",
                   "output", "result"):
        table.add_column(column)
    for f in figures:
        size = f.ours.out_bytes + f.ours.err_bytes
        table.add_row(f.what, f"{f.ours.seconds:.2f}", f"{f.ours.cpu:.2f}",
                      f"{f.floor.seconds:.2f} ({f.floor_what})", f"{f.ratio:.2f}x",
                      f"<= {f.goal}x", f"{f.ours.rss_mb:.0f}", f"{size / 1024:,.0f} KiB",
                      "[green]PASS[/]" if f.passed else "[red]FAIL[/]")
    console.print(table)
    console.print(f"Each figure is one process (wall, CPU and peak memory its own; goal under "
                  f"{MEMORY_GOAL_MB} MB). The clashing import also keeps its report under "
                  f"{STDERR_GOAL // 1024} KiB.", style="dim")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cli",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default=None,
                        help="sessions in the generated centre (default 50k; 10k with --quick)")
    parser.add_argument("--rows", type=int, default=None,
                        help="rows of the clashing file (default 2000; 500 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a smoke run at a small scale")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=gen.DATA_DIR)
    parser.add_argument("--only", default="list,clash", help="list, clash or both")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    scale = gen.parse_scale(args.scale or ("10k" if args.quick else "50k"))
    rows = args.rows or (500 if args.quick else 2000)
    figures = run(scale, rows, args.seed, args.data_dir, frozenset(args.only.split(",")))
    _table(figures, scale, Console(width=None if sys.stdout.isatty() else 160))
    if args.json:
        args.json.write_text(json.dumps({"scale": scale, "rows": rows, "figures": [
            {**asdict(f), "ratio": round(f.ratio, 2), "passed": f.passed} for f in figures]},
            indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
