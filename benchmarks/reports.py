"""Every report over a year of sessions with attendance: ``python -m benchmarks.reports``.

Goal (issue 7): each report over the past year of the 100k-session centre (about 50k sessions,
95k attendance marks, 10k feedback) in under 1 s on SQLite. The floor beside each figure is
one plain ``count(*)`` over the same year's sessions through the start index: the least any
report of that year must read.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from benchmarks import generate as gen
from benchmarks.run import Timing, measure
from sessionsctl.core.centre import Centre
from sessionsctl.core.reports.data import ReportFilter
from sessionsctl.core.reports.output import report_csv, report_html, report_json
from sessionsctl.store import open_store
from sessionsctl.store.schema import session_table

GOAL_MS = 1000.0
YEAR = timedelta(weeks=52)


def _run(scale: int, quick: bool, data_dir: Path) -> list[tuple[str, str, Timing, Timing]]:
    source, summary, _cached = gen.dataset(scale, 1, data_dir)
    work = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    try:
        path = work / "centre.db"
        shutil.copyfile(source, path)
        store = open_store(f"sqlite:///{path}")
        centre = Centre(store, clock=lambda: gen.NOW)
        tz = ZoneInfo(gen.TZ_NAME)
        year = ReportFilter(gen.NOW - YEAR, gen.NOW)
        student_email = _a_student(store)
        reps, warmup, budget = (3, 1, 5.0) if quick else (10, 2, 30.0)

        def count(_i: int) -> int:
            with store.engine.connect() as conn:
                return conn.execute(select(func.count()).select_from(session_table).where(
                    session_table.c.start_at >= year.start, session_table.c.start_at < year.end)
                ).scalar_one()

        floor = measure(count, reps, warmup, budget)
        cases: list[tuple[str, str, Callable[[int], object]]] = [
            ("attendance", "report attendance (by student and batch)",
             lambda _i: centre.reports.report_attendance(year, tz, charts=False)),
            ("attendance --group subject,mentor", "report attendance by subject and mentor",
             lambda _i: centre.reports.report_attendance(year, tz, ("subject", "mentor"), charts=False)),
            ("completion", "report completion (by week and subject)",
             lambda _i: centre.reports.report_completion(year, tz)),
            ("mentors", "report mentors", lambda _i: centre.reports.report_mentors(year, tz)),
            ("student", "report student (their year)",
             lambda _i: centre.reports.report_student(student_email, year, tz)),
            ("attendance --html", "report attendance with its charts, as JSON, CSV and HTML",
             lambda _i: _all_outputs(centre.reports.report_attendance(year, tz), tz)),
        ]
        results = [(name, what, measure(call, reps, warmup, budget), floor)
                   for name, what, call in cases]
        store.close()
        print(f"{summary.sessions:,} sessions, {summary.attendance:,} marks, "
              f"{summary.feedback:,} feedback; reports over {year.start:%Y-%m-%d} – "
              f"{year.end:%Y-%m-%d}; floor: count(*) of that year's sessions, "
              f"{floor.median_ms:.1f} ms")
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _a_student(store) -> str:  # store: SqlStore
    from sessionsctl.core.domain.model import Role

    with store.unit() as uow:
        return uow.people.all(Role.STUDENT)[0].email


def _all_outputs(report, tz: ZoneInfo) -> None:
    report_json(report, tz)
    report_csv(report, tz)
    report_html(report, tz)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reports", description=__doc__)
    parser.add_argument("--scale", default="100k", help="sessions in the centre (10k, 100k)")
    parser.add_argument("--quick", action="store_true", help="few repetitions: a smoke run")
    parser.add_argument("--data-dir", type=Path, default=gen.DATA_DIR)
    args = parser.parse_args(argv)
    scale = gen.parse_scale(args.scale)
    results = _run(scale, args.quick, args.data_dir)
    table = Table(title=f"Reports over a year, {gen.scale_name(scale)} sessions, SQLite")
    for column in ("report", "median ms", "p95 ms", "floor ms", "ratio", "goal ms", "result"):
        table.add_column(column, justify="left" if column == "report" else "right")
    failed = False
    for name, _what, timing, floor in results:
        passed = timing.median_ms < GOAL_MS
        failed |= not passed
        table.add_row(name, f"{timing.median_ms:,.1f}", f"{timing.p95_ms:,.1f}",
                      f"{floor.median_ms:,.1f}", f"{timing.median_ms / floor.median_ms:,.1f}x",
                      f"{GOAL_MS:,.0f}", "[green]PASS[/]" if passed else "[red]FAIL[/]")
    Console().print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
