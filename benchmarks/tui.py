"""The front desk's speed on the shared generated centre: ``python -m benchmarks.tui``.

``python -m benchmarks.tui [--scale 100k] [--quick] [--json out.json]``

The app runs headless through Textual's own test driver (``App.run_test``), on a copy of the
cached centre, with its clock at the centre's "now" so every view is full of sessions:

* **launch**: from starting a new Python process to the first days of the calendar on screen,
  ready for keys (the ``CalendarView.FirstShown`` message). The process imports the command
  line and the TUI as ``sessionsctl tui`` does. Floor: starting the same Python and importing
  the same modules, with no database and no screen.
* **month/week page**: ``]`` until the next period's sessions are on screen, as a user
  does after reading one period (so the read-ahead had its quarter second); and "cold", with
  no pause, when every period is read on demand. Floor: ``Sessions.find`` of the same
  days alone (the read, without the screen).
* **list open**: in a new app each time, a second after the calendar is up, ``2`` until the
  list's first page is on screen. **list search**: a search typed into the box, from Enter
  until its first page is on screen. **list filter**: a status or a mentor picked from its
  dropdown, from the Enter that picks it until the first page is on screen. Floor: the same
  page read with ``Sessions.find`` alone.

In the app, keys are posted as a terminal sends them and a step ends at the first frame drawn
after it, with nothing left to draw; that frame is also encoded for the terminal (which the
headless driver skips). Pilot's ``press`` is not used for timed steps: it waits for the
process to look idle (40-60 ms of sleeping per key) and that was counted before.

Goals (issue: front-desk TUI, at 100k sessions): launch < 1.5 s; next month or week < 100 ms;
opening the list and applying a filter < 200 ms. A figure passes on its median; the
p95 is shown beside it. Wall times: the machine's load counts (see the load average printed).
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
from collections.abc import Callable
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
    def p95(self) -> float:
        """The 95th percentile (with few runs, near the slowest)."""
        if len(self.runs) < 2:
            return self.runs[0]
        return statistics.quantiles(self.runs, n=20, method="inclusive")[18]

    @property
    def floor_median(self) -> float:
        return statistics.median(self.floor) if self.floor else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "median_ms": self.median, "p95_ms": self.p95,
                "runs_ms": self.runs,
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
# Keys go to the app as a terminal sends them, with none of Pilot's idle waits (each
# ``pilot.press`` sleeps 40-60 ms to see the process go quiet, which a user never waits for).
# A step ends at the first frame drawn after it is done with nothing left to draw, and each
# frame is also turned into the bytes a terminal would be sent (headless skips that), so
# what is timed is key to screen.
KEY_CHARS = {"right_square_bracket": "]", "left_square_bracket": "[", "enter": "\r",
             "slash": "/", "space": " "}


class Frames:
    """Counts the frames the app draws, and notes the last one drawn with ``when()`` true
    (checked as the frame is made, so a frame that comes before the benchmark looks is
    still seen)."""

    def __init__(self, app: Any) -> None:
        from textual._compositor import CompositorUpdate

        self.count = 0
        self.when: Callable[[], bool] | None = None
        self.done_at: float | None = None
        display = app._display

        def counted(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # what a terminal would be sent
            self.count += 1
            if self.when is not None and self.when():
                self.done_at = time.perf_counter()

        app._display = counted


async def _until(pilot: Any, done: Callable[[], bool], timeout: float = 30.0) -> None:
    """Set-up steps (not timed): wait for ``done()``, then for Pilot's idea of idle."""
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen did not get there in time")
        await asyncio.sleep(0.001)
    await pilot.pause()


async def _holds(done: Callable[[], bool], timeout: float = 30.0) -> None:
    """Set-up steps (not timed): wait until ``done()``."""
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.001)


def _send(app: Any, key: str) -> None:
    from textual import events

    app.post_message(events.Key(key, KEY_CHARS.get(key, key if len(key) == 1 else None)))


def _pending(app: Any) -> bool:
    screen = app.screen
    return bool(screen._layout_required or screen._scroll_required or screen._repaint_required
                or screen._dirty_widgets or screen._compositor._dirty_regions)


async def _drawn(app: Any, frames: Frames, done: Callable[[], bool],
                 timeout: float = 30.0) -> float:
    """Wait for a frame drawn once ``done()`` holds, with nothing left to draw after it;
    that frame's time."""
    deadline = time.perf_counter() + timeout
    frames.when, frames.done_at = done, None
    try:
        while frames.done_at is None or _pending(app):
            if time.perf_counter() > deadline:
                raise TimeoutError("the screen did not get there in time")
            await asyncio.sleep(0.001)
        return frames.done_at
    finally:
        frames.when = None


async def _key_to_screen(app: Any, frames: Frames, key: str, done: Callable[[], bool]) -> float:
    started = time.perf_counter()
    _send(app, key)
    return (await _drawn(app, frames, done) - started) * 1000


async def _quiet(app: Any, seconds: float = 0.3) -> None:
    """Let timers, workers and drawing of what came before finish (a user's pause)."""
    await asyncio.sleep(seconds)
    while _pending(app):
        await asyncio.sleep(0.005)


def _page_floor(centre: Any, query: Any) -> float:
    started = time.perf_counter()
    centre.sessions.find(replace(query, offset=0, limit=101))
    return (time.perf_counter() - started) * 1000


def paging(url: str, reps: int) -> list[Figure]:
    from sessionsctl.config import Settings
    from sessionsctl.core.domain.drafts import SessionQuery
    from sessionsctl.core.domain.timeutil import day_start
    from sessionsctl.tui.app import make_app
    from sessionsctl.tui.widgets.calendar import CalendarView, shift, visible_days
    from sessionsctl.wiring import open_centre

    settings = Settings(db=url, tz=gen.TZ_NAME)
    centre = open_centre(settings)
    app = make_app(centre, settings, now=NOW, refresh_every=None)
    figures: list[Figure] = []

    def read_floor(cal: CalendarView) -> float:
        days = visible_days(cal.mode, cal.cursor)
        started = time.perf_counter()
        centre.sessions.find(SessionQuery(start=day_start(days[0], gen.TZ),
                                          end=day_start(days[-1] + timedelta(days=1), gen.TZ)))
        return (time.perf_counter() - started) * 1000

    async def drive() -> None:
        async with app.run_test(size=SIZE) as pilot:
            frames = Frames(app)
            cal = app.screen.query_one(CalendarView)

            def on_screen(target: Any) -> Callable[[], bool]:
                return lambda: (cal.cursor == target and not cal._redraw_pending and all(
                    d in cal._loaded for d in visible_days(cal.mode, cal.cursor)))

            await _until(pilot, lambda: cal._shown)
            for mode in ("month", "week"):
                await pilot.press(mode[0])
                await _until(pilot, on_screen(cal.cursor))
                for label, pause in (("", 0.6), (" cold", 0.0)):
                    runs, floor = [], []
                    for _ in range(reps):
                        await _quiet(app, pause or 0.1)  # reading; read-ahead runs
                        if not pause:
                            cal._loaded.clear()  # nothing read ahead: the period is read now
                        target = shift(cal.mode, cal.cursor, 1)
                        runs.append(await _key_to_screen(app, frames, "right_square_bracket",
                                                         on_screen(target)))
                        floor.append(read_floor(cal))
                    figures.append(Figure(
                        f"next {mode}{label}", runs, floor, GOALS_MS["page"],
                        f"`]` to the next {mode} on screen"
                        + (" with nothing read ahead: read on demand" if not pause
                           else " after a 0.6 s look at the last one"),
                        f"list_sessions of the {mode}'s days"))

    asyncio.run(drive())
    centre.store.close()
    return figures


SEARCHES = ("maths", "room 1", "trial", "group", "hall", "exam")


def listing(url: str, reps: int) -> list[Figure]:
    """Each sample in a new app: the list opened once the calendar has been up a second,
    then searches and dropdown filters applied from the keyboard."""
    from sessionsctl.config import Settings
    from sessionsctl.tui.app import make_app
    from sessionsctl.tui.widgets.calendar import CalendarView
    from sessionsctl.tui.widgets.session_list import SessionList
    from sessionsctl.wiring import open_centre

    settings = Settings(db=url, tz=gen.TZ_NAME)
    centre = open_centre(settings)
    opened: list[float] = []
    searched: list[float] = []
    picked: list[float] = []
    floors: dict[str, list[float]] = {"open": [], "search": [], "pick": []}

    async def drive(sample: int) -> None:
        app = make_app(centre, settings, now=NOW, refresh_every=None)
        pages: list[Any] = []

        def hook(message: Any) -> None:
            if isinstance(message, SessionList.Page):
                pages.append(message)

        async with app.run_test(size=SIZE, message_hook=hook) as pilot:
            frames = Frames(app)
            cal = app.screen.query_one(CalendarView)
            await _until(pilot, lambda: cal._shown)
            await _quiet(app, 1.0)  # the user reads the calendar

            def fresh_page() -> Callable[[], bool]:
                count = len(pages)

                def done() -> bool:
                    lst = app.screen.query_one(SessionList)
                    return len(pages) > count and pages[-1].generation == lst._generation
                return done

            tabs = app.screen.query_one("#tabs")

            def list_shown() -> bool:
                # The rows of the current filters are in the table and its tab is showing
                # (the app may have read them ahead, while the calendar was up).
                found = app.screen.query(SessionList)
                return (tabs.active == "list" and bool(found) and bool(pages)
                        and pages[-1].generation == found.first()._generation)

            opened.append(await _key_to_screen(app, frames, "2", list_shown))
            lst = app.screen.query_one(SessionList)
            floors["open"].append(_page_floor(centre, lst._query))

            for word in (SEARCHES[(2 * sample) % len(SEARCHES)],
                         SEARCHES[(2 * sample + 1) % len(SEARCHES)]):
                await _quiet(app)
                box = app.screen.query_one("#f-search")
                _send(app, "slash")
                await _holds(lambda box=box: box.has_focus)
                # The last search cleared first: a binding (ctrl+u) can overtake typed keys.
                _send(app, "ctrl+u")
                await _holds(lambda box=box: box.value == "")
                for char in word:
                    _send(app, char)
                await _holds(lambda box=box, word=word: box.value == word)
                searched.append(await _key_to_screen(app, frames, "enter", fresh_page()))
                floors["search"].append(_page_floor(centre, lst._query))

            for select_id, step in (("#f-status", 1), ("#f-mentor", 2 + sample),
                                    ("#f-status", 2), ("#f-mentor", 3 + sample)):
                await _quiet(app)
                select = app.screen.query_one(select_id)
                select.focus()
                _send(app, "enter")  # the dropdown opens
                await _drawn(app, frames, lambda select=select: select.expanded)
                _send(app, "home")
                for _ in range(step):
                    _send(app, "down")
                await _quiet(app, 0.1)
                picked.append(await _key_to_screen(app, frames, "enter", fresh_page()))
                floors["pick"].append(_page_floor(centre, lst._query))

    for sample in range(reps):
        asyncio.run(drive(sample))
    centre.store.close()
    return [
        Figure("list open", opened, floors["open"], GOALS_MS["list"],
               "`2` to the list's first page on screen, in a new app after a 1 s look at "
               "the calendar", "that page read with list_sessions alone"),
        Figure("list search", searched, floors["search"], GOALS_MS["list"],
               "a typed search: Enter to its first page on screen",
               "that page read with list_sessions alone"),
        Figure("list filter", picked, floors["pick"], GOALS_MS["list"],
               "a status or mentor picked from its dropdown: Enter to the first page on screen",
               "that page read with list_sessions alone"),
    ]


# ------------------------------------------------------------------------ report
def render(figures: list[Figure], scale: int, console: Console) -> None:
    table = Table(title=f"sessionsctl front desk (TUI) on SQLite, {gen.scale_name(scale)} "
                        "sessions: ms", title_justify="left")
    for column in ("benchmark", "median", "p95", "min", "max", "floor median", "x floor", "goal",
                   "result", "runs"):
        table.add_column(column, justify="left" if column == "benchmark" else "right")
    for f in figures:
        passed = f.median < f.goal if f.goal is not None else None
        verdict = "" if passed is None else ("[green]PASS[/]" if passed else "[bold red]FAIL[/]")
        table.add_row(f.name, f"{f.median:,.1f}", f"{f.p95:,.1f}", f"{min(f.runs):,.1f}",
                      f"{max(f.runs):,.1f}",
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
        figures = [launch(url, reps), *paging(url, reps), *listing(url, reps)]
    render(figures, scale, Console(width=None if sys.stdout.isatty() else 140))
    if args.json:
        args.json.write_text(json.dumps({"scale": scale, "figures": [f.as_dict() for f in figures]},
                                        indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
