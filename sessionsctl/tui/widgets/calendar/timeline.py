"""The week and day views: a column per day, a band per hour as tall as its busiest day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ....core.domain.model import Session
from ... import format as fmt
from ...theme import RULE
from .drawing import CURSOR, TODAY, Drawing, Hit, Line, fit

if TYPE_CHECKING:
    from ...context import TuiContext

FIRST_HOUR, LAST_HOUR = 8, 20  # the hours a timeline always shows; sessions outside widen it
GUTTER = 6  # the hours' column
SEPARATOR = ("│", RULE)

Hours = dict[int, list[Session]]  # a day's sessions by the hour they start in


def draw_timeline(days: dict[date, list[Session]], loaded: set[date], shown: list[date],
                  cursor: date, selected: int | None, today: date, now: datetime,
                  width: int, ctx: TuiContext) -> Drawing:
    """Week or day. Only the plan (which hour and which row of its band each line is) is
    made here; a line's text is made when it is shown. The view opens at the hour now when
    today is shown, else at the first hour a session starts in."""
    n = len(shown)
    cw = max(8, (width - GUTTER - n) // n)
    columns = [days.get(d, []) for d in shown]
    by_hour, first, last = _by_hour(shown, columns, ctx.tz)
    cursor_column = shown.index(cursor) if cursor in shown else None
    cursor_sessions = columns[cursor_column] if cursor_column is not None else []
    picked = (cursor_sessions[selected]
              if selected is not None and 0 <= selected < len(cursor_sessions) else None)
    current_hour = ctx.local(now).hour if today in shown else None
    timeline = Timeline(shown, by_hour, cursor, picked, cw, ctx,
                        _head(shown, columns, loaded, cursor, today, cw),
                        current_hour=current_hour)
    cursor_y = timeline.plan(first, last, cursor_column)
    busy = [hour for hours in by_hour for hour in hours]
    opening = current_hour if current_hour is not None else min(busy, default=FIRST_HOUR)
    opening_y = 1 + timeline.rows.index((max(first, min(opening, last)), -1))
    return Drawing(1 + len(timeline.rows), timeline.line, cursor_y, opening_y=opening_y)


def hour_on(s: Session, day: date, tz: ZoneInfo) -> int:
    """The hour ``s`` is drawn in on ``day``: the one it starts in, or the first of the
    opening hours on a later day it lasts into (a trip of several days)."""
    local = s.start.astimezone(tz)
    return local.hour if local.date() == day else FIRST_HOUR


def _by_hour(shown: list[date], columns: list[list[Session]],
             tz: ZoneInfo) -> tuple[list[Hours], int, int]:
    """Each day's sessions by hour, and the first and last hour to show."""
    by_hour: list[Hours] = []
    first, last = FIRST_HOUR, LAST_HOUR
    for day, sessions in zip(shown, columns, strict=True):
        bucket: Hours = defaultdict(list)
        for s in sessions:
            bucket[hour_on(s, day, tz)].append(s)
        if bucket:
            first, last = min(first, *bucket), max(last, *bucket)
        by_hour.append(bucket)
    return by_hour, first, last


def _head(shown: list[date], columns: list[list[Session]], loaded: set[date], cursor: date,
          today: date, cw: int) -> tuple[Line, list[Hit]]:
    """The days' names (the day view's in full, with how many sessions it has)."""
    detailed = len(shown) == 1
    head: list[str | tuple[str, str]] = [(" " * GUTTER, "")]
    hits: list[Hit] = []
    x = GUTTER
    for day, sessions in zip(shown, columns, strict=True):
        head.append(SEPARATOR)
        x += 1
        label = fmt.long_day(day) if detailed else fmt.day_label(day)
        if day not in loaded:
            label += " …"
        elif detailed:
            label += f"  ·  {len(sessions)} session{'s' if len(sessions) != 1 else ''}"
        style = TODAY if day == today else "bold"
        if day == cursor and day != today:
            style += f" {CURSOR}"
        head.append((fit(f" {label}", cw), style))
        hits.append(Hit(0, x, x + cw, day))
        x += cw
    return tuple(head), hits


@dataclass
class Timeline:
    """The lines of a week or a day, made one at a time as they are shown."""

    shown: list[date]
    by_hour: list[Hours]
    cursor: date
    picked: Session | None  # the session the cursor is on
    cw: int
    ctx: TuiContext
    head: tuple[Line, list[Hit]]
    current_hour: int | None = None  # today's hour, when today is shown
    # (hour, row of its band) per line below the header; a row of -1 is the rule above it
    rows: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.detailed = len(self.shown) == 1
        self.rule: Line = (("─" * GUTTER + "┼".join([""] + ["┈" * self.cw] * len(self.shown)),
                            RULE),)

    def plan(self, first: int, last: int, cursor_column: int | None) -> int:
        """Lay out the hours ``first`` to ``last``; the line the cursor is on."""
        rows: list[tuple[int, int]] = []
        picked = self.picked
        picked_hour = hour_on(picked, self.cursor, self.ctx.tz) if picked is not None else None
        cursor_y = 0
        for hour in range(first, last + 1):
            rows.append((hour, -1))
            band = max(1, *(len(b.get(hour, ())) for b in self.by_hour))
            if picked is None and hour == FIRST_HOUR:
                cursor_y = len(rows) + 1
            if hour == picked_hour and cursor_column is not None and picked is not None:
                cursor_y = len(rows) + 1 + self.by_hour[cursor_column][hour].index(picked)
            rows.extend((hour, r) for r in range(band))
        self.rows = rows
        return cursor_y

    def line(self, y: int) -> tuple[Line, list[Hit]]:
        if y == 0:
            return self.head
        hour, r = self.rows[y - 1]
        if r < 0:
            return self.rule, []
        cw = self.cw
        gutter = f"{hour:02d}:00 " if r == 0 else " " * GUTTER
        gstyle = "bold $text-accent" if hour == self.current_hour and r == 0 else "$text-muted"
        parts: list[str | tuple[str, str]] = [(gutter, gstyle)]
        hits: list[Hit] = []
        x = GUTTER
        for i, day in enumerate(self.shown):
            parts.append(SEPARATOR)
            x += 1
            items = self.by_hour[i].get(hour, [])
            if r < len(items):
                s = items[r]
                style = fmt.status(s, self.ctx.now())[1] + (" reverse" if s is self.picked else "")
                parts.append(("▌", fmt.subject_style(s.subject)))
                parts.append((fit(self._text(s, day), cw - 1), style))
                hits.append(Hit(y, x, x + cw, day, s.id))
            else:
                parts.append((" " * cw,
                              CURSOR if day == self.cursor and not self.detailed else ""))
                hits.append(Hit(y, x, x + cw, day))
            x += cw
        return tuple(parts), hits

    def _text(self, s: Session, day: date) -> str:
        """A session in its cell: its time and title (the day view: what else is known)."""
        ctx = self.ctx
        if not self.detailed:
            local = s.start.astimezone(ctx.tz)
            if local.date() != day:
                return f"→ {s.title}"  # a trip begun on an earlier day
            return f"{local.hour:02d}:{local.minute:02d} {s.title}"
        extra = [ctx.name(s.mentor), s.room or s.location or ("online" if s.link else "")]
        if s.students:
            extra.append(f"{len(s.students)} student{'s' if len(s.students) != 1 else ''}")
        extra.append(fmt.status(s, ctx.now())[0])
        return f"{fmt.span(s, ctx.tz)}  {s.title}  · " + " · ".join(e for e in extra if e)
