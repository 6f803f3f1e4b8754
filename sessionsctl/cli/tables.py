"""Tables for people: how each gives way on a terminal narrower than it (wrapping, then hiding
columns by rank), and whole to a pipe or a file; drawn by :mod:`.drawing`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from . import drawing

# How every table gives way on a terminal narrower than it, by column heading; one place for
# all of them. First, text wraps at spaces and long words (emails) fold down to _FOLD_AT. Then
# whole columns are hidden, the lowest rank first (rightmost first among equals). A column
# ranked KEEP says which row it is and is never hidden; nor is the first column of any table.
# Unlisted headings rank 1 (text) or 2 (numbers). A pipe or a file gets every column, whole.
KEEP = 9
_RANK: dict[str, int] = {
    **dict.fromkeys(("ID", "Row", "Line", "Session", "Name", "Email", "Student", "Mentor",
                     "Title", "Recipient", "Course", "Term", "Field", "Value", "Problem",
                     "When", "Time", "Day", "From", "To", "Start", "First", "Week", "Month",
                     "Change"),
                    KEEP),
    # the figures a report is read for
    "Attendance": 4, "Held": 4, "Hours": 4, "Avg rating": 4, "Rating": 4, "Conflicts": 4,
    "Sessions": 3, "Present": 3, "Absent": 3, "Completed": 3, "Completion": 3, "No-shows": 3,
    "Students": 3, "Status": 3, "Kind": 3, "Action": 3, "Role": 3, "Seats": 3,
    # context
    "Late": 2, "Cancelled": 2, "Open": 2, "Subject": 2, "Room": 2, "Rule": 2, "Detail": 2,
    "With": 2, "Text": 2, "Where": 2, "In": 2, "Out": 2,
    # the least needed
    "Excused": 1, "Unmarked": 1, "Due": 1, "Ratings": 1, "Tries": 1, "Zone": 1, "Time zone": 1,
    "Note": 1, "By": 1, "Batches": 1, "Categories": 1, "Type": 1, "Reason": 1,
}
# Short values never wrapped or cut (numbers are found from their cells).
_WHOLE = {"ID", "Row", "Line", "Session", "Time", "When", "Start", "First", "Day", "Week",
          "Month", "Status", "Kind", "Action", "Rating", "In", "Out", "Seats", "Role", "Tries",
          "Zone", "Time zone"}
_FOLD_AT = 12  # the narrowest a long word (an email) folds to before columns are hidden
_NUMBER = re.compile(r"[-+]?\d[\d,.:]*( ?%| h)?|–")


def _value(value: Any) -> str | Text:
    """A cell as a table keeps it: styled text as it is, anything else as its plain text
    (made rich ``Text`` only if it is drawn in a terminal)."""
    return value if isinstance(value, (str, Text)) else "" if value is None else str(value)


def _plain(value: str | Text) -> str:
    return value if isinstance(value, str) else value.plain


def _cells(text: str) -> int:
    """How many terminal cells ``text`` takes (a character each, when it is printable
    ASCII)."""
    return len(text) if text.isascii() and text.isprintable() else cell_len(text)


def _widest_line(text: str) -> int:
    if text.isprintable():  # no line break of any kind
        return _cells(text)
    return max((_cells(line) for line in text.splitlines()), default=0)


def _extent(values: list[str]) -> tuple[int, int]:
    """How wide the widest line of ``values`` is, and their longest word (up to _FOLD_AT),
    in cells."""
    if drawing.one_cell_each("".join(values)):  # one line each, as wide as it is long
        return (max(map(len, values), default=0),
                min(_FOLD_AT, max(map(len, " ".join(values).split()), default=0)))
    return (max(map(_widest_line, values), default=0),
            max((min(_FOLD_AT, _cells(w)) for v in values for w in v.split()), default=0))


def _by_column(rows: Iterable[Sequence[Any]], count: int) -> list[list[str | Text]]:
    """The cells of ``rows`` (``count`` to a row), a column at a time, as a table keeps them
    (see _value)."""
    rows = list(rows)
    columns = list(zip(*rows))
    if len(columns) != count:  # no rows, or rows not of one cell a heading (as ever: a
        # missing cell fails, one too many is left out)
        columns = [tuple(row[i] for row in rows) for i in range(count)]
    return [_kept(column) for column in columns]


def _kept(column: Sequence[Any]) -> list[str | Text]:
    """A column's cells as a table keeps them (see _value)."""
    kinds = set(map(type, column))
    if kinds <= {str, Text}:
        return list(column)
    return list(map(str if kinds == {int} else _value, column))


def _rich(row: Sequence[str | Text]) -> list[Text]:
    return [Text(v) if isinstance(v, str) else v for v in row]


def _frame(columns: int) -> int:
    """The width a table of SIMPLE_HEAD box takes besides its cells: padding and edges."""
    return 3 * columns + 1


@dataclass(frozen=True, slots=True)
class _Column:
    """One column as measured from its heading and cells."""

    heading: str
    widest: int  # unwrapped
    least: int  # the narrowest it wraps or folds to before columns are hidden
    numbers: bool
    blank: bool  # no cell has a value
    rank: int

    @property
    def hard(self) -> int:
        """The narrowest it folds to when only columns ranked KEEP are left."""
        return self.least if self.least == self.widest else min(
            self.widest, max(6, cell_len(self.heading)))


class Listing:
    """A table that fits where it is printed.

    In a terminal it fits the width: text wraps, long words fold, and only when that is not
    enough are the less needed columns hidden (see _RANK), with a note saying which. Anywhere
    else (a pipe, a file) every column is as wide as its widest cell, so each row is one line.
    With no rows it prints ``empty`` instead.
    """

    def __init__(self, title: str | None, columns: Sequence[str],
                 rows: Iterable[Sequence[Any]], empty: str | None = None) -> None:
        self.title = title
        self.columns = tuple(columns)
        # Kept by column: a column's cells are measured and, in a pipe, padded together.
        self._column_cells = _by_column(rows, len(self.columns))
        self._count = len(self._column_cells[0]) if self._column_cells else 0
        self._texts: list[list[str]] | None = None
        self.empty = empty or (f"{title}: none." if title else "Nothing to show.")
        self._group = _Group((self,))

    @property
    def rows(self) -> list[tuple[str | Text, ...]]:
        """The cells, a row at a time."""
        return list(zip(*self._column_cells, strict=True))

    @property
    def peers(self) -> Sequence[Listing]:
        """The tables printed one after another with this one (see :func:`together`)."""
        return self._group.listings

    def texts(self) -> list[list[str]]:
        """The cells' plain text, a column at a time."""
        if self._texts is None:
            self._texts = [column if set(map(type, column)) <= {str} else list(map(_plain, column))
                           for column in self._column_cells]
        return self._texts

    def _measure(self) -> list[_Column]:
        return self._group.measured()

    def _measure_all(self) -> list[_Column]:
        """Every column, measured over the rows of this table and its peers."""
        measured = []
        for i, heading in enumerate(self.columns):
            values = list(filter(str.strip, chain.from_iterable(
                listing.texts()[i] for listing in self.peers)))
            numbers = bool(values) and all(map(_NUMBER.fullmatch, values))
            widest, word = _extent(values)
            widest = max(widest, cell_len(heading))  # a heading stays on one line
            least = widest if numbers or heading in _WHOLE else max(word, cell_len(heading))
            rank = KEEP if i == 0 else _RANK.get(heading, 2 if numbers else 1)
            measured.append(_Column(heading, widest, least, numbers, not values, rank))
        return measured

    def _fit(self, measured: list[_Column], room: int) -> tuple[list[int], list[int]]:
        """Which columns to show in ``room`` cells, and how wide."""
        shown = list(range(len(measured)))
        if sum(c.widest for c in measured) + _frame(len(shown)) > room:
            # Empty columns say nothing: they go before anything wraps.
            shown = [i for i in shown if not measured[i].blank or measured[i].rank == KEEP]
        while True:
            widths = _squeeze([measured[i].widest for i in shown],
                              [measured[i].least for i in shown], room - _frame(len(shown)))
            if widths is not None:
                return shown, widths
            optional = [i for i in shown if measured[i].rank < KEEP]
            if not optional:
                break
            shown.remove(min(optional, key=lambda i: (measured[i].rank, -i)))
        # Only what says which row it is is left: fold it narrower still, whole values aside.
        hard = [measured[i].hard for i in shown]
        return shown, _squeeze([measured[i].widest for i in shown], hard,
                               room - _frame(len(shown))) or hard

    def _layout(self, console: Console,
                options: ConsoleOptions) -> tuple[list[int], list[drawing.Column], str | None]:
        """The columns shown (their indexes, and as drawn) and the caption."""
        measured = self._measure()
        if console.is_terminal:
            shown, widths = self._fit(measured, options.max_width)
        else:  # a pipe or a file: every column whole, however wide
            shown, widths = list(range(len(measured))), [c.widest for c in measured]
        hidden = [c.heading for i, c in enumerate(measured) if i not in shown and not c.blank]
        caption = (f"Hidden to fit the terminal: {', '.join(hidden)}."
                   if hidden and self is self.peers[-1] else None)
        columns = [drawing.Column(measured[i].heading, width, measured[i].numbers,
                                  measured[i].numbers or measured[i].heading in _WHOLE)
                   for i, width in zip(shown, widths, strict=True)]
        return shown, columns, caption

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self._count:
            yield Text(self.empty)
            return
        shown, columns, caption = self._layout(console, options)
        rows = map(_rich, zip(*(self._column_cells[i] for i in shown), strict=True))
        yield from drawing.draw(console, options, self.title, caption, columns, rows)

    def plain(self, console: Console) -> Iterator[str]:
        """What printing the table to ``console`` (no terminal: no styles) writes, as lines."""
        if not self._count:
            yield self.empty + "\n"
            return
        options = console.options
        shown, columns, caption = self._layout(console, options)
        texts = self.texts()
        yield from drawing.plain(console, options, self.title, caption, columns,
                                 [texts[i] for i in shown], _rich)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        measured = self._measure()
        frame = _frame(len(measured))
        return Measurement(sum(c.least for c in measured) + frame,
                           sum(c.widest for c in measured) + frame)


class _Group:
    """Tables printed one after another, a day each: one set of columns down the page,
    measured once for all of them (measuring every day's table over every row made a long
    listing quadratic)."""

    def __init__(self, listings: tuple[Listing, ...]) -> None:
        self.listings = listings
        self._measured: list[_Column] | None = None

    def measured(self) -> list[_Column]:
        if self._measured is None:
            self._measured = self.listings[0]._measure_all()
        return self._measured


def together(listings: Sequence[Listing]) -> None:
    """Print ``listings`` one after another with the same columns and widths."""
    group = _Group(tuple(listings))
    for listing in listings:
        listing._group = group


def _squeeze(widest: list[int], least: list[int], room: int) -> list[int] | None:
    """Widths between ``least`` and ``widest`` adding up to at most ``room``: the room above
    the least is shared in proportion to what each column would still take, so long text
    gives most and short text stays whole. None if even the least do not fit."""
    if sum(widest) <= room:
        return widest
    if sum(least) > room:
        return None
    spare = room - sum(least)
    wants = [w - lo for w, lo in zip(widest, least, strict=True)]
    widths = [lo + spare * want // sum(wants) for lo, want in zip(least, wants, strict=True)]
    for i in sorted(range(len(widths)), key=lambda i: widths[i] - widest[i])[:room - sum(widths)]:
        widths[i] += 1  # what rounding down left, to the columns cut most
    return widths


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]],
          empty: str | None = None) -> Listing:
    """Rows as a table that fits where it is printed (see Listing)."""
    return Listing(title, columns, rows, empty)
