"""The keys, screen by screen (`?`)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Anywhere", (
        ("ctrl+t, then 1–9 or enter", "today's sessions → attendance"),
        ("ctrl+n", "new booking"),
        ("ctrl+p", "command palette"),
        ("? or f1", "this help"),
        ("f2", "light or dark theme"),
        ("escape", "back"),
        ("ctrl+q", "quit"),
    )),
    ("Calendar", (
        ("arrows or h j k l", "move: days (and sessions in the week and day views)"),
        ("[ and ]", "previous / next month, week or day"),
        ("t", "today"),
        ("m w d", "month, week, day view"),
        ("enter", "open the day (month) or the session; a click works too"),
        ("1 and 2", "calendar / session list"),
        ("n", "new booking on the cursor's day"),
    )),
    ("Session list", (
        ("/", "search"),
        ("x", "clear the filters (back to: from today)"),
        ("s and S", "sort by the next column / reverse (or click a header)"),
        ("enter", "open the session"),
    )),
    ("Session", (
        ("e", "edit (a series asks which occurrences)"),
        ("a", "attendance"),
        ("c", "complete (asks first; says so if it has not started)"),
        ("x", "cancel, with a reason"),
        ("n", "add a note"),
    )),
    ("Attendance", (
        ("p a l e", "present, absent, late, excused — then the next student"),
        ("r", "mark the rest present (never changes a mark already given)"),
        ("n", "a note for this student"),
    )),
    ("Booking form", (
        ("tab and shift+tab", "next / previous field"),
        ("↓ ↑ enter", "take a name from the type-ahead list"),
        ("enter on a free slot", "move the booking there"),
        ("ctrl+o", "to the free slots (or the override, when none fits)"),
        ("ctrl+b", "book only the free occurrences of a series that clashes"),
        ("ctrl+s", "save"),
        ("escape", "leave without saving (asks first if anything was typed)"),
    )),
)


def keys_text() -> Content:
    parts: list[Any] = []
    for title, rows in KEYS:
        parts.append((f"{title}\n", "bold $accent"))
        for key, what in rows:
            parts.append((f"  {key:<28}", "bold"))
            parts.append((f"{what}\n", ""))
        parts.append("\n")
    return Content.assemble(*parts[:-1])


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; height: 90%; border: thick $primary; background: $surface; padding: 1 2;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys"
            yield Static(keys_text())
