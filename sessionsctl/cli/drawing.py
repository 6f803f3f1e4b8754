"""A table drawn row by row in column widths fixed beforehand: what rich's ``Table`` prints
for our listings (the SIMPLE_HEAD box, one space of padding each side of a cell), without its
cost per cell. A cell that fits its column on one line (every cell of a piped listing, most
in a terminal) is written straight as segments; one that wraps or folds is laid out by rich
itself, as its ``Table`` does. A listing of 50,000 sessions prints in linear time.

Where no style is shown (a pipe, a file), :func:`plain` spells the same table as lines of
text, each row joined straight from its cells' text: no segment per cell, and nothing for
rich to lay out but the titles."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

_LINE = Segment.line()
_PAD = Segment(" ")


@dataclass(frozen=True, slots=True)
class Column:
    """A column as it is drawn: its heading and the width of its text (padding aside)."""

    heading: str
    width: int
    right: bool  # justified right (numbers)
    no_wrap: bool


Line = list[Segment]


def draw(console: Console, options: ConsoleOptions, title: str | None, caption: str | None,
         columns: Sequence[Column], rows: Iterable[Sequence[Text]]) -> Iterator[Segment]:
    """The segments of a table of ``rows`` in ``columns``, with its title and caption."""
    widths = [c.width + 2 for c in columns]
    frame = box.SIMPLE_HEAD.substitute(options, safe=console.safe_box)
    outer = options.update(width=sum(widths) + len(widths) + 1, highlight=False, height=None)
    cells = [outer.update(width=w, justify="right" if c.right else "left", no_wrap=c.no_wrap,
                          overflow="fold") for c, w in zip(columns, widths, strict=True)]
    null = Style.null()
    if title:
        yield from console.render(console.render_str(title, style="bold", highlight=False),
                                  outer.update(justify="left"))
    yield Segment(frame.get_top(widths))
    yield _LINE
    header = console.get_style("table.header")
    head = [_wrapped(console, console.render_str(c.heading, highlight=False), o, header)
            for c, o in zip(columns, cells, strict=True)]
    yield from _lines(head, widths, (frame.head_left, frame.head_vertical, frame.head_right),
                      header=True)
    yield Segment(frame.get_row(widths, "head", edge=True))
    yield _LINE
    body = iter(rows)
    row = next(body, None)
    while row is not None:
        following = next(body, None)
        edges = ((frame.foot_left, frame.foot_vertical, frame.foot_right) if following is None
                 else (frame.mid_left, frame.mid_vertical, frame.mid_right))
        laid = [_cell(console, text, column, o, null)
                for text, column, o in zip(row, columns, cells, strict=True)]
        yield from _lines(laid, widths, edges, header=False)
        row = following
    yield Segment(frame.get_bottom(widths))
    yield _LINE
    if caption:
        yield from console.render(console.render_str(caption, style="dim", highlight=False),
                                  outer.update(justify="left"))


def plain(console: Console, options: ConsoleOptions, title: str | None, caption: str | None,
          columns: Sequence[Column], cells: Sequence[Sequence[str]],
          styled: Callable[[Sequence[str]], Sequence[Text]]) -> Iterator[str]:
    """The text of :func:`draw`'s table, a line at a time (each ending in a line break), for
    a console that shows no styles; ``cells`` are the cells' plain text, a column at a time.
    A row with a cell that wraps or folds, or holds a break, tab or control code, is laid out
    by :func:`draw`'s own code, from what ``styled`` makes of its cells."""
    widths = [c.width + 2 for c in columns]
    frame = box.SIMPLE_HEAD.substitute(options, safe=console.safe_box)
    outer = options.update(width=sum(widths) + len(widths) + 1, highlight=False, height=None)
    if title:
        yield _words(console, title, "bold", outer)
    yield frame.get_top(widths) + "\n"
    yield (frame.head_left
           + frame.head_vertical.join(_padded(c.heading, c) for c in columns)
           + frame.head_right + "\n")
    yield frame.get_row(widths, "head", edge=True) + "\n"
    odd: set[int] = set()  # the rows laid out by rich
    filled = [_filled(texts, column, odd) for texts, column in zip(cells, columns, strict=True)]
    mid = (frame.mid_left, frame.mid_vertical, frame.mid_right)
    foot = (frame.foot_left, frame.foot_vertical, frame.foot_right)
    last = len(cells[0]) - 1 if cells else -1
    spaced = {edges: (f"{edges[0]} ", f" {edges[1]} ", f" {edges[2]}\n") for edges in (mid, foot)}
    for n, row in enumerate(zip(*filled, strict=True)):
        edges = foot if n == last else mid
        if n in odd:
            yield _spelt(_lines(_laid(console, styled([texts[n] for texts in cells]), columns,
                                      outer, widths), widths, edges, header=False))
        else:  # each cell padded, with a space either side
            left, divider, right = spaced[edges]
            yield left + divider.join(row) + right
    yield frame.get_bottom(widths) + "\n"
    if caption:
        yield _words(console, caption, "dim", outer)


def _laid(console: Console, row: Sequence[Text], columns: Sequence[Column],
          outer: ConsoleOptions, widths: list[int]) -> list[list[Line]]:
    cells = [outer.update(width=w, justify="right" if c.right else "left", no_wrap=c.no_wrap,
                          overflow="fold") for c, w in zip(columns, widths, strict=True)]
    null = Style.null()
    return [_cell(console, text, column, o, null)
            for text, column, o in zip(row, columns, cells, strict=True)]


# Rich measures a text with a zero-width joiner or an emoji variation selector as a whole;
# any other text as the sum of its characters' widths.
_JOINERS = frozenset("\u200d\ufe0f")


def one_cell_each(text: str) -> bool:
    """Whether each character of ``text`` takes one terminal cell, and none is a break, tab
    or control code: then ``text`` and every line of it are as wide as they are long."""
    if text.isascii():
        return text.isprintable()
    chars = set(text)
    return (text.isprintable() and chars.isdisjoint(_JOINERS)
            and all(cell_len(c) == 1 for c in chars))


def _filled(texts: Sequence[str], column: Column, odd: set[int]) -> list[str]:
    """A column's cells each padded to its width; a cell that does not fit so (too wide, or
    holding a break, tab or control code) puts its row in ``odd``."""
    width = column.width
    if one_cell_each("".join(texts)) and max(map(len, texts), default=0) <= width:
        return list(map(str.rjust if column.right else str.ljust, texts, repeat(width)))
    filled = []
    for n, text in enumerate(texts):
        if _fits(text, column):
            filled.append(_fill(text, column))
        else:
            odd.add(n)
            filled.append("")
    return filled


def _words(console: Console, text: str, style: str, options: ConsoleOptions) -> str:
    """A title or caption as a console with no terminal prints it: its markup read, and not
    wrapped (as nothing is in a pipe or a file)."""
    return console.render_str(text, style=style, highlight=False).plain + "\n"


def _fits(text: str, column: Column) -> bool:
    width = len(text) if text.isascii() else cell_len(text)
    return width <= column.width and text.isprintable()


def _fill(text: str, column: Column) -> str:
    """A cell that fits its column: its text padded to the column's width."""
    spare = " " * (column.width - (len(text) if text.isascii() else cell_len(text)))
    return spare + text if column.right else text + spare


def _padded(text: str, column: Column) -> str:
    """A cell that fits its column: its text padded to the column's width, and one space
    each side."""
    return f" {_fill(text, column)} "


def _spelt(segments: Iterable[Segment]) -> str:
    return "".join(s.text for s in segments if not s.control)


def _cell(console: Console, text: Text, column: Column, options: ConsoleOptions,
          style: Style) -> list[Line]:
    plain = text.plain
    spare = column.width - cell_len(plain)
    if spare < 0 or not plain.isprintable():  # to wrap, or a break, tab or control code
        return _wrapped(console, text, options, style)
    segments = list(text.render(console))
    if not text.style:
        fill = [Segment(" " * spare)] if spare else []
        return [[_PAD, *fill, *segments, _PAD] if column.right else [_PAD, *segments, *fill, _PAD]]
    # Rich lays a text's own style under its spans and its padding, one segment where the
    # padding meets text of that style alone.
    base = console.get_style(text.style)
    segments = [Segment(s.text, base + s.style if s.style else base) for s in segments]
    if spare:
        at = 0 if column.right else -1
        if segments and segments[at].style == base:
            pad = " " * spare
            edge = segments[at].text
            segments[at] = Segment(pad + edge if column.right else edge + pad, base)
        else:
            segments.insert(0 if column.right else len(segments), Segment(" " * spare, base))
    return [[_PAD, *segments, _PAD]]


def _wrapped(console: Console, text: Text, options: ConsoleOptions, style: Style) -> list[Line]:
    """A cell laid out by rich, as its ``Table`` lays out every cell (in a ``Padding``, here
    added by hand: its lines are already as wide as the column)."""
    inner = options.update_width(options.max_width - 2)
    pad = Segment(" ", style) if style else _PAD
    return [[pad, *line, pad] for line in console.render_lines(text, inner, style=style)]


def _lines(cells: list[list[Line]], widths: list[int], edges: tuple[str, str, str], *,
           header: bool) -> Iterator[Segment]:
    height = max(len(c) for c in cells)
    if height > 1:
        align = Segment.align_bottom if header else Segment.align_top
        cells = [Segment.set_shape(align(c, w, height, Style.null()), w, height)
                 for c, w in zip(cells, widths, strict=True)]
    left, divider, right = (Segment(e) for e in edges)
    for n in range(height):
        yield left
        for i, c in enumerate(cells):
            if i:
                yield divider
            yield from c[n]
        yield right
        yield _LINE
