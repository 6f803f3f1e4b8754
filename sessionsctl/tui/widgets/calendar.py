"""The calendar: a month grid and week and day timelines, drawn as text, loaded a range at a time.

Only the days on screen are read from the database (one query for the span missing from the
cache), and the period before and after is read ahead, so paging is instant. Drawing is one
``Content`` per view with a map from screen cells back to days and sessions, for the mouse.
"""

from __future__ import annotations

import calendar as pycal
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from ...core.domain.drafts import SessionQuery
from ...core.domain.model import Session, SessionStatus
from ...core.domain.timeutil import day_start
from .. import format as fmt
from .. import keys
from ..keys import bindings
from ..theme import RULE
from ..workers import ReportsFailures

if TYPE_CHECKING:
    from ..context import TuiContext

Mode = Literal["month", "week", "day"]
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FIRST_HOUR, LAST_HOUR = 8, 20  # the hours a timeline always shows; sessions outside widen it
CACHE_DAYS = 200
AHEAD_DELAY = 0.25  # seconds of no paging before the next and previous periods are read  # days kept in memory; the farthest from the cursor are dropped first
CURSOR = "on $primary 30%"
# Dark or light text, whichever reads on the accent (a reversed accent took the cursor's
# pale background as its text colour in the light theme, and vanished).
TODAY = "bold auto on $accent"


@dataclass(frozen=True, slots=True)
class Hit:
    """A strip of screen cells and what is drawn there."""

    y: int
    x0: int
    x1: int
    day: date
    session_id: int | None = None


# A line as the parts Content.assemble takes; assembled only when it scrolls into view.
Line = tuple["str | tuple[str, str]", ...]


@dataclass(slots=True)
class Drawing:
    """``count`` lines, each built by ``line(y)`` with what is drawn where on it, when it
    scrolls into view (a busy week has hundreds of lines and shows forty)."""

    count: int
    line: Callable[[int], tuple[Line, list[Hit]]]
    cursor_y: int = 0  # the line the cursor is on, to keep it in view
    cursor_height: int = 1

    @classmethod
    def of(cls, lines: list[Line], hits: list[Hit], cursor_y: int = 0,
           cursor_height: int = 1) -> Drawing:
        """A drawing made in full."""
        on_line: dict[int, list[Hit]] = defaultdict(list)
        for hit in hits:
            on_line[hit.y].append(hit)
        return cls(len(lines), lambda y: (lines[y], on_line.get(y, [])), cursor_y,
                   cursor_height)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_grid(day: date) -> list[date]:
    """The days of the weeks that hold ``day``'s month, Monday first."""
    first = day.replace(day=1)
    last = day.replace(day=pycal.monthrange(day.year, day.month)[1])
    start, end = monday(first), monday(last) + timedelta(days=7)
    return [start + timedelta(days=i) for i in range((end - start).days)]


def visible_days(mode: Mode, cursor: date) -> list[date]:
    if mode == "month":
        return month_grid(cursor)
    if mode == "week":
        start = monday(cursor)
        return [start + timedelta(days=i) for i in range(7)]
    return [cursor]


def shift(mode: Mode, cursor: date, step: int) -> date:
    """The cursor one period (month, week or day) before or after."""
    if mode == "month":
        month = cursor.month - 1 + step
        year, month = cursor.year + month // 12, month % 12 + 1
        return date(year, month, min(cursor.day, pycal.monthrange(year, month)[1]))
    return cursor + timedelta(days=7 * step if mode == "week" else step)


def _fit(text: str, width: int) -> str:
    return fmt.clip(text, width).ljust(width)


# --------------------------------------------------------------------------- drawing

def draw_month(days: dict[date, list[Session]], loaded: set[date], cursor: date, today: date,
               width: int, height: int, ctx: TuiContext) -> Drawing:
    grid = month_grid(cursor)
    weeks = len(grid) // 7
    cw = max(6, (width - 6) // 7)
    rows = max(3, (height - 1 - weeks) // weeks)
    lines: list[Line] = []
    hits: list[Hit] = []
    sep = ("│", RULE)
    header: list[str | tuple[str, str]] = []
    for i, name in enumerate(WEEKDAYS):
        if i:
            header.append(sep)
        header.append((_fit(f" {name}", cw), "bold $text-muted"))
    lines.append(tuple(header))
    cursor_y = 0
    for w in range(weeks):
        lines.append((("┼".join(["─" * cw] * 7), RULE),))
        week = grid[w * 7:(w + 1) * 7]
        top = len(lines)
        for r in range(rows):
            parts: list[str | tuple[str, str]] = []
            x = 0
            for i, day in enumerate(week):
                if i:
                    parts.append(sep)
                    x += 1
                sessions = days.get(day, [])
                back = f" {CURSOR}" if day == cursor else ""
                if r == 0:
                    number = f"{day.day:>2}"
                    in_month = day.month == cursor.month
                    style = TODAY if day == today else ("bold" if in_month else "$text-disabled")
                    count = f"{len(sessions)}" if sessions else ("…" if day not in loaded else "")
                    parts.append((" ", back.strip()))
                    parts.append((number, style if day == today else style + back))
                    parts.append((count.rjust(cw - 3), "$text-muted" + back))
                    hits.append(Hit(top, x, x + cw, day))
                else:
                    index = r - 1
                    shown = rows - 1
                    if len(sessions) > shown and index == shown - 1:
                        more = len(sessions) - shown + 1
                        parts.append((_fit(f" +{more} more", cw), "$text-muted" + back))
                        hits.append(Hit(top + r, x, x + cw, day))
                    elif index < len(sessions):
                        s = sessions[index]
                        local = s.start.astimezone(ctx.tz)
                        text = _fit(f" {local.hour:02d}:{local.minute:02d} {s.title}", cw)
                        parts.append((text, fmt.STATUS_STYLE[s.status] + back))
                        hits.append(Hit(top + r, x, x + cw, day, s.id))
                    else:
                        parts.append((" " * cw, back.strip()))
                        hits.append(Hit(top + r, x, x + cw, day))
                x += cw
            lines.append(tuple(parts))
        if cursor in week:
            cursor_y = top
    return Drawing.of(lines, hits, cursor_y, rows)


def draw_timeline(days: dict[date, list[Session]], loaded: set[date], shown: list[date],
                  cursor: date, selected: int | None, today: date, now: datetime,
                  width: int, ctx: TuiContext) -> Drawing:
    """Week or day: a column per day, a band per hour as tall as its busiest day. Only the
    plan (which hour and which row of its band each line is) is made here; a line's text
    is made when it is shown."""
    gw = 6
    n = len(shown)
    cw = max(8, (width - gw - n) // n)
    detailed = n == 1
    columns = [days.get(d, []) for d in shown]
    by_hour: list[dict[int, list[Session]]] = []
    first, last = FIRST_HOUR, LAST_HOUR
    for sessions in columns:
        bucket: dict[int, list[Session]] = defaultdict(list)
        for s in sessions:
            hour = s.start.astimezone(ctx.tz).hour
            bucket[hour].append(s)
        if bucket:
            first, last = min(first, *bucket), max(last, *bucket)
        by_hour.append(bucket)
    sep = ("│", RULE)
    head: list[str | tuple[str, str]] = [(" " * gw, "")]
    head_hits: list[Hit] = []
    x = gw
    for i, day in enumerate(shown):
        head.append(sep)
        x += 1
        label = fmt.long_day(day) if detailed else fmt.day_label(day)
        if day not in loaded:
            label += " …"
        elif detailed:
            label += f"  ·  {len(columns[i])} session{'s' if len(columns[i]) != 1 else ''}"
        style = TODAY if day == today else "bold"
        if day == cursor and day != today:
            style += f" {CURSOR}"
        head.append((_fit(f" {label}", cw), style))
        head_hits.append(Hit(0, x, x + cw, day))
        x += cw
    rule: Line = (("─" * gw + "┼".join([""] + ["┈" * cw] * n), RULE),)
    current_hour = ctx.local(now).hour if today in shown else None
    cursor_column = shown.index(cursor) if cursor in shown else None
    cursor_sessions = columns[cursor_column] if cursor_column is not None else []
    cursor_session = (cursor_sessions[selected]
                      if selected is not None and 0 <= selected < len(cursor_sessions) else None)
    cursor_hour = (cursor_session.start.astimezone(ctx.tz).hour
                   if cursor_session is not None else None)
    plan: list[tuple[int, int]] = []  # (hour, row of its band) per line below the header;
    cursor_y = 0  # a row of -1 is the rule above the hour
    for hour in range(first, last + 1):
        plan.append((hour, -1))
        band = max(1, *(len(b.get(hour, ())) for b in by_hour))
        if cursor_session is None and hour == FIRST_HOUR:
            cursor_y = len(plan) + 1
        if hour == cursor_hour and cursor_column is not None:
            cursor_y = len(plan) + 1 + by_hour[cursor_column][hour].index(cursor_session)
        plan.extend((hour, r) for r in range(band))

    def line(y: int) -> tuple[Line, list[Hit]]:
        if y == 0:
            return tuple(head), head_hits
        hour, r = plan[y - 1]
        if r < 0:
            return rule, []
        gutter = f"{hour:02d}:00 " if r == 0 else " " * gw
        gstyle = "bold $accent" if hour == current_hour and r == 0 else "$text-muted"
        parts: list[str | tuple[str, str]] = [(gutter, gstyle)]
        hits: list[Hit] = []
        x = gw
        for i, day in enumerate(shown):
            parts.append(sep)
            x += 1
            items = by_hour[i].get(hour, [])
            if r < len(items):
                s = items[r]
                picked = s is cursor_session
                if detailed:
                    who = ctx.name(s.mentor)
                    extra = [who, s.room or s.location or ("online" if s.link else "")]
                    if s.students:
                        extra.append(f"{len(s.students)} student"
                                     f"{'s' if len(s.students) != 1 else ''}")
                    extra.append(fmt.STATUS_LABEL[s.status])
                    text = (f"{fmt.span(s, ctx.tz)}  {s.title}  · "
                            + " · ".join(e for e in extra if e))
                else:
                    local = s.start.astimezone(ctx.tz)
                    text = f"{local.hour:02d}:{local.minute:02d} {s.title}"
                style = fmt.STATUS_STYLE[s.status] + (" reverse" if picked else "")
                parts.append(("▌", fmt.subject_style(s.subject)))
                parts.append((_fit(text, cw - 1), style))
                hits.append(Hit(y, x, x + cw, day, s.id))
            else:
                parts.append((" " * cw, CURSOR if day == cursor and not detailed else ""))
                hits.append(Hit(y, x, x + cw, day))
            x += cw
        return tuple(parts), hits

    return Drawing(1 + len(plan), line, cursor_y)


def legend() -> Content:
    parts: list[str | tuple[str, str]] = []
    for status in SessionStatus:
        parts.append(("■ ", fmt.STATUS_STYLE[status].replace("strike ", "")))
        parts.append((fmt.STATUS_LABEL[status] + "   ", "$text-muted"))
    parts.append(("▌", "#3b8fd9"))
    parts.append(("subject   ", "$text-muted"))
    parts.append((" 3 ", TODAY))
    parts.append((" today", "$text-muted"))
    return Content.assemble(*parts)


# ---------------------------------------------------------------------------- widget

class CalendarBody(ScrollView, can_focus=False):
    """The drawn calendar, a line at a time (only the lines on screen are rendered, so a
    week of a busy centre scrolls as fast as a quiet one); clicks map back to what is there."""

    class Clicked(Message):
        def __init__(self, hit: Hit) -> None:
            super().__init__()
            self.hit = hit

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawing = Drawing.of([], [])
        self._strips: dict[int, Strip] = {}
        self._styles: dict[str, RichStyle] = {}  # a part's style over the body's, parsed once

    def show(self, drawing: Drawing, width: int) -> None:
        self._drawing = drawing
        self._strips.clear()
        self.virtual_size = Size(width, drawing.count)
        self.refresh()

    def forget_colours(self) -> None:
        """The theme changed: render every line again."""
        self._strips.clear()
        self._styles.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._styles.clear()

    def _style(self, style: str) -> RichStyle:
        cached = self._styles.get(style)
        if cached is None:
            base = self.visual_style
            cached = self._styles[style] = (base + self._get_style(style) if style
                                            else base).rich_style
        return cached

    @property
    def hits(self) -> list[Hit]:
        """What is drawn where, on every line (for tests: this builds them all)."""
        return [hit for y in range(self._drawing.count) for hit in self._drawing.line(y)[1]]

    def text(self) -> str:
        """What is drawn, as plain text (for tests and screen readers)."""
        return "\n".join("".join(p if isinstance(p, str) else p[0]
                                 for p in self._drawing.line(y)[0])
                         for y in range(self._drawing.count))

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + scroll_y
        width = self.scrollable_content_region.width
        base = self.visual_style
        if index >= self._drawing.count:
            return Strip.blank(width, base.rich_style)
        strip = self._strips.get(index)
        if strip is None:
            # Each part has one style over the body's: segments straight from the parts.
            style = self._style
            segments = [Segment(part, style("")) if isinstance(part, str)
                        else Segment(part[0], style(part[1]))
                        for part in self._drawing.line(index)[0]]
            strip = self._strips[index] = Strip(segments)
        return strip.crop_extend(scroll_x, scroll_x + width, base.rich_style)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        y = offset.y + self.scroll_offset.y
        if y >= self._drawing.count:
            return
        for hit in self._drawing.line(y)[1]:
            if hit.x0 <= offset.x < hit.x1:
                self.post_message(self.Clicked(hit))
                return


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
        self._scroll_home = False
        self._shown = False
        self._ahead_timer: Timer | None = None
        self.set_reactive(CalendarView.cursor, ctx.today())

    def compose(self) -> ComposeResult:
        yield Static(id="cal-title")
        yield CalendarBody(id="cal-body")
        yield Static(legend(), id="cal-legend")

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
        sessions = self.ctx.centre.list_sessions(SessionQuery(
            start=day_start(first, tz), end=day_start(last + timedelta(days=1), tz)))
        days: dict[date, list[Session]] = defaultdict(list)
        for s in sessions:
            days[s.start.astimezone(tz).date()].append(s)
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
        self._selected = 0 if self.mode != "month" else None
        self.ensure_loaded()
        self.redraw(scroll_home=True)

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
            style = "bold reverse $primary" if mode == self.mode else "$text-muted"
            parts.append((f" {key} {mode} ", style))
            parts.append(" ")
        if any(d not in self._loaded for d in visible_days(self.mode, c)):
            parts.append(("  loading…", "italic $text-muted"))
        return Content.assemble(*parts)

    def redraw(self, *, scroll_home: bool = False) -> None:
        """Draw again once the current key or message is handled (many changes, one draw)."""
        self._scroll_home = self._scroll_home or scroll_home
        if not self._redraw_pending:
            self._redraw_pending = True
            self.call_later(self._draw)

    def _draw(self) -> None:
        self._redraw_pending = False
        scroll_home, self._scroll_home = self._scroll_home, False
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
        if scroll_home:
            body.scroll_to(y=0, animate=False, immediate=True)
        # In the month, keep the cursor's whole week in view (it only scrolls when the
        # terminal is too short for the grid); in a timeline, the cursor's session.
        height = drawing.cursor_height if self.mode == "month" else 1
        body.scroll_to_region(Region(0, drawing.cursor_y, 1, height), animate=False,
                              immediate=True)

    # ------------------------------------------------------------------ actions
    def _select_near(self, previous: Session | None) -> None:
        """After the cursor moved to another day, pick the session nearest in time of day."""
        sessions = self.sessions_of_cursor
        if self.mode == "month":
            self._selected = None
            return
        if previous is None or not sessions:
            self._selected = 0
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
        if mode is not None:
            self.mode = mode
        self.cursor = day

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
