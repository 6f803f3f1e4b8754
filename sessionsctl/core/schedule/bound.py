"""The bound every series is held to (:mod:`~sessionsctl.core.domain.policy`: at most
``MAX_OCCURRENCES`` in one booking, a COUNT, UNTIL and RDATEs within ``SERIES_YEARS`` of its
start, inside the program's years), checked before a rule is expanded; and dateutil's
expansion kept to that reach, whatever the rule.

dateutil ends a rule at its UNTIL or COUNT only when it meets an occurrence past them: a rule
that matches nothing (``FREQ=DAILY;BYDAY=MO;BYSETPOS=2``) is searched period by period up to
the year 9999, seconds of work. So a rule is expanded in a copy of its years moved as close to
9999 as the calendar allows (years of the same length that start on the same weekday, so every
occurrence falls on the same day of the copy) and moved back: dateutil's own end of the
calendar is then just past the reach, and a rule that matches nothing stops there.
"""

from __future__ import annotations

from calendar import isleap, monthrange
from collections.abc import Iterable
from datetime import MAXYEAR, date, datetime, time
from functools import lru_cache

from dateutil import rrule as dateutil_rrule

from ..domain import policy
from ..domain.errors import InvalidInput
from ..domain.timeutil import within_years

LAST_WALL = datetime(policy.LAST_YEAR, 12, 31, 23, 59, 59)
SPAN_TEXT = (f"a series reaches at most {policy.SERIES_YEARS} years from its start, and holds "
             f"at most {policy.MAX_OCCURRENCES} occurrences")


def reach(dtstart: datetime, until: datetime | None, rdates: Iterable[datetime],
          field: str = "repeat") -> datetime:
    """The last wall time a series first booked at the wall time ``dtstart`` may reach.

    Its UNTIL and RDATEs (wall times) are refused past it, or more RDATEs than a series holds:
    an InvalidInput on ``field`` naming the limit.
    """
    if not policy.FIRST_YEAR <= dtstart.year <= policy.LAST_YEAR:
        raise InvalidInput(f"{dtstart:%Y-%m-%d} is out of range ({policy.YEARS})", field="start")
    last = min(datetime.combine(_years_after(dtstart, policy.SERIES_YEARS), LAST_WALL.time()),
               LAST_WALL)
    if until is not None and until > last:
        raise InvalidInput(f"UNTIL={until:%Y%m%d} is too far: it must be by {last:%Y-%m-%d} "
                           f"({SPAN_TEXT})", field=field)
    extra = list(rdates)
    at_most(len(extra), "RDATEs", field)
    first = max(datetime.combine(_years_after(dtstart, -policy.SERIES_YEARS), time()),
                datetime(policy.FIRST_YEAR, 1, 1))
    far = [r for r in extra if not first <= r <= last]
    if far:
        raise InvalidInput(f"RDATE {far[0]:%Y-%m-%d} is too far: extra dates must be from "
                           f"{first:%Y-%m-%d} to {last:%Y-%m-%d} ({SPAN_TEXT})", field=field)
    return last


def at_most(count: int, what: str = "occurrences", field: str = "repeat") -> None:
    """Refuse ``count`` occurrences (or RDATEs) in one booking past the bound."""
    if count > policy.MAX_OCCURRENCES:
        raise InvalidInput(f"gives {count} {what}: too many ({SPAN_TEXT}; give a COUNT, an "
                           "earlier UNTIL or fewer dates)", field=field)


def closure(first: date, last: date, fields: tuple[str, str] = ("date", "to")) -> None:
    """Refuse a closure (days ``first`` to ``last``, named by ``fields``) outside the
    program's years or longer than a series may reach."""
    within_years(first, fields[0])
    field = fields[1]
    within_years(last, field)
    most = _years_after(first, policy.SERIES_YEARS)
    if last > most:
        raise InvalidInput(f"{last:%Y-%m-%d} is too far: a closure lasts at most "
                           f"{policy.SERIES_YEARS} years, to {most:%Y-%m-%d}", field=field)


def walls(rule: str, dtstart: datetime, stop: datetime) -> list[datetime]:
    """The wall times of the RRULE value ``rule`` from ``dtstart`` up to ``stop`` (and its own
    UNTIL), found in time that grows with how far ``stop`` is, never with the rule.

    A series is often expanded twice in a row, the same way (to find its first occurrence,
    then to book them): the last few expansions are kept (a copy of one is returned)."""
    return list(_walls(rule, dtstart, stop))


@lru_cache(maxsize=64)
def _walls(rule: str, dtstart: datetime, stop: datetime) -> tuple[datetime, ...]:
    parts = [p.strip() for p in rule.split(";") if p.strip()]
    ends = [p.partition("=")[2] for p in parts if p.upper().startswith("UNTIL=")]
    stop = min(stop, LAST_WALL)
    if ends:
        try:
            stop = min(stop, datetime.strptime(ends[0], "%Y%m%dT%H%M%S"))
        except ValueError:
            raise InvalidInput(f"cannot expand {rule!r}: UNTIL={ends[0]} is not a wall time",
                               field="repeat") from None
    if stop < dtstart:
        return ()
    shift = _shift(dtstart.year, stop.year)
    kept = ";".join(p for p in parts if not p.upper().startswith("UNTIL="))
    try:
        # One RRULE (no forceset) reads as an rrule, not a set.
        made = dateutil_rrule.rrulestr(kept, dtstart=_moved(dtstart, shift))
    except (ValueError, TypeError) as exc:  # a rule built by hand rather than parsed
        raise InvalidInput(f"cannot expand {rule!r}: {exc}", field="repeat") from None
    moved_stop = _moved(stop, shift)
    found = []
    for wall in made:
        if wall > moved_stop:
            break
        found.append(_moved(wall, -shift))
    return tuple(found)


def _years_after(day: date, years: int) -> date:
    """The same day ``years`` later (or earlier); 29 February becomes the 28th."""
    year = min(max(day.year + years, 1), MAXYEAR)
    return date(year, day.month, min(day.day, monthrange(year, day.month)[1]))


def _moved(wall: datetime, years: int) -> datetime:
    return wall.replace(year=wall.year + years)


@lru_cache(maxsize=512)
def _shift(first: int, last: int) -> int:
    """The most years the span ``first``..``last`` (and a year either side) can be moved to
    fall on the same days: each year as long, the first starting on the same weekday."""
    years = range(first - 1, last + 2)
    if first < 2 or last + 2 > MAXYEAR:
        return 0

    def same(shift: int) -> bool:
        return date(first - 1 + shift, 1, 1).weekday() == date(first - 1, 1, 1).weekday() \
            and all(isleap(y + shift) == isleap(y) for y in years)

    # Every 400 years the calendar repeats whole, so one is found within 400 tries.
    return next((s for s in range(MAXYEAR - last - 1, 0, -1) if same(s)), 0)


_PERIODS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}


def check_setpos(freq: str, parts: dict[str, str], positions: list[int], field: str) -> None:
    """Refuse a BYSETPOS that no period of the rule can reach (``FREQ=DAILY;BYSETPOS=2``:
    each day offers one day to pick from), which would match nothing, ever."""
    most = _choices(freq, parts)
    if all(abs(p) > most for p in positions):
        raise InvalidInput(f"BYSETPOS={parts['BYSETPOS']} never matches: each {_PERIODS[freq]} "
                           f"of the rule offers at most {most} day{'s' * (most != 1)} to pick "
                           "from", field=field)


def _choices(freq: str, parts: dict[str, str]) -> int:
    """The most days one period of the rule can offer BYSETPOS (as dateutil expands it: a
    rule with no day part repeats on its start's day)."""
    days = parts["BYDAY"].split(",") if "BYDAY" in parts else []
    numbered = any(not d.isalpha() for d in days)  # all or none (recurrence._byday)
    monthdays = len(parts["BYMONTHDAY"].split(",")) if "BYMONTHDAY" in parts else None
    months = len(parts["BYMONTH"].split(",")) if "BYMONTH" in parts else None
    if freq == "DAILY":
        return 1
    if freq == "WEEKLY":
        return len(days) or 1
    # Numbered weekdays count within the month, or within the year when no BYMONTH narrows it.
    in_year = freq == "YEARLY" and months is None
    limits = []
    if days:
        limits.append(len(days) if numbered else len(days) * (53 if in_year else 5))
    if monthdays:
        limits.append(monthdays * (12 if in_year else 1))
    most = min(limits, default=1)
    return most if freq == "MONTHLY" or in_year else (months or 1) * most
