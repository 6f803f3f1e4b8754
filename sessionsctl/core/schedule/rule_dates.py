"""The dates of a rule's UNTIL, EXDATE and RDATE as people and calendars write them
(``20270331``, ``20270331T160000Z``, with a TZID or not), as wall times in the series' zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from ..domain.errors import InvalidInput
from ..domain.timeutil import localize, within_years, zone

STAMP = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$")


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def until_wall(value: str, tz: ZoneInfo, field: str) -> datetime:
    """UNTIL as a naive local wall time: UTC converted, a day taken to its end."""
    stamp = stamp_of(value)
    if stamp is None:
        raise InvalidInput(f"UNTIL={value} is not a date or date-time (expected e.g. 20270331 "
                           "or 20270331T160000Z)", field=field)
    when, utc = stamp
    within_years(when, field, shown=f"UNTIL={value}")
    if not isinstance(when, datetime):
        return datetime.combine(when, time(23, 59, 59))
    return _wall(when.replace(tzinfo=UTC), tz) if utc else when


def parse_dates(name: str, params: str, value: str, tz: ZoneInfo,
                 field: str) -> list[datetime | date]:
    """The values of an EXDATE or RDATE line as wall times in ``tz`` (or days)."""
    source: ZoneInfo | None = None
    kind = None
    for param in filter(None, params.split(";")):
        key, _, val = param.partition("=")
        key, val = key.strip().upper(), val.strip().strip('"')
        if key == "TZID":
            source = zone(val, field)
        elif key == "VALUE" and val.upper() in ("DATE", "DATE-TIME"):
            kind = val.upper()
        elif key == "VALUE":
            raise InvalidInput(f"{name} values of type {val} are not supported "
                               "(use DATE or DATE-TIME)", field=field)
        else:
            raise InvalidInput(f"unknown {name} parameter {param!r} (expected TZID or VALUE)",
                               field=field)
    found: list[datetime | date] = []
    for item in value.split(","):
        stamp = stamp_of(item.strip())
        if stamp is None or (kind is not None
                             and (kind == "DATE-TIME") != isinstance(stamp[0], datetime)):
            expected = {"DATE": "20261208", "DATE-TIME": "20261208T160000"}.get(
                kind or "", "20261208T160000, 20261208T160000Z or 20261208")
            raise InvalidInput(f"{name}: cannot read {item.strip()!r} (expected e.g. {expected})",
                               field=field)
        when, utc = stamp
        within_years(when, field, shown=f"{name} {item.strip()}")
        if utc and isinstance(when, datetime):
            when = _wall(when.replace(tzinfo=UTC), tz)
        elif isinstance(when, datetime) and source is not None and source.key != tz.key:
            when = _wall(localize(when, source), tz)
        found.append(when)
    return found


def stamp_of(text: str) -> tuple[datetime | date, bool] | None:
    """``YYYYMMDD[THHMMSS[Z]]`` as (a date or naive datetime, whether it is UTC), or None."""
    match = STAMP.match(text.upper())
    if not match:
        return None
    numbers = [int(g) for g in match.groups()[:6] if g is not None]
    try:
        if len(numbers) == 6:
            year, month, day, hour, minute, second = numbers
            return datetime(year, month, day, hour, minute, second), bool(match[7])
        return date(numbers[0], numbers[1], numbers[2]), bool(match[7])
    except ValueError:  # a month 13, a 30 February...
        return None


def ordered(values: set[datetime | date]) -> tuple[datetime | date, ...]:
    """Distinct values in time order, a day before the times on it."""
    return tuple(sorted(values, key=lambda v: (v.date(), 1, v.time()) if isinstance(v, datetime)
                        else (v, 0, time.min)))


# ----------------------------------------------------------------------------- expanding
