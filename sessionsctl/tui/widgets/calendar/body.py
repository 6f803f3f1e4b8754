"""The calendar's drawing area: a drawing's lines rendered as they scroll into view, and clicks
mapped back to the day or session drawn there."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .drawing import Drawing, Hit


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
