"""CSV cells a spreadsheet will not run as formulas, and read back as they were written.

A spreadsheet opening a CSV file treats a cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return before one) as a formula, so a title such as ``=HYPERLINK(...)`` typed by
anyone who may book a session would run on the machine of whoever opens the export (OWASP,
"CSV Injection"). Every CSV the tool writes passes its text through :func:`defuse`, which puts
one single quote before such a cell: spreadsheets show the text and run nothing.

Our own imports pass every cell through :func:`restore`, which takes that quote away again, so
``export csv`` -> ``import csv`` keeps titles like ``-1 test`` or ``=sum`` as they are. The two
are exact inverses: a value that itself begins with quotes before a trigger (``'=x``) gets one
more on export and loses exactly that one on import; a quote before anything else is left alone
both ways.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _armed(text: str) -> bool:
    """Whether ``text``, past any leading quotes, begins with a formula trigger."""
    return text.lstrip(QUOTE).startswith(TRIGGERS)


def defuse(value: str) -> str:
    """``value`` as a cell no spreadsheet runs: a quote before it when it would be a formula
    (or would read back as one after :func:`restore`)."""
    return QUOTE + value if _armed(value) else value


def restore(cell: str) -> str:
    """The value :func:`defuse` was given for ``cell`` (any other cell as it is)."""
    return cell[1:] if cell.startswith(QUOTE) and _armed(cell[1:]) else cell


class Writer:
    """:func:`csv.writer` whose text cells are defused; numbers and other values are written
    as they are (a negative number is no formula)."""

    def __init__(self, sink: IO[str]) -> None:
        self._out = csv.writer(sink, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._out.writerow([defuse(c) if isinstance(c, str) else c for c in row])
