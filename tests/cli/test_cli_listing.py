"""Listings drawn row by row (cli/drawing.py) print what rich's ``Table`` printed for them,
at any width, in a terminal or a pipe, in colour or not; and a long listing of many days is
measured once, not once per day (which made `session list` quadratic)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from sessionsctl.cli import render, tables
from sessionsctl.core.domain.model import Session, SessionStatus

DOMAIN = "northfield-tutoring.example"
HEADINGS = ("ID", "Time", "Title", "Mentor", "Students", "Room", "Status")
ROWS: list[tuple[Any, ...]] = [
    (7, "15:30–17:00", "KS3 Mathematics group — Tuesday 15:30 (bring a calculator)",
     f"chloe.clarke-jones@{DOMAIN}", "2 students", "Study Room 1 (ground floor)",
     render.status_text(SessionStatus.COMPLETED)),
    (12345, "17:30–18:30", "1:1", "Kwame Walsh", "Aarav Kowalski", None,
     render.status_text(SessionStatus.CANCELLED)),
    (9, "09:00–10:00", "Tabs\tand [brackets] and ünïcödé 漢字 titles", "Zoë", "", "Hall",
     render.status_text(SessionStatus.SCHEDULED)),
    (10, "10:00–11:00", "Two\nlines", "Kim", "", "", Text("")),
    (11, "11:00–12:00", Text.assemble("Styled ", ("span", "bold"), style="underline"), "Kim",
     "", "", Text("odd", style="dim strike")),
    # a joined emoji, accents and a blank cell wider than any other of its column
    (13, "12:00–13:00", "Chemistry 👩‍🔬 lab", "Zoë Ødegård", " " * 40, None,
     render.status_text(SessionStatus.SCHEDULED)),
    (14, "13:00–14:00", "Ελληνικά — Кириллица", "Ødegård", "3 students, 3/8", "Hall", "live"),
]


class _Reference:
    """The listing as rich's ``Table`` drew it before (render.Listing, up to 2026-12)."""

    def __init__(self, listing: render.Listing) -> None:
        self.listing = listing

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        me = self.listing
        measured = me._measure()
        if console.is_terminal:
            shown, widths = me._fit(measured, options.max_width)
        else:
            shown, widths = list(range(len(measured))), [c.widest for c in measured]
        hidden = [c.heading for i, c in enumerate(measured) if i not in shown and not c.blank]
        t = Table(title=me.title, box=box.SIMPLE_HEAD, title_justify="left",
                  title_style="bold", width=sum(widths) + 3 * len(shown) + 1,
                  caption=(f"Hidden to fit the terminal: {', '.join(hidden)}."
                           if hidden and me is me.peers[-1] else None),
                  caption_justify="left", caption_style="dim")
        for i, width in zip(shown, widths, strict=True):
            c = measured[i]
            t.add_column(c.heading, width=width, overflow="fold",
                         no_wrap=c.numbers or c.heading in tables._WHOLE,
                         justify="right" if c.numbers else "left")
        for row in me.rows:  # plain cells as text, never read as markup
            t.add_row(*(Text(row[i]) if isinstance(row[i], str) else row[i] for i in shown))
        yield t


def _print(listings: Sequence[Any], width: int, terminal: bool, colour: bool) -> str:
    buffer = io.StringIO()
    console = render._Console(file=buffer, width=width, force_terminal=terminal,
                              color_system="truecolor" if colour else None, highlight=False)
    for listing in listings:
        console.print(listing)
    return buffer.getvalue()


def _days(rows: Sequence[tuple[Any, ...]]) -> list[render.Listing]:
    days = [render.table("Tuesday 04 March 2025", HEADINGS, rows[:2]),
            render.table("Wednesday 05 March [2025]", HEADINGS, rows[2:])]
    render.together(days)
    return days


@pytest.mark.parametrize("colour", [False, True])
@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("width", [*range(30, 181, 10), 47, 83, 119])
def test_drawn_row_by_row_as_rich_drew_it(width: int, terminal: bool, colour: bool) -> None:
    days = _days(ROWS)
    ours = _print(days, width, terminal, colour)
    theirs = _print([_Reference(d) for d in days], width, terminal, colour)
    assert ours == theirs


def test_one_table_and_an_empty_one_as_before() -> None:
    one = render.table("Attendance", ("Name", "Rate"), [("Aarav", "100%"), ("Zoë", "5%")])
    for width in (12, 20, 80):
        assert _print([one], width, True, True) == _print([_Reference(one)], width, True, True)
    assert _print([render.table(None, ("A",), [])], 80, False, False) == "Nothing to show.\n"


def test_many_days_are_measured_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A year of days prints one set of columns, measured over every row once."""
    tz = ZoneInfo("Europe/London")
    start = datetime(2025, 1, 6, 15, tzinfo=UTC)
    sessions = [Session(id=i, uid=f"u{i}", title=f"Lesson {i}", mentor="ada@example.org",
                        start=start + timedelta(days=i // 3, hours=i % 3),
                        end=start + timedelta(days=i // 3, hours=i % 3 + 1), tz="Europe/London",
                        students=("sam@example.org",), room="Hall")
                for i in range(3 * 365)]
    calls = 0
    measure = render.Listing._measure_all

    def counted(self: render.Listing) -> Any:
        nonlocal calls
        calls += 1
        return measure(self)

    monkeypatch.setattr(render.Listing, "_measure_all", counted)
    buffer = io.StringIO()
    monkeypatch.setattr(render, "out", render._Console(file=buffer, width=100,
                                                       color_system=None))
    render.sessions_by_day(sessions, tz)
    text = buffer.getvalue()
    assert calls == 1
    assert text.count("Lesson ") == len(sessions)
    widths = {len(line) for line in text.splitlines() if "Lesson " in line}
    assert len(widths) == 1  # one set of columns down the page
    assert text.rstrip().endswith(f"{len(sessions):,} sessions; times in Europe/London.")
