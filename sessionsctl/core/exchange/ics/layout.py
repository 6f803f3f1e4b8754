"""A file as text: whether it is whole, its components one by one, and the line of each."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..problems import Problem
from .events import Events

_BATCH = 1000  # events parsed together: their new lines handed to icalendar at once

_MARK = re.compile(rb"^(?:\xef\xbb\xbf)?(BEGIN|END):([A-Za-z0-9-]+)[ \t]*\r?$",
                   re.MULTILINE | re.IGNORECASE)


Mark = tuple[str, str, int, int, int]


def _found(text: bytes) -> Iterator[re.Match[bytes]]:
    """``_MARK.finditer(text)``, without the regular expression trying every line: a mark's
    line holds ``BEGIN:`` or ``END:`` in any case, which plain searches of the upper-cased
    text find; the expression is tried at the start of each such line only."""
    upper = text.upper()
    found: list[int] = []
    for word in (b"BEGIN:", b"END:"):
        at = upper.find(word)
        while at >= 0:
            found.append(at - 3 if at >= 3 and upper[at - 3:at] == b"\xef\xbb\xbf" else at)
            at = upper.find(word, at + 1)
    found.sort()
    match = _MARK.match
    for at in found:
        mark = match(text, at)
        if mark is not None:
            yield mark


def _marks(text: bytes) -> Iterator[Mark]:
    """Every BEGIN/END line: (BEGIN or END, component, line number, start, end offset)."""
    line, pos = 1, 0
    for mark in _found(text):
        line += text.count(b"\n", pos, mark.start())
        pos = mark.start()
        yield (mark.group(1).decode().upper(), mark.group(2).decode().upper(), line,
               mark.start(), mark.end())


def marks(text: bytes) -> list[Mark]:
    """Every BEGIN/END line of ``text``, found once for the several passes a reading makes
    (whether the file is whole, its VTIMEZONEs, its VEVENTs)."""
    return list(_marks(text))


def blocks(text: bytes, only: str | None = None,
           found: Iterable[Mark] | None = None) -> Iterator[tuple[str, int, str]]:
    """The components of each VCALENDAR (a VEVENT with its VALARMs is one), as (name, line
    of its BEGIN, its text); with ``only``, just those of that name. The file is known to be
    balanced; ``found`` are its :func:`marks`, if they were found already."""
    depth, start, begin, name = 0, 0, 0, ""
    for kind, comp, line, at, end in _marks(text) if found is None else found:
        if kind == "BEGIN":
            depth += 1
            if depth == 2:
                start, begin, name = at, line, comp
        else:
            if depth == 2 and only in (None, name):
                yield name, begin, text[start:end].decode("utf-8-sig")
            depth -= 1


def calendar_property(text: bytes, name: str) -> str | None:
    """The value of a property of the VCALENDAR itself (``X-WR-TIMEZONE``), as given before
    its first component; None if it has none there."""
    marks = _MARK.finditer(text)  # the first two only: not all of them, as _marks finds
    next(marks, None)  # BEGIN:VCALENDAR
    first = next(marks, None)
    wanted = name.upper().encode()
    for raw in text[:first.start() if first else len(text)].splitlines():
        key, sep, value = raw.partition(b":")
        if sep and key.split(b";", 1)[0].strip().upper() == wanted:
            return value.strip().decode("utf-8", errors="replace") or None
    return None


def parsed(text: bytes, with_lines: bool = False,
           found: Iterable[Mark] | None = None) -> Iterator[Any]:
    """Each VEVENT parsed on its own (the exception when icalendar cannot read it), each
    distinct line of the file parsed once (see :mod:`.events`), a batch of events at a time."""
    events = Events()
    batch: list[tuple[int, str]] = []

    def done() -> Iterator[Any]:
        made = events.parse_many([block for _line, block in batch])
        for (line, _block), event in zip(batch, made, strict=True):
            yield (line, event) if with_lines else event
        batch.clear()

    for _kind, line, block in blocks(text, "VEVENT", found):
        batch.append((line, block))
        if len(batch) == _BATCH:
            yield from done()
    yield from done()


def _unbalanced(found: Iterable[Mark]) -> Problem | None:
    """A component that a file opens and never closes (BEGIN:VEVENT without END:VEVENT)."""
    stack: list[tuple[str, int]] = []
    for kind, name, line, _start, _end in found:
        if kind == "BEGIN":
            stack.append((name, line))
        elif stack and stack[-1][0] == name:
            stack.pop()
        elif stack:
            opened, at = stack[-1]
            return Problem(at, None, f"BEGIN:{opened} has no END:{opened} "
                                     f"(END:{name} at line {line} comes first)", unit="line")
        else:
            return Problem(line, None, f"END:{name} without BEGIN:{name}", unit="line")
    if stack:
        opened, at = stack[-1]
        return Problem(at, None, f"BEGIN:{opened} has no END:{opened}", unit="line")
    return None


def file_problem(data: bytes, found: Iterable[Mark] | None = None) -> Problem | None:
    """Why ``data`` cannot be read as an iCalendar file (not UTF-8, empty, a NUL byte, no
    BEGIN:VCALENDAR first or END:VCALENDAR last, a component left open); None if it can.
    ``found`` are its :func:`marks`, if they were found already."""
    # The file is checked as a whole but kept as bytes: each component is decoded on its own.
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return Problem(line, None, "is not UTF-8 text", unit="line")
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return Problem(None, None, "is empty", unit="line")
    if b"\x00" in data:  # no database keeps it in text (PostgreSQL refuses it)
        return Problem(data[:data.index(b"\x00")].count(b"\n") + 1, None,
                       "contains a NUL byte (is this a text file?)", unit="line")
    head = data[:4096].lstrip(b" \t\r\n").removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.split(b"\n", 1)[0].strip().upper() != b"BEGIN:VCALENDAR":
        return Problem(1, None, "is not an iCalendar file (it must start with BEGIN:VCALENDAR)",
                       unit="line")
    tail = data[-4096:].rstrip()
    if tail.rsplit(b"\n", 1)[-1].strip().upper() != b"END:VCALENDAR":
        return Problem(data.count(b"\n", 0, len(data.rstrip())) + 1, None,
                       "ends before END:VCALENDAR (a truncated file)", unit="line")
    return _unbalanced(_marks(data) if found is None else found)


class PropertyLines:
    """Where a property of an event is in the file, to point a problem at its own line.

    The file's lines are split on the first question (problems are few; most imports ask
    none)."""

    def __init__(self, text: str | bytes) -> None:
        self._text = text
        self._lines: list[str] | None = None

    def of(self, event_line: int | None, prop: str | None) -> int | None:
        """The line of ``prop`` in the event whose ``BEGIN:VEVENT`` is at ``event_line``
        (its first, outside any nested component), else ``event_line``."""
        if not event_line or not prop:
            return event_line
        if self._lines is None:
            text = self._text
            if isinstance(text, bytes):
                text = text.decode("utf-8-sig", errors="replace")
            self._lines = text.splitlines()
        wanted = prop.upper()
        depth = 0
        for n in range(event_line, len(self._lines)):  # the line after BEGIN:VEVENT on
            line = self._lines[n]
            if line[:1] in (" ", "\t"):
                continue  # a folded continuation
            name = line.split(":", 1)[0].split(";", 1)[0].strip().upper()
            if name == "BEGIN":
                depth += 1
            elif name == "END":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and name == wanted:
                return n + 1
        return event_line
