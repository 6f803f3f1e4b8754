"""A table drawn a line at a time: a header that stays put, and only the rows on screen drawn.

Textual's DataTable renders every visible cell through Rich (padding, wrapping, measuring) and
throws its caches away on ``clear()``, so showing a new page of a hundred sessions cost a
few hundred milliseconds. Here a row is a list of (text, style) cells cut to fixed column
widths (each as wide as its content needs, up to a bound, while there is room; one column may
take the width that is left), and a line is a handful of segments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style

from .. import format as fmt
from .. import keys
from ..keys import bindings

Cell = tuple[str, str]  # the text, and a Textual style ("" for the row's own)
# A row holds one cell per column of the table, in the table's column order, whichever
# columns the width shows: a cell is drawn under its own column's header or not at all.
GAP = 1  # blank cells before every column


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int  # cells, without the padding: the least it is given
    flex: bool = False  # takes the width the others leave
    drop: int = 0  # too narrow a table drops its columns, highest first (0: never)
    right: bool = False  # right-aligned (figures)
    most: int = 0  # the widest its content makes it (0: its width, whatever it holds)

    def wants(self, needed: int) -> int:
        """The width content ``needed`` cells wide asks of this column."""
        return max(self.width, min(needed, self.most))


def fit(columns: Sequence[Column], width: int,
        needed: Mapping[str, int] | None = None) -> list[tuple[Column, int]]:
    """The columns shown at ``width`` and how wide each is. Every column gets its least;
    then each fixed column what its content (``needed``, by key) asks, up to its ``most``,
    a cell at a time in turn while there is room; the flexible ones share what is left.
    When even the leasts do not fit, columns go, highest ``drop`` first. A gap comes
    before every column and after the last."""
    width -= GAP
    shown = list(columns)
    while sum(c.width + GAP for c in shown) > width:
        droppable = [c for c in shown if c.drop]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda c: c.drop))
    given = {c.key: c.width for c in shown}
    spare = max(0, width - sum(w + GAP for w in given.values()))
    needed = needed or {}
    wanting = [c for c in shown if not c.flex and c.wants(needed.get(c.key, 0)) > c.width]
    while spare and wanting:
        for column in list(wanting):
            given[column.key] += 1
            spare -= 1
            if given[column.key] >= column.wants(needed.get(column.key, 0)):
                wanting.remove(column)
            if not spare:
                break
    flexible = [c for c in shown if c.flex]
    for i, column in enumerate(flexible):
        share = spare // (len(flexible) - i)
        given[column.key] += share
        spare -= share
    return [(c, given[c.key]) for c in shown]


class RowTable(ScrollView, can_focus=True):
    """Rows under a fixed header, with a row cursor; only the lines on screen are drawn."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"rows--header", "rows--even", "rows--cursor",
                                             "rows--marked"}
    DEFAULT_CSS = """
    RowTable {
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        &:focus {
            background-tint: $foreground 5%;
            & > .rows--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .rows--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .rows--even {
            background: $surface-lighten-1 50%;
        }
        &:dark > .rows--even {
            background: $surface-darken-1 40%;
        }
        & > .rows--marked {
            background: $accent 25%;
            text-style: bold;
        }
        & > .rows--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.ROW_TABLE)

    class _TableMessage(Message):
        table: RowTable

        @property
        def control(self) -> RowTable:
            return self.table

    class Highlighted(_TableMessage):
        """The cursor moved to ``row`` (of ``count``)."""

        def __init__(self, table: RowTable, row: int, key: str) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.key = key
            self.count = table.row_count

    class Selected(_TableMessage):
        """Enter, or a click on the row the cursor is on."""

        def __init__(self, table: RowTable, row: int, key: str) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.key = key

    class HeaderClicked(_TableMessage):
        def __init__(self, table: RowTable, column: str) -> None:
            super().__init__()
            self.table = table
            self.column = column

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self._position = {c.key: i for i, c in enumerate(self.columns)}  # a column's cell
        self.keys: list[str] = []
        self.cells: list[Sequence[Cell]] = []
        self.cursor_row = 0
        self.marked: set[str] = set()  # the keys of the rows marked (for a bulk action)
        self.sort: tuple[str, bool] | None = None  # the column sorted by, and reversed
        self._strips: dict[int, Strip] = {}  # drawn rows by index (-1: the header)
        self._styles: dict[tuple[str, str], RichStyle] = {}
        self._fitted: tuple[int, list[tuple[Column, int]]] = (-1, [])
        self._needed: dict[str, int] = {}  # the widest cell of each column (header included)

    # ------------------------------------------------------------------ contents
    @property
    def row_count(self) -> int:
        return len(self.keys)

    def replace(self, keys: Sequence[str], cells: Sequence[Sequence[Cell]]) -> None:
        """Show these rows instead; the cursor stays on its row's key if it is still there."""
        current = self.keys[self.cursor_row] if self.cursor_row < len(self.keys) else None
        self.keys, self.cells = list(keys), self._checked(cells)
        self.marked &= set(self.keys)  # a mark stays only on a row still shown
        self._needed = {}
        self._measure(self.cells)
        row = self.keys.index(current) if current in self.keys else 0
        self._changed()
        self.move_cursor(row, quiet=True)
        if row == 0:
            self.scroll_to(y=0, animate=False, immediate=True)

    def extend(self, keys: Sequence[str], cells: Sequence[Sequence[Cell]]) -> None:
        self.keys.extend(keys)
        added = self._checked(cells)
        self.cells.extend(added)
        self._measure(added)
        self._changed()

    def _checked(self, rows: Sequence[Sequence[Cell]]) -> list[Sequence[Cell]]:
        """``rows`` as they are, each with one cell per column (a short row is a bug that
        would put cells under the wrong headers)."""
        for cells in rows:
            if len(cells) != len(self.columns):
                raise ValueError(f"a row of {len(cells)} cells in a table of "
                                 f"{len(self.columns)} columns")
        return list(rows)

    def _measure(self, rows: Sequence[Sequence[Cell]]) -> None:
        """What each column's content needs, the header's label (and its arrow) included;
        the widths are fitted again when that changes."""
        needed = dict(self._needed) or {c.key: len(c.label) + 2 for c in self.columns}
        for cells in rows:
            for column, (text, _) in zip(self.columns, cells, strict=True):
                if len(text) > needed[column.key]:
                    needed[column.key] = len(text)
        if needed != self._needed:
            self._needed = needed
            self._fitted = (-1, [])

    def sorted_by(self, column: str, reverse: bool) -> None:
        self.sort = (column, reverse)
        self._strips.pop(-1, None)
        self.refresh(self._line_region(0))

    def row_text(self, row: int) -> list[str]:
        """The texts of a row, by column (for tests and screen readers)."""
        return [text for text, _ in self.cells[row]]

    def _changed(self) -> None:
        self._strips.clear()
        # Only the height is virtual (the columns fit the width), so a resize lays out nothing.
        self.virtual_size = Size(0, len(self.keys) + 1)
        self.refresh()

    # ------------------------------------------------------------------ marks
    def toggle_mark(self) -> None:
        """Mark the cursor's row, or unmark it, and step down (so marking runs on)."""
        if not self.keys:
            return
        key = self.keys[self.cursor_row]
        self.marked ^= {key}
        self._strips.pop(self.cursor_row, None)
        self.refresh()
        self.move_cursor(self.cursor_row + 1)

    def mark_all(self) -> None:
        """Mark every row shown; when they all are, unmark them."""
        everything = set(self.keys)
        self.marked = set() if everything and everything <= self.marked else everything
        self._changed()

    def clear_marks(self) -> None:
        if self.marked:
            self.marked = set()
            self._changed()

    @property
    def marked_keys(self) -> list[str]:
        """The marked rows' keys in the order shown."""
        return [k for k in self.keys if k in self.marked]

    # ------------------------------------------------------------------ cursor
    def move_cursor(self, row: int, *, quiet: bool = False) -> None:
        if not self.keys:
            self.cursor_row = 0
            return
        row = max(0, min(row, len(self.keys) - 1))
        old, self.cursor_row = self.cursor_row, row
        for index in (old, row):
            self._strips.pop(index, None)
            self.refresh(self._line_region(index + 1 - round(self.scroll_y)))
        self._scroll_to_cursor()
        if not quiet:
            self.post_message(self.Highlighted(self, row, self.keys[row]))

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self) -> None:
        top, height = round(self.scroll_y), self._body_height()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False, immediate=True)

    def _line_region(self, y: int) -> Region:
        return Region(0, y, self.scrollable_content_region.width, 1)

    def action_move(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step * self._body_height())

    def action_move_to(self, row: int) -> None:
        self.move_cursor(row if row >= 0 else len(self.keys) - 1)

    def action_select(self) -> None:
        if self.keys:
            self.post_message(self.Selected(self, self.cursor_row, self.keys[self.cursor_row]))

    # ------------------------------------------------------------------ drawing
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def on_resize(self) -> None:
        self._strips.clear()

    def fitted(self, width: int | None = None) -> list[tuple[Column, int]]:
        """The columns shown and their widths at ``width`` (the table's own by default)."""
        if width is None:
            width = self.scrollable_content_region.width
        if self._fitted[0] != width:
            self._fitted = (width, fit(self.columns, width, self._needed))
        return self._fitted[1]

    def _style(self, kind: str, style: str) -> RichStyle:
        """The Rich style of a cell of ``style`` on a row of ``kind`` (header, even, odd,
        cursor); on the cursor the cursor's colour wins, so no status colour vanishes in it."""
        cached = self._styles.get((kind, style))
        if cached is None:
            base = (self.visual_style if kind == "odd"
                    else self.get_visual_style(f"rows--{kind}"))
            combined = base + self._get_style(style) if style else base
            if kind == "cursor":
                combined += Style(foreground=base.foreground)
            cached = self._styles[kind, style] = combined.rich_style
        return cached

    def _draw(self, kind: str, cells: Sequence[Cell], width: int) -> Strip:
        segments: list[Segment] = []
        blank = self._style(kind, "")
        used = 0
        for column, cells_wide in self.fitted(width):
            text, style = cells[self._position[column.key]]
            text = fmt.clip(text, cells_wide)
            # The padding in the row's own style: a struck-through status strikes its word only.
            pad = " " * (cells_wide - len(text))
            segments.append(Segment(" " * GAP + pad if column.right else " " * GAP, blank))
            segments.append(Segment(text, self._style(kind, style) if style else blank))
            if pad and not column.right:
                segments.append(Segment(pad, blank))
            used += cells_wide + GAP
        if used < width:
            segments.append(Segment(" " * (width - used), blank))
        return Strip(segments, width)

    def _header(self, width: int) -> Strip:
        cells: list[Cell] = []
        for column in self.columns:
            arrow = ""
            if self.sort is not None and self.sort[0] == column.key:
                arrow = " ▼" if self.sort[1] else " ▲"
            cells.append((column.label + arrow, ""))
        return self._draw("header", cells, width)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = -1 if y == 0 else y - 1 + round(self.scroll_y)
        if index >= len(self.keys):
            return Strip.blank(width, self.visual_style.rich_style)
        strip = self._strips.get(index)
        if strip is None or strip.cell_length != width:
            if index < 0:
                strip = self._header(width)
            else:
                marked = self.keys[index] in self.marked
                kind = ("cursor" if index == self.cursor_row else "marked" if marked
                        else "even" if index % 2 else "odd")
                cells = self.cells[index]
                if marked:  # a tick before the first cell: seen without colour too
                    cells = [(f"✓ {cells[0][0]}", cells[0][1]), *cells[1:]]
                strip = self._draw(kind, cells, width)
            self._strips[index] = strip
        return strip

    # ------------------------------------------------------------------ mouse
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        event.stop()
        if offset.y == 0:
            x = 0
            for column, cells_wide in self.fitted(self.scrollable_content_region.width):
                x += cells_wide + GAP
                if offset.x < x:
                    self.post_message(self.HeaderClicked(self, column.key))
                    return
            return
        row = offset.y - 1 + round(self.scroll_y)
        if row >= len(self.keys):
            return
        if row == self.cursor_row:
            self.action_select()
        else:
            self.move_cursor(row)
