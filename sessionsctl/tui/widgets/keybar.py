"""The key bar at the foot of a screen: the keys that work where the focus is, in one line.

It looks like Textual's Footer, but that builds a widget per key and rebuilds them all (and
their styles) at every change of focus: 40-60 ms each time the list, a filter or the table
takes the focus. This draws the keys as one line of text, redrawn when the bindings change.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import RenderResult
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

KEY = "bold $footer-key-foreground on $footer-key-background"
DESCRIPTION = "$footer-description-foreground on $footer-description-background"


class KeyBar(Widget, can_focus=False):
    """The shown bindings of the focused widget and its ancestors, and the palette's key."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    """
    PALETTE_EDGE: ClassVar[tuple[str, str]] = ("▏", "$foreground 20%")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._hits: list[tuple[int, int, str]] = []  # x0, x1 and the key pressed there

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def render(self) -> RenderResult:
        app = self.app
        active = self.screen.active_bindings
        width = self.size.width
        palette: list[tuple[str, str]] = []
        palette_key = ""
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, _enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = [self.PALETTE_EDGE, (app.get_key_display(binding), KEY),
                       (f" {binding.description} ", DESCRIPTION)]
            palette_key = binding.key
        tail = sum(len(text) for text, _ in palette)
        parts: list[tuple[str, str]] = []
        hits: list[tuple[int, int, str]] = []
        x = 0
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = f" {app.get_key_display(binding)} "
            words = f"{binding.description} "
            if x + len(key) + len(words) > width - tail:
                break  # the keys that do not fit whole are left out, as the palette lists them
            dim = "" if enabled else " dim"
            parts += [(key, KEY + dim), (words, DESCRIPTION + dim)]
            hits.append((x, x + len(key) + len(words), binding.key))
            x += len(key) + len(words)
        if palette and tail <= width:
            parts.append((" " * (width - x - tail), ""))
            hits.append((width - tail, width, palette_key))
            parts += palette
        self._hits = hits
        return Content.assemble(*parts)

    def on_resize(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        for x0, x1, key in self._hits:
            if x0 <= event.x < x1:
                event.stop()
                self.app.simulate_key(key)
                return
