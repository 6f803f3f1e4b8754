"""Backups of the 100k-session centre: ``python -m benchmarks.backup [--scale 100k] [--quick]``.

Goal (issue 21): at 100k sessions on SQLite, ``backup`` under 5 s, ``backup verify`` and
``restore`` (into a new database) under 10 s each. The floor beside each is a plain copy of
the database file (``shutil.copyfile``): the least any whole copy of it costs.

* **backup**: ``Backups.take`` -- SQLite's online backup API in one step, the copy counted and
  marked finished, written under a temporary name, fsync'd, renamed.
* **verify**: ``Backups.verify`` -- ``PRAGMA integrity_check``, every table counted and compared
  with what the backup recorded, the schema compared with the migrations' head.
* **restore**: ``Backups.restore`` into a database that does not exist yet -- copied, its
  mark dropped, its schema checked against head, renamed into place.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks import generate as gen
from benchmarks.run import Timing, measure
from sessionsctl.core.backup.service import Backups
from sessionsctl.core.centre import Centre
from sessionsctl.store import backups_of, open_store

GOALS_MS = {"backup": 5_000.0, "verify": 10_000.0, "restore": 10_000.0}


def _run(scale: int, quick: bool, data_dir: Path) -> list[tuple[str, Timing, Timing]]:
    source, summary, _cached = gen.dataset(scale, 1, data_dir)
    work = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    try:
        path = work / "centre.db"
        shutil.copyfile(source, path)
        store = open_store(f"sqlite:///{path}")
        centre = Centre(store, clock=lambda: gen.NOW)
        reps, warmup, budget = (2, 0, 20.0) if quick else (5, 1, 60.0)
        folder = work / "backups"
        made: list[Path] = []

        def floor_copy(i: int) -> None:
            shutil.copyfile(path, work / f"copy-{i}.db")

        def take(i: int) -> None:
            made.append(centre.backups.take(folder / f"b-{i}.db", folder).file)

        def verify(_i: int) -> None:
            assert centre.backups.verify(made[-1]).ok

        def restore(i: int) -> None:
            url = f"sqlite:///{work / f'restored-{i}.db'}"
            Backups(backups_of(url), lambda: centre.ctx).restore(made[-1], folder)

        floor = measure(floor_copy, reps, warmup, budget)
        cases: list[tuple[str, Callable[[int], None]]] = [
            ("backup", take), ("verify", verify), ("restore", restore)]
        results = [(name, measure(call, reps, warmup, budget), floor) for name, call in cases]
        store.close()
        print(f"{summary.sessions:,} sessions; database {path.stat().st_size / 1e6:,.0f} MB; "
              f"floor: copying the file, {floor.median_ms:,.0f} ms")
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.backup", description=__doc__)
    parser.add_argument("--scale", default="100k", help="sessions in the centre (10k, 100k)")
    parser.add_argument("--quick", action="store_true", help="few repetitions: a smoke run")
    parser.add_argument("--data-dir", type=Path, default=gen.DATA_DIR)
    args = parser.parse_args(argv)
    scale = gen.parse_scale(args.scale)
    results = _run(scale, args.quick, args.data_dir)
    table = Table(title=f"Backups, {gen.scale_name(scale)} sessions, SQLite")
    for column in ("figure", "median ms", "p95 ms", "floor ms", "ratio", "goal ms", "result"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    failed = False
    for name, timing, floor in results:
        passed = timing.median_ms < GOALS_MS[name]
        failed |= not passed
        table.add_row(name, f"{timing.median_ms:,.0f}", f"{timing.p95_ms:,.0f}",
                      f"{floor.median_ms:,.0f}", f"{timing.median_ms / floor.median_ms:,.1f}x",
                      f"{GOALS_MS[name]:,.0f}", "[green]PASS[/]" if passed else "[red]FAIL[/]")
    Console().print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
