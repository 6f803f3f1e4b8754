"""The month view: a grid of weeks, each day's first sessions listed under its number."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ....core.domain.model import Session
from ... import format as fmt
from ...theme import RULE
from .days import WEEKDAYS, month_grid
from .drawing import CURSOR, TODAY, Drawing, Hit, Line, fit

if TYPE_CHECKING:
    from ...context import TuiContext

SEPARATOR = ("│", RULE)


def draw_month(days: dict[date, list[Session]], loaded: set[date], cursor: date, today: date,
               width: int, height: int, ctx: TuiContext) -> Drawing:
    grid = month_grid(cursor)
    weeks = len(grid) // 7
    cw = max(6, (width - 6) // 7)
    rows = max(3, (height - 1 - weeks) // weeks)
    lines: list[Line] = [_weekdays(cw)]
    now = ctx.now()
    hits: list[Hit] = []
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
                    parts.append(SEPARATOR)
                    x += 1
                sessions = days.get(day, [])
                back = f" {CURSOR}" if day == cursor else ""
                if r == 0:
                    parts += _day_number(day, sessions, day in loaded, cursor, today, cw, back)
                    hits.append(Hit(top, x, x + cw, day))
                else:
                    part, session_id = _entry(sessions, r - 1, rows - 1, cw, back, ctx.tz, now, day)
                    parts.append(part)
                    hits.append(Hit(top + r, x, x + cw, day, session_id))
                x += cw
            lines.append(tuple(parts))
        if cursor in week:
            cursor_y = top
    return Drawing.of(lines, hits, cursor_y, rows)


def _weekdays(cw: int) -> Line:
    header: list[str | tuple[str, str]] = []
    for i, name in enumerate(WEEKDAYS):
        if i:
            header.append(SEPARATOR)
        header.append((fit(f" {name}", cw), "bold $text-muted"))
    return tuple(header)


def _day_number(day: date, sessions: list[Session], loaded: bool, cursor: date, today: date,
                cw: int, back: str) -> list[str | tuple[str, str]]:
    """A day's first line: its number, and how many sessions it has (… while not read)."""
    in_month = day.month == cursor.month
    style = TODAY if day == today else ("bold" if in_month else "$text-muted")
    count = f"{len(sessions)}" if sessions else ("…" if not loaded else "")
    return [(" ", back.strip()), (f"{day.day:>2}", style if day == today else style + back),
            (count.rjust(cw - 3), "$text-muted" + back)]


def _entry(sessions: list[Session], index: int, shown: int, cw: int, back: str,
           tz: ZoneInfo, now: datetime, day: date) -> tuple[str | tuple[str, str], int | None]:
    """Line ``index`` under a day's number (of ``shown``): a session, how many more there
    are, or nothing; and the session drawn there."""
    if len(sessions) > shown and index == shown - 1:
        more = len(sessions) - shown + 1
        return (fit(f" +{more} more", cw), "$text-muted" + back), None
    if index < len(sessions):
        s = sessions[index]
        local = s.start.astimezone(tz)
        when = "→" if local.date() != day else f"{local.hour:02d}:{local.minute:02d}"
        text = fit(f" {when} {s.title}", cw)  # → a trip begun on an earlier day
        return (text, fmt.status(s, now)[1] + back), s.id
    return (" " * cw, back.strip()), None
