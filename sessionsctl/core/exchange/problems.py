"""What is wrong with an imported file (each problem with its row or line and column), and the
bounds every import holds values to, CSV and iCalendar alike."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.errors import InvalidInput
from ..domain.policy import EARLIEST, LATEST, YEARS

# What an import accepts, bounded once where files are read, so no value can overflow
# datetime arithmetic or a database integer further on: times in the program's years.
MAX_PARTICIPANTS = 10_000
MAX_SEQUENCE = 2**31 - 1
_WHOLE = re.compile(r"[0-9]{1,12}")


def bounded(instant: datetime, field: str) -> datetime:
    """``instant`` if it is in the program's years, else an InvalidInput naming ``field``."""
    if not EARLIEST <= instant < LATEST:
        raise InvalidInput(f"{instant:%Y-%m-%d %H:%M} UTC is out of range ({YEARS})",
                           field=field)
    return instant


def whole(text: str, field: str, most: int, least: int = 0) -> int:
    """A whole number written in ASCII digits, from ``least`` to ``most``."""
    value = text.strip()
    if not _WHOLE.fullmatch(value):
        raise InvalidInput(f"{text[:40]!r} is not a whole number"
                           + (f" up to {most}" if value.isdigit() else ""), field=field)
    number = int(value)
    if not least <= number <= most:
        raise InvalidInput(f"{number} is out of range ({least} to {most})", field=field)
    return number


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file: where (row or line, column) and what."""

    row: int | None
    column: str | None
    message: str
    unit: str = "row"  # "row" of a CSV file, "line" of an iCalendar file

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"{self.unit} {self.row}")
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message


class BadFile(InvalidInput):
    """An input file that cannot be imported; names the file and every problem found."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        shown = "; ".join(str(p) for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"{source}: {shown}{more}; nothing was written")
        self.source = source
        self.problems = problems

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "file": self.source,
                "problems": [{p.unit: p.row, "column": p.column, "message": p.message}
                             for p in self.problems]}
