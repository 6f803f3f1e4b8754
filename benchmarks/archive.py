"""Archiving in the 100k-session centre: ``python -m benchmarks.archive [--scale 100k] [--quick]``.

Goal (issue 21): at 100k sessions on SQLite, ``archive`` of the sessions that ended before the
centre's "now" (about the older half, with their roster rows, marks, feedback and audit
entries: 250k rows) under 60 s, ``archive restore --all`` of them under 60 s (a maintenance
command run a few times a year); and a month's listing (``Sessions.find`` of October 2026, as
benchmarks.run lists it) no slower after archiving.

Where the time goes (measured 2026-12-05, the machine shared): of 16 s for the archive, 6 s
are the DELETE of the sessions, where SQLite runs the foreign-key action of each of the twelve
tables naming a session for every session deleted (though their rows are gone already), and
2 s the DELETE of the 100k roster rows; each ``INSERT ... SELECT`` takes under 0.6 s.

* **archive**: ``Archive.archive`` -- one transaction: per table an ``INSERT ... SELECT`` into
  its archive table and a ``DELETE``, the sessions picked by one condition on ``sessions``.
* **restore**: ``Archive.restore`` of everything archived -- the same the other way.
* **list before / after**: the month's listing with the whole history in ``sessions``, and
  with the older half archived.

Each archive is undone by a restore before the next, so every run moves the same rows.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from time import perf_counter

from rich.console import Console
from rich.table import Table

from benchmarks import generate as gen
from benchmarks.run import MONTH, Timing, measure
from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionQuery
from sessionsctl.core.domain.timeutil import localize
from sessionsctl.store import open_store

GOALS_MS = {"archive": 60_000.0, "restore": 60_000.0}


def _run(scale: int, quick: bool, data_dir: Path) -> tuple[list[tuple[str, Timing]], str]:
    source, summary, _cached = gen.dataset(scale, 1, data_dir)
    work = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    try:
        path = work / "centre.db"
        shutil.copyfile(source, path)
        store = open_store(f"sqlite:///{path}")
        centre = Centre(store, clock=lambda: gen.NOW)
        cycles, reps, budget = (1, 3, 10.0) if quick else (3, 20, 30.0)
        query = SessionQuery(start=localize(datetime.combine(MONTH[0], time()), gen.TZ),
                             end=localize(datetime.combine(MONTH[1], time()), gen.TZ))

        def listing(_i: int) -> None:
            centre.sessions.find(query)

        listed = len(centre.sessions.find(query))
        before = measure(listing, reps, 1, budget)
        moved = centre.archive.planned(gen.NOW)
        archived: list[float] = []
        restored: list[float] = []
        after = before
        for cycle in range(cycles):
            archived.append(_timed(lambda: centre.archive.archive(gen.NOW)))
            if cycle == cycles - 1:
                assert len(centre.sessions.find(query)) == listed  # October is after "now"
                after = measure(listing, reps, 1, budget)
            restored.append(_timed(lambda: centre.archive.restore(None)))
        store.close()
        line = (f"{summary.sessions:,} sessions; archive moves {moved.sessions:,} of them "
                f"({moved.rows:,} rows in all); the month lists {listed:,}")
        return [("archive", _timing(archived)), ("restore", _timing(restored)),
                ("list before", before), ("list after", after)], line
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _timed(call: Callable[[], object]) -> float:
    started = perf_counter()
    call()
    return (perf_counter() - started) * 1000


def _timing(walls: list[float]) -> Timing:
    ordered = sorted(walls)
    return Timing(len(ordered), ordered[len(ordered) // 2], ordered[-1], 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.archive", description=__doc__)
    parser.add_argument("--scale", default="100k", help="sessions in the centre (10k, 100k)")
    parser.add_argument("--quick", action="store_true", help="few repetitions: a smoke run")
    parser.add_argument("--data-dir", type=Path, default=gen.DATA_DIR)
    args = parser.parse_args(argv)
    scale = gen.parse_scale(args.scale)
    results, line = _run(scale, args.quick, args.data_dir)
    print(line)
    table = Table(title=f"Archive, {gen.scale_name(scale)} sessions, SQLite")
    for column in ("figure", "runs", "median ms", "max ms", "goal ms", "result"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    timings = dict(results)
    goals = {**GOALS_MS, "list after": timings["list before"].median_ms * 1.2}
    failed = False
    for name, timing in results:
        goal = goals.get(name)
        passed = goal is None or timing.median_ms < goal
        failed |= not passed
        table.add_row(name, str(timing.runs), f"{timing.median_ms:,.1f}", f"{timing.p95_ms:,.1f}",
                      f"{goal:,.1f}" if goal is not None else "",
                      "" if goal is None else "[green]PASS[/]" if passed else "[red]FAIL[/]")
    Console().print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
