"""Reading and normalising times: what people type, zones, and the daylight-saving rule.

Instants are aware UTC datetimes everywhere inside the program (ARCHITECTURE.md, decision 1).
Wall times are turned into instants by one rule, :func:`localize`:

* a wall time that does not exist (the clocks spring forward over it) is moved forward by the
  length of the gap: 01:30 on the morning London springs forward becomes 02:30 BST;
* a wall time that happens twice (the clocks fall back) is taken at its first, earlier
  occurrence: 01:30 on the morning London falls back is 01:30 BST, not 01:30 GMT.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import policy
from .errors import InvalidInput

_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@lru_cache(maxsize=256)
def zone(name: str, field: str = "tz") -> ZoneInfo:
    """The IANA zone called ``name``, or an InvalidInput naming ``field``."""
    try:
        if not name or name != name.strip() or name.startswith(("/", ".")) or len(name) > 255:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name no file can have
        shown = name if len(name) <= 60 else name[:60] + "..."
        raise InvalidInput(f"unknown time zone {shown!r} (use an IANA name such as "
                           "Europe/London)", field=field) from None


def within_years(value: date, field: str, *, shown: str | None = None) -> None:
    """Refuse a day or time outside the program's years (:data:`policy.YEARS`), an aware
    time judged in UTC: an InvalidInput naming ``field`` and the value (``shown``, or the day)."""
    inside = policy.FIRST_YEAR <= value.year <= policy.LAST_YEAR
    if inside and isinstance(value, datetime) and value.tzinfo is not None:
        inside = policy.EARLIEST <= value < policy.LATEST
    if not inside:
        raise InvalidInput(f"{shown or f'{value.year:04d}-{value:%m-%d}'} is out of range "
                           f"({policy.YEARS})", field=field)


@lru_cache(maxsize=1)
def system_zone_name() -> str:
    """The IANA name of this machine's zone, UTC when it cannot be told."""
    import pendulum  # only needed when no zone was configured

    try:
        name = pendulum.local_timezone().name
        ZoneInfo(name)
        return name
    except Exception:  # an odd /etc/localtime must not stop the program
        return "UTC"


def localize(wall: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of the naive wall time ``wall`` in ``tz``, by the module's DST rule."""
    candidate = wall.replace(tzinfo=tz, fold=0)
    instant = candidate.astimezone(UTC)
    # A wall time inside a spring-forward gap does not survive the round trip; fold=0 already
    # read it with the offset from before the gap, which is "moved forward by the gap".
    return instant


def exists(wall: datetime, tz: ZoneInfo) -> bool:
    """Whether the naive wall time ``wall`` happens at all in ``tz``."""
    back = localize(wall, tz).astimezone(tz).replace(tzinfo=None)
    return back == wall


def is_ambiguous(wall: datetime, tz: ZoneInfo) -> bool:
    """Whether the naive wall time ``wall`` happens twice in ``tz`` (clocks falling back)."""
    return wall.replace(tzinfo=tz, fold=0).utcoffset() != wall.replace(tzinfo=tz, fold=1).utcoffset()


def parse_instant(text: str, tz: ZoneInfo, *, field: str = "time",
                  now: datetime | None = None) -> datetime:
    """An instant from ISO 8601 as people type it; without an offset it is read in ``tz``.

    Accepts ``2026-12-01T16:00``, ``2026-12-01 16:00``, either with an offset or ``Z``,
    a date alone (midnight), and ``now``, ``today``, ``tomorrow``, ``yesterday``.
    """
    raw = text.strip()
    lowered = raw.lower()
    if lowered == "now":
        return (now or datetime.now(UTC)).astimezone(UTC)
    if lowered in _RELATIVE_DAYS:
        day = (now or datetime.now(UTC)).astimezone(tz).date() + timedelta(_RELATIVE_DAYS[lowered])
        return localize(datetime.combine(day, time()), tz)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            f"cannot read {text!r} as a time (expected e.g. 2026-12-01 16:00 or 2026-12-01T16:00+01:00)",
            field=field) from None
    within_years(value, field, shown=raw)
    if value.tzinfo is None:
        return localize(value, tz)
    return value.astimezone(UTC)


def parse_day(text: str, tz: ZoneInfo, *, field: str = "date",
              now: datetime | None = None) -> date:
    """A calendar day: ``2026-12-01``, ``today``, ``tomorrow``, ``yesterday``."""
    raw = text.strip().lower()
    if raw in _RELATIVE_DAYS:
        return (now or datetime.now(UTC)).astimezone(tz).date() + timedelta(_RELATIVE_DAYS[raw])
    if _DATE_ONLY.match(raw):
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            pass
        else:
            within_years(day, field)
            return day
    raise InvalidInput(f"cannot read {text!r} as a date (expected e.g. 2026-12-01)", field=field)


def parse_bound(text: str, tz: ZoneInfo, *, field: str, end: bool = False,
                now: datetime | None = None) -> datetime:
    """A range bound: a day means its start (or, for an end bound, the start of the next day)."""
    raw = text.strip().lower()
    if raw in _RELATIVE_DAYS or _DATE_ONLY.match(raw):
        day = parse_day(raw, tz, field=field, now=now)
        if end:
            day += timedelta(days=1)
        return localize(datetime.combine(day, time()), tz)
    return parse_instant(text, tz, field=field, now=now)


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The instant a calendar day starts in ``tz``."""
    return localize(datetime.combine(day, time()), tz)


def iso(instant: datetime | None, tz: ZoneInfo | None = None) -> str | None:
    """ISO 8601 with the UTC offset, in ``tz`` if given (JSON output)."""
    if instant is None:
        return None
    return instant.astimezone(tz or UTC).isoformat()
