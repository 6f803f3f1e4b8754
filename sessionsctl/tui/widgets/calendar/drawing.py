"""What a calendar view draws: lines of styled parts, made when they scroll into view, with a
map from screen cells back to the day and session drawn there (for the mouse)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from textual.content import Content

from ....core.domain.model import SessionStatus
from ... import format as fmt

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
    opening_y: int = 0  # the line a view opens at (a timeline: the hour now, or the first)

    @classmethod
    def of(cls, lines: list[Line], hits: list[Hit], cursor_y: int = 0,
           cursor_height: int = 1) -> Drawing:
        """A drawing made in full."""
        on_line: dict[int, list[Hit]] = defaultdict(list)
        for hit in hits:
            on_line[hit.y].append(hit)
        return cls(len(lines), lambda y: (lines[y], on_line.get(y, [])), cursor_y,
                   cursor_height)


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells."""
    return fmt.clip(text, width).ljust(width)


def legend(today: int) -> Content:
    """What the colours mean; the "today" sample is today's own day number."""
    parts: list[str | tuple[str, str]] = []
    for status in SessionStatus:
        parts.append(("■ ", fmt.STATUS_STYLE[status].replace("strike ", "")))
        # In progress is drawn as live (fmt.status): a session on now.
        label = fmt.LIVE if status is SessionStatus.IN_PROGRESS else fmt.STATUS_LABEL[status]
        parts.append((label + "   ", "$text-muted"))
    parts.append(("▌", "$subject-3"))
    parts.append(("subject   ", "$text-muted"))
    parts.append((f"{today:2d} ", TODAY))
    parts.append((" today", "$text-muted"))
    return Content.assemble(*parts)
