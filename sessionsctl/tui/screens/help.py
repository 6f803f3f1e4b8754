"""The keys, screen by screen (`?`), as the key registry (keys.py) lists them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..keys import HELP_PAGE, HELP_SCREEN, bindings


class HelpScreen(ModalScreen[None]):
    """A section per screen, a line per key (or group of keys); a long description wraps in
    its own column."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-width: 100%; height: 90%; border: thick $primary; background: $surface;
        padding: 1 2;
        border-title-color: $text-primary;
    }
    HelpScreen .help-section { color: $text-accent; text-style: bold; }
    HelpScreen .help-section.-later { margin-top: 1; }
    HelpScreen .help-row { height: auto; }
    HelpScreen .help-key { width: 30; padding-left: 2; text-style: bold; }
    HelpScreen .help-what { width: 1fr; }
    """
    BINDINGS = bindings(HELP_SCREEN)

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys"
            for i, section in enumerate(HELP_PAGE):
                yield Static(section.title, markup=False,
                             classes="help-section -later" if i else "help-section")
                for row in section.rows:
                    with Horizontal(classes="help-row"):
                        yield Static(row.label, markup=False, classes="help-key")
                        yield Static(row.what, markup=False, classes="help-what")
