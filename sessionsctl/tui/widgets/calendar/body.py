"""The calendar's drawing area: a drawing's lines rendered as they scroll into view, its first
line (the days' names) kept on screen above them, and clicks mapped back to the day or session
drawn there."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .drawing import Drawing, Hit


class CalendarBody(ScrollView, can_focus=False):
    """The drawn calendar, a line at a time (only the lines on screen are rendered, so a
    week of a busy centre scrolls as fast as a quiet one); clicks map back to what is there.
    The drawing's first ``STICKY`` line (the header) stays on screen as the rest scrolls
    under it."""

    STICKY = 1

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

    def line_at(self, y: int) -> int:
        """The drawing's line shown on the body's line ``y``."""
        return y if y < self.STICKY else y + self.scroll_offset.y

    def keep_in_view(self, y: int, height: int = 1) -> None:
        """Scroll (if need be) so lines ``y`` to ``y + height - 1`` show below the header."""
        # forced: the scrollbar a taller drawing needs is not laid out yet
        self.scroll_to_region(Region(0, y, 1, height), spacing=Spacing(self.STICKY, 0, 0, 0),
                              animate=False, immediate=True, force=True)

    def put_at_top(self, y: int) -> None:
        """Scroll so line ``y`` is the first below the header (as far as the drawing goes)."""
        self.scroll_to(y=max(0, y - self.STICKY), animate=False, immediate=True, force=True)

    def render_line(self, y: int) -> Strip:
        scroll_x = self.scroll_offset.x
        index = self.line_at(y)
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
        y = self.line_at(offset.y)
        if y >= self._drawing.count:
            return
        for hit in self._drawing.line(y)[1]:
            if hit.x0 <= offset.x < hit.x1:
                self.post_message(self.Clicked(hit))
                return
