"""The front desk's speed on the shared generated centre: ``python -m benchmarks.tui``.

``python -m benchmarks.tui [--scale 100k] [--quick] [--json out.json]``

The app runs headless through Textual's own test driver (``App.run_test``), on a copy of the
cached centre, with its clock at the centre's "now" so every view is full of sessions:

* **launch**: from starting a new Python process to the first days of the calendar on screen,
  ready for keys (the ``CalendarView.FirstShown`` message). The process imports the command
  line and the TUI as ``sessionsctl tui`` does. Floor: starting the same Python and importing
  the same modules, with no database and no screen.
* **month/week page**: pressing ``]`` until the next period's sessions are on screen, as a user
  does after reading one period (so the read-ahead had its quarter second); and "cold", with
  no pause, when every period is read on demand. Floor: ``Centre.list_sessions`` of the same
  days alone (the read, without the screen).
* **list open / filter**: ``2`` until the list's first page is on screen; then a search typed
  and submitted until its first page is on screen. Floor: the same page read with
  ``Centre.list_sessions`` alone.

Goals (issue: front-desk TUI, at 100k sessions): launch < 1.5 s; next month or week < 100 ms;
opening the list and applying a filter < 200 ms. Wall times: the machine's load counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from . import generate as gen

GOALS_MS = {"launch": 1500.0, "page": 100.0, "list": 200.0}
NOW = datetime.combine(gen.ANCHOR + timedelta(days=2), wall_time(11), gen.TZ).astimezone(UTC)
SIZE = (160, 48)


@dataclass
class Figure:
    name: str
    runs: list[float]  # ms
    floor: list[float]  # ms
    goal: float | None
    what: str
    floor_what: str

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def floor_median(self) -> float:
        return statistics.median(self.floor) if self.floor else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "median_ms": self.median, "runs_ms": self.runs,
                "floor_median_ms": self.floor_median, "goal_ms": self.goal,
                "passed": None if self.goal is None else self.median < self.goal}


# ------------------------------------------------------------------------ the launch
def _child_launch(url: str) -> None:
    """Run in a fresh process: import as the command does, open the app, print the wall
    clock when the calendar is first on screen."""
    from sessionsctl.cli import main as _cli  # noqa: F401  (what `sessionsctl tui` imports)
    from sessionsctl.config import Settings
    from sessionsctl.tui.app import make_app
    from sessionsctl.tui.widgets.calendar import CalendarView
    from sessionsctl.wiring import open_centre

    settings = Settings(db=url, tz=gen.TZ_NAME)
    app = make_app(open_centre(settings), settings, now=NOW, refresh_every=None)
    shown: list[float] = []

    def hook(message: Any) -> None:
        if isinstance(message, CalendarView.FirstShown) and not shown:
            shown.append(time.time())

    async def drive() -> None:
        async with app.run_test(size=SIZE, message_hook=hook) as pilot:
            while not shown:
                await pilot.pause(0.005)

    asyncio.run(drive())
    print(json.dumps({"shown": shown[0]}))


def _child_imports(_url: str) -> None:
    from sessionsctl.cli import main as _cli  # noqa: F401
    from sessionsctl.tui import app as _app  # noqa: F401
    from sessionsctl.tui.widgets import calendar as _calendar  # noqa: F401

    print(json.dumps({"shown": time.time()}))


def _spawn(args: list[str]) -> float:
    started = time.time()
    out = subprocess.run([sys.executable, "-m", "benchmarks.tui", *args], check=True,
                         capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    return (json.loads(out.stdout.strip().splitlines()[-1])["shown"] - started) * 1000


def launch(url: str, reps: int) -> Figure:
    _spawn(["--child", "launch", url])  # the first run warms the file cache
    runs = [_spawn(["--child", "launch", url]) for _ in range(reps)]
    floor = [_spawn(["--child", "imports", url]) for _ in range(reps)]
    return Figure("launch", runs, floor, GOALS_MS["launch"],
                  "new process to the calendar on screen, ready for keys",
                  "new process importing the same modules")


# ------------------------------------------------------------------------ in the app
async def _until(pilot: Any, done: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen did not get there in time")
        await asyncio.sleep(0.001)
    await pilot.pause()  # and drawn


async def _timed(step: Callable[[], Awaitable[None]]) -> float:
    started = time.perf_counter()
    await step()
    return (time.perf_counter() - started) * 1000


def in_app(url: str, reps: int) -> list[Figure]:
    from sessionsctl.config import Settings
    from sessionsctl.core.ports import SessionQuery
    from sessionsctl.core.timeutil import day_start
    from sessionsctl.tui.app import make_app
    from sessionsctl.tui.widgets.calendar import CalendarView, visible_days
    from sessionsctl.tui.widgets.session_list import SessionList
    from sessionsctl.wiring import open_centre

    settings = Settings(db=url, tz=gen.TZ_NAME)
    centre = open_centre(settings)
    app = make_app(centre, settings, now=NOW, refresh_every=None)
    pages: list[SessionList.Page] = []
    figures: list[Figure] = []

    def hook(message: Any) -> None:
        if isinstance(message, SessionList.Page):
            pages.append(message)

    def read_floor(cal: CalendarView) -> float:
        days = visible_days(cal.mode, cal.cursor)
        started = time.perf_counter()
        centre.list_sessions(SessionQuery(start=day_start(days[0], gen.TZ),
                                          end=day_start(days[-1] + timedelta(days=1), gen.TZ)))
        return (time.perf_counter() - started) * 1000

    async def drive() -> None:
        async with app.run_test(size=SIZE, message_hook=hook) as pilot:
            cal = app.screen.query_one(CalendarView)

            def on_screen() -> bool:
                return all(d in cal._loaded for d in visible_days(cal.mode, cal.cursor))

            await _until(pilot, lambda: cal._shown)
            for mode in ("month", "week"):
                await pilot.press(mode[0])
                await _until(pilot, on_screen)
                for label, pause in (("", 0.6), (" cold", 0.0)):
                    runs, floor = [], []
                    for _ in range(reps):
                        await asyncio.sleep(pause)  # reading the screen; read-ahead runs
                        if not pause:
                            cal._loaded.clear()  # nothing read ahead: the period is read now

                        async def page() -> None:
                            await pilot.press("right_square_bracket")
                            await _until(pilot, on_screen)

                        runs.append(await _timed(page))
                        floor.append(read_floor(cal))
                    figures.append(Figure(
                        f"next {mode}{label}", runs, floor, GOALS_MS["page"],
                        f"`]` to the next {mode} on screen"
                        + (" with nothing read ahead: read on demand" if not pause
                           else " after a 0.6 s look at the last one"),
                        f"list_sessions of the {mode}'s days"))

            lst = app.screen.query_one(SessionList)
            opened: list[float] = []
            started = time.perf_counter()
            await pilot.press("2")
            await _until(pilot, lambda: bool(pages))
            opened.append((time.perf_counter() - started) * 1000)
            query = lst._query
            floor_started = time.perf_counter()
            centre.list_sessions(replace(query, offset=0, limit=101))
            list_floor = [(time.perf_counter() - floor_started) * 1000]
            figures.append(Figure("list open", opened, list_floor, GOALS_MS["list"],
                                  "`2` to the list's first page on screen",
                                  "that page read with list_sessions alone"))

            runs, floor = [], []
            for word in ("maths", "room 1", "trial", "group", "hall")[:max(reps, 1)]:
                box = app.screen.query_one("#f-search")
                count = len(pages)
                box.value = word

                async def search(box: Any = box, count: int = count) -> None:
                    await pilot.press("slash")
                    box.focus()
                    await pilot.press("enter")
                    await _until(pilot, lambda: len(pages) > count
                                 and pages[-1].generation == lst._generation)

                runs.append(await _timed(search))
                q = lst._query
                floor_started = time.perf_counter()
                centre.list_sessions(replace(q, offset=0, limit=101))
                floor.append((time.perf_counter() - floor_started) * 1000)
            figures.append(Figure("list filter", runs, floor, GOALS_MS["list"],
                                  "a search submitted until its first page is on screen",
                                  "that page read with list_sessions alone"))

    asyncio.run(drive())
    centre.store.close()
    return figures


# ------------------------------------------------------------------------ report
def render(figures: list[Figure], scale: int, console: Console) -> None:
    table = Table(title=f"sessionsctl front desk (TUI) on SQLite, {gen.scale_name(scale)} "
                        "sessions: ms", title_justify="left")
    for column in ("benchmark", "median", "min", "max", "floor median", "x floor", "goal",
                   "result", "runs"):
        table.add_column(column, justify="left" if column == "benchmark" else "right")
    for f in figures:
        passed = f.median < f.goal if f.goal is not None else None
        verdict = "" if passed is None else ("[green]PASS[/]" if passed else "[bold red]FAIL[/]")
        table.add_row(f.name, f"{f.median:,.1f}", f"{min(f.runs):,.1f}", f"{max(f.runs):,.1f}",
                      f"{f.floor_median:,.1f}", f"{f.median / f.floor_median:,.1f}x"
                      if f.floor else "", f"< {f.goal:g}" if f.goal else "", verdict,
                      str(len(f.runs)))
    console.print(table)
    legend = Table(title="What each row measures, and its floor", title_justify="left")
    legend.add_column("benchmark")
    legend.add_column("measured")
    legend.add_column("floor")
    for f in figures:
        legend.add_row(f.name, f.what, f.floor_what)
    console.print(legend)
    console.print(f"load average {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tui",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="100k")
    parser.add_argument("--quick", action="store_true", help="few repetitions: a smoke run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--data-dir", type=Path, default=gen.DATA_DIR)
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        what, url = args.child
        children = {"launch": _child_launch, "imports": _child_imports}
        if what not in children:
            parser.error(f"unknown child {what}")
        children[what](url)
        return 0
    scale = gen.parse_scale(args.scale)
    reps = 2 if args.quick else 6
    path, _summary, _cached = gen.dataset(scale, args.seed, args.data_dir)
    with tempfile.TemporaryDirectory(prefix="sessionsctl-bench-") as work:
        copy = Path(work) / "centre.db"
        shutil.copyfile(path, copy)
        url = f"sqlite:///{copy}"
        figures = [launch(url, reps), *in_app(url, reps)]
    render(figures, scale, Console(width=None if sys.stdout.isatty() else 140))
    if args.json:
        args.json.write_text(json.dumps({"scale": scale, "figures": [f.as_dict() for f in figures]},
                                        indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
