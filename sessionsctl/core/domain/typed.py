"""Dates and times as people type them: ``tomorrow 16:00``, ``next tuesday``, ``4pm``,
``mon``, ``in 2 weeks``, ``12 dec 10:30``.

The exact ISO forms never come here (:mod:`.timeutil` reads those itself, exactly and fast);
what is left is read by dateparser, imported only when such a text is typed, so a command
given ISO times does not pay for loading it. A reading says whether the text named a time of
day, so that "tomorrow" is never silently taken as midnight where a time is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

# A time of day alone: 16:00, 9:05, 4pm, 4:30 pm, 16.30 (a bare "16" is not a time).
_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)

EXAMPLES = "e.g. 2026-12-01 16:00, tomorrow 16:00, next tuesday 4pm, 16:30"


@dataclass(frozen=True, slots=True)
class Typed:
    """What a text named: a day, and a time of day when it gave one."""

    day: date
    at: time | None


def clock_time(text: str) -> time | None:
    """The time of day ``text`` is when it is only that (``16:00``, ``4pm``), else None."""
    match = _CLOCK.match(text.strip())
    if match is None or (match.group(2) is None and match.group(3) is None):
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = (match.group(3) or "").lower().replace(".", "")
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def read_typed(text: str, base: datetime) -> Typed | None:
    """``text`` read relative to ``base`` (the wall time now, naive, in the reader's zone);
    None when it names no date. Days without a year or weekday names are taken in the
    future ("mon" is the coming Monday)."""
    at = clock_time(text)
    if at is not None:
        return Typed(base.date(), at)
    from dateparser.date import DateDataParser  # only when such a text is typed

    reader = DateDataParser(languages=["en"], settings={**_SETTINGS, "RELATIVE_BASE": base})
    data = reader.get_date_data(text.strip())
    found: datetime | None = data.date_obj
    if found is None:
        return None
    if data.period == "time":
        return Typed(found.date(), found.time().replace(second=0, microsecond=0))
    return Typed(found.date(), None)


_SETTINGS: dict[str, Any] = {
    "PREFER_DATES_FROM": "future",
    "RETURN_TIME_AS_PERIOD": True,
    "PREFER_DAY_OF_MONTH": "first",
}
