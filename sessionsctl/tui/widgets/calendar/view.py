"""The calendar widget: month, week and day views over the sessions of the days on screen.

Only the days on screen are read from the database (one query for the span missing from the
cache), and the period before and after is read ahead, so paging is instant. Each view is
drawn (month.py, timeline.py) as lines with a map from screen cells back to days and
sessions, for the mouse.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from ....core.domain.drafts import SessionQuery
from ....core.domain.model import Session
from ....core.domain.timeutil import day_start
from ... import format as fmt
from ... import keys
from ...keys import bindings
from ...workers import ReportsFailures
from .body import CalendarBody
from .days import Mode, monday, shift, visible_days
from .drawing import Drawing, legend
from .month import draw_month
from .timeline import FIRST_HOUR, draw_timeline

if TYPE_CHECKING:
    from ...context import TuiContext

CACHE_DAYS = 200  # days kept in memory; the farthest from the cursor are dropped first
AHEAD_DELAY = 0.25  # seconds of no paging before the next and previous periods are read


class CalendarView(ReportsFailures, Vertical, can_focus=True):
    """Month, week and day views over the sessions of the days on screen."""

    BINDINGS = bindings(keys.CALENDAR)

    mode: reactive[Mode] = reactive("month", init=False)
    cursor: reactive[date] = reactive(date(2000, 1, 1), init=False, always_update=True)

    class SessionChosen(Message):
        """Enter or a click on a session."""

        def __init__(self, session_id: int) -> None:
            super().__init__()
            self.session_id = session_id

    class FirstShown(Message):
        """The first days read are on screen (the app reads its slower figures after this)."""

    class Loaded(Message):
        """The sessions of the days ``first`` to ``last`` (inclusive), by local day and in
        order (sorted in the worker, so the screen does not wait for it)."""

        def __init__(self, first: date, last: date, days: dict[date, list[Session]],
                     generation: int) -> None:
            super().__init__()
            self.first, self.last = first, last
            self.days = days
            self.generation = generation

    def __init__(self, ctx: TuiContext, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ctx = ctx
        self._days: dict[date, list[Session]] = {}
        self._loaded: set[date] = set()
        self._generation = 0
        self._selected: int | None = None  # index in the cursor day (week and day views)
        self._drawing = Drawing.of([], [])
        self._redraw_pending = False
        self._opening = False  # the next draw scrolls to where the view opens
        self._shown = False
        self._ahead_timer: Timer | None = None
        self.set_reactive(CalendarView.cursor, ctx.today())

    def compose(self) -> ComposeResult:
        yield Static(id="cal-title")
        yield CalendarBody(id="cal-body")
        yield Static(legend(self.ctx.today().day), id="cal-legend")

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)
        self.ensure_loaded()
        self.redraw()

    def _theme_changed(self) -> None:
        self.query_one(CalendarBody).forget_colours()

    def on_resize(self) -> None:
        self.call_after_refresh(self.redraw)

    # ------------------------------------------------------------------ data
    @property
    def sessions_of_cursor(self) -> list[Session]:
        return self._days.get(self.cursor, [])

    @property
    def selected_session(self) -> Session | None:
        sessions = self.sessions_of_cursor
        if self.mode == "month" or self._selected is None or not sessions:
            return None
        return sessions[min(self._selected, len(sessions) - 1)]

    def ensure_loaded(self) -> None:
        missing = [d for d in visible_days(self.mode, self.cursor) if d not in self._loaded]
        if missing:
            self._load(min(missing), max(missing), self._generation)
            return
        # Read ahead once the keys pause, so paging quickly is not slowed by reads it skips.
        if self._ahead_timer is not None:
            self._ahead_timer.stop()
        self._ahead_timer = self.set_timer(AHEAD_DELAY, self._prefetch)

    def _prefetch(self) -> None:
        """Read the next period ahead (then, once that is in, the previous one)."""
        for step in (1, -1):
            wanted = [d for d in visible_days(self.mode, shift(self.mode, self.cursor, step))
                      if d not in self._loaded]
            if wanted:
                self._load_ahead(min(wanted), max(wanted), self._generation)
                return

    def _read(self, first: date, last: date) -> dict[date, list[Session]]:
        tz = self.ctx.tz
        sessions = self.ctx.centre.sessions.find(SessionQuery(
            start=day_start(first, tz), end=day_start(last + timedelta(days=1), tz)))
        days: dict[date, list[Session]] = defaultdict(list)
        for s in sessions:
            # A session of several days (a trip) is also on each later day it lasts into
            # past the first opening hour (not a late lesson that ends after midnight).
            day, until = s.start.astimezone(tz).date(), s.end.astimezone(tz).date()
            if s.end <= datetime.combine(until, time(FIRST_HOUR), tzinfo=tz):
                until -= timedelta(days=1)
            days[day].append(s)
            day = max(day + timedelta(days=1), first)
            while day <= min(until, last):
                days[day].append(s)
                day += timedelta(days=1)
        for day_sessions in days.values():
            day_sessions.sort(key=lambda s: (s.start, s.id))
        return days

    @work(thread=True, exclusive=True, group="calendar", exit_on_error=False)
    def _load(self, first: date, last: date, generation: int) -> None:
        days = self._read(first, last)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(first, last, days, generation))

    @work(thread=True, exclusive=True, group="calendar-ahead", exit_on_error=False)
    def _load_ahead(self, first: date, last: date, generation: int) -> None:
        days = self._read(first, last)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(first, last, days, generation))

    @on(Loaded)
    def _loaded_range(self, message: Loaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return  # the data changed while this was read; a fresh read is under way
        day = message.first
        while day <= message.last:
            self._days[day] = message.days.get(day, [])
            self._loaded.add(day)
            day += timedelta(days=1)
        self._evict()
        if self._opening:
            self._select_near(None)
        self.redraw()
        if not self._shown:
            self._shown = True
            self.post_message(self.FirstShown())
        self.ensure_loaded()

    def _evict(self) -> None:
        if len(self._days) <= CACHE_DAYS:
            return
        keep = set(sorted(self._days, key=lambda d: abs((d - self.cursor).days))[:CACHE_DAYS])
        for day in list(self._days):
            if day not in keep:
                del self._days[day]
                self._loaded.discard(day)

    def reload(self) -> None:
        """Read the days on screen again (the database changed); the old data stays on screen
        until the new arrives."""
        self._generation += 1
        self._loaded.clear()
        self.ensure_loaded()

    def find(self, session_id: int) -> Session | None:
        for sessions in self._days.values():
            for s in sessions:
                if s.id == session_id:
                    return s
        return None

    # ------------------------------------------------------------------ drawing
    def watch_mode(self) -> None:
        self._select_near(None)
        self.ensure_loaded()
        self.redraw(opening=True)

    def watch_cursor(self, old: date, new: date) -> None:
        if visible_days(self.mode, old) != visible_days(self.mode, new):
            self.ensure_loaded()
        self.redraw()

    def _title(self) -> Content:
        c = self.cursor
        if self.mode == "month":
            title = f"{c:%B %Y}"
        elif self.mode == "week":
            start = monday(c)
            end = start + timedelta(days=6)
            title = f"Week {start.isocalendar().week} · {start.day} {start:%b} – {end.day} {end:%b %Y}"
        else:
            title = fmt.long_day(c)
        parts: list[str | tuple[str, str]] = [("‹ ", "$text-muted"), (title, "bold"),
                                              (" ›", "$text-muted"), "   "]
        for key, mode in (("m", "month"), ("w", "week"), ("d", "day")):
            style = "bold reverse $text-primary" if mode == self.mode else "$text-muted"
            parts.append((f" {key} {mode} ", style))
            parts.append(" ")
        if any(d not in self._loaded for d in visible_days(self.mode, c)):
            parts.append(("  loading…", "italic $text-muted"))
        return Content.assemble(*parts)

    def redraw(self, *, opening: bool = False) -> None:
        """Draw again once the current key or message is handled (many changes, one draw);
        ``opening``: and scroll to where the view opens (a timeline: the hour now, or the
        first session's)."""
        self._opening = self._opening or opening
        if not self._redraw_pending:
            self._redraw_pending = True
            self.call_later(self._draw)

    def _draw(self) -> None:
        self._redraw_pending = False
        opening, self._opening = self._opening, False
        if not self.is_mounted:
            return
        body = self.query_one(CalendarBody)
        width = body.scrollable_content_region.width
        height = body.scrollable_content_region.height
        if width <= 0 or height <= 0:
            return
        today = self.ctx.today()
        if self.mode == "month":
            drawing = draw_month(self._days, self._loaded, self.cursor, today, width, height,
                                 self.ctx)
        else:
            sessions = self.sessions_of_cursor
            if self._selected is not None and sessions:
                self._selected = max(0, min(self._selected, len(sessions) - 1))
            drawing = draw_timeline(self._days, self._loaded, visible_days(self.mode, self.cursor),
                                    self.cursor, self._selected, today, self.ctx.now(), width,
                                    self.ctx)
        self._drawing = drawing
        body.show(drawing, width)
        # One line whatever it says: no layout of the screen for it.
        self.query_one("#cal-title", Static).update(self._title(), layout=False)
        if opening:
            body.put_at_top(drawing.opening_y)
            if any(d not in self._loaded for d in visible_days(self.mode, self.cursor)):
                self._opening = True  # again, with the session picked, once they are read
        # In the month, keep the cursor's whole week in view (it only scrolls when the
        # terminal is too short for the grid); in a timeline, the cursor's session.
        body.keep_in_view(drawing.cursor_y,
                          drawing.cursor_height if self.mode == "month" else 1)

    # ------------------------------------------------------------------ actions
    def _select_near(self, previous: Session | None) -> None:
        """After the cursor moved to another day, pick the session nearest in time of day to
        ``previous``; with none, today's running or next session (else its last), or another
        day's first."""
        sessions = self.sessions_of_cursor
        if self.mode == "month":
            self._selected = None
            return
        if previous is None or not sessions:
            now = self.ctx.now()
            ahead = ([i for i, s in enumerate(sessions) if s.end > now]
                     if self.cursor == self.ctx.today() else [0])
            self._selected = ahead[0] if ahead else max(0, len(sessions) - 1)
            return
        wall = self.ctx.local(previous.start).time()
        times = [self.ctx.local(s.start).time() for s in sessions]
        self._selected = min(bisect_left(times, wall), len(sessions) - 1)

    def action_move(self, dx: int, dy: int) -> None:
        previous = self.selected_session
        if self.mode == "month":
            self.cursor = self.cursor + timedelta(days=dx + 7 * dy)
            return
        if dx:
            self.cursor = self.cursor + timedelta(days=dx)
            self._select_near(previous)
            self.redraw()
            return
        sessions = self.sessions_of_cursor
        if sessions:
            self._selected = max(0, min((self._selected or 0) + dy, len(sessions) - 1))
        self.redraw()

    def action_period(self, step: int) -> None:
        previous = self.selected_session
        self.cursor = shift(self.mode, self.cursor, step)
        self._select_near(previous)
        self.redraw()

    def action_today(self) -> None:
        self.cursor = self.ctx.today()
        self._select_near(None)
        self.redraw()

    def action_mode(self, mode: Mode) -> None:
        self.mode = mode

    def action_open(self) -> None:
        if self.mode == "month":
            self.mode = "day"
            return
        session = self.selected_session
        if session is not None:
            self.post_message(self.SessionChosen(session.id))

    def go_to(self, day: date, mode: Mode | None = None) -> None:
        """Show ``day`` (in ``mode``), opened as a view is: at the hour now or the first
        session's."""
        if mode is not None:
            self.mode = mode
        self.cursor = day
        self._select_near(None)
        self.redraw(opening=True)

    @on(CalendarBody.Clicked)
    def _clicked(self, message: CalendarBody.Clicked) -> None:
        message.stop()
        hit = message.hit
        self.focus()
        if hit.day != self.cursor:
            self.cursor = hit.day
        if hit.session_id is not None:
            sessions = self.sessions_of_cursor
            for i, s in enumerate(sessions):
                if s.id == hit.session_id:
                    self._selected = i
            self.redraw()
            self.post_message(self.SessionChosen(hit.session_id))
