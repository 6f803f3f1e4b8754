"""The keys, screen by screen (`?`), as the key registry (keys.py) lists them."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..keys import HELP_PAGE, HELP_SCREEN, bindings


def keys_text() -> Content:
    """The help page: a section per screen, a line per key (or group of keys)."""
    parts: list[Any] = []
    for section in HELP_PAGE:
        parts.append((f"{section.title}\n", "bold $accent"))
        for row in section.rows:
            parts.append((f"  {row.label:<28}", "bold"))
            parts.append((f"{row.what}\n", ""))
        parts.append("\n")
    return Content.assemble(*parts[:-1])


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; height: 90%; border: thick $primary; background: $surface; padding: 1 2;
    }
    """
    BINDINGS = bindings(HELP_SCREEN)

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys"
            yield Static(keys_text())
