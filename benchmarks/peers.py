"""sessionsctl beside other calendars and its floors, as whole processes: ``python -m
benchmarks.peers``.

``python -m benchmarks.peers [--scale 100k] [--runs 5] [--only ROWS] [--quick] [--json F]``

Every figure is the median wall time of ``--runs`` runs of one command in a process of its
own (standard output and error to files, as to a pipe), on the shared generated centre
(benchmarks/generate.py; at 100k: about 3,400 weekly series and 20,000 one-offs, a 10 MB
.ics). Each row is printed beside its peer or floor, with the ratio and its goal:

* **startup**: ``sessionsctl --version`` and ``--help`` (goal under 0.25 s), ``session show``
  and ``session add`` of one session (goal under 0.4 s), against the clock.
* **list**: one calendar month of sessions as text, ``session list --from --to`` piped; beside
  calcurse (``calcurse -Q --from --to``; goal within 2x) and khal (``khal list``, its cache
  warmed first).
* **json**: the same month with ``--json``, beside calcurse (goal within 2x) and the floor
  of listing a day with no sessions (what starting the command and opening the centre
  cost).
* **import-ics**: ``import ics`` of the whole centre's export into an empty centre (people
  and rooms kept); beside calcurse ``-i`` (goal: faster) and khal ``import --batch`` (goal:
  at least 10x faster), each into a fresh calendar.
* **export-ics**: ``export ics`` of every session; beside the floor ``python -m
  benchmarks.floors ics``, icalendar building and serialising the same VEVENTs (goal within
  1.5x).
* **import-csv**: ``import csv`` of every session's row (exported by ``export csv``) into an
  empty centre, every row checked for every conflict; beside the floor ``python -m
  benchmarks.floors csv``, csv + sqlite3 ``executemany`` under the same indexes, checking
  nothing (goal within 3.5x).

calcurse is the Debian package (``apt-get install calcurse``), khal the ``bench`` extra
(``pip install -e '.[bench]'``); a peer that is not installed is reported SKIPPED. Peers
read the same .ics sessionsctl writes, so each holds the same events. Peak memory is each
process's own (``os.wait4``); every sessionsctl process must stay under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from . import generate as gen
from .cli import MEMORY_GOAL_MB, Run, _env, _people, _run, _script
from .exchange import _empty_centre, _khal_command

ROWS = ("startup", "list", "json", "import-ics", "export-ics", "import-csv")
MONTH = (date(2026, 10, 1), date(2026, 10, 31))  # a month in term, after the centre's "now"
EMPTY_DAY = date(2026, 10, 4)  # a Sunday: the generated centre teaches Monday to Saturday


@dataclass
class Timed:
    """The median of a command's runs, and the worst of their memory."""

    seconds: float
    runs: list[float]
    rss_mb: float
    out_bytes: int

    @classmethod
    def of(cls, runs: list[Run]) -> Timed:
        return cls(statistics.median(r.seconds for r in runs), [round(r.seconds, 3) for r in runs],
                   max(r.rss_mb for r in runs), runs[-1].out_bytes)


@dataclass
class Pair:
    """One line of the table: our figure beside a peer's or a floor's (or a clock goal)."""

    row: str
    what: str
    ours: Timed
    beside: str  # the peer, the floor, or "" for a goal in seconds
    other: Timed | None
    goal: float | None  # ratio at most (or seconds at most when beside is "")
    note: str = ""
    skipped: str = ""

    @property
    def ratio(self) -> float | None:
        return self.ours.seconds / self.other.seconds if self.other else None

    @property
    def result(self) -> str:
        if self.skipped:
            return "SKIPPED"
        if self.ours.rss_mb >= MEMORY_GOAL_MB:
            return "FAIL"
        if self.goal is None:
            return "-"
        measure = self.ratio if self.beside else self.ours.seconds
        return "PASS" if measure is not None and measure <= self.goal else "FAIL"


@dataclass
class Bench:
    """The shared set-up: the centre's copies, its files, the peers' calendars."""

    work: Path
    runs: int
    full: Path
    empty: Path
    script: str
    env: dict[str, str]
    calcurse: str | None = field(default_factory=lambda: shutil.which("calcurse"))
    khal: str | None = field(default_factory=lambda: _khal_command())
    pairs: list[Pair] = field(default_factory=list)
    peer_runs: int = 0  # runs of a peer's command (0: as many as ours)
    chosen: frozenset[str] = frozenset(("calcurse", "khal"))  # the peers asked for

    def ours(self, db: Path, *args: str) -> list[str]:
        return [self.script, "--db", f"sqlite:///{db}", "--tz", gen.TZ_NAME, *args]

    def time(self, argv: Callable[[int], list[str]], *, before: Callable[[int], None] | None = None,
             env: dict[str, str] | None = None, exit_: int = 0) -> Timed:
        runs = []
        peer = env is not None  # a peer runs in an environment of its own
        for n in range(self.peer_runs or self.runs if peer else self.runs):
            if before is not None:
                before(n)  # untimed: a fresh copy or calendar
            done = _run(argv(n), env or self.env, self.work)
            if done.exit != exit_:
                err = (self.work / "stderr").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{' '.join(argv(n))} exited {done.exit}: {err}")
            runs.append(done)
        return Timed.of(runs)

    def add(self, row: str, what: str, ours: Timed, beside: str, other: Timed | None,
            goal: float | None, note: str = "", skipped: str = "") -> None:
        self.pairs.append(Pair(row, what, ours, beside, other, goal, note, skipped))

    # ------------------------------------------------------------------------- the peers
    def peer_env(self) -> dict[str, str]:
        return {**self.env, "HOME": str(self.work), "TZ": gen.TZ_NAME}

    def calcurse_dir(self, name: str) -> Path:
        path = self.work / name
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir()
        return path

    def khal_config(self, name: str) -> Path:
        """A fresh khal calendar and cache under ``name``; its configuration file."""
        root = self.work / name
        shutil.rmtree(root, ignore_errors=True)
        (root / "cal").mkdir(parents=True)
        config = root / "khal.conf"
        config.write_text(
            f"[calendars]\n[[bench]]\npath = {root / 'cal'}\ntype = calendar\n"
            "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\n"
            "longdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\n"
            f"longdatetimeformat = %Y-%m-%d %H:%M\ndefault_timezone = {gen.TZ_NAME}\n"
            f"local_timezone = {gen.TZ_NAME}\n[sqlite]\npath = {root / 'khal.db'}\n")
        return config


def _skip(bench: Bench, row: str, what: str, ours: Timed, peer: str,
          goal: float | None) -> None:
    how = "apt-get install calcurse" if peer == "calcurse" else "pip install -e '.[bench]'"
    why = (f"{peer} is not installed: {how}" if peer in bench.chosen
           else f"{peer} was not asked for (--peers)")
    bench.add(row, what, ours, peer, None, goal, skipped=why)


def _startup(bench: Bench) -> None:
    db = bench.work / "startup.db"
    shutil.copyfile(bench.full, db)
    mentor, student, room = _people(db)
    # Weekdays after the generated two years: free for everyone, one a run.
    first = gen.ANCHOR + timedelta(weeks=gen.WEEKS // 2 + 4)

    def add(n: int) -> list[str]:
        day = first + timedelta(days=7 * (n // 5) + n % 5)
        return bench.ours(db, "session", "add", "--title", "Benchmark lesson", "--mentor", mentor,
                          "--student", student, "--room", room, "--start", f"{day} 16:00",
                          "--duration", "60", "--no-notify")

    for what, argv, goal in (
            ("sessionsctl --version", lambda n: [bench.script, "--version"], 0.25),
            ("sessionsctl --help", lambda n: [bench.script, "--help"], 0.25),
            ("session show (one session)", lambda n: bench.ours(db, "session", "show", "1"), 0.4),
            ("session add (one session)", add, 0.4)):
        bench.add("startup", what, bench.time(argv), "", None, goal, note=f"goal < {goal} s")


def _month_args() -> tuple[str, str]:
    return MONTH[0].isoformat(), MONTH[1].isoformat()


def _listing(bench: Bench, rows: frozenset[str], seeded: dict[str, Path]) -> None:
    first, last = _month_args()
    listing = bench.ours(bench.full, "session", "list", "--from", first, "--to", last)
    text = bench.time(lambda n: listing)
    as_json = bench.time(lambda n: [*listing, "--json"])
    count = len(json.loads((bench.work / "stdout").read_text()))
    what = f"list {MONTH[0]:%B %Y}, {count:,} sessions"
    calcurse = khal = None
    if bench.calcurse:
        data = seeded.get("calcurse") or _seed_calcurse(bench)
        calcurse = bench.time(lambda n: [bench.calcurse or "", "-D", str(data), "-Q",
                                         "--from", f"{MONTH[0]:%m/%d/%Y}",
                                         "--to", f"{MONTH[1]:%m/%d/%Y}"], env=bench.peer_env())
    if bench.khal:
        config = seeded.get("khal") or _seed_khal(bench)
        argv = [bench.khal, "-c", str(config), "list", first, last]
        _run(argv, bench.peer_env(), bench.work)  # warms khal's cache
        khal = bench.time(lambda n: argv, env=bench.peer_env())
    for row, ours, kind in (("list", text, "text, piped"), ("json", as_json, "--json")):
        if row not in rows:
            continue
        if calcurse is None:
            _skip(bench, row, f"{what} ({kind})", ours, "calcurse", 2.0)
        else:
            bench.add(row, f"{what} ({kind})", ours, "calcurse", calcurse, 2.0)
        if row == "list":
            if khal is None:
                _skip(bench, row, f"{what} ({kind})", ours, "khal", None)
            else:
                bench.add(row, f"{what} ({kind})", ours, "khal (warm cache)", khal, None)
        else:
            empty = bench.ours(bench.full, "session", "list", "--from", EMPTY_DAY.isoformat(),
                               "--to", EMPTY_DAY.isoformat(), "--json")
            floor = bench.time(lambda n, argv=empty: argv)
            bench.add(row, f"{what} ({kind})", ours, "floor: a day with no sessions", floor,
                      None)


def _seed_calcurse(bench: Bench) -> Path:
    data = bench.calcurse_dir("calcurse-seed")
    _run([bench.calcurse or "", "-D", str(data), "-q", "-i", str(bench.work / "all.ics")],
         bench.peer_env(), bench.work)
    return data


def _seed_khal(bench: Bench) -> Path:
    config = bench.khal_config("khal-seed")
    _run([bench.khal or "", "-c", str(config), "import", "--batch", "-a", "bench",
          str(bench.work / "all.ics")], bench.peer_env(), bench.work)
    return config


def _import_ics(bench: Bench, seeded: dict[str, Path]) -> None:
    ics = bench.work / "all.ics"
    events = ics.read_bytes().count(b"BEGIN:VEVENT")
    what = f"import .ics, {events:,} VEVENTs, {ics.stat().st_size / 1e6:.1f} MB"
    target = bench.work / "import-ics.db"
    ours = bench.time(lambda n: bench.ours(target, "import", "ics", str(ics)),
                      before=lambda n: shutil.copyfile(bench.empty, target))
    if bench.calcurse:
        data = bench.work / "calcurse-import"
        calcurse = bench.time(lambda n: [bench.calcurse or "", "-D", str(data), "-q", "-i", str(ics)],
                              before=lambda n: bench.calcurse_dir(data.name), env=bench.peer_env())
        seeded["calcurse"] = data
        bench.add("import-ics", what, ours, "calcurse", calcurse, 1.0)
    else:
        _skip(bench, "import-ics", what, ours, "calcurse", 1.0)
    if bench.khal:
        config = bench.work / "khal-import" / "khal.conf"
        khal = bench.time(
            lambda n: [bench.khal or "", "-c", str(config), "import", "--batch", "-a", "bench",
                       str(ics)], before=lambda n: bench.khal_config("khal-import"),
            env=bench.peer_env())
        seeded["khal"] = config
        bench.add("import-ics", what, ours, "khal", khal, 0.1)
    else:
        _skip(bench, "import-ics", what, ours, "khal", 0.1)


def _export_ics(bench: Bench) -> None:
    out = bench.work / "export.ics"
    ours = bench.time(lambda n: bench.ours(bench.full, "export", "ics", "-o", str(out)))
    events = out.read_bytes().count(b"BEGIN:VEVENT")
    floor = bench.time(lambda n: [sys.executable, "-m", "benchmarks.floors", "ics",
                                  str(bench.full), str(bench.work / "floor.ics")])
    made = json.loads((bench.work / "stdout").read_text())
    bench.add("export-ics", f"export .ics, {events:,} VEVENTs", ours,
              "floor: icalendar build + serialise", floor, 1.5,
              note=f"floor: {made['events']:,} VEVENTs")


def _import_csv(bench: Bench) -> None:
    source = bench.work / "all.csv"
    rows = sum(1 for _ in source.open(encoding="utf-8")) - 1
    target = bench.work / "import-csv.db"

    def fresh(n: int) -> None:
        shutil.copyfile(bench.empty, target)

    ours = bench.time(lambda n: bench.ours(target, "import", "csv", "--as-new", str(source)),
                      before=fresh)
    floor = bench.time(lambda n: [sys.executable, "-m", "benchmarks.floors", "csv", str(source),
                                  str(target)], before=fresh)
    bench.add("import-csv", f"import CSV, {rows:,} conflict-free rows", ours,
              "floor: csv + sqlite3 executemany", floor, 3.5)


def run(scale: int, runs: int, rows: frozenset[str], seed: int = 1,
        data_dir: Path = gen.DATA_DIR, *, peer_runs: int = 0,
        peers: frozenset[str] = frozenset(("calcurse", "khal"))) -> list[Pair]:
    source, _summary, _cached = gen.dataset(scale, seed, data_dir)
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        work = Path(tmp)
        full, empty = work / "full.db", work / "empty.db"
        shutil.copyfile(source, full)
        _empty_centre(full, empty)
        bench = Bench(work, runs, full, empty, _script(), _env(work), peer_runs=peer_runs,
                      chosen=peers)
        if "calcurse" not in peers:
            bench.calcurse = None
        if "khal" not in peers:
            bench.khal = None
        done = _run(bench.ours(full, "export", "ics", "-o", str(work / "all.ics")), bench.env, work)
        done2 = _run(bench.ours(full, "export", "csv", "-o", str(work / "all.csv")), bench.env, work)
        if (done.exit, done2.exit) != (0, 0):
            raise RuntimeError(f"export failed: {(work / 'stderr').read_text()[-2000:]}")
        seeded: dict[str, Path] = {}
        if "startup" in rows:
            _startup(bench)
        if "import-ics" in rows:
            _import_ics(bench, seeded)
        if {"list", "json"} & rows:
            _listing(bench, rows, seeded)
        if "export-ics" in rows:
            _export_ics(bench)
        if "import-csv" in rows:
            _import_csv(bench)
        return bench.pairs


def _table(pairs: list[Pair], scale: int, runs: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 170)
    table = Table(title=f"sessionsctl beside its peers at {gen.scale_name(scale)} sessions "
                        f"(SQLite; medians of {runs})", title_justify="left")
    for column in ("figure", "sessionsctl s", "beside", "their s", "ratio", "goal", "peak MB",
                   "result"):
        table.add_column(column)
    for p in pairs:
        goal = (f"< {p.goal} s" if not p.beside else f"<= {p.goal}x") if p.goal else "-"
        colour = {"PASS": "green", "FAIL": "red", "SKIPPED": "yellow"}.get(p.result, "dim")
        table.add_row(p.what, f"{p.ours.seconds:.2f}", p.beside or "(the clock)",
                      f"{p.other.seconds:.2f}" if p.other else "-",
                      f"{p.ratio:.2f}x" if p.ratio else "-", goal, f"{p.ours.rss_mb:.0f}",
                      f"[{colour}]{p.result}[/]" + (f" {p.skipped}" if p.skipped else ""))
    console.print(table)
    console.print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
                  f"{platform.python_version()}, {platform.platform()}. Each figure is whole "
                  f"processes; peak memory under {MEMORY_GOAL_MB} MB.", style="dim")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default=None,
                        help="sessions in the generated centre (default 100k; 10k with --quick)")
    parser.add_argument("--runs", type=int, default=None,
                        help="runs of each command, the median shown (default 5; 1 with --quick)")
    parser.add_argument("--peer-runs", type=int, default=0,
                        help="runs of each peer's command (default: as many as --runs)")
    parser.add_argument("--peers", default="calcurse,khal",
                        help="the peers to run beside (others are reported SKIPPED)")
    parser.add_argument("--only", default=",".join(ROWS), help=f"some of {', '.join(ROWS)}")
    parser.add_argument("--quick", action="store_true", help="a smoke run at a small scale")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=gen.DATA_DIR)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    rows = frozenset(r.strip() for r in args.only.split(",") if r.strip())
    if rows - set(ROWS):
        parser.error(f"unknown rows: {', '.join(sorted(rows - set(ROWS)))}")
    scale = gen.parse_scale(args.scale or ("10k" if args.quick else "100k"))
    runs = args.runs or (1 if args.quick else 5)
    pairs = run(scale, runs, rows, args.seed, args.data_dir, peer_runs=args.peer_runs,
                peers=frozenset(p.strip() for p in args.peers.split(",")))
    _table(pairs, scale, runs)
    if args.json:
        args.json.write_text(json.dumps({
            "scale": scale, "runs": runs, "at": datetime.now().isoformat(timespec="seconds"),
            "machine": platform.platform(), "cpus": os.cpu_count(),
            "pairs": [{**asdict(p), "ratio": p.ratio, "result": p.result} for p in pairs]},
            indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
